"""Parsing bodies that handlers read themselves, with the API's error shape."""

import json
import re
from datetime import UTC, datetime
from typing import Annotated, TypeVar

import pydantic
from ninja.parser import Parser
from pydantic import AfterValidator, BeforeValidator

from platen.kit.errors import Detail, InvalidRequest, pydantic_details

T = TypeVar("T", bound=pydantic.BaseModel)


NOT_AN_OBJECT = InvalidRequest("The body is not a JSON object.", [Detail("body", "Send the body as a JSON object.")])
NUL = InvalidRequest("The request contains NUL characters, which no field may hold.", [Detail("body", "Remove the NUL (\\u0000) characters.")])


def refuse_nul(text: bytes | str) -> None:
    # PostgreSQL text cannot hold NUL, and no order field needs it: refuse it raw or JSON-escaped.
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if "\x00" in text or "\\u0000" in text:
        raise NUL


def parse_json(raw: bytes | str, model: type[T], what: str = "request") -> T:
    refuse_nul(raw)
    # ninja's Schema reads attributes off any value, so `[]`, `5` or `null` would pass as an empty object.
    if not (raw.lstrip().startswith(b"{" if isinstance(raw, bytes) else "{")):
        raise NOT_AN_OBJECT
    try:
        return model.model_validate_json(raw or b"")
    except pydantic.ValidationError as exc:
        if any(e["type"] in {"json_invalid", "model_type"} and not e["loc"] for e in exc.errors()):
            raise NOT_AN_OBJECT from None
        raise InvalidRequest(f"The {what} is not valid.", pydantic_details(exc.errors())) from None


def parse_optional(raw: bytes | str, model: type[T]) -> T:
    return parse_json(raw, model) if raw and raw.strip() else model()


class ObjectBodyParser(Parser):
    """Bodies are JSON objects; ninja would otherwise let `[]` or `5` through to all-optional schemas."""

    def parse_body(self, request):
        refuse_nul(request.body)
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return data

    def parse_querydict(self, data, list_fields, request):
        refuse_nul(request.META.get("QUERY_STRING", "").replace("%00", "\x00"))
        return super().parse_querydict(data, list_fields, request)


def _iso_text(value):
    if isinstance(value, datetime) or (isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError("Give a date as ISO 8601 text, such as 2026-01-31T09:30:00Z")


def _aware(value: datetime) -> datetime:
    """In UTC: a time without zone is read as UTC, and offsets the databases cannot store (PostgreSQL stops
    at 15:59; ISO allows 23:59) are folded in."""
    if not value.tzinfo:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("The date is out of range.") from None


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_aware)]
