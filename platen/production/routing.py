"""Routing: which facility makes an order. One pure function, `decide`, over plain in-memory data.

Nothing here reads or writes the database: services/routing.py builds the snapshot of the network (the
facilities with what they make, their stock and their capacity left for the production day), calls `decide`
for each waiting order and writes what it says.

The rule, for a group of items and one facility:

1. hard filters, in this order (the first one a facility fails is the sentence saying why it was ruled out):
   a. it makes every product (its `makes` lists the product uid or the product's kind),
   b. it has the material of every item in stock, one unit per piece (`material_for`; items sharing a
      material add up),
   c. it has capacity left on its production day (one job per order, whatever its size),
   d. it ships to the destination country (`ships_to` lists it, or "*");
2. the facilities left are ordered by: in the destination country first, then distance (great-circle from the
   facility to the destination country's representative point, data/country_centroids.csv, compared in steps
   of DISTANCE_STEP_KM so that two facilities about as far away are told apart by what follows), then cost
   (`cost_index`, lower first), then speed (`production_days`, fewer first), then the facility code (so the
   decision never depends on the order of the input).

One facility when one passes every filter for the whole order. Otherwise the order is split: the smallest
number of facilities that together make every item (each group goes to the best facility for it). When an
item has no facility at all, the order cannot be routed and `Decision.reason` says why in one sentence
("No facility has canvas in stock for AU.").
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from platen.production import materials

DISTANCE_STEP_KM = 100
RUNNERS_UP = 3  # how many runners-up a decision keeps per group (the history shows them)
EARTH_RADIUS_KM = 6371.0

# ---- materials -----------------------------------------------------------------------------------------------
# One table for routing, the network's data file and the facilities' stock: platen/production/materials.py.


def material_for(kind: str | None, uid: str = "", attributes: Mapping[str, str] | None = None) -> str | None:
    """The material code one piece of a product consumes, e.g. "canvas", "paper-200gsm", "tshirt-blank-M";
    None for an unknown kind (no facility can then make it)."""
    return materials.material_for(uid, kind, dict(attributes or {})) if kind in materials.BY_KIND else None


material_name = materials.short_name


# ---- geography -----------------------------------------------------------------------------------------------

def _load_centroids() -> dict[str, tuple[float, float]]:
    path = Path(__file__).with_name("data") / "country_centroids.csv"
    with path.open(encoding="utf-8") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        return {code: (float(lat), float(lon)) for code, lat, lon in rows}


CENTROIDS = _load_centroids()


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=65536)
def distance_km(latitude: float, longitude: float, country: str) -> float:
    """From a point to a country's representative point; infinite for a country not in the table (it then
    ranks after every known distance)."""
    centroid = CENTROIDS.get(country)
    return math.inf if centroid is None else haversine_km((latitude, longitude), centroid)


# ---- the inputs ----------------------------------------------------------------------------------------------

@dataclass(slots=True)
class FacilityFacts:
    """A facility as routing sees it at one moment. `capacity_left` is for its production day; `stock` maps
    material codes to units. The service changes these between decisions of one batch; `decide` never does."""

    id: str
    code: str
    name: str
    country: str
    latitude: float
    longitude: float
    makes: frozenset[str]
    ships_to: frozenset[str]
    cost_index: float = 1.0
    production_days: int = 1
    capacity_left: int = 0
    stock: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Line:
    """One order item to make: `key` identifies it to the caller (the item id), `reference` names it in
    sentences; `kind` is None for a product the catalog does not know; `material` is `material_for` it."""

    key: str
    reference: str
    product_uid: str
    kind: str | None
    quantity: int
    material: str | None = None
    product_name: str = ""

    @property
    def label(self) -> str:
        return self.product_name or self.product_uid


def line(key: str, reference: str, product_uid: str, kind: str | None, quantity: int,
         attributes: Mapping[str, str] | None = None, product_name: str = "") -> Line:
    """A Line with its material worked out (from the product's attributes, if given, else its uid)."""
    return Line(key, reference, product_uid, kind, quantity, material_for(kind, product_uid, attributes), product_name)


# ---- the outputs ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Candidate:
    """A facility that passed every filter, with where it ranks: `why` says what put it behind the winner
    (empty for the winner)."""

    facility: FacilityFacts
    distance_km: float
    why: str = ""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A group of lines and the facility that makes them."""

    lines: tuple[Line, ...]
    winner: Candidate
    runners_up: tuple[Candidate, ...]


@dataclass(frozen=True)
class Decision:
    assignments: tuple[Assignment, ...]  # empty: no facility can take it (see reason)
    ruled_out: dict[str, str]  # facility code -> the sentence why it cannot take the whole order
    reason: str = ""  # one sentence when the order cannot be routed

    @property
    def routed(self) -> bool:
        return bool(self.assignments)

    @property
    def split(self) -> bool:
        return len(self.assignments) > 1


# ---- the filters ---------------------------------------------------------------------------------------------

def needs(lines: Iterable[Line]) -> Counter:
    """Material units a group of lines consumes."""
    need: Counter = Counter()
    for ln in lines:
        if ln.material:
            need[ln.material] += ln.quantity
    return need


def ruled_out_because(facility: FacilityFacts, lines: tuple[Line, ...], destination: str,
                      need: Counter | None = None) -> str:
    """Why `facility` cannot make `lines` for `destination` (the first filter it fails), or "" when it can."""
    makes = facility.makes
    for ln in lines:
        if ln.kind is None or (ln.product_uid not in makes and ln.kind not in makes):
            return f"{facility.name} does not make {ln.label}."
    for code, units in (need if need is not None else needs(lines)).items():
        have = facility.stock.get(code, 0)
        if have < units:
            if have <= 0:
                return f"{facility.name} has no {material_name(code)} in stock."
            return f"{facility.name} has too little {material_name(code)} in stock ({have} of {units} needed)."
    if facility.capacity_left <= 0:
        return f"{facility.name} has no capacity left for its production day."
    if destination not in facility.ships_to and "*" not in facility.ships_to:
        return f"{facility.name} does not ship to {destination}."
    return ""


def rank_key(facility: FacilityFacts, destination: str) -> tuple:
    distance = distance_km(facility.latitude, facility.longitude, destination)
    step = math.inf if math.isinf(distance) else int(distance // DISTANCE_STEP_KM)
    return (facility.country != destination, step, facility.cost_index, facility.production_days, facility.code)


def behind(runner: FacilityFacts, winner: FacilityFacts, destination: str) -> str:
    """The first rule that put `runner` behind `winner`, as a sentence."""
    r, w = rank_key(runner, destination), rank_key(winner, destination)
    if r[0] != w[0]:
        return f"Not in {destination} ({winner.name} is)."
    if r[1] != w[1]:
        rd = distance_km(runner.latitude, runner.longitude, destination)
        wd = distance_km(winner.latitude, winner.longitude, destination)
        return f"Farther from {destination}: {_km(rd)} against {_km(wd)}."
    if r[2] != w[2]:
        return f"Costs more: {r[2]:.2f} against {w[2]:.2f}."
    if r[3] != w[3]:
        return f"Slower: {r[3]} production days against {w[3]}."
    return f"Equal on every rule; {winner.code} comes first by name."


def _km(distance: float) -> str:
    return "an unknown distance" if math.isinf(distance) else f"{distance:,.0f} km"


def _candidates(facilities: list[FacilityFacts], lines: tuple[Line, ...], destination: str,
                exclude: frozenset[str] = frozenset()) -> list[FacilityFacts]:
    need = needs(lines)
    able = [f for f in facilities if f.code not in exclude and not ruled_out_because(f, lines, destination, need)]
    able.sort(key=lambda f: rank_key(f, destination))
    return able


def _assignment(ranked: list[FacilityFacts], lines: tuple[Line, ...], destination: str) -> Assignment:
    best = ranked[0]
    win = Candidate(best, distance_km(best.latitude, best.longitude, destination))
    runners = tuple(Candidate(f, distance_km(f.latitude, f.longitude, destination), behind(f, best, destination))
                    for f in ranked[1:1 + RUNNERS_UP])
    return Assignment(lines, win, runners)


# ---- the decision --------------------------------------------------------------------------------------------

def decide(lines: Iterable[Line], destination: str, facilities: Iterable[FacilityFacts]) -> Decision:
    """Where to make `lines` for `destination` (a two-letter country code). Pure: reads its arguments only."""
    lines = tuple(lines)
    facilities = list(facilities)
    need = needs(lines)
    ruled_out: dict[str, str] = {}
    able: list[FacilityFacts] = []
    for f in facilities:
        why = ruled_out_because(f, lines, destination, need)
        if why:
            ruled_out[f.code] = why
        else:
            able.append(f)
    if able:
        able.sort(key=lambda f: rank_key(f, destination))
        return Decision((_assignment(able, lines, destination),), ruled_out)
    for ln in lines:
        if not _candidates(facilities, (ln,), destination):
            return Decision((), ruled_out, no_facility_sentence(ln, destination, facilities))
    plan = _split(lines, destination, facilities)
    if plan is None:  # every item alone has a facility, but no set of them takes all at once (shared stock)
        return Decision((), ruled_out, f"No set of facilities has stock and capacity for every item to {destination} at once.")
    return Decision(plan, ruled_out)


def no_facility_sentence(ln: Line, destination: str, facilities: list[FacilityFacts]) -> str:
    """Why no facility can make one line for `destination`, in one sentence: among the facilities that make it
    and ship there, what they all lack."""
    what = ln.label
    makers = [f for f in facilities if ln.kind is not None and (ln.product_uid in f.makes or ln.kind in f.makes)]
    if not makers:
        return f"No facility makes {what}."
    shipping = [f for f in makers if destination in f.ships_to or "*" in f.ships_to]
    if not shipping:
        return f"No facility that makes {what} ships to {destination}."
    material = ln.material
    if material and not any(f.stock.get(material, 0) >= ln.quantity for f in shipping):
        amount = "" if ln.quantity == 1 else f"{ln.quantity} units of "
        return f"No facility has {amount}{material_name(material)} in stock for {destination}."
    return f"Every facility that can make {what} for {destination} is fully booked for its production day."


def _split(lines: tuple[Line, ...], destination: str, facilities: list[FacilityFacts]) -> tuple[Assignment, ...] | None:
    """The fewest facilities that together make every line, each group with the best facility for it.

    Facilities are grouped by the set of lines each could make alone (few distinct sets in practice); sets of
    k of those are tried for k = 2, 3, ... and the first k for which every group finds a facility wins (among
    them, the plan whose facilities rank best)."""
    n = len(lines)
    masks: dict[int, FacilityFacts] = {}  # lines a facility can make alone (bit i = lines[i]) -> its best facility
    singles = [_candidates(facilities, (ln,), destination) for ln in lines]
    for f in sorted({f.code: f for ranked in singles for f in ranked}.values(), key=lambda f: rank_key(f, destination)):
        mask = sum(1 << i for i, ranked in enumerate(singles) if f in ranked)
        masks.setdefault(mask, f)
    ordered = sorted(masks, key=lambda m: rank_key(masks[m], destination))
    full = (1 << n) - 1
    for k in range(2, n + 1):
        best: tuple | None = None
        for combo in combinations(ordered, k):
            union = 0
            for m in combo:
                union |= m
            if union != full:
                continue
            plan = _plan(lines, combo, destination, facilities)
            if plan is None:
                continue
            key = tuple(sorted(rank_key(a.winner.facility, destination) for a in plan))
            if best is None or key < best[0]:
                best = (key, plan)
        if best is not None:
            return best[1]
    return None


def _plan(lines: tuple[Line, ...], combo: tuple[int, ...], destination: str,
          facilities: list[FacilityFacts]) -> tuple[Assignment, ...] | None:
    """Each line goes to the first mask of `combo` that covers it; each group then takes the best facility that
    can make it whole and is not used by an earlier group."""
    groups: list[list[Line]] = [[] for _ in combo]
    for i, ln in enumerate(lines):
        groups[next(g for g, m in enumerate(combo) if m >> i & 1)].append(ln)
    used: set[str] = set()
    plan = []
    for group in groups:
        if not group:
            return None  # fewer groups would do: a smaller k already covers it
        ranked = _candidates(facilities, tuple(group), destination, frozenset(used))
        if not ranked:
            return None
        used.add(ranked[0].code)
        plan.append(_assignment(ranked, tuple(group), destination))
    return tuple(plan)
