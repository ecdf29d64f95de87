"""Settings in a real browser at 1366 px and 390 px: a new API key shown once (and copied), revoke in a dialog
that Escape closes, users and invitations, and the question when approval goes back to automatic."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from platen.accounts import services as accounts
from platen.accounts.models import Account, ApiKey
from platen.kit.hashedkeys import hash_key
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from tests.browser import WIDTHS, new_page
from tests.dashboard.test_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, browser, live_server):
    with new_page(browser, live_server, request.param, ("clipboard-read", "clipboard-write")) as page:
        yield page


def assert_no_horizontal_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    for box in page.locator("dialog[open]").all():
        right = box.evaluate("d => d.getBoundingClientRect().right")
        assert right <= page.width


def test_new_key_shown_once_copied_and_revoked_after_a_dialog(page: Page, merchant):
    log_in(page, merchant, "/settings/keys/")
    page.get_by_label("Name").fill("Shop backend")
    page.get_by_role("button", name="Make key").click()
    new_key = page.get_by_test_id("new-key")
    expect(new_key).to_contain_text("copy it now")
    secret = page.locator("#new-key-value").inner_text()
    assert hash_key(secret) == ApiKey.objects.get(name="Shop backend").key_hash
    assert_no_horizontal_overflow(page)
    shot(page, f"settings-keys-new-{page.width}")

    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret

    page.reload()
    expect(page.get_by_test_id("new-key")).to_have_count(0)
    expect(page.get_by_text(secret)).to_have_count(0)
    row = page.get_by_test_id("api-key").filter(has_text="Shop backend")
    expect(row).to_contain_text("never")

    # Escape closes the confirmation and revokes nothing.
    row.get_by_role("link", name="Revoke…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Revoke the key “Shop backend”?")
    assert_no_horizontal_overflow(page)
    shot(page, f"settings-keys-revoke-{page.width}", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert ApiKey.objects.get(name="Shop backend").is_active

    row.get_by_role("link", name="Revoke…").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke key").click()
    expect(page.locator(".flash-success")).to_contain_text("is revoked")
    expect(page.get_by_test_id("api-key").filter(has_text="Shop backend")).to_contain_text("revoked")
    assert not ApiKey.objects.get(name="Shop backend").is_active


def test_users_invite_and_remove_after_a_dialog(page: Page, merchant, account):
    accounts.create_user(account, "colleague@acme.test", "correct horse battery staple")
    log_in(page, merchant, "/settings/users/")
    page.get_by_label("E-mail address").fill("new.person@acme.test")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".flash-success")).to_contain_text("An invitation is on its way to new.person@acme.test")
    expect(page.get_by_test_id("invitation")).to_contain_text("valid until")
    assert_no_horizontal_overflow(page)
    shot(page, f"settings-users-{page.width}")

    row = page.get_by_test_id("login").filter(has_text="colleague@acme.test")
    row.get_by_role("link", name="Remove…").click()
    expect(page.get_by_role("dialog")).to_contain_text("Remove colleague@acme.test?")
    assert_no_horizontal_overflow(page)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    row.get_by_role("link", name="Remove…").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove login").click()
    expect(page.locator(".flash-success")).to_contain_text("colleague@acme.test can no longer log in")
    expect(page.get_by_test_id("login")).to_have_count(1)


def test_back_to_automatic_asks_before_releasing(page: Page, merchant, account, make_order):
    accounts.set_approval(account, "manual", None)
    orders = [make_order(f"WAIT-{n}") for n in range(2)]
    log_in(page, merchant, "/settings/")
    assert_no_horizontal_overflow(page)
    shot(page, f"settings-approval-{page.width}")

    page.get_by_role("radio", name=re.compile(r"^Automatic Checked")).check()
    page.get_by_role("button", name="Save").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("2 orders are waiting for your approval.")
    expect(dialog).to_contain_text("Release them to production now?")
    assert_no_horizontal_overflow(page)
    shot(page, f"settings-release-{page.width}", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert Account.objects.get(pk=account.pk).approval_mode == "manual"
    expect(page.get_by_role("radio", name=re.compile(r"^Manual approval"))).to_be_checked()  # as saved

    page.get_by_role("radio", name=re.compile(r"^Automatic Checked")).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("dialog").get_by_role("button", name="Release them").click()
    expect(page.locator(".flash-success")).to_contain_text("2 waiting orders went to production")
    assert Account.objects.get(pk=account.pk).approval_mode == "automatic"
    assert {Order.objects.get(pk=o.pk).fulfillment_status for o in orders} == {Fulfillment.CREATED}
    expect(page).to_have_url(re.compile(r"/settings/$"))


def test_operator_creates_and_edits_an_account(page: Page, operator):
    log_in(page, operator, "/accounts/")
    page.get_by_role("link", name="New account").click()
    page.get_by_label("Name").fill("Poster Shop")
    page.get_by_role("textbox", name="E-mail").fill("not an address")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".field-error")).to_contain_text("is not an e-mail address")
    assert_no_horizontal_overflow(page)
    page.get_by_role("textbox", name="E-mail").fill("hi@poster.test")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".flash-success").first).to_contain_text("The account Poster Shop was created.")
    expect(page.get_by_test_id("account-logins")).to_contain_text("hi@poster.test")
    assert_no_horizontal_overflow(page)
    shot(page, f"account-edit-{page.width}")
    page.get_by_label("Name").fill("Poster Shop Ltd")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("accounts")).to_contain_text("Poster Shop Ltd")
    assert_no_horizontal_overflow(page)


def test_postbacks_show_a_failing_endpoint(page: Page, merchant, account):
    from django.utils import timezone

    from tests.notifications.test_health import attempts, endpoint

    bad = endpoint(account, "https://orders.example.com/hooks/platen", failing_since=timezone.now())
    attempts(bad, (None, "Could not connect: connection refused."))
    log_in(page, merchant, "/postbacks/")
    expect(page.get_by_test_id("health")).to_contain_text("failing")
    assert_no_horizontal_overflow(page)
    page.get_by_role("link", name=bad.url).click()
    expect(page.get_by_test_id("health")).to_contain_text("Could not connect: connection refused.")
    assert_no_horizontal_overflow(page)
    shot(page, f"postback-health-{page.width}")


def test_invitation_link_sets_a_password_and_logs_in(page: Page, account):
    from platen.accounts import invitations
    from platen.accounts.tokens import invitation_token

    invitation = invitations.invite(account, "new.person@acme.test", None)
    page.goto(f"/invitations/{invitation_token(invitation.pk)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Acme Prints")
    assert_no_horizontal_overflow(page)
    shot(page, f"invitation-{page.width}")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("The same password again").fill("short")
    page.get_by_role("button", name="Make my login").click()
    expect(page.get_by_role("alert")).to_contain_text("too short")
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_label("The same password again").fill("correct horse battery staple")
    page.get_by_role("button", name="Make my login").click()
    expect(page.locator(".flash-success")).to_contain_text("Welcome to Acme Prints")
    expect(page.get_by_test_id("account-name")).to_have_text("Acme Prints")
    page.goto(f"/invitations/{invitation_token(invitation.pk)}/")
    expect(page.get_by_test_id("invitation-problem")).to_contain_text("already used")


def test_settings_work_without_javascript(browser, live_server, merchant, account, make_order):  # noqa: F811
    accounts.issue_api_key(account, "Old")
    accounts.set_approval(account, "manual", None)
    order = make_order("NOJS-WAIT")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, merchant, "/settings/keys/")
    # Without a dialog, Revoke… opens the confirmation as a page.
    page.get_by_test_id("api-key").filter(has_text="Old").get_by_role("link", name="Revoke…").click()
    expect(page).to_have_url(re.compile(r"/revoke/$"))
    page.get_by_role("button", name="Revoke key").click()
    expect(page.locator(".flash-success")).to_contain_text("is revoked")
    # The server's question shows in place.
    page.goto("/settings/")
    page.get_by_role("radio", name=re.compile(r"^Automatic Checked")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("release-dialog")).to_contain_text("1 order is waiting for your approval.")
    page.get_by_role("button", name="Release it").click()
    expect(page.locator(".flash-success")).to_contain_text("1 waiting order went to production")
    assert Order.objects.get(pk=order.pk).fulfillment_status == Fulfillment.CREATED
    context.close()
