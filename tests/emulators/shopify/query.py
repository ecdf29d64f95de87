"""Query cost (the calculated cost of a GraphQL query), search syntax and connections (paging) of the Shopify emulator."""

from __future__ import annotations

import base64
import bisect
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from graphql import (
    FieldNode, FragmentSpreadNode, get_named_type, GraphQLError, GraphQLObjectType, InlineFragmentNode, is_leaf_type,
)
from graphql.utilities import value_from_ast_untyped

from tests.emulators.shopify.state import MAX_PAGE, Order, gid_number


# --- Query cost -----------------------------------------------------------------------------------


def _fields(selection_set, fragments) -> Iterable[FieldNode]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            yield from _fields(fragments[selection.name.value].selection_set, fragments)


@dataclass(frozen=True)
class CostNode:
    """One object-valued field of a query, compiled once per query text: how it is counted."""

    key: str  # the response key (alias or name)
    connection: bool
    size: tuple  # for a connection: the AST values of `first` / `last`
    children: tuple[CostNode, ...]  # an object's fields, or a connection node's fields
    node_paths: tuple[tuple[str, str | None], ...] = ()  # a connection's ("nodes", None) / ("edges", node key)


def cost_plan(selection_set, parent: GraphQLObjectType, fragments) -> tuple[CostNode, ...]:
    """The object-valued fields under a selection (scalars, enums and pageInfo cost nothing)."""
    plan = []
    for node in _fields(selection_set, fragments):
        name = node.name.value
        if name.startswith("__") or name not in parent.fields:
            continue
        named = get_named_type(parent.fields[name].type)
        if is_leaf_type(named) or named.name == "PageInfo":
            continue
        key = node.alias.value if node.alias else name
        if named.name.endswith("Connection"):
            node_type = get_named_type(named.fields["nodes"].type)
            paths, children = [], ()
            for child in _fields(node.selection_set, fragments):
                child_key = child.alias.value if child.alias else child.name.value
                if child.name.value == "nodes":
                    paths.append((child_key, None))
                    children = cost_plan(child.selection_set, node_type, fragments)
                elif child.name.value == "edges":
                    for grandchild in _fields(child.selection_set, fragments):
                        if grandchild.name.value == "node":
                            paths.append((child_key, grandchild.alias.value if grandchild.alias else "node"))
                            children = cost_plan(grandchild.selection_set, node_type, fragments)
            size = tuple(a.value for a in node.arguments or () if a.name.value in ("first", "last"))
            plan.append(CostNode(key, True, size, children, tuple(paths)))
        else:
            plan.append(CostNode(key, False, (), cost_plan(node.selection_set, named, fragments)))
    return tuple(plan)


def requested_cost(plan: tuple[CostNode, ...], variables: dict) -> int:
    """Objects 1, connections 2 + first x (1 + the node's fields), nested connections multiplying; scalars 0."""
    total = 0
    for node in plan:
        if node.connection:
            size = next((value_from_ast_untyped(v, variables) for v in node.size), 0) or 0
            total += 2 + int(size) * (1 + requested_cost(node.children, variables))
        else:
            total += 1 + requested_cost(node.children, variables)
    return total


def actual_cost(plan: tuple[CostNode, ...], value) -> int:
    """The same count over what was answered: a connection's real number of nodes, a null object nothing."""
    if not isinstance(value, dict):
        return 0
    total = 0
    for node in plan:
        answered = value.get(node.key)
        if answered is None:
            continue
        if node.connection:
            total += 2
            for list_key, node_key in node.node_paths[:1]:
                for item in answered.get(list_key) or ():
                    total += 1 + actual_cost(node.children, item if node_key is None else item.get(node_key))
        elif isinstance(answered, list):
            total += 1 + max((actual_cost(node.children, item) for item in answered), default=0)
        else:
            total += 1 + actual_cost(node.children, answered)
    return total


# --- Search syntax and connections ----------------------------------------------------------------

_TERM = re.compile(r"""(-?)([a-z_]+):(>=|<=|>|<|)("([^"]*)"|'([^']*)'|\S+)""")


def parse_search(query: str | None) -> list[tuple[bool, str, str, str]]:
    """`updated_at:>='2026-11-01T00:00:00Z' financial_status:paid` -> [(negated, field, op, value)]."""
    terms = []
    for match in _TERM.finditer(query or ""):
        negated, name, op, raw, double, single = match.groups()
        value = double if double is not None else single if single is not None else raw
        terms.append((negated == "-", name, op or "=", value))
    return terms


