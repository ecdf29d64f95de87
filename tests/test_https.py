"""Production HTTPS (PLATEN_BASE_URL is https): secure cookies, HSTS, the proxy's X-Forwarded-Proto and a
Content-Security-Policy on pages; none of it for a plain-http Platen (the embedded default)."""

import httpx
import pytest
from django.test import Client

from platen.accounts import services as accounts
from platen.config import PlatenConfig
from platen.kit.security import CONTENT_SECURITY_POLICY, https_settings
from tests.webserver import platen_web

pytestmark = pytest.mark.django_db


def config(tmp_path, base_url: str) -> PlatenConfig:
    return PlatenConfig.from_env({"PLATEN_DATA_DIR": str(tmp_path), "PLATEN_BASE_URL": base_url})


@pytest.fixture
def https_platen(settings, tmp_path):
    for name, value in https_settings(config(tmp_path, "https://orders.example.com")).items():
        setattr(settings, name, value)


def test_the_settings_follow_the_base_url(tmp_path):
    assert https_settings(config(tmp_path, "http://127.0.0.1:8000")) == {"PLATEN_CSP": ""}
    secure = https_settings(config(tmp_path, "https://orders.example.com/"))
    assert secure["SESSION_COOKIE_SECURE"] and secure["CSRF_COOKIE_SECURE"]
    assert secure["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert secure["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert secure["CSRF_TRUSTED_ORIGINS"] == ["https://orders.example.com"]
    assert secure["PLATEN_CSP"] == CONTENT_SECURITY_POLICY


def test_https_behind_a_proxy(https_platen, account):
    client = Client(headers={"X-Forwarded-Proto": "https"})
    page = client.get("/login/")
    assert page["Strict-Transport-Security"].startswith("max-age=")
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert page.cookies["csrftoken"]["secure"]
    client.force_login(accounts.create_user(account, "merchant", "correct horse battery staple"))
    orders = client.get("/orders/")
    assert orders.status_code == 200 and orders["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "Content-Security-Policy" not in client.get("/v4/openapi.json")  # JSON needs no policy


def test_plain_http_sets_none_of_it(settings):
    assert not settings.PLATEN_CSP and not settings.SESSION_COOKIE_SECURE  # the tests run the http default
    page = Client(headers={"X-Forwarded-Proto": "https"}).get("/login/")
    assert "Strict-Transport-Security" not in page and "Content-Security-Policy" not in page
    assert not page.cookies["csrftoken"]["secure"]


def test_a_real_server_started_with_an_https_base_url(tmp_path):
    with platen_web(tmp_path, PLATEN_BASE_URL="https://orders.example.com") as web:
        page = httpx.get(web.url + "/login/", headers={"X-Forwarded-Proto": "https"})
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "; secure" in page.headers["set-cookie"].lower()
