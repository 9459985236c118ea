"""Issue 9 §1 and §5 through the Python API: Trà Vinh's 2025 and 2026 projections on PAPI and PCI, on both maps,
labelled with the edition assumed and the map; windows of 0 or 1 refused; field-relative what-if ops."""

from __future__ import annotations

import chiso
import polars as pl
import pytest

RULE = {"provinces_63": None, "units_2025": "member_mean"}
LABELS = ["target_year", "edition", "edition_status", "map", "map_status", "merge_rule", "merge_rule_status"]


@pytest.fixture(scope="module")
def papi() -> chiso.Scores:
    return chiso.score("papi", chiso.datasets.papi())


@pytest.fixture(scope="module")
def pci() -> chiso.Scores:
    return chiso.score("pci", chiso.datasets.pci())


@pytest.mark.parametrize("index", ["papi", "pci"])
@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("map_", ["provinces_63", "units_2025"])
def test_trend_outlook_what_if_and_plan_for_tra_vinh(
    index: str, year: int, map_: str, papi: chiso.Scores, pci: chiso.Scores
) -> None:
    s = papi if index == "papi" else pci
    edition = "papi.2021" if index == "papi" else "pci.2022"
    across = index == "pci"  # the PCI window reaches back into pci.2013 where pci.2022 has few years
    unit = "Trà Vinh" if map_ == "provinces_63" else "Vĩnh Long"
    status = "counterfactual" if map_ == "provinces_63" else "merged"

    t = s.trend("Trà Vinh", target_year=year, across_breaks=across, map=map_, merge_rule=RULE[map_])
    assert t.select("province", "edition", "edition_status", "map", "map_status").row(0) == (
        unit,
        edition,
        "assumed",
        map_,
        status,
    )
    assert t["fit_years"][0].len() == t["n_years"][0] == t["fit_editions"][0].len()

    o = s.rank_outlook(year, across_breaks=across, map=map_, merge_rule=RULE[map_], draws=200, seed=1)
    row = o.filter(province=unit)
    assert row.height == 1 and row["edition_status"][0] == "assumed" and row["map_status"][0] == status
    assert row["n_field"][0] == (34 if map_ == "units_2025" else o["n_field"][0])
    assert row["rank_within_p95"][0] <= row["n_ranked"][0] <= row["n_field"][0]
    assert (row["rank_p95"][0] is None) == (row["field_status"][0] == "partial_field")

    last = s.totals()["year"].max()
    change = pl.DataFrame({"province": ["Trà Vinh"], "node": [""], "op": ["best_gap"], "value": [0.25]})
    w = chiso.project.what_if(
        s, last, change, peers="trend", target_year=year, across_breaks=across, map=map_, merge_rule=RULE[map_]
    ).filter(node="")
    assert w.select("province", *LABELS[:5]).row(0) == (unit, year, edition, "assumed", map_, status)
    assert w["beyond_best"].dtype == pl.Boolean

    tasks = chiso.plans.load_plan(
        pl.DataFrame(
            {
                "id": ["T1"],
                "index": [index],
                "node": [""],
                "title": ["Programme"],
                "lead_agency": ["Sở Nội vụ"],
                "deadline": ["2025-12-31"],
                "status": ["planned"],
                "effect_op": ["percentile"],
                "effect_value": [75.0],
            }
        )
    )
    p = chiso.plans.project_plan(
        s,
        tasks,
        "Trà Vinh",
        last,
        index=index,
        target_year=year,
        map=map_,
        merge_rule=RULE[map_],
        across_breaks=across,
    ).filter(node="")
    assert p.select("province", "edition_status", "map_status").row(0) == (unit, "assumed", status)


def test_papi_2025_raised_before(papi: chiso.Scores) -> None:
    """The issue's first observation: this raised UnknownIndexError."""
    t = papi.trend("Trà Vinh", target_year=2025)
    assert t["edition_status"][0] == "assumed"
    assert papi.rank_outlook(2025, draws=100)["edition_status"].unique().to_list() == ["assumed"]


