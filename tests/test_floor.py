"""The benchmark floor answers only when PLATEN_BENCH_FLOOR is on, and then stores the raw body."""

import dataclasses

import pytest
from django.conf import settings
from django.test import override_settings

from platen.diagnostics.models import FloorSample

pytestmark = pytest.mark.django_db


def test_floor_is_off_by_default(anonymous_api):
    assert anonymous_api.post("/v4/_floor", {"a": 1}).status_code == 404
    assert not FloorSample.objects.exists()


def test_floor_stores_the_raw_body_when_on(anonymous_api):
    with override_settings(PLATEN=dataclasses.replace(settings.PLATEN, bench_floor=True)):
        response = anonymous_api.post("/v4/_floor", {"a": 1})
    assert response.status_code == 201
    assert FloorSample.objects.get().raw_body == '{"a": 1}'
