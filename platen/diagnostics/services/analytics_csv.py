"""The analytics figures as CSV: the answer's `rows`, one line each, the JSON names as the header (docs/analytics.md)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse

COLUMNS = {
    "volume": ["period", "channel", "storeId", "orders"],
    "success": ["period", "orders", "passed", "failed", "other", "successRate"],
    "failure-reasons": ["code", "message", "orders", "share"],
    "status-times": ["status", "stays", "medianSeconds", "p90Seconds"],
    "stuck": ["orderId", "orderReferenceId", "accountId", "channel", "status", "since", "secondsInStatus", "p90Seconds"],
}


def csv_text(kind: str, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in COLUMNS[kind]])
    return out.getvalue()


def csv_response(kind: str, answer: dict) -> HttpResponse:
    response = HttpResponse(csv_text(kind, answer["rows"]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="platen-{kind}-{answer["from"]}-{answer["to"]}.csv"'
    return response


def cell(value) -> str:
    """The JSON value as text (dates ISO, none empty); a text starting like a formula gets a quote so a spreadsheet
    shows it instead of running it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
