"""Failed sign-ins are slowed and then refused, per user name and per address, for dashboard passwords and
API keys; other addresses keep working. Time is moved by rewriting the counters' lock times, never by sleeping."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from platen.accounts import services as accounts
from platen.accounts import throttling
from platen.accounts.models import SignInThrottle

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many failed sign-ins. Try again in"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Dozens of sign-ins per test: a cheap hasher (the count, not the hashing, is under test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(account, fast_hashing):
    return accounts.create_user(account, "ana@acme.test", PASSWORD)


@pytest.fixture
def operator_user(fast_hashing):
    return accounts.create_user(None, "ops@platen.example", PASSWORD, operator=True)


def sign_in(username: str, password: str, address: str = "203.0.113.5"):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def let_waits_pass() -> None:
    """The fake clock: every wait and lock so far is over (the failure counts stay)."""
    SignInThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/orders/"


def test_wrong_passwords_for_one_user_are_slowed_then_refused_for_15_minutes(user):
    for n in range(2):
        page = sign_in(user.username, "wrong", address=f"198.51.100.{n}")
        assert page.status_code == 200 and "Please enter a correct username and password" in page.content.decode()
    sign_in(user.username, "wrong", address="198.51.100.2")  # the third: the next attempt waits a little
    page = sign_in(user.username, PASSWORD, address="198.51.100.3")
    assert f"{TOO_MANY} 10 seconds." in page.content.decode() and not signed_in(page)

    let_waits_pass()
    sign_in(user.username, "wrong", address="198.51.100.4")
    let_waits_pass()
    sign_in(user.username, "wrong", address="198.51.100.5")  # the fifth within 15 minutes: locked
    for address in ("198.51.100.6", "192.0.2.77"):  # from any address, even with the right password
        page = sign_in(user.username, PASSWORD, address=address)
        assert page.status_code == 200 and f"{TOO_MANY} 15 minutes." in page.content.decode()
    assert 'role="alert"' in page.content.decode()

    let_waits_pass()
    assert signed_in(sign_in(user.username, PASSWORD))
    assert not SignInThrottle.objects.filter(scope="user").exists()  # a success clears the user's count


def test_a_successful_sign_in_resets_the_users_count(user):
    for _ in range(2):
        sign_in(user.username, "wrong")
    assert signed_in(sign_in(user.username, PASSWORD))
    for _ in range(2):
        sign_in(user.username, "wrong", address="192.0.2.1")
    assert throttling.wait_left(throttling.USER, user.username) is None  # 2 since the success, not 4
    assert signed_in(sign_in(user.username, PASSWORD, address="192.0.2.1"))


def test_one_address_trying_many_names_is_refused_and_other_addresses_are_not(user):
    for n in range(throttling.ADDRESS.lock_after):
        let_waits_pass()
        sign_in(f"guess{n}", "wrong", address="203.0.113.66")
    page = sign_in(user.username, PASSWORD, address="203.0.113.66")
    assert f"{TOO_MANY} 15 minutes." in page.content.decode() and not signed_in(page)
    assert signed_in(sign_in(user.username, PASSWORD, address="203.0.113.67"))


def test_an_expired_window_starts_the_count_again(user):
    for _ in range(4):
        let_waits_pass()
        sign_in(user.username, "wrong")
    SignInThrottle.objects.update(window_start=timezone.now() - throttling.USER.window - timedelta(seconds=1))
    let_waits_pass()
    sign_in(user.username, "wrong")  # the first of a new window, not the fifth
    assert throttling.wait_left(throttling.USER, user.username) is None


def test_bad_api_keys_from_one_address_become_429_with_retry_after(account):
    key = accounts.issue_api_key(account).secret
    bad = Client(headers={"X-API-KEY": "plk_deadbeef_not-a-key"})
    for _ in range(throttling.KEY_ADDRESS.lock_after):
        response = bad.get("/v4/account", REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    refused = bad.get("/v4/account", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and refused["Retry-After"] == "900"
    body = refused.json()
    assert body["code"] == "too_many_attempts" and body["details"] == []
    assert body["message"] == "Too many requests with an invalid API key from your address. Try again in 15 minutes."

    assert bad.get("/v4/account", REMOTE_ADDR="203.0.113.10").status_code == 401  # another address: not refused
    good = Client(headers={"X-API-KEY": key})
    assert good.get("/v4/account", REMOTE_ADDR="203.0.113.9").status_code == 200  # a valid key cannot be guessed


def test_a_missing_key_is_not_counted(anonymous_api):
    for _ in range(throttling.KEY_ADDRESS.lock_after + 1):
        assert anonymous_api.get("/v4/account").status_code == 401
    assert not SignInThrottle.objects.exists()


def test_prune_drops_counts_whose_window_and_lock_are_over(user):
    sign_in(user.username, "wrong")
    assert throttling.prune() == 0
    SignInThrottle.objects.update(window_start=timezone.now() - timedelta(hours=1))
    assert throttling.prune() == 2  # the user's and the address's


def test_the_admin_login_is_throttled_too(operator_user):
    for _ in range(throttling.USER.lock_after):
        let_waits_pass()
        Client().post("/admin/login/", {"username": operator_user.username, "password": "wrong"}, REMOTE_ADDR="192.0.2.9")
    page = Client().post("/admin/login/", {"username": operator_user.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")
    assert page.status_code == 200 and f"{TOO_MANY} 15 minutes." in page.content.decode()
    let_waits_pass()
    signed = Client().post("/admin/login/", {"username": operator_user.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")
    assert signed.status_code == 302
