"""The orders list a merchant needs: columns, search, date filters, CSV export, draft buttons, hold banner."""

import csv
import io
from datetime import UTC, datetime

import pytest

from platen.catalog.services import product_names
from platen.dashboard.views import orders as orders_view
from platen.orders.models import Order
from platen.orders.services import holds
from platen.orders.statuses import Fulfillment, OrderType
from tests.dashboard.conftest import ADDRESS, POSTER, move_to_printed
from tests.orders import factories

pytestmark = pytest.mark.django_db

CANVAS_ITEM = {"itemReferenceId": "item-2", "productUid": POSTER, "quantity": 3,
               "files": [{"type": "default", "url": "https://files.invalid/two.pdf"}]}


def row_of(html: str, reference: str) -> str:
    """The <tr> of one order in the list."""
    start = html.index(f">{reference}</a>")
    return html[html.rindex("<tr", 0, start):html.index("</tr>", start)]


def export(client, **params) -> list[dict]:
    response = client.get("/orders/export.csv", params)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def created_at(order: Order, when: datetime) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=when)


# ---- columns ---------------------------------------------------------------------------------

def test_row_shows_product_quantity_and_total(merchant_client, make_order):
    order = make_order("TWO-ITEMS", items=[
        {"itemReferenceId": "item-1", "productUid": POSTER, "quantity": 2, "files": [{"type": "default", "url": f"{factories.FILES}/print.pdf"}]},
        {**CANVAS_ITEM, "files": [{"type": "default", "url": f"{factories.FILES}/print.pdf"}]},
    ])
    order.refresh_from_db()
    assert order.items_price is not None, "the catalog prices the poster"
    row = row_of(merchant_client.get("/orders/").content.decode(), "TWO-ITEMS")
    assert product_names([POSTER])[POSTER] in row and "+1 more" in row
    assert '<td class="num">5</td>' in row  # 2 + 3
    assert f"{order.total_incl_vat} EUR" in row  # the total with VAT, as the receipt has it


def test_failed_row_shows_its_first_problem_shortened(merchant_client, make_order):
    make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    row = row_of(merchant_client.get("/orders/").content.decode(), "BAD-1")
    assert 'data-testid="problem"' in row and "The postal code is not valid for Germany" in row
    assert "shippingAddress.postCode" not in row  # the sentence, not the field path


# ---- search ----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["grace@hopper.example", "HOPPER.EXAMPLE", "shop-customer-77", "customer-77"])
def test_search_by_email_and_customer_reference(merchant_client, make_order, query):
    make_order("WANTED", customerReferenceId="shop-customer-77", shippingAddress={**ADDRESS, "email": "grace@hopper.example"})
    make_order("OTHER")
    html = merchant_client.get("/orders/", {"q": query}).content.decode()
    assert "WANTED" in html and "OTHER" not in html


def test_search_by_the_short_id_the_list_shows(merchant_client, make_order):
    wanted, other = make_order("WANTED"), make_order("OTHER")
    short = str(wanted.id)[:8]
    html = merchant_client.get("/orders/").content.decode()
    assert f"{short}…" in row_of(html, "WANTED")
    for query in (short, short.upper(), f"#{short}", f"{short}…"):
        found = merchant_client.get("/orders/", {"q": query}).content.decode()
        assert "WANTED" in found and ">OTHER<" not in found, query
    assert str(other.id)[:8] != short


def test_search_never_finds_another_accounts_order(merchant_client, make_order, other_api):
    theirs = make_order("THEIRS", client=other_api)
    html = merchant_client.get("/orders/", {"q": str(theirs.id)[:8]}).content.decode()
    assert "THEIRS" not in html and "No orders match" in html


# ---- dates -----------------------------------------------------------------------------------

