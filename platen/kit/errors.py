"""The one error shape of the API: {"code", "message", "details": [{"field", "message"}]}.

Services raise these; the API layer turns them into responses. Messages are sentences that say what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Detail:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class PlatenError(Exception):
    message: str
    details: list[Detail] = field(default_factory=list)
    code: str = "error"
    status: int = 400

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "details": [d.as_dict() for d in self.details]}


class InvalidRequest(PlatenError):
    def __init__(self, message: str, details: list[Detail] | None = None, code: str = "invalid_request"):
        super().__init__(message, details or [], code, 400)


class NotFound(PlatenError):
    def __init__(self, message: str = "No such resource.", code: str = "not_found"):
        super().__init__(message, [], code, 404)


class Conflict(PlatenError):
    def __init__(self, message: str, code: str = "conflict", details: list[Detail] | None = None):
        super().__init__(message, details or [], code, 409)


class Unauthorized(PlatenError):
    def __init__(self, message: str = "Send a valid API key in the X-API-KEY header."):
        super().__init__(message, [], "unauthorized", 401)


def pydantic_details(errors: list[dict], skip: int = 0) -> list[Detail]:
    """Turn pydantic's error list into one Detail per problem, with dotted wire paths (items[0].productUid)."""
    details = []
    for err in errors:
        path = ""
        for part in list(err.get("loc", ()))[skip:]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        details.append(Detail(path or "body", _sentence(err)))
    return details


def _sentence(err: dict) -> str:
    msg = str(err.get("msg", "is invalid"))
    msg = msg.removeprefix("Value error, ").replace(" after validation", "")
    if err.get("type") == "missing":
        return "This field is required."
    return msg[0].upper() + msg[1:] + ("" if msg.endswith(".") else ".")
