"""What-if scoring (issue 5, first part): zero change reproduces the base, projections equal re-scoring the
modified frame, many scenarios per call."""

from __future__ import annotations

import chiso
import polars as pl
import pytest
from chiso.project import what_if


@pytest.fixture(scope="module")
def papi_2024() -> pl.DataFrame:
    return chiso.datasets.papi().filter(year=2024)


def test_zero_change_is_the_base(papi_2024: pl.DataFrame) -> None:
    s = chiso.score("papi", papi_2024)
    out = what_if(
        s,
        2024,
        pl.DataFrame({"province": ["84"], "node": ["transparency/poverty_lists"], "op": ["add"], "value": [0.0]}),
    )
    assert (out["value"] == out["base_value"]).all()
    assert (out["rank"] == out["base_rank"]).all()
    assert set(out["status"]) == {"projected"}


def test_projection_equals_rescoring(papi_2024: pl.DataFrame) -> None:
    s = chiso.score("papi", papi_2024)
    node = "papi.2021/control_of_corruption/equity_in_employment"
    out = what_if(s, 2024, pl.DataFrame({"province": ["Trà Vinh"], "node": [node], "op": ["set"], "value": [2.4]}))
    changed = papi_2024.with_columns(
        value=pl.when((pl.col("province_code") == "84") & (pl.col("code") == node)).then(2.4).otherwise("value")
    )
    again = chiso.score("papi", changed).long().filter(province_code="84")
    merged = out.join(again.select("node", "score", "rank"), on="node")
    assert merged.height == out.height
    assert (merged["value"] - merged["score"]).abs().max() < 1e-12
    assert (merged["rank"] == merged["rank_right"]).all()


def test_many_scenarios(papi_2024: pl.DataFrame) -> None:
    s = chiso.score("papi", papi_2024)
    k = 1000
    plan = pl.DataFrame(
        {
            "scenario": [f"s{i:04d}" for i in range(k)],
            "province": ["Trà Vinh"] * k,
            "node": ["e_governance/portal_access"] * k,
            "op": ["headroom"] * k,
            "value": [i / k for i in range(k)],
        }
    )
    totals = what_if(s, 2024, plan).filter(node="")
    assert totals.height == k
    assert totals["value"].is_sorted()  # more headroom closed, higher total
    assert totals["rank"].is_sorted(descending=True)


def test_bad_changes(papi_2024: pl.DataFrame) -> None:
    s = chiso.score("papi", papi_2024)
    with pytest.raises(chiso.DataError, match="op"):
        what_if(s, 2024, pl.DataFrame({"province": ["84"], "node": [""], "op": ["double"], "value": [1.0]}))
    with pytest.raises(chiso.DataError, match="needs a value"):
        what_if(s, 2024, pl.DataFrame({"province": ["84"], "node": [""], "op": ["add"], "value": [None]}))
    with pytest.raises(chiso.InvalidArgumentError, match="headroom"):
        what_if(
            s, 2024, pl.DataFrame({"province": ["84"], "node": ["transparency"], "op": ["headroom"], "value": [2.0]})
        )
    with pytest.raises(chiso.UnknownProvinceError) as e:
        what_if(s, 2024, pl.DataFrame({"province": ["Tra Vnh"], "node": [""], "op": ["add"], "value": [1.0]}))
    assert (e.value.province, e.value.suggestions[:1]) == ("Tra Vnh", ["Trà Vinh"])


def test_target_rank_is_reached_by_its_own_answer() -> None:
    """Issue 5: the target solver's answer, applied as a what-if, reaches the target (PCI 2016, Trà Vinh 42nd)."""
    s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    answer = s.target("Trà Vinh", 2016, rank=10, costs={"transparency": 2.0})
    assert answer["reachable"] and answer["status"] == "projected"
    steps = answer["steps"]
    assert steps["total_gain"].sum() == pytest.approx(answer["required_total"] - answer["current_total"])
    changes = steps.select(
        pl.lit("84").alias("province"), "node", pl.lit("set").alias("op"), pl.col("to").alias("value")
    )
    out = what_if(s, 2016, changes).filter(node="")
    assert out["rank"][0] <= 10
    with pytest.raises(chiso.InvalidArgumentError, match="exactly one target"):
        s.target("84", 2016, rank=1, score=90.0)


def test_trend_and_rank_outlook() -> None:
    """README §1.8: trend projections stay within one edition unless asked, are labelled projected, and the rank
    outlook covers every province with ordered rank bands."""
    pci = chiso.datasets.pci()
    s = chiso.score("pci", pci.filter(pl.col("year").is_between(2017, 2021)))
    with pytest.raises(chiso.InvalidArgumentError, match="across_breaks"):
        s.trend("Trà Vinh", target_year=2022)
    t = s.trend("Trà Vinh", target_year=2022, across_breaks=True)
    assert t["status"][0] == "projected" and t["lower"][0] <= t["linear"][0] <= t["upper"][0]
    s2 = chiso.score("pci", pci.filter(pl.col("year").is_between(2016, 2020)))
    o = s2.rank_outlook(2021, draws=1000, seed=1)
    assert o.height == 63
    assert (o["rank_p05"] <= o["rank_median"]).all() and (o["rank_median"] <= o["rank_p95"]).all()
    assert o.equals(s2.rank_outlook(2021, draws=1000, seed=1))


def test_peers_moved_by_their_trend() -> None:
    """Issue 5: the other provinces held or moved by their own trend — the choice is explicit and recorded."""
    s = chiso.score("pci", chiso.datasets.pci().filter(pl.col("year").is_between(2016, 2020)))
    change = pl.DataFrame({"province": ["Trà Vinh"], "node": [""], "op": ["add"], "value": [0.0]})
    held = what_if(s, 2020, change).filter(node="")
    moved = what_if(s, 2020, change, peers="trend", target_year=2021).filter(node="")
    assert held["peers"][0] == "held" and moved["peers"][0] == "trend to 2021"
    assert held["rank"][0] == held["base_rank"][0]
    # Trà Vinh held at its 2020 value against peers at their 2021 trend: the rank is recomputed against them.
    outlook = s.rank_outlook(2021, draws=10, seed=0)
    others = outlook.filter(pl.col("province_code") != "84")["projected"]
    expected = 1 + int((others > moved["value"][0]).sum())
    assert moved["rank"][0] == expected
    with pytest.raises(chiso.InvalidArgumentError, match="target_year"):
        what_if(s, 2020, change, peers="trend")


def test_peers_given_by_the_user_and_calibrated_variant() -> None:
    s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    change = pl.DataFrame({"province": ["Trà Vinh"], "node": [""], "op": ["add"], "value": [0.0]})
    top = pl.DataFrame({"province": ["Đà Nẵng", "Quảng Ninh"], "node": ["", ""], "value": [10.0, 11.0]})
    out = what_if(s, 2016, change, peers="given", peer_values=top).filter(node="")
    assert out["peers"][0] == "user values (2 cells)"
    assert out["rank"][0] == out["base_rank"][0] - 2  # the two leaders, set below Trà Vinh, drop behind it
    fit = s.calibrate(years=[2016], grid=5.0)
    m = fit["methodology"]
    assert m.code == "pci.2013+calibrated" and m.status == "derived" and "Calibrated" in (m.note or "")
    rescored = chiso.score(m, chiso.datasets.pci().filter(year=2016)).totals()
    assert (rescored["score"] - s.totals()["score"]).abs().max() < 1e-6
