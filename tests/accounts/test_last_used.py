"""ApiKey.last_used_at: written when a key is used, at most once a minute per key (not on every request)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from platen.accounts import services
from platen.accounts.models import ApiKey

pytestmark = pytest.mark.django_db


def writes_to_keys(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "accounts_apikey" in q["sql"]]


def test_last_used_is_written_once_a_minute_not_per_request(account):
    issued = services.issue_api_key(account)
    client = Client(headers={"X-API-KEY": issued.secret})
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at is None

    with CaptureQueriesContext(connection) as first:
        assert client.get("/v4/account").status_code == 200
    used = ApiKey.objects.get(pk=issued.api_key.pk).last_used_at
    assert used is not None and timezone.now() - used < timedelta(seconds=30) and len(writes_to_keys(first)) == 1

    with CaptureQueriesContext(connection) as later:
        for _ in range(5):
            assert client.get("/v4/account").status_code == 200
    assert writes_to_keys(later) == [] and ApiKey.objects.get(pk=issued.api_key.pk).last_used_at == used

    # A minute later (the fake clock: the stored and cached times moved back), the next request writes it again.
    earlier = used - timedelta(minutes=2)
    ApiKey.objects.filter(pk=issued.api_key.pk).update(last_used_at=earlier)
    services.forget_cached_keys()
    assert client.get("/v4/account").status_code == 200
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at > used


def test_the_update_is_conditional_when_another_process_wrote_it_already(account):
    issued = services.issue_api_key(account)
    stale = services.authenticate_key(issued.secret)  # as cached in this process: never used
    just_now = timezone.now() - timedelta(seconds=5)
    ApiKey.objects.filter(pk=stale.pk).update(last_used_at=just_now)  # another web process, seconds ago
    services.note_key_used(stale)
    assert ApiKey.objects.get(pk=stale.pk).last_used_at == just_now
