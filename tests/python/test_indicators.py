"""The indicator layer from Python: PCI 2013–2016 sub-indices rebuilt from raw indicators, explanations, what-ifs
with moving bounds, targets, indicator-level plans, and the typed errors of bad input."""

from __future__ import annotations

import chiso
import polars as pl
import pytest
from chiso import DegenerateIndicatorError, IndicatorValueError, MethodologyError, UnknownNodeError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The workbooks store float32 values: a 1–10 sub-index is reproduced when it matches to 1e-5.
SUB_INDEX_TOL = 1e-5


@pytest.mark.parametrize("year", [2013, 2014, 2015, 2016])
def test_established_sub_indices_reproduce_from_raw_indicators(year: int) -> None:
    nodes = chiso.indicators.score(year)["nodes"]
    assert nodes["province"].n_unique() == 63
    established = nodes.filter((pl.col("provenance") == "derived") & pl.col("reproducible"))
    gap = established.select((pl.col("value") - pl.col("published")).abs().max()).item()
    assert gap <= SUB_INDEX_TOL
    # Nine of ten sub-indices are established each year; labour training is not, and says so.
    status = nodes.unique("node").select("node", "provenance")
    assert status.filter(provenance="unknown")["node"].to_list() == ["labor_training"]
    unknown_gap = nodes.filter(node="labor_training").select((pl.col("value") - pl.col("published")).abs().max())
    assert unknown_gap.item() > SUB_INDEX_TOL


def test_layer_documents_units_directions_and_unknown_rules() -> None:
    layer = chiso.indicators.layer(2016)
    inds = layer["indicators"]
    assert inds.height == 111
    assert set(inds["unit"]) <= {"days", "hours", "count", "count_per_100_firms", "share", "pct", "score"}
    assert inds.filter(indicator="time_costs/d4")["direction"][0] == "lower_is_better"
    lt = layer["nodes"].filter(node="labor_training")
    assert lt["aggregation_status"][0] == "unknown" and lt["max_residual"][0] > 0.1
    # An indicator's provenance is the weakest of its node's rule, its weight and its normalisation.
    lt_inds = inds.filter(node="labor_training")
    assert set(lt_inds["provenance"]) == {"unknown"} and set(lt_inds["normalise_status"]) == {"derived"}
    assert set(inds.filter(node="time_costs")["provenance"]) == {"derived"}
    bs = layer["nodes"].filter(node="business_support")
    assert len(bs["not_reproducible"][0]) == 10
    assert chiso.indicators.layers().height == 12  # 2005–2016


def test_explain_tra_vinh() -> None:
    ex = chiso.indicators.explain("Trà Vinh", 2016)
    assert ex.height == 111
    row = ex.filter(indicator="informal_charges/g4_new").row(0, named=True)
    assert row["best_value"] == pytest.approx(0.0348837, abs=1e-6)
    # Points lost = weight × (score of the best − own score), the composite points by the 10% weight of the node.
    assert row["points_lost"] == pytest.approx(row["weight"] * (10 - row["score"]), abs=1e-9)
    assert row["composite_points_lost"] == pytest.approx(row["points_lost"] * 1.0, abs=1e-9)
    assert ex["owner"].null_count() == 0


def test_what_if_fixed_goalposts_versus_field_relative_minmax() -> None:
    change = {"informal_charges/g4_new": 0.0}  # Trà Vinh becomes the best on this indicator
    fixed = chiso.indicators.what_if("Trà Vinh", 2016, change)
    row = fixed["indicators"].row(0, named=True)
    assert row["beyond_bounds"] and not row["bound_moved"]
    moved = chiso.indicators.what_if("Trà Vinh", 2016, change, normalise="minmax")
    row = moved["indicators"].row(0, named=True)
    assert row["bound_moved"] and row["best"] == 0.0 and row["score"] == 10.0
    # Under min–max the former best province loses points: its composite falls.
    field = moved["field"]
    others = field.filter(pl.col("province") != "Trà Vinh")
    assert (others["value"] <= others["base"] + 1e-12).all()
    assert (others["value"] < others["base"] - 1e-9).any()
    # Under fixed goalposts the others do not move.
    others = fixed["field"].filter(pl.col("province") != "Trà Vinh")
    assert (others["value"] - others["base"]).abs().max() < 1e-12
    assert fixed["composite"] > moved["composite"] > fixed["composite_base"]


def test_target_reaches_the_rank_with_established_rules_only() -> None:
    t = chiso.indicators.target("Trà Vinh", 2016, rank=15)
    assert t["rank"] <= 15 < t["rank_base"]
    moves = t["moves"]
    assert moves.height >= 1
    assert not moves["node"].is_in(["labor_training"]).any()
    assert ((moves["cost"] > 0) & (moves["cost"] <= 1 + 1e-9)).all()
    with pytest.raises(chiso.InvalidArgumentError, match="between 1 and 63"):
        chiso.indicators.target("Trà Vinh", 2016, rank=64)
    with pytest.raises(chiso.InvalidArgumentError, match="rank"):
        chiso.indicators.target("Trà Vinh", 2016, rank=0)


