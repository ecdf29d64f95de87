"""The pieces the YAML loaders share (the catalog, the production network): reading a file of sections, lists
of mappings, YAML numbers as decimals, and saving a row only when the file changes it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from platen.kit.errors import InvalidRequest


def read_sections(source: Path, what: str, sections: set[str], example: str) -> dict:
    """The file's mapping of sections; `what` names it in errors ("catalog"), `example` is the file to look at.
    Sections named "x-..." are free (for YAML anchors); any other unknown section is refused."""
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InvalidRequest(f"Cannot read the {what} file {source}: {exc.strerror}; check the path.") from exc
    except yaml.YAMLError as exc:
        raise InvalidRequest(f"The {what} file {source} is not valid YAML ({exc}); fix it and load again.") from exc
    if not isinstance(data, dict):
        raise InvalidRequest(f"The {what} file {source} must be a mapping of sections; see {example}.")
    unknown = {k for k in data if not str(k).startswith("x-")} - sections
    if unknown:
        raise InvalidRequest(f"The {what} file has unknown sections {sorted(unknown)}; use {sorted(sections)}.")
    return data


def mappings(data: dict, key: str, where: str) -> list[dict]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise InvalidRequest(f"'{key}' in {where} must be a list of mappings.")
    return value


def decimal(value, where: str) -> Decimal | None:
    """YAML numbers arrive as float; their shortest repr is the decimal that was written."""
    if value is None:
        return None
    try:
        return Decimal(repr(value) if isinstance(value, float) else str(value))
    except InvalidOperation as exc:
        raise InvalidRequest(f"{where}: {value!r} is not a number.") from exc


def save(obj, where: str, **fields) -> str:
    """Set fields, validate like the admin does, save only when something changed: "created", "updated" or
    "unchanged"."""
    changed = obj._state.adding
    for name, value in fields.items():
        if getattr(obj, name, None) != value:
            setattr(obj, name, value)
            changed = True
    if not changed:
        return "unchanged"
    outcome = "created" if obj._state.adding else "updated"
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise InvalidRequest(f"{where}: {problems}") from exc
    obj.save()
    return outcome