def test_date_filters_use_whole_days(merchant_client, make_order):
    created_at(make_order("MARCH-1"), datetime(2026, 3, 1, 12, tzinfo=UTC))
    created_at(make_order("MARCH-2"), datetime(2026, 3, 2, 23, 59, tzinfo=UTC))
    created_at(make_order("MARCH-3"), datetime(2026, 3, 3, 0, 0, tzinfo=UTC))

    def listed(**params):
        html = merchant_client.get("/orders/", params).content.decode()
        return sorted((r for r in ("MARCH-1", "MARCH-2", "MARCH-3") if f">{r}</a>" in html), key=lambda r: html.index(f">{r}</a>"))

    assert listed(**{"from": "2026-03-02"}) == ["MARCH-3", "MARCH-2"]
    assert listed(to="2026-03-02") == ["MARCH-2", "MARCH-1"]
    assert listed(**{"from": "2026-03-02", "to": "2026-03-02"}) == ["MARCH-2"]
    assert listed(**{"from": "not a date"}) == ["MARCH-3", "MARCH-2", "MARCH-1"]  # ignored, like an empty field
    html = merchant_client.get("/orders/", {"from": "2026-04-01"}).content.decode()
    assert "No orders match" in html and "created from 2026-04-01" in html


def test_date_filters_are_days_in_the_viewers_time_zone(merchant_client, make_order, settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # 20:00 UTC on 1 March is 09:00 on 2 March there
    created_at(make_order("LATE-UTC"), datetime(2026, 3, 1, 20, tzinfo=UTC))
    assert "LATE-UTC" in merchant_client.get("/orders/", {"from": "2026-03-02", "to": "2026-03-02"}).content.decode()
    assert "LATE-UTC" not in merchant_client.get("/orders/", {"from": "2026-03-01", "to": "2026-03-01"}).content.decode()


def test_filters_survive_in_chips_pages_and_export_link(merchant_client, make_order):
    make_order("A-1")
    html = merchant_client.get("/orders/", {"q": "A-", "from": "2020-01-01"}).content.decode()
    assert 'href="/orders/?status=created&amp;q=A-&amp;from=2020-01-01"' in html
    assert 'href="/orders/export.csv?q=A-&amp;from=2020-01-01"' in html
    assert 'name="from" value="2020-01-01"' in html


# ---- CSV -------------------------------------------------------------------------------------

def test_csv_has_every_matching_order_not_just_the_page(merchant_client, make_order, monkeypatch):
    monkeypatch.setattr(orders_view, "PAGE_SIZE", 2)
    for n in range(3):
        make_order(f"CSV-{n}")
    make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    assert "1–2 of 4" in merchant_client.get("/orders/").content.decode()

    rows = export(merchant_client)
    assert [r["Order reference"] for r in rows] == ["BAD-1", "CSV-2", "CSV-1", "CSV-0"]
    good = rows[1]
    order = Order.objects.get(order_reference_id="CSV-2")
    assert good["Order id"] == str(order.id) and good["Short id"] == str(order.id)[:8]
    assert good["Status"] == "created" and good["Customer"] == "Ada Lovelace" and good["E-mail"] == "ada@example.com"
    assert good["Products"] == f"{product_names([POSTER])[POSTER]} × 2" and good["Quantity"] == "2"
    assert good["Total incl. VAT"] == f"{order.total_incl_vat:.2f}" and good["Currency"] == "EUR"
    assert good["Created (UTC)"] == order.created_at.strftime("%Y-%m-%d %H:%M")
    assert "The postal code is not valid for Germany" in rows[0]["Problems"]
    assert "Account" not in good  # a merchant's export is all theirs


def test_csv_follows_the_filters_and_the_account(merchant_client, make_order, other_api):
    make_order("GOOD-1")
    make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    make_order("THEIRS", client=other_api)
    assert [r["Order reference"] for r in export(merchant_client, status="failed")] == ["BAD-1"]
    assert [r["Order reference"] for r in export(merchant_client, q="good")] == ["GOOD-1"]
    assert [r["Order reference"] for r in export(merchant_client)] == ["BAD-1", "GOOD-1"]


def test_operator_csv_names_the_account(operator_client, make_order, other_api):
    make_order("MINE")
    make_order("THEIRS", client=other_api)
    rows = export(operator_client)
    assert {(r["Account"], r["Order reference"]) for r in rows} == {("Acme Prints", "MINE"), ("Other Shop", "THEIRS")}


def test_csv_cells_cannot_run_as_formulas(merchant_client, make_order):
    make_order("=HYPERLINK(\"http://evil.invalid\")", customerReferenceId="@SUM(A1:A9)",
               shippingAddress={**ADDRESS, "firstName": "+Ada", "city": "-Berlin"})
    row = export(merchant_client)[0]
    assert row["Order reference"] == "'=HYPERLINK(\"http://evil.invalid\")"
    assert row["Customer reference"] == "'@SUM(A1:A9)"
    assert row["Customer"] == "'+Ada Lovelace" and row["City"] == "'-Berlin"


def test_csv_needs_a_login(client):
    response = client.get("/orders/export.csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


# ---- drafts ----------------------------------------------------------------------------------

def test_draft_rows_have_submit_and_delete(merchant_client, make_order, settle):
    draft = make_order("DRAFT-1", orderType="draft")
    make_order("REAL-1")
    html = merchant_client.get("/orders/").content.decode()
    assert f'formaction="/orders/{draft.id}/submit/"' in row_of(html, "DRAFT-1")
    assert "formaction" not in row_of(html, "REAL-1")

    response = merchant_client.post(f"/orders/{draft.id}/submit/", {"back": "?q=DRAFT"}, follow=True)
    assert response.redirect_chain[-1][0] == "/orders/?q=DRAFT"
    assert "The draft DRAFT-1 was submitted" in response.content.decode()
    settle()
    draft.refresh_from_db()
    assert draft.order_type == OrderType.ORDER and draft.fulfillment_status == Fulfillment.CREATED


def test_delete_draft_asks_first_then_deletes(merchant_client, make_order):
    draft = make_order("DRAFT-1", orderType="draft")
    page = merchant_client.post(f"/orders/{draft.id}/delete/")
    assert page.status_code == 200 and "Delete the draft DRAFT-1?" in page.content.decode()
    assert Order.objects.filter(pk=draft.pk).exists()
    response = merchant_client.post(f"/orders/{draft.id}/delete/", {"confirmed": "1"}, follow=True)
    assert "The draft DRAFT-1 was deleted." in response.content.decode()
    assert not Order.objects.filter(pk=draft.pk).exists()


def test_submitted_orders_are_not_deleted_as_drafts(merchant_client, make_order):
    order = make_order("REAL-1")
    response = merchant_client.post(f"/orders/{order.id}/delete/", {"confirmed": "1"}, follow=True)
    assert "Only drafts can be deleted" in response.content.decode()
    assert Order.objects.filter(pk=order.pk).exists()


def test_another_accounts_draft_is_a_404(merchant_client, make_order, other_api):
    theirs = make_order("THEIRS", client=other_api, orderType="draft")
    assert merchant_client.post(f"/orders/{theirs.id}/submit/").status_code == 404
    assert merchant_client.post(f"/orders/{theirs.id}/delete/", {"confirmed": "1"}).status_code == 404
    assert Order.objects.get(pk=theirs.pk).order_type == OrderType.DRAFT


def test_draft_actions_are_post_only(merchant_client, make_order):
    draft = make_order("DRAFT-1", orderType="draft")
    assert merchant_client.get(f"/orders/{draft.id}/delete/").status_code == 405
    assert Order.objects.filter(pk=draft.pk).exists()


# ---- canceled orders, held accounts ----------------------------------------------------------

def test_canceled_order_page_does_not_talk_about_its_shipment(merchant_client, make_order):
    order = make_order("SHIP-1")
    assert 'data-testid="shipment"' in merchant_client.get(f"/orders/{order.id}/").content.decode()
    merchant_client.post(f"/orders/{order.id}/cancel/")
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    assert 'data-testid="shipment"' not in html and "days</dd>" not in html


def test_printed_order_still_shows_its_shipment(merchant_client, make_order):
    order = make_order("SHIP-2")
    move_to_printed(order)
    assert 'data-testid="shipment"' in merchant_client.get(f"/orders/{order.id}/").content.decode()


def test_held_account_sees_a_banner_with_the_reason_on_every_page(merchant_client, account, other_merchant, make_order):
    from django.test import Client

    order = make_order("HELD-1")
    assert 'data-testid="hold-banner"' not in merchant_client.get("/orders/").content.decode()
    holds.hold_account(account, "Unpaid invoices since March.")
    for path in ("/orders/", f"/orders/{order.id}/", "/requests/", "/settings/"):
        html = merchant_client.get(path).content.decode()
        assert 'data-testid="hold-banner"' in html and "Unpaid invoices since March." in html, path
    other = Client()
    other.force_login(other_merchant)
    assert 'data-testid="hold-banner"' not in other.get("/orders/").content.decode()
