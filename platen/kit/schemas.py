"""Wire models shared by every router: the one error shape."""

from ninja import Schema


class ErrorDetailOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    details: list[ErrorDetailOut]


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """Declared error responses; every endpoint can also answer 401 (no valid key) and 429 (too many invalid
    keys from one address, with Retry-After)."""
    return {code: ErrorOut for code in (400, 401, 429, *codes)}
