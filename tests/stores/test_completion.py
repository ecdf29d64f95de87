"""Complete order (seed 002): a store order that came in with items not connected waits until each item is
connected or ignored, with the three scopes; then it goes on to its checks by itself, or is canceled when every
item was ignored. Through the services and the API, on real rows and the real job runner."""

from __future__ import annotations

import pytest

from platen.kit.actors import Actor
from platen.kit.errors import Conflict, InvalidRequest
from platen.notifications.models import OutboxMessage
from platen.notifications.statuses import EmailKind
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from platen.stores import resolution
from platen.stores.connectors.base import StoreLine
from platen.stores.models import SkuMapping, StoreVariant
from platen.stores.services import completion
from platen.stores.statuses import Connection
from tests.orders import factories as order_factories
from tests.stores import factories
from tests.stores.factories import POSTER, TSHIRT, Line

pytestmark = pytest.mark.django_db
MERCHANT = Actor("user", "1", "merchant@acme.test")
F = Fulfillment


@pytest.fixture
def shop(account):
    shop = factories.store(account)
    factories.product(shop, "Sunset poster", [("A3", "SUN-A3"), ("A2", "SUN-A2")])
    factories.product(shop, "Toy car", [("Red", "CAR-RED"), ("Blue", "CAR-BLUE")])
    return shop


def design():
    return [{"type": "default", "url": f"{order_factories.FILES}/print.pdf"}]


def item(order: Order, n: int):
    return order.items.order_by("position")[n]


def statuses(order: Order) -> list[str]:
    return [i.fulfillment_status for i in order.items.order_by("position")]


def test_an_order_waits_until_every_item_is_decided_then_goes_to_its_checks(shop, settle, files):
    connected = factories.connected(factories.variant(shop, "A2"), url=f"{files.url('/files/print.pdf')}")
    order = factories.not_connected_order(shop, [
        Line(factories.variant(shop, "A3")),
        Line(connected, product_uid=POSTER, files=connected.files),  # connected on arrival: it waits with the rest
        Line(factories.variant(shop, "Red")),
    ])
    assert [line.decision for line in completion.lines(order)] == ["", "connected", ""]

    completion.connect_item(order, item(order, 0), POSTER, [{"type": "default", "url": files.url("/files/print.pdf")}],
                            MERCHANT, "order")
    order.refresh_from_db()
    assert order.fulfillment_status == F.NOT_CONNECTED and statuses(order) == [F.NOT_CONNECTED] * 3

    completion.ignore_item(order, item(order, 2), MERCHANT, "order")
    order.refresh_from_db()
    assert statuses(order) == [F.RECEIVED, F.RECEIVED, F.CANCELED]
    assert item(order, 2).is_ignored and order.fulfillment_status == F.RECEIVED
    history = list(order.events.values_list("type", "reason"))
    connected_reason = next(r for t, r in history if t == completion.ITEM_CONNECTED)
    assert connected_reason.startswith(f"Item {item(order, 0).item_reference_id} (Sunset poster – A3) connected to ")
    assert connected_reason.endswith(" for this order only.")
    assert any(t == completion.ITEM_IGNORED and "later orders with it will ask again" in r for t, r in history)
    assert (completion.ORDER_COMPLETED, "Order completed: 2 items go on to be checked, 1 item ignored.") in history
    # Scope "order" changed nothing for incoming orders.
    assert set(StoreVariant.objects.filter(store=shop, title__in=["A3", "Red"]).values_list("connection", flat=True)) == {
        Connection.NOT_CONNECTED}

    settle()  # the checks were queued with the completion
    order.refresh_from_db()
    assert order.fulfillment_status not in (F.RECEIVED, F.NOT_CONNECTED, F.FAILED), order.problems


