"""Checks of what operators (and the network file) write about partners, facilities and materials.

Each check returns the cleaned value or raises InvalidRequest with one Detail naming the form field, in a
sentence a person understands.
"""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import available_timezones

from platen.catalog.models import ProductKind
from platen.kit.errors import Detail, InvalidRequest

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
_MATERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,59}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def fail(field: str, message: str):
    raise InvalidRequest(message, [Detail(field, message)])


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def name(value: str, *, field: str = "name", what: str = "the partner's") -> str:
    value = " ".join((value or "").split())  # spaces folded: "Print  Berlin" is "Print Berlin"
    if not value:
        fail(field, f"Enter {what} name.")
    if len(value) > 200:
        fail(field, "Use at most 200 characters for the name.")
    return value


def facility_code(value: str) -> str:
    value = (value or "").strip().lower()
    if not _CODE.match(value):
        fail("code", "Use 2 to 40 lower-case letters, digits and dashes for the code, such as de-berlin-1.")
    return value


def country(value: str, *, field: str = "country") -> str:
    typed = (value or "").strip()
    if not re.fullmatch(r"[A-Za-z]{2}", typed):
        fail(field, f"{typed or 'An empty country'} is not a country code: use two letters, such as DE or US.")
    return typed.upper()


def countries(values, *, field: str = "ships_to") -> list[str]:
    """Country codes or ["*"]; a text "DE, FR" is split at commas and spaces."""
    if isinstance(values, str):
        values = [v for v in re.split(r"[\s,]+", values) if v]
    if not isinstance(values, list):
        fail(field, "List two-letter country codes, or * for everywhere.")
    cleaned = []
    for value in values:
        text = str(value).strip().upper()
        if text == "*":
            return ["*"]
        if not re.fullmatch(r"[A-Z]{2}", text):
            fail(field, f"{value} is not a country code: list two-letter codes such as DE, FR, or * for everywhere.")
        cleaned.append(text)
    if not cleaned:
        fail(field, "List the countries it ships to (two-letter codes), or * for everywhere.")
    return list(dict.fromkeys(cleaned))


def time_zone(value: str) -> str:
    value = (value or "").strip()
    if value not in _zones():
        fail("time_zone", f"{value or 'An empty name'} is not a time zone: use an IANA name such as Europe/Berlin or America/New_York.")
    return value


def cutoff(value: str) -> time:
    match = _TIME.match((value or "").strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        fail("cutoff", "Write the cut-off as a local time of day with hours and minutes, such as 14:00.")
    return time(int(match[1]), int(match[2]))


def capacity(value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if number < 0 or number > 1_000_000:
        fail("daily_capacity", "Enter the orders a day the facility can take as a whole number, 0 or more.")
    return number


def whole(value, field: str, what: str, *, low: int = 0, high: int = 1_000_000) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        fail(field, f"Enter {what} as a whole number.")
    if not low <= number <= high:
        fail(field, f"Enter {what} between {low} and {high:,}.")
    return number


def decimal(value, field: str, what: str, *, low: Decimal = Decimal(0), high: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        fail(field, f"Enter {what} as a number, such as 1.05.")
    if not number.is_finite() or number < low or (high is not None and number > high):
        fail(field, f"Enter {what} between {low} and {high}." if high is not None else f"Enter {what} of {low} or more.")
    return number


def makes(values) -> list[str]:
    """Product kinds (poster, canvas, ...) or product uids the catalog has."""
    if isinstance(values, str):
        values = [v for v in re.split(r"[\s,]+", values) if v]
    if not isinstance(values, list):
        fail("makes", "List the product kinds or product uids the facility makes.")
    from platen.catalog.models import Product

    uids = [str(v) for v in values if str(v) not in ProductKind.values]
    known = set(Product.objects.filter(uid__in=uids).values_list("uid", flat=True)) if uids else set()
    unknown = [u for u in uids if u not in known]
    if unknown:
        fail("makes", f"The catalog has no product kind or product {unknown[0]!r}; use kinds such as "
                      f"{', '.join(ProductKind.values[:3])} or a product uid from the catalog.")
    return list(dict.fromkeys(str(v) for v in values))


def material_code(value: str, *, field: str = "code") -> str:
    """One of the codes routing uses (materials.all_codes()); the case is corrected (tshirt-blank-m -> -M)."""
    from platen.production import materials

    value = (value or "").strip()
    if not _MATERIAL.match(value):
        fail(field, f"{value or 'An empty code'} is not a material code: use letters, digits and dashes, such as tshirt-blank-M.")
    known = {code.lower(): code for code in materials.all_codes()}
    if value.lower() not in known:
        fail(field, f"{value} is not a material orders use; use one of {', '.join(known.values())}.")
    return known[value.lower()]
