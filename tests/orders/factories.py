"""Realistic order payloads as a merchant's program sends them."""

from __future__ import annotations

import copy
import uuid

FILES = "https://files.example.com"  # the tests' loopback file server replaces this (tests/conftest.py)

POSTER = "flat_product_pf_a3_pt_200-gsm-uncoated_cl_4-0_ver"
TSHIRT = "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_m_gco_white_gpr_4-0"

BERLIN = {
    "firstName": "Ada", "lastName": "Lovelace", "addressLine1": "Unter den Linden 1", "city": "Berlin",
    "postCode": "10117", "country": "DE", "email": "ada@example.com", "phone": "+49 30 1234567",
}
NEW_YORK = {
    "firstName": "Grace", "lastName": "Hopper", "addressLine1": "350 Fifth Avenue", "city": "New York",
    "postCode": "10118", "state": "NY", "country": "US", "email": "grace@example.com", "phone": "+1 212 736 3100",
}


def order_payload(**overrides) -> dict:
    payload = {
        "orderType": "order",
        "orderReferenceId": f"ref-{uuid.uuid4().hex[:10]}",
        "customerReferenceId": "customer-42",
        "currency": "EUR",
        "items": [
            {"itemReferenceId": "poster-1", "productUid": POSTER, "quantity": 2,
             "files": [{"type": "default", "url": f"{FILES}/print.pdf"}]},
            {"itemReferenceId": "shirt-1", "productUid": TSHIRT, "quantity": 1,
             "files": [{"type": "front", "url": f"{FILES}/print.png"}]},
        ],
        "shippingAddress": copy.deepcopy(BERLIN),
        "metadata": [{"key": "source", "value": "tests"}],
    }
    payload.update(overrides)
    return payload


def advance(order_id, *statuses) -> None:
    """Move every item of an order through `statuses` as production would (through the transition table)."""
    from django.db import transaction

    from platen.kit.actors import Actor
    from platen.orders.models import Order
    from platen.orders.transitions import transition_items

    for status in statuses:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            transition_items(order, list(order.items.all()), status, Actor.system("production"))
