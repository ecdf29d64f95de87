"""GET /v4/jobs and POST /v4/jobs/{id}:retry: operators' dashboard session only; the API's error shape."""

import pytest
from django.test import Client

from platen.accounts import services as accounts
from tests.jobs import sample_jobs
from tests.jobs.conftest import enqueue_committed, job

pytestmark = pytest.mark.django_db


def test_operator_lists_dead_jobs_with_their_last_error(operator_session, dead_job, tmp_path):
    enqueue_committed(sample_jobs.record, str(tmp_path / "x"))
    body = operator_session.get("/v4/jobs?status=dead").json()
    assert body["counts"] == {"ready": 1, "running": 0, "dead": 1}
    [listed] = body["jobs"]
    assert listed["id"] == str(dead_job.pk) and listed["task"] == "always_fails"
    assert listed["taskPath"] == "tests.jobs.sample_jobs.always_fails" and listed["queue"] == "default"
    assert (listed["status"], listed["args"], listed["attempts"], listed["maxAttempts"]) == ("dead", ["the carrier API timed out"], 3, 3)
    assert listed["lastError"]["type"] == "tests.jobs.sample_jobs.Boom"
    assert listed["lastError"]["message"] == "the carrier API timed out" and "Traceback" in listed["lastError"]["traceback"]
    assert listed["enqueuedAt"] and listed["lastAttemptAt"] and listed["finishedAt"]

    ready = operator_session.get("/v4/jobs?status=ready").json()["jobs"]
    assert [j["task"] for j in ready] == ["record"] and ready[0]["lastError"] is None
    assert operator_session.get(f"/v4/jobs/{dead_job.pk}").json()["status"] == "dead"
    assert operator_session.get("/v4/jobs?status=succeeded").status_code == 400


def test_operator_retries_a_dead_job(operator_session, dead_job):
    response = operator_session.post(f"/v4/jobs/{dead_job.pk}:retry")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"]) == ("ready", 0)
    again = operator_session.post(f"/v4/jobs/{dead_job.pk}:retry")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    missing = operator_session.post("/v4/jobs/00000000-0000-0000-0000-000000000000:retry")
    assert missing.status_code == 404 and missing.json() == {"code": "not_found", "message": "No such job.", "details": []}


def test_retry_needs_the_csrf_token(dead_job):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(accounts.create_user(None, "ops2@platen.test", "correct horse battery staple", operator=True))
    response = browser.post(f"/v4/jobs/{dead_job.pk}:retry")
    assert response.status_code == 403 and set(response.json()) == {"code", "message", "details"}
    assert job(dead_job.pk).status_name == "dead"


def test_merchants_and_keys_do_not_reach_jobs(api, merchant_session, dead_job):
    assert merchant_session.get("/v4/jobs").status_code == 404
    assert merchant_session.post(f"/v4/jobs/{dead_job.pk}:retry").status_code == 404
    by_key = api.get("/v4/jobs")  # an API key is not a dashboard session
    assert by_key.status_code == 401 and by_key.json()["code"] == "unauthorized"
    assert Client().get("/v4/jobs").json()["message"].startswith("Log in to the dashboard as an operator")
    assert job(dead_job.pk).status_name == "dead"
