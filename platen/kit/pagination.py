"""Offset pagination with the order API's limits (limit default 50, at most 100)."""

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


def page(queryset, limit: int | None, offset: int | None):
    limit = DEFAULT_LIMIT if limit is None else max(1, min(int(limit), MAX_LIMIT))
    offset = min(max(0, int(offset or 0)), MAX_OFFSET)
    return queryset[offset : offset + limit]
MAX_OFFSET = 1_000_000  # deeper than any listing needs, and well inside every database's integer range