def test_connect_for_the_variant_connects_it_for_incoming_orders(shop):
    a3 = factories.variant(shop, "A3")
    order = factories.not_connected_order(shop, [Line(a3, quantity=2)])
    completion.connect_item(order, item(order, 0), POSTER, design(), MERCHANT, "variant")
    a3.refresh_from_db()
    assert (a3.connection, a3.product_uid, a3.files) == (Connection.CONNECTED, POSTER, design())
    order.refresh_from_db()
    assert order.fulfillment_status == F.RECEIVED
    assert [(f.type, f.url) for f in item(order, 0).files.all()] == [("default", design()[0]["url"])]
    # A later order with the variant resolves without asking.
    later = resolution.resolve_lines(shop, [StoreLine(external_id="9", quantity=1, variant_id=a3.external_id)])
    assert later[0].state == "connected" and later[0].product_uid == POSTER


def test_ignore_for_the_variant_and_for_the_product(shop):
    red, blue, a3 = (factories.variant(shop, t) for t in ("Red", "Blue", "A3"))
    order = factories.not_connected_order(shop, [Line(red), Line(a3)])
    completion.ignore_item(order, item(order, 0), MERCHANT, "variant")
    red.refresh_from_db()
    blue.refresh_from_db()
    assert red.connection == Connection.IGNORED and blue.connection == Connection.NOT_CONNECTED

    second = factories.not_connected_order(shop, [Line(blue), Line(a3)])
    completion.ignore_item(second, item(second, 0), MERCHANT, "product")
    blue.refresh_from_db()
    assert blue.connection == Connection.IGNORED
    assert any("every variant of Toy car is ignored in all incoming orders" in r
               for r in second.events.values_list("reason", flat=True))
    lines = resolution.resolve_lines(shop, [StoreLine(external_id="1", quantity=1, variant_id=v.external_id)
                                            for v in (red, blue)])
    assert [r.state for r in lines] == ["ignored", "ignored"]


def test_an_order_whose_items_are_all_ignored_is_canceled_with_the_reason(shop):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "Red")), Line(factories.variant(shop, "Blue"))])
    completion.ignore_item(order, item(order, 0), MERCHANT, "order")
    completion.ignore_item(order, item(order, 1), MERCHANT, "order")
    order.refresh_from_db()
    assert order.fulfillment_status == F.CANCELED and order.financial_status == "canceled"
    assert statuses(order) == [F.CANCELED, F.CANCELED]
    assert order.events.filter(type="order_status_changed", params__to="canceled",
                               reason__contains="every item was ignored").exists()


def test_decisions_on_an_order_no_longer_waiting_are_refused(shop):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "A3"))])
    completion.ignore_item(order, item(order, 0), MERCHANT, "order")  # the last decision: canceled
    with pytest.raises(Conflict) as refused:
        completion.connect_item(order, item(order, 0), POSTER, design(), MERCHANT, "order")
    assert refused.value.status == 409 and refused.value.code == "order_not_waiting"


def test_bad_connections_and_scopes_change_nothing(shop):
    a3 = factories.variant(shop, "A3")
    order = factories.not_connected_order(shop, [Line(a3), Line(None, sku="", title="Gift wrap")])
    with pytest.raises(InvalidRequest) as bad:
        completion.connect_item(order, item(order, 0), "no-such-product", design(), MERCHANT)
    assert [d.field for d in bad.value.details] == ["productUid"]
    with pytest.raises(InvalidRequest) as bad:
        completion.connect_item(order, item(order, 0), POSTER, [{"type": "sleeve-left", "url": "ftp://x"}], MERCHANT)
    assert {d.field for d in bad.value.details} == {"files[0].url"}
    with pytest.raises(InvalidRequest) as bad:
        completion.connect_item(order, item(order, 0), POSTER, [{"type": "sleeve-left", "url": "https://x.test/a.pdf"}], MERCHANT)
    assert "has no sleeve left placement" in bad.value.details[0].message
    with pytest.raises(InvalidRequest):
        completion.connect_item(order, item(order, 0), POSTER, [], MERCHANT)  # a poster needs its design
    with pytest.raises(InvalidRequest):
        completion.ignore_item(order, item(order, 1), MERCHANT, "variant")  # not a known variant
    with pytest.raises(InvalidRequest):
        completion.connect_item(order, item(order, 0), POSTER, design(), MERCHANT, "product")
    a3.refresh_from_db()
    assert a3.connection == Connection.NOT_CONNECTED and not order.events.filter(type__startswith="item_").exists()
    # A garment takes its sleeve.
    completion.connect_item(order, item(order, 0), TSHIRT, [{"type": "sleeve-left", "url": "https://x.test/a.png"}], MERCHANT, "order")