@lru_cache(maxsize=64)  # a search's time is read once per order it is matched against
def _parse_time(value: str) -> datetime:
    text = value.strip()
    if len(text) == 10:
        text += "T00:00:00Z"
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _compare(left, op: str, right) -> bool:
    return {"=": left == right, ">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]


def _order_matches(order: Order, terms) -> bool:
    for negated, name, op, value in terms:
        if name in ("updated_at", "created_at", "processed_at"):
            moment = order.updated_at if name == "updated_at" else order.created_at
            ok = _compare(moment, op, _parse_time(value))
        elif name == "name":
            wanted = value if value.startswith("#") or not value.isdigit() else f"#{value}"
            ok = order.name.lower() == wanted.lower()
        elif name == "id":
            ok = _compare(order.id, op, int(gid_number(value) or 0))
        elif name == "financial_status":
            ok = order.financial_status == value.lower()
        elif name == "fulfillment_status":
            status, wanted = order.display_fulfillment_status, value.lower()
            ok = {"unfulfilled": status == "UNFULFILLED", "unshipped": status == "UNFULFILLED",
                  "partial": status == "PARTIALLY_FULFILLED", "fulfilled": status == "FULFILLED",
                  "shipped": status == "FULFILLED", "on_hold": status == "ON_HOLD"}.get(wanted, False)
        elif name == "status":
            state = "cancelled" if order.cancelled_at else "closed" if order.closed_at else "open"
            ok = value.lower() in ("any", state)
        else:
            continue  # Shopify ignores a field it does not filter on (and warns in extensions.search)
        if ok == negated:
            return False
    return True


def _cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, default=str).encode()).decode()


def _uncursor(cursor: str):
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(cursor.encode())))
    except (ValueError, TypeError):
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor!r}") from None


def _page_size(first, last) -> tuple[int, bool]:
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    size = first if first is not None else last
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(f"The {'first' if first is not None else 'last'} argument must be between 0 and {MAX_PAGE}.")
    return size, first is None


def connection(keys: list, items: list, *, first=None, after=None, last=None, before=None, reverse=False,
               match: Callable[[object], bool] | None = None, view: Callable = lambda item: item) -> _Connection:
    """A page of `items` (sorted ascending by `keys`, JSON-able tuples) as a GraphQL connection."""
    size, backwards = _page_size(first, last)
    lo, hi = 0, len(items)
    if reverse:
        positions = range(hi - 1, lo - 1, -1)
        if after is not None:
            positions = range(bisect.bisect_left(keys, _uncursor(after)) - 1, -1, -1)
        if before is not None:
            stop = bisect.bisect_right(keys, _uncursor(before))
            positions = range(positions.start, stop - 1, -1)
    else:
        start = bisect.bisect_right(keys, _uncursor(after)) if after is not None else 0
        stop = bisect.bisect_left(keys, _uncursor(before)) if before is not None else hi
        positions = range(start, stop)
    chosen: list[int] = []
    more = False
    walk = reversed(positions) if backwards else iter(positions)
    for position in walk:
        if match is None or match(items[position]):
            if len(chosen) == size:
                more = True
                break
            chosen.append(position)
    if backwards:
        chosen.reverse()
    return _Connection(keys, chosen, [view(items[p]) for p in chosen],
                       {"hasNextPage": more if not backwards else before is not None,
                        "hasPreviousPage": more if backwards else after is not None})


class _Connection:
    """A page as GraphQL reads it (nodes, edges, pageInfo); a cursor is made only for what the query asks for."""

    def __init__(self, keys: list, chosen: list[int], nodes: list, page: dict):
        self._keys, self._chosen, self.nodes, self._page = keys, chosen, nodes, page

    @property
    def edges(self) -> list[dict]:
        return [{"node": n, "cursor": _cursor(self._keys[p])} for n, p in zip(self.nodes, self._chosen)]

    @property
    def pageInfo(self) -> dict:  # noqa: N802 (the GraphQL field)
        first, last = (_cursor(self._keys[self._chosen[i]]) for i in (0, -1)) if self._chosen else (None, None)
        return {**self._page, "startCursor": first, "endCursor": last}


def _listing(items: list, key: Callable) -> tuple[list, list]:
    pairs = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
    return [k for k, _ in pairs], [item for _, item in pairs]
