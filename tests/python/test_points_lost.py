"""Issue 9 §3: points lost and best-province gaps are right for every index.

The measure and the maximum come from the same node: a score is on the node's own scale, so its maximum is the top
of that scale (a DTI total on 0–1 has a maximum of 1, not its 1,000 points), and where a node has no scale, its
maximum points. The best province is drawn from the same data year and the same map (the 63 provinces or the 34
units of 2025, never both).
"""

from __future__ import annotations

import chiso
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

INDICES = ["par", "sipas", "papi", "pci", "pgi", "ict", "dti"]


def own_maximum(index: str) -> dict[tuple[str, str], float | None]:
    """(edition, node) → the maximum in the node's own measure, read from the edition trees."""
    out: dict[tuple[str, str], float | None] = {}
    for year in range(2005, 2027):
        try:
            m = chiso.methodology(index, year=year)
        except chiso.ChisoError:
            continue
        for r in m.tree().iter_rows(named=True):
            top = r["scale_max"] if r["scale_max"] is not None else r["max_points"]
            out[(m.code, r["path"])] = top
    return out


def is_unit_2025(code: str) -> bool:
    return code.startswith("N")


@pytest.mark.parametrize("index", INDICES)
def test_every_bundled_province_year(index: str) -> None:
    """0 ≤ lost ≤ the node's maximum in its own measure, for every node of every province-year with a total in the
    bundled data; best = the highest value that year on the province's own map; gap_to_best ≥ 0."""
    scores = chiso.score(index, getattr(chiso.datasets, index)())
    long = scores.long().filter(pl.col("score").is_not_null())
    maxima = own_maximum(index)
    units = long.filter(depth=0).select("province_code", "year", "edition").unique().sort("province_code", "year")
    checked = refused = 0
    for code, year, edition in units.iter_rows():
        try:
            lost = scores.points_lost(code, year)
        except chiso.MissingMaximumError:
            refused += 1  # a maximum the specification does not know: a typed error naming it, never a guess
            continue
        same_map = long.filter(
            pl.col("year") == year, pl.col("province_code").str.starts_with("N") == is_unit_2025(code)
        )
        best = dict(same_map.group_by("node").agg(pl.col("score").max()).iter_rows())
        for r in lost.iter_rows(named=True):
            top = maxima[(edition, r["node"])]
            assert r["max"] == top, (index, code, year, r["node"])
            if top is not None:
                assert 0 <= r["lost"] <= top, (index, code, year, r["node"], r["lost"], top)
            assert r["best"] == pytest.approx(best[r["node"]]), (index, code, year, r["node"])
            assert r["gap_to_best"] >= 0
            checked += 1
    assert checked > 0 or index in ("par", "sipas", "ict", "pgi"), index
    assert refused == 0 or index == "par", index


def test_dti_total_loses_at_most_one() -> None:
    """The issue's example: DTI "lost 999.18" (a 1,000-point maximum against a 0–1 score)."""
    scores = chiso.score("dti", chiso.datasets.dti())
    rows = 0
    for code, year in scores.totals().drop_nulls("score").select("province_code", "year").iter_rows():
        total = scores.points_lost(code, year).filter(node="").row(0, named=True)
        assert total["max"] == 1.0
        assert total["lost"] == pytest.approx(1.0 - total["value"])
        rows += 1
    assert rows >= 8


def test_dti_2024_best_from_the_same_map() -> None:
    """DTI 2024 was published on both maps: Quảng Nam's best province is among the 63, Đà Nẵng-the-unit's among
    the 34 (the unit Đà Nẵng's 0.7069 is not a province's value)."""
    scores = chiso.score("dti", chiso.datasets.dti())
    long = scores.long().filter(year=2024, node="").drop_nulls("score")
    provinces = long.filter(~pl.col("province_code").str.starts_with("N"))
    units = long.filter(pl.col("province_code").str.starts_with("N"))
    assert provinces.height and units.height
    qn = scores.points_lost("Quảng Nam", 2024).filter(node="").row(0, named=True)
    assert qn["best"] == provinces["score"].max()
    unit = units.sort("score").row(0, named=True)
    mine = scores.points_lost(unit["province_code"], 2024).filter(node="").row(0, named=True)
    assert mine["best"] == units["score"].max()


@given(st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=8, max_size=8))
def test_dti_main_indicators_any_values(values: list[float]) -> None:
    """Any 0–1 main indicators of DTI 2021: every node loses between 0 and 1 (its own 0–1 scale)."""
    tree = chiso.methodology("dti", year=2022).tree()
    leaves = tree.filter(~pl.col("path").str.starts_with(":"), depth=2, scored=True)["path"].to_list()
    assert len(leaves) == len(values)
    frame = pl.DataFrame(
        {"province": ["Trà Vinh"], "year": [2022], **{p: [v] for p, v in zip(leaves, values, strict=True)}}
    )
    lost = chiso.score("dti", frame).points_lost("Trà Vinh", 2022)
    assert (lost["max"] == 1.0).all()
    assert ((lost["lost"] >= 0) & (lost["lost"] <= 1.0)).all()
    assert (lost["gap_to_best"] == 0).all()  # the only province is its own best
