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


class TooLarge(PlatenError):
    def __init__(self, limit: int):
        super().__init__(f"The request body is larger than the limit of {limit:,} bytes: send print files by URL, "
                         "not inside the request.", [Detail("body", f"Send at most {limit:,} bytes.")], "too_large", 413)


# The code of an error the framework produced before Platen's own code could say more (no route, wrong method).
STATUS_CODES = {
    400: ("invalid_request", "The request is not valid."),
    401: ("unauthorized", "Send a valid API key in the X-API-KEY header."),
    403: ("forbidden", "This key may not do that."),
    404: ("not_found", "No such resource."),
    405: ("method_not_allowed", "This path does not take that method; the Allow header lists the ones it takes."),
    409: ("conflict", "The request conflicts with the resource's current state."),
    411: ("length_required", "Send a Content-Length header or a chunked body."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the body as JSON (Content-Type: application/json)."),
    429: ("too_many_requests", "Too many requests: wait a little (see Retry-After) and try again."),
}


def for_status(status: int) -> PlatenError:
    code, message = STATUS_CODES.get(status, ("error" if status < 500 else "internal_error",
                                              "The request failed." if status < 500 else
                                              "Something went wrong on our side; it has been logged. Try again."))
    return PlatenError(message, [], code, status)