def test_indicator_level_plan() -> None:
    plan = pl.DataFrame(
        {
            "id": ["T1", "T2"],
            "indicator": ["informal_charges/g4_new", "time_costs/d4"],
            "to": [0.04, 4.0],
            "lead_agency": ["Sở Nội vụ", "Cục Thuế"],
        }
    )
    out = chiso.indicators.project_plan(plan, "Trà Vinh", 2016)
    assert out["id"].to_list() == ["T1", "T2", "all"]
    t1 = out.row(0, named=True)
    assert t1["from"] == pytest.approx(0.0493827, abs=1e-6) and t1["node_delta"] > 0
    everything = out.row(2, named=True)
    assert everything["value"] == pytest.approx(t1["value"] + out.row(1, named=True)["value"] - t1["base"], abs=1e-9)
    assert everything["status"] == "projected"


def test_plan_by_raw_change_and_minmax_target() -> None:
    by_change = pl.DataFrame({"id": ["T1"], "indicator": ["informal_charges/g4_new"], "change": [-0.01]})
    out = chiso.indicators.project_plan(by_change, "Trà Vinh", 2016)
    assert out.row(0, named=True)["to"] == pytest.approx(0.0493827 - 0.01, abs=1e-6)
    with pytest.raises(chiso.DataError, match="exactly one"):
        chiso.indicators.project_plan(by_change.with_columns(pl.lit(0.1).alias("to")), "Trà Vinh", 2016)
    # Under the min-max counterfactual the answer is re-scored with the bounds recomputed, and still holds.
    t = chiso.indicators.target("Trà Vinh", 2016, rank=20, normalise="minmax")
    assert t["rank"] <= 20


def test_bad_input_is_typed() -> None:
    with pytest.raises(IndicatorValueError) as e:
        chiso.indicators.what_if("Trà Vinh", 2016, {"informal_charges/g4_new": 1.4})
    assert e.value.province == "Trà Vinh" and e.value.year == 2016 and e.value.value == 1.4
    with pytest.raises(IndicatorValueError, match="days"):
        chiso.indicators.what_if("Trà Vinh", 2016, {"entry_costs/c1_2005": -3})
    with pytest.raises(UnknownNodeError, match="g4_neww"):
        chiso.indicators.what_if("Trà Vinh", 2016, {"informal_charges/g4_neww": 0.1})
    data = pl.DataFrame(
        {"province": ["Trà Vinh", "Hà Nội"], "indicator": ["time_costs/d1", "time_costs/d1"], "value": [2.0, 2.0]}
    )
    mine = """
[layer]
edition = "pci.2013"
status = "user_supplied"
[[sub_index]]
node = "time_costs"
aggregation = "WMEAN"
rule_status = "user_supplied"
[[indicator]]
node = "time_costs/d1"
unit = "count"
direction = "lower_is_better"
weight = 1.0
normalise = { method = "minmax", range = [1.0, 10.0] }
"""
    with pytest.raises(DegenerateIndicatorError) as e2:
        chiso.indicators.score(2016, data=data, toml=mine)
    assert e2.value.year == 2016 and e2.value.value == 2.0 and e2.value.node == "pci.2013/time_costs/d1"
    assert e2.value.reason == "every province with a value has 2 (min = max)"
    # A frontier with a fixed worst: the field has a spread, and the message says what happened instead.
    frontier = mine.replace('method = "minmax"', 'method = "frontier", worst = 2.0')
    with pytest.raises(DegenerateIndicatorError, match="equals the rule's fixed worst") as e3:
        chiso.indicators.score(2016, data=data.with_columns(pl.Series("value", [2.0, 5.0])), toml=frontier)
    assert "every province" not in str(e3.value)
    # A layer whose edition is not in force in the year asked for is refused, naming both.
    with pytest.raises(chiso.InvalidArgumentError, match="in force for 2005–2005"):
        chiso.indicators.score(2016, data=data, toml=mine.replace("pci.2013", "pci.2005"))
    with pytest.raises(MethodologyError, match="without a unit"):
        chiso.indicators.score(2016, data=data, toml=mine.replace('unit = "count"\n', ""))
    with pytest.raises(MethodologyError, match="without a direction"):
        chiso.indicators.score(2016, data=data, toml=mine.replace('direction = "lower_is_better"\n', ""))
    with pytest.raises(chiso.InvalidArgumentError, match="established for"):
        chiso.indicators.explain("Trà Vinh", 2017)