@pytest.mark.parametrize("window", [0, 1])
def test_windows_of_zero_or_one_are_refused(papi: chiso.Scores, window: int) -> None:
    with pytest.raises(chiso.InvalidArgumentError, match=f"window={window}"):
        papi.trend("Trà Vinh", target_year=2025, window=window)
    with pytest.raises(chiso.InvalidArgumentError, match=f"window={window}"):
        papi.rank_outlook(2025, window=window)


def test_successor_needs_a_rule_and_names_read_by_year(papi: chiso.Scores) -> None:
    with pytest.raises(chiso.InvalidArgumentError, match="merge_rule"):
        papi.trend("Vĩnh Long", target_year=2025)  # 2025: the merged unit; PAPI publishes no rule
    assert papi.trend("Vĩnh Long", target_year=2024 + 1, map="provinces_63")["province_code"][0] == "86"
    with pytest.raises(chiso.InvalidArgumentError, match="map="):
        papi.trend("Trà Vinh", target_year=2025, map="units_2024")


def test_mixed_scales_need_a_bridge() -> None:
    early = chiso.score("papi", chiso.datasets.papi().filter(pl.col("year") <= 2019))
    with pytest.raises(chiso.InvalidArgumentError, match="mixes scales"):
        early.trend("Trà Vinh", target_year=2020, across_breaks=True)
    t = early.trend("Trà Vinh", target_year=2020, across_breaks=True, bridge="rescale")
    assert t["bridge"][0] == "rescale"
    assert t["fit_editions"][0].to_list()[0] == "papi.2011"
    with pytest.raises(chiso.InvalidArgumentError) as refused:
        early.trend("Trà Vinh", target_year=2020, across_breaks=True, bridge="stretch")
    assert (refused.value.argument, refused.value.value) == ("bridge", '"stretch"')
    assert str(refused.value) == 'argument bridge = "stretch": expected one of: rescale, as_published'


def test_field_relative_ops_and_cap(papi: chiso.Scores) -> None:
    ops = ["headroom", "best_gap", "best", "percentile"]
    changes = pl.DataFrame(
        {
            "scenario": ops,
            "province": ["Trà Vinh"] * 4,
            "node": ["e_governance"] * 4,
            "op": ops,
            "value": [0.5, 0.5, None, 75.0],
        }
    )
    e = chiso.project.what_if(papi, 2024, changes).filter(node="e_governance")
    beyond = dict(zip(e["scenario"], e["beyond_best"], strict=True))
    assert beyond == {"headroom": True, "best_gap": False, "best": False, "percentile": False}
    best = e["best"][0]
    assert e.filter(scenario="best")["value"][0] == pytest.approx(best)
    with pytest.raises(chiso.DataError, match="percentile"):
        chiso.project.what_if(papi, 2024, changes.with_columns(op=pl.lit("ceiling")))
    capped = papi.target("Trà Vinh", 2024, rank=1, cap="best")
    assert not capped["steps"]["beyond_best"].any()
    with pytest.raises(chiso.InvalidArgumentError) as refused:
        papi.target("Trà Vinh", 2024, rank=1, cap="sky")
    assert (refused.value.argument, refused.value.value) == ("cap", '"sky"')
    assert str(refused.value) == 'argument cap = "sky": expected one of: max, best'


def test_names_resolve_by_year() -> None:
    """'Vĩnh Long' in a 2025+ context is the merged unit (Vĩnh Long, Bến Tre, Trà Vinh), before it the province."""
    assert chiso.find_province("Vĩnh Long", year=2024) == ("86", "Vĩnh Long")
    assert chiso.find_province("Vĩnh Long", year=2025) == ("N86", "Vĩnh Long")
    assert chiso.find_province("Trà Vinh", year=2026) == ("84", "Trà Vinh")  # only the old map has the name
