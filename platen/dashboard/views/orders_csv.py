"""CSV export of the orders list: every order the current filters match (not just the page), streamed."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone

from platen.dashboard import listing
from platen.dashboard.access import dashboard_view
from platen.dashboard.templatetags.dashboard import human

CHUNK = 200
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dashboard_view
def export(request):
    orders = listing.OrderFilters.from_query(request.GET).orders(request.scope)
    with_account = request.user.is_operator
    response = StreamingHttpResponse(_lines(orders, with_account), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="orders-{timezone.localdate().isoformat()}.csv"'
    return response


def _lines(orders, with_account: bool) -> Iterator[str]:
    writer = csv.writer(_Line())
    zone = timezone.get_current_timezone_name()
    # The byte order mark makes spreadsheet programs read the file as UTF-8 (names with accents).
    yield "\ufeff" + writer.writerow(_header(zone, with_account))
    chunk = []
    for order in orders.iterator(chunk_size=CHUNK):
        chunk.append(order)
        if len(chunk) == CHUNK:
            yield from (writer.writerow(_cells(row, with_account)) for row in listing.rows(chunk))
            chunk = []
    yield from (writer.writerow(_cells(row, with_account)) for row in listing.rows(chunk))


def _header(zone: str, with_account: bool) -> list[str]:
    return (["Account"] if with_account else []) + [
        "Order id", "Short id", "Order reference", "Customer reference", "Status", "Payment", "Channel",
        f"Created ({zone})", "Customer", "E-mail", "City", "Country", "Products", "Quantity",
        "Products price", "Shipping price", "Total incl. VAT", "Currency", "Problems",
    ]


def _cells(row: listing.Row, with_account: bool) -> list[str]:
    o, address = row.order, row.order.shipping_address
    cells = ([o.account.name] if with_account else []) + [
        str(o.id), str(o.id)[:8], o.order_reference_id, o.customer_reference_id, human(o.fulfillment_status),
        human(o.financial_status), o.channel, timezone.localtime(o.created_at).strftime("%Y-%m-%d %H:%M"),
        f"{address.first_name} {address.last_name}".strip(), address.email, address.city, address.country,
        "; ".join(f"{name} × {quantity}" for name, quantity in row.products), row.quantity,
        _money(o.items_price), _money(o.shipping_price), _money(row.total), o.currency, " ".join(row.problems),
    ]
    return [_safe(cell) for cell in cells]


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


class _Line:
    """csv.writer writes into this and gets the line back, so rows can be streamed one by one."""

    def write(self, line: str) -> str:
        return line