PROVINCES_2016 = sorted(set(chiso.indicators.data(2016)["province"]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PROVINCES_2016), min_size=2, max_size=62, unique=True))
def test_ranks_only_over_the_field_vcci_ranked(chosen: list[str]) -> None:
    """Any field smaller than VCCI's 63: no rank, the rank among the provinces given, n_ranked of n_field."""
    data = chiso.indicators.data(2016).filter(pl.col("province").is_in(chosen))
    totals = chiso.indicators.score(2016, data=data)["totals"]
    assert totals.height == len(chosen)
    assert totals["rank"].null_count() == len(chosen)
    assert set(totals["field_status"]) == {"partial_field"} and set(totals["n_field"]) == {63}
    ranked = totals.filter(pl.col("composite").is_not_null())
    assert set(totals["n_ranked"]) == {ranked.height}
    # rank_within is the competition rank of the composite among the provinces given.
    for r in ranked.iter_rows(named=True):
        assert r["rank_within"] == 1 + ranked.filter(pl.col("composite") > r["composite"]).height
    province = ranked["province"][0]
    w = chiso.indicators.what_if(province, 2016, {"time_costs/d4": 0.0}, data=data)
    assert w["rank"] is None and w["rank_base"] is None and w["field_status"] == "partial_field"
    assert w["n_field"] == 63 and 1 <= w["rank_within"] <= w["rank_within_base"] <= ranked.height
    assert w["field"]["rank"].null_count() == w["field"].height
    with pytest.raises(chiso.InvalidArgumentError, match="partial field"):
        chiso.indicators.target(province, 2016, rank=1, data=data)


def test_whole_field_ranks_equal_ranks_within() -> None:
    totals = chiso.indicators.score(2016)["totals"]
    assert set(totals["field_status"]) == {"full_field"} and set(totals["n_ranked"]) == {63}
    assert (totals["rank"] == totals["rank_within"]).all()
    w = chiso.indicators.what_if("Trà Vinh", 2016, {"time_costs/d4": 0.0})
    assert w["rank"] == w["rank_within"] and w["field_status"] == "full_field"


def _every_sub_index_layer() -> str:
    """A user layer: one min–max indicator ``<sub-index>/days`` (fewer is better, onto 1–10) per PCI 2013 sub-index."""
    subs = chiso.methodology("pci", 2016).tree().filter(pl.col("depth") == 1, pl.col("scored"))["path"].to_list()
    text = '[layer]\nedition = "pci.2013"\nstatus = "user_supplied"\n'
    for node in subs:
        text += f'[[sub_index]]\nnode = "{node}"\naggregation = "WMEAN"\nrule_status = "user_supplied"\n'
    for node in subs:
        text += (
            f'[[indicator]]\nnode = "{node}/days"\nunit = "days"\ndirection = "lower_is_better"\nweight = 1.0\n'
            'weight_status = "user_supplied"\n'
            'normalise = { method = "minmax", range = [1.0, 10.0], status = "user_supplied" }\n'
        )
    return text


def test_indicator_plan_by_hand_with_a_moved_bound() -> None:
    """Trà Vinh 10 days, Hà Nội 5, TP.HCM 20 on every sub-index; a task takes Trà Vinh's time costs to 2 days."""
    toml = _every_sub_index_layer()
    subs = [line.split('"')[1] for line in toml.splitlines() if line.startswith("node =") and "/" in line]
    days = {"Trà Vinh": 10.0, "Hà Nội": 5.0, "TP.HCM": 20.0}
    data = pl.DataFrame(
        [{"province": p, "indicator": s, "value": v} for p, v in days.items() for s in subs],
    )
    plan = pl.DataFrame({"id": ["T1"], "indicator": ["time_costs/days"], "to": [2.0], "title": ["One window"]})
    owners = pl.DataFrame({"node": ["time_costs"], "agency": ["Cục Thuế"]})
    out = chiso.indicators.project_plan(plan, "Trà Vinh", 2016, data=data, toml=toml, owners=owners)
    t1 = out.row(0, named=True)
    # Base score 1 + 9·(20 − 10)/(20 − 5) = 7; at 2 days Trà Vinh is the new best (the bound moves 5 → 2): 10.
    assert t1["node_base"] == pytest.approx(7.0, abs=1e-12) and t1["node_value"] == pytest.approx(10.0, abs=1e-12)
    assert t1["bound_moved"] and not t1["beyond_bounds"]
    # PCI 2013 composite = 10·Σ w·s/100, time costs weighs 5: +3 sub-index points = +1.5 composite points.
    assert t1["value"] - t1["base"] == pytest.approx(1.5, abs=1e-9)
    # Hà Nội's time costs fall from 10 to 1 + 9·(20 − 5)/(20 − 2) = 8.5: −1.5 · 0.5 composite points.
    w = chiso.indicators.what_if("Trà Vinh", 2016, {"time_costs/days": 2.0}, data=data, toml=toml)
    hn = w["field"].filter(province="Hà Nội").row(0, named=True)
    assert hn["value"] - hn["base"] == pytest.approx(-0.75, abs=1e-9)
    # Three provinces are not VCCI's 63: no rank, the rank among them.
    assert (t1["rank"], t1["base_rank"], t1["rank_within"], t1["base_rank_within"]) == (None, None, 2, 2)
    assert (t1["n_ranked"], t1["n_field"], t1["field_status"]) == (3, 63, "partial_field")
    assert t1["owner"] == "Cục Thuế" and t1["provenance"] == "user_supplied" and t1["title"] == "One window"
    assert out["id"].to_list() == ["T1", "all"] and out.row(1, named=True)["value"] == t1["value"]


