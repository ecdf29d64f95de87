"""The Jobs page: operators only, dead jobs with their error, a Retry button that works."""

import pytest

from tests.jobs.conftest import job

pytestmark = pytest.mark.django_db


def test_operator_sees_dead_jobs_and_counts(operator_session, dead_job):
    html = operator_session.get("/jobs/").content.decode()
    assert 'href="/jobs/" class="is-active" aria-current="page">Jobs' in html
    assert "always_fails" in html and "the carrier API timed out" in html and "3 / 3" in html
    assert 'data-status="dead"' in html and "Traceback" in html
    assert f'action="/jobs/{dead_job.pk}/retry/"' in html and "csrfmiddlewaretoken" in html
    assert "No worker is running" in html


def test_retry_button_queues_the_job_again(operator_session, dead_job):
    response = operator_session.post(f"/jobs/{dead_job.pk}/retry/", follow=True)
    assert response.redirect_chain[-1][0] == "/jobs/"
    assert "was queued again" in response.content.decode()
    assert job(dead_job.pk).status_name == "ready"
    again = operator_session.post(f"/jobs/{dead_job.pk}/retry/", follow=True)
    assert "Only dead jobs can be retried" in again.content.decode()
    ready = operator_session.get("/jobs/?status=ready").content.decode()
    assert "always_fails" in ready and "Error before this attempt" in ready


def test_job_page_shows_the_traceback_and_retries(operator_session, dead_job):
    html = operator_session.get(f"/jobs/{dead_job.pk}/").content.decode()
    assert 'aria-current="page">Jobs' in html and 'data-status="dead"' in html
    assert "tests.jobs.sample_jobs.Boom" in html and "raise Boom(message)" in html
    assert "the carrier API timed out" in html and "3 / 3" in html
    response = operator_session.post(f"/jobs/{dead_job.pk}/retry/", {"back": "job"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/jobs/{dead_job.pk}/"
    assert 'data-status="ready"' in response.content.decode()
    assert operator_session.get("/jobs/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_merchants_do_not_see_jobs(merchant_session, dead_job):
    assert ">Jobs<" not in merchant_session.get("/orders/").content.decode()
    assert merchant_session.get("/jobs/").status_code == 404
    assert merchant_session.get(f"/jobs/{dead_job.pk}/").status_code == 404
    assert merchant_session.post(f"/jobs/{dead_job.pk}/retry/").status_code == 404
    assert job(dead_job.pk).status_name == "dead"


def test_jobs_page_needs_a_login(client):
    assert client.get("/jobs/")["Location"] == "/login/?next=/jobs/"
