"""The retry schedule, Retry-After, and secrets: small pure pieces, checked directly."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from platen.notifications import retries, signing


def test_schedule_grows_then_settles_and_covers_three_days():
    rng = random.Random(7)
    delays = [retries.delay_after(n, rng) for n in range(1, 30)]
    assert timedelta(seconds=24) <= delays[0] <= timedelta(seconds=36)
    assert delays[0] < delays[1] < delays[2] < delays[3]
    assert all(timedelta(hours=3) <= d <= timedelta(hours=6) for d in delays[4:])
    # With the longest waits, the tries still reach past the window: at least ~14 of them in 3 days.
    elapsed, tries = timedelta(0), 0
    while elapsed < retries.RETRY_WINDOW:
        tries += 1
        elapsed += retries.delay_after(tries, rng)
    assert tries >= 14


def test_jitter_spreads_retries():
    assert len({retries.delay_after(1) for _ in range(20)}) > 1


@pytest.mark.parametrize("status, retryable", [(500, True), (503, True), (408, True), (429, True), (400, False),
                                               (401, False), (404, False), (410, False), (422, False), (301, False)])
def test_which_answers_are_retried(status, retryable):
    assert retries.is_retryable(status) is retryable


def test_retry_after_seconds_date_and_bounds():
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert retries.retry_after("120", now) == timedelta(seconds=120)
    assert retries.retry_after("Sun, 22 Nov 2026 12:05:00 GMT", now) == timedelta(minutes=5)
    assert retries.retry_after("0", now) == timedelta(seconds=1)
    assert retries.retry_after("9999999", now) == timedelta(hours=24)
    assert retries.retry_after("soon", now) is None and retries.retry_after(None, now) is None


def test_signature_verifies_with_any_standard_webhooks_library():
    secret = signing.new_secret()
    now = datetime.now(UTC)
    body = '{"id":"abc","event":"order_status_updated","note":"ü"}'
    headers = signing.headers(secret, "abc", now, body)
    assert Webhook(secret).verify(body.encode(), headers)["note"] == "ü"
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body.encode(), headers)


@pytest.mark.parametrize("secret, ok", [
    (None, True), ("whsec_" + "A" * 32, True), ("hunter2", False), ("whsec_!!!", False), ("whsec_QUJD", False),
])
def test_secret_rules(secret, ok):
    secret = secret or signing.new_secret()
    assert (signing.secret_problem(secret) is None) is ok


def test_secrets_survive_a_key_rotation_with_fallbacks():
    with override_settings(SECRET_KEY="old-key"):
        token = signing.encrypt("whsec_x")
    with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["old-key"]):
        assert signing.decrypt(token) == "whsec_x"
    with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=[]), pytest.raises(RuntimeError, match="SECRET_KEY_FALLBACKS"):
        signing.decrypt(token)