def test_indicator_plan_errors_are_typed() -> None:
    def plan(**cols: list[object]) -> pl.DataFrame:
        return pl.DataFrame({"id": ["T1"], "indicator": ["time_costs/d4"], **cols})

    with pytest.raises(IndicatorValueError) as e:
        chiso.indicators.project_plan(plan(to=[-1.0]), "Trà Vinh", 2016)
    assert e.value.province == "Trà Vinh" and e.value.year == 2016 and e.value.node == "pci.2013/time_costs/d4"
    with pytest.raises(UnknownNodeError, match="d44"):
        chiso.indicators.project_plan(plan(to=[1.0]).with_columns(indicator=pl.lit("time_costs/d44")), "Trà Vinh", 2016)
    with pytest.raises(chiso.DataError, match="exactly one of to"):
        chiso.indicators.project_plan(plan(to=[1.0], change=[-1.0]), "Trà Vinh", 2016)
    with pytest.raises(chiso.DataError, match="both move time_costs/d4"):
        two = pl.DataFrame({"id": ["T1", "T2"], "indicator": ["time_costs/d4"] * 2, "to": [1.0, 2.0]})
        chiso.indicators.project_plan(two, "Trà Vinh", 2016)


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=-0.04, max_value=0.0), st.floats(min_value=-3.0, max_value=0.0))
def test_indicator_plan_gains_add_up_under_fixed_goalposts(d_share: float, d_hours: float) -> None:
    """With fixed goalposts no bound moves: the plan's gain is the sum of its tasks' gains, and none is negative."""
    plan = pl.DataFrame(
        {"id": ["T1", "T2"], "indicator": ["informal_charges/g4_new", "time_costs/d4"], "change": [d_share, d_hours]}
    )
    out = chiso.indicators.project_plan(plan, "Trà Vinh", 2016)
    gains = (out["value"] - out["base"]).to_list()
    assert gains[2] == pytest.approx(gains[0] + gains[1], abs=1e-9)
    assert min(gains) >= -1e-12
    assert out.filter(id="all")["rank"][0] <= out.filter(id="all")["base_rank"][0]


def test_user_data_columns_are_checked() -> None:
    """The long frame crosses as distinct names + row indices + float64 buffers: bad rows are still typed errors."""
    two = pl.DataFrame(
        {"province": ["Trà Vinh", "tra vinh"], "indicator": ["time_costs/d4", "time_costs/d4"], "value": [4.0, 5.0]}
    )
    # The same province (two spellings) and indicator with two values: refused, naming both values.
    with pytest.raises(chiso.DataError, match="given twice with different values 4 and 5") as e:
        chiso.indicators.score(2016, data=two)
    assert e.value.province == "Trà Vinh" and e.value.node == "pci.2013/time_costs/d4"
    with pytest.raises(chiso.DataError, match="not numeric"):
        chiso.indicators.score(2016, data=two.with_columns(pl.lit("many").alias("value")))
    with pytest.raises(chiso.DataError, match="without a province"):
        chiso.indicators.score(2016, data=two.with_columns(pl.lit(None, dtype=pl.String).alias("province")))
    with pytest.raises(UnknownNodeError, match="d44") as e2:
        chiso.indicators.score(2016, data=two.with_columns(pl.lit("time_costs/d44").alias("indicator")))
    assert e2.value.province == "Trà Vinh" and e2.value.year == 2016
    # pandas is accepted and gives the same frame.
    data = chiso.indicators.data(2016).filter(pl.col("province").is_in(["Trà Vinh", "Bến Tre"]))
    a = chiso.indicators.score(2016, data=data)["indicators"]
    b = chiso.indicators.score(2016, data=data.to_pandas())["indicators"]
    assert a.equals(b) and a.height == data.height
    assert a.filter(province="Trà Vinh", indicator="time_costs/d4")["raw"][0] == pytest.approx(
        data.filter(province="Trà Vinh", indicator="time_costs/d4")["value"][0]
    )
