"""The routing rule itself (platen.production.routing.decide): pure, on in-memory networks."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from platen.production import routing
from platen.catalog.models import ProductKind
from platen.production import materials
from platen.production.routing import FacilityFacts, decide, line, material_for

TEE_M = "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_m_gco_white_gpr_4-0"


def fac(code, country="DE", lat=52.5, lon=13.4, makes=("poster",), ships=("*",), cost=1.0, days=1, capacity=10,
        stock=None, name=None) -> FacilityFacts:
    stock = {"paper-200gsm": 100} if stock is None else stock
    return FacilityFacts(code, code, name or code, country, lat, lon, frozenset(makes), frozenset(ships), cost, days,
                         capacity, dict(stock))


def poster(key="p", quantity=1):
    return line(key, key, "poster_uid", "poster", quantity)


def test_materials_per_kind_and_garment_size():
    assert material_for("poster") == material_for("greeting_card") == "paper-200gsm"
    assert material_for("canvas") == "canvas"
    assert material_for("t_shirt", TEE_M) == "tshirt-blank-M"
    assert material_for("hoodie", "any", {"GarmentSize": "l"}) == "hoodie-blank-L"
    assert material_for("spaceship") is None and material_for(None) is None
    assert set(materials.BY_KIND) == set(ProductKind.values)  # one material table for routing and the network


def test_the_filters_rule_out_in_order_and_say_why():
    lines = (poster(quantity=3),)
    assert routing.ruled_out_because(fac("a", makes=["canvas"], capacity=0, ships=[]), lines, "DE") == "a does not make poster_uid."
    assert routing.ruled_out_because(fac("b", stock={}, capacity=0), lines, "DE") == "b has no 200 gsm paper in stock."
    assert routing.ruled_out_because(fac("c", stock={"paper-200gsm": 2}), lines, "DE") == \
        "c has too little 200 gsm paper in stock (2 of 3 needed)."
    assert routing.ruled_out_because(fac("d", capacity=0, ships=[]), lines, "DE") == "d has no capacity left for its production day."
    assert routing.ruled_out_because(fac("e", ships=["FR"]), lines, "DE") == "e does not ship to DE."
    assert routing.ruled_out_because(fac("f", ships=["DE"]), lines, "DE") == ""


def test_same_country_first_then_distance_then_cost_then_speed():
    berlin = fac("berlin", "DE", 52.5, 13.4)
    warsaw = fac("warsaw", "PL", 52.2, 21.0)
    leeds = fac("leeds", "GB", 53.8, -1.5)  # nearer to Germany's centre point (51 N, 9 E) than Warsaw
    d = decide([poster()], "DE", [leeds, warsaw, berlin])
    assert d.assignments[0].winner.facility.code == "berlin"
    assert [c.facility.code for c in d.assignments[0].runners_up] == ["leeds", "warsaw"]
    assert d.assignments[0].runners_up[0].why == "Not in DE (berlin is)."
    # Abroad: the nearest wins; the runner-up says how much farther.
    d = decide([poster()], "AT", [leeds, warsaw, berlin])
    assert d.assignments[0].winner.facility.code == "berlin"
    assert d.assignments[0].runners_up[0].why.startswith("Farther from AT: ")
    # About as far (same 100 km step): the cheaper wins, then the faster, then the code.
    near_a = fac("a", "DE", 52.5, 13.4, cost=1.2)
    near_b = fac("b", "DE", 52.51, 13.41, cost=0.9, days=3)
    near_c = fac("c", "DE", 52.52, 13.39, cost=0.9, days=1)
    d = decide([poster()], "DE", [near_a, near_b, near_c])
    assert [d.assignments[0].winner.facility.code, *[c.facility.code for c in d.assignments[0].runners_up]] == ["c", "b", "a"]
    assert d.assignments[0].runners_up[0].why == "Slower: 3 production days against 1."
    assert d.assignments[0].runners_up[1].why == "Costs more: 1.20 against 0.90."


def test_one_facility_when_one_makes_everything_else_the_fewest():
    lines = [line("p", "p", "poster_uid", "poster", 1), line("c", "c", "canvas_uid", "canvas", 1),
             line("t", "t", TEE_M, "t_shirt", 1)]
    everything = fac("all", "FR", 48.9, 2.3, makes=["poster", "canvas", "t_shirt"],
                     stock={"paper-200gsm": 9, "canvas": 9, "tshirt-blank-M": 9})
    d = decide(lines, "DE", [everything, fac("near", makes=["poster"])])
    assert not d.split and d.assignments[0].winner.facility.code == "all"
    # Without it: posters and canvas in one place, t-shirts in another beats three single-product houses.
    network = [fac("posters"), fac("canvas", makes=["canvas"], stock={"canvas": 5}),
               fac("mixed", "PL", 52.2, 21.0, makes=["poster", "canvas"], stock={"paper-200gsm": 5, "canvas": 5}),
               fac("tees", "PL", 50.0, 19.9, makes=["t_shirt"], stock={"tshirt-blank-M": 5})]
    d = decide(lines, "DE", network)
    assert d.split
    groups = {a.winner.facility.code: sorted(ln.key for ln in a.lines) for a in d.assignments}
    assert groups == {"mixed": ["c", "p"], "tees": ["t"]}


def test_no_facility_says_why_in_one_sentence():
    canvas = line("c", "c", "canvas_uid", "canvas", 1)
    assert decide([canvas], "AU", [fac("p")]).reason == "No facility makes canvas_uid."
    assert decide([canvas], "AU", [fac("c", makes=["canvas"], stock={"canvas": 3}, ships=["DE"])]).reason == \
        "No facility that makes canvas_uid ships to AU."
    assert decide([canvas], "AU", [fac("c", makes=["canvas"], stock={"canvas": 0})]).reason == \
        "No facility has canvas in stock for AU."
    assert decide([canvas], "AU", [fac("c", makes=["canvas"], stock={"canvas": 3}, capacity=0)]).reason == \
        "Every facility that can make canvas_uid for AU is fully booked for its production day."
    unknown = line("x", "x", "mystery", None, 1)
    d = decide([unknown], "DE", [fac("p")])
    assert not d.routed and d.reason == "No facility makes mystery." and d.ruled_out == {"p": "p does not make mystery."}


# ---- properties over random networks ----------------------------------------------------------------------

KINDS = ["poster", "canvas", "t_shirt"]
COUNTRIES = ["DE", "FR", "US", "AU", "GB"]
MATERIALS = ["paper-200gsm", "canvas", "tshirt-blank-M"]

facilities = st.lists(st.builds(
    lambda i, country, lat, lon, makes, ships, cost, days, cap, stock: fac(
        f"f{i}", country, lat, lon, makes, ships, cost, days, cap, stock),
    st.integers(0, 10**6), st.sampled_from(COUNTRIES), st.floats(-60, 70), st.floats(-180, 180),
    st.sets(st.sampled_from(KINDS)), st.one_of(st.just({"*"}), st.sets(st.sampled_from(COUNTRIES))),
    st.sampled_from([0.8, 1.0, 1.2]), st.integers(1, 3), st.integers(0, 3),
    st.dictionaries(st.sampled_from(MATERIALS), st.integers(0, 5)),
), max_size=8, unique_by=lambda f: f.code)
orders = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(1, 3)), min_size=1, max_size=4)
UIDS = {"poster": "poster_uid", "canvas": "canvas_uid", "t_shirt": TEE_M}


@settings(max_examples=300, deadline=None)
@given(facilities, orders, st.sampled_from(COUNTRIES))
def test_every_decision_keeps_the_rules(network, wanted, destination):
    lines = [line(f"l{n}", f"l{n}", UIDS[kind], kind, q) for n, (kind, q) in enumerate(wanted)]
    before = copy.deepcopy(network)
    d = decide(lines, destination, network)
    assert [(f.capacity_left, f.stock) for f in network] == [(f.capacity_left, f.stock) for f in before]  # pure
    whole = [f for f in network if not routing.ruled_out_because(f, tuple(lines), destination)]
    if not d.routed:
        assert not whole and d.reason.endswith(".")
        return
    assert d.reason == ""
    keys = sorted(ln.key for a in d.assignments for ln in a.lines)
    assert keys == sorted(ln.key for ln in lines)  # every line exactly once
    winners = [a.winner.facility.code for a in d.assignments]
    assert len(set(winners)) == len(winners)
    for a in d.assignments:
        assert routing.ruled_out_because(a.winner.facility, a.lines, destination) == ""
    if whole:  # one facility can make everything: no split, and it is the best-ranked of those
        assert not d.split
        assert d.assignments[0].winner.facility.code == min(whole, key=lambda f: routing.rank_key(f, destination)).code
    else:
        assert d.split
        assert set(d.ruled_out) == {f.code for f in network}
