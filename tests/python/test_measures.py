"""Values given as points, ratio or pct (README §1.2, §1.4) are converted with the node's maximum; values out of
scale are caught; an UNKNOWN maximum is asked for, not guessed."""

from __future__ import annotations

import chiso
import polars as pl
import pytest

EDITION = """
[edition]
code = "x.2021"
first_year = 2021
name_en = "X"
name_vi = "X"
status = "official"
[[node]]
code = "x.2021"
kind = "total"
name_en = "Total"
scale = [0.0, 1.0]
aggregation = "RATIO"
[[node]]
code = "x.2021/a"
kind = "main indicator"
name_en = "A"
scale = [0.0, 1.0]
max_points = 600.0
[[node]]
code = "x.2021/b"
kind = "main indicator"
name_en = "B"
scale = [0.0, 1.0]
max_points = 400.0
[[node]]
code = "x.2021/c"
kind = "main indicator"
name_en = "C"
scale = [0.0, 1.0]
scored = false
"""


@pytest.fixture(scope="module")
def edition() -> chiso.Methodology:
    return chiso.methodology_from_toml(EDITION, "x.toml")


def frame(rows: list[tuple[str, float, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "province": ["Trà Vinh"] * len(rows),
            "year": [2021] * len(rows),
            "node": [r[0] for r in rows],
            "value": [r[1] for r in rows],
            "measure": [r[2] for r in rows],
        }
    )


def test_points_and_pct_are_converted(edition: chiso.Methodology) -> None:
    total = chiso.score(edition, frame([("a", 300.0, "points"), ("b", 40.0, "pct")])).totals()["score"][0]
    assert total == pytest.approx((300 + 160) / 1000)


def test_points_without_saying_so_are_out_of_scale(edition: chiso.Methodology) -> None:
    with pytest.raises(chiso.DataError, match=r"x\.2021/a.*300"):
        chiso.score(edition, frame([("a", 300.0, "score")]))


@pytest.mark.filterwarnings("ignore::chiso.MissingDataWarning")  # incomplete data on purpose
def test_unknown_maximum_is_asked_for(edition: chiso.Methodology) -> None:
    with pytest.raises(chiso.MissingMaximumError, match="with_max_points") as info:
        chiso.score(edition, frame([("c", 5.0, "points")]))
    assert isinstance(info.value, chiso.MethodologyError) and info.value.node == "x.2021/c"
    supplied = edition.with_max_points({"c": 50})
    assert supplied.tree().filter(path="c")["max_points_status"][0] == "user_supplied"
    value = chiso.score(supplied, frame([("c", 5.0, "points")])).long().filter(node="c")["score"][0]
    assert value == pytest.approx(0.1)


def test_scores_on_their_own_scale_take_no_points() -> None:
    with pytest.raises(chiso.DataError, match="score"):
        chiso.score("pci", frame([("transparency", 0.6, "ratio")]).with_columns(year=pl.lit(2015)))


def test_unknown_measure_is_refused(edition: chiso.Methodology) -> None:
    with pytest.raises(chiso.DataError, match="furlongs"):
        chiso.score(edition, frame([("a", 0.5, "furlongs")]))


def test_ranks_and_groups_of_published_tables_are_skipped() -> None:
    data = chiso.datasets.pci().filter(year=2016)
    assert set(data["measure"]) >= {"score", "rank", "tier"}
    assert chiso.score("pci", data).totals().height == 63