def test_an_item_known_only_by_its_sku_gets_a_sku_mapping(shop):
    order = factories.not_connected_order(shop, [Line(None, sku="MUG-11", title="Mug 11oz")])
    assert completion.lines(order)[0].name == "Mug 11oz"
    completion.connect_item(order, item(order, 0), POSTER, design(), MERCHANT, "variant")
    assert SkuMapping.objects.get(store=shop, sku="MUG-11").product_uid == POSTER


def test_the_merchant_is_emailed_the_items_when_the_order_comes_in(shop):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "A3")), Line(None, sku="MUG-11", title="Mug")])
    message = OutboxMessage.objects.get(order=order, kind=EmailKind.NOT_CONNECTED)
    assert [i["name"] for i in message.context["items"]] == ["Sunset poster – A3", "Mug"]
    assert message.to == "ops@acme.test"


def test_the_email_names_the_items_and_links_the_complete_page(shop, settle, mailoutbox):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "A3"))], reference="#1042")
    settle()
    sent = [m for m in mailoutbox if "#1042" in m.subject]
    assert sent[0].subject == "Order #1042 needs your action: 1 item not connected"
    assert "Sunset poster – A3 (SKU SUN-A3)" in sent[0].body
    assert f"/orders/{order.id}/complete/" in sent[0].body


# --- The API -----------------------------------------------------------------------------------------------------


def test_complete_through_the_api(api, shop):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "A3")), Line(factories.variant(shop, "Red"))])
    first, second = (i.item_reference_id for i in order.items.order_by("position"))
    answer = api.post(f"/v4/orders/{order.id}/items/{first}:connect", {"productUid": POSTER, "files": design()})
    assert answer.status_code == 200, answer.content
    assert answer.json()["fulfillmentStatus"] == "not_connected"
    answer = api.post(f"/v4/orders/{order.id}/items/{second}:ignore", {"scope": "product"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["fulfillmentStatus"] == "received"
    assert factories.variant(shop, "Blue").connection == Connection.IGNORED
    again = api.post(f"/v4/orders/{order.id}/items/{second}:ignore")
    assert again.status_code == 409 and again.json()["code"] == "order_not_waiting"


def test_the_api_refuses_bad_input_in_the_one_error_shape(api, shop):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "A3"))])
    ref = item(order, 0).item_reference_id
    answer = api.post(f"/v4/orders/{order.id}/items/{ref}:connect", {"productUid": POSTER, "files": [{"url": "nope"}],
                                                                    "scope": "variant"})
    assert answer.status_code == 400
    assert answer.json()["details"][0]["field"].startswith("files")
    answer = api.post(f"/v4/orders/{order.id}/items/{ref}:ignore", {"scope": "everything"})
    assert answer.status_code == 400 and answer.json()["details"][0]["field"] == "scope"
    assert api.post(f"/v4/orders/{order.id}/items/nope:ignore", {}).status_code == 404


def test_another_accounts_order_is_not_found(other_api, shop):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "A3"))])
    answer = other_api.post(f"/v4/orders/{order.id}/items/{item(order, 0).item_reference_id}:ignore", {})
    assert answer.status_code == 404 and answer.json()["code"] == "order_not_found"
    order.refresh_from_db()
    assert order.fulfillment_status == F.NOT_CONNECTED


def test_reprocess_does_not_skip_complete_order(api, shop):
    order = factories.not_connected_order(shop, [Line(factories.variant(shop, "A3"))])
    answer = api.post(f"/v4/orders/{order.id}:reprocess")
    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "order_not_connected"
    assert "complete the order" in answer.json()["message"]
    assert statuses(order) == [F.NOT_CONNECTED]
