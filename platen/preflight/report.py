"""A preflight report: one entry per check, each a sentence the merchant can act on.

`passed` is False only for a failed check of severity "error"; warnings and information never fail a file.
The JSON shape is the wire shape of the API and of `platen preflight --json`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Check:
    check: str  # readable, format, encryption, page_count, page_size, aspect_ratio, fonts, resolution, colour, transparency
    passed: bool
    severity: str
    message: str
    page: int | None = None


def ok(check: str, message: str, page: int | None = None) -> Check:
    return Check(check, True, ERROR, message, page)


def fail(check: str, message: str, page: int | None = None) -> Check:
    return Check(check, False, ERROR, message, page)


def warn(check: str, message: str, page: int | None = None) -> Check:
    return Check(check, True, WARNING, message, page)


def info(check: str, message: str, page: int | None = None) -> Check:
    return Check(check, True, INFO, message, page)


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def readable(self) -> bool:
        return all(c.passed for c in self.checks if c.check == "readable")

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict:
        return {"passed": self.passed, "checks": [asdict(c) for c in self.checks]}

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        return cls(tuple(Check(**c) for c in data.get("checks", [])))
