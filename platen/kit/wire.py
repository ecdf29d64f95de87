"""Parsing bodies that handlers read themselves, with the API's error shape."""

from typing import TypeVar

import pydantic

from platen.kit.errors import Detail, InvalidRequest, pydantic_details

T = TypeVar("T", bound=pydantic.BaseModel)


def parse_json(raw: bytes | str, model: type[T], what: str = "request") -> T:
    try:
        return model.model_validate_json(raw or b"")
    except pydantic.ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise InvalidRequest("The body is not valid JSON.", [Detail("body", "Send the body as a JSON object.")]) from None
        raise InvalidRequest(f"The {what} is not valid.", pydantic_details(exc.errors())) from None


def parse_optional(raw: bytes | str, model: type[T]) -> T:
    return parse_json(raw, model) if raw and raw.strip() else model()
