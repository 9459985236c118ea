"""Shares satisfied from survey answers (issue: "SIPAS from survey answers")."""

from __future__ import annotations

import math

import chiso
import numpy as np
import polars as pl
import pytest
from chiso.survey import satisfaction
from hypothesis import given, settings
from hypothesis import strategies as st


def answers(n: int = 2000, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    provinces = ["Trà Vinh", "Vĩnh Long", "Bến Tre"]
    nodes = ["services/access/signage", "services/access/seating", "services/results/on_time", "policy/fairness"]
    # Each respondent answers one to four of the nodes, each once, in one province.
    counts = rng.integers(1, 5, n // 2)
    respondent = np.repeat(np.arange(n // 2), counts)
    node = np.concatenate([rng.permutation(4)[:c] for c in counts])
    n = len(respondent)
    return pl.DataFrame(
        {
            "respondent": respondent,
            "province": np.array(provinces)[respondent % 3],
            "year": np.full(n, 2024),
            "node": np.array(nodes)[node],
            "answer": rng.integers(1, 6, n),
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


def test_shares_match_a_direct_computation() -> None:
    df = answers()
    out = satisfaction(df, scale=(1, 5), satisfied_min=4)
    # Every prefix of every path, per province.
    assert set(out["node"]) == {
        "",
        "services",
        "services/access",
        "services/access/signage",
        "services/access/seating",
        "services/results",
        "services/results/on_time",
        "policy",
        "policy/fairness",
    }
    for row in out.iter_rows(named=True):
        name = chiso.find_province(row["province_code"])[1]
        sub = df.filter(pl.col("province") == name)
        if row["node"]:
            sub = sub.filter((pl.col("node") == row["node"]) | pl.col("node").str.starts_with(row["node"] + "/"))
        assert row["n_answers"] == sub.height
        assert row["n_respondents"] == sub["respondent"].n_unique()
        assert row["share"] == pytest.approx((sub["answer"] >= 4).mean())
        assert row["effective_n"] == pytest.approx(sub.height)
        assert 0 <= row["ci_low"] <= row["share"] <= row["ci_high"] <= 1


def test_weighted_shares_and_effective_size() -> None:
    df = answers()
    out = satisfaction(df, scale=(1, 5), satisfied_min=4, weight="w").filter(node="")
    for row in out.iter_rows(named=True):
        sub = df.filter(pl.col("province") == chiso.find_province(row["province_code"])[1])
        w = sub["w"]
        assert row["share"] == pytest.approx(float((w * (sub["answer"] >= 4)).sum() / w.sum()))
        assert row["effective_n"] == pytest.approx(float(w.sum() ** 2 / (w**2).sum()))
        assert row["effective_n"] < row["n_answers"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=60))
def test_unit_weights_change_nothing(values: list[int]) -> None:
    n = len(values)
    df = pl.DataFrame(
        {"respondent": range(n), "province": ["84"] * n, "year": [2024] * n, "node": ["a"] * n, "answer": values}
    )
    plain = satisfaction(df, scale=(1, 5), satisfied_min=4)
    weighted = satisfaction(df.with_columns(w=pl.lit(1.0)), scale=(1, 5), satisfied_min=4, weight="w")
    assert plain["share"].to_list() == pytest.approx(weighted["share"].to_list())
    share = sum(v >= 4 for v in values) / n
    z = 1.959963984540054
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert plain.filter(node="")["ci_low"][0] == pytest.approx(max(0.0, centre - half))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda df: df.with_columns(answer=pl.lit(7)), r"answer 7 .*\[1, 5\]"),
        (lambda df: df.with_columns(province=pl.lit(None, dtype=pl.String)), "province"),
        (lambda df: df.with_columns(province=pl.lit("  ")), "empty province"),
        (lambda df: df.with_columns(w=pl.lit(-1.0)), "weight -1"),
        (lambda df: df.with_columns(answer=pl.lit(None, dtype=pl.Int64)), "answer"),
        (lambda df: df.drop("respondent"), "respondent"),
        (lambda df: df.head(0), "empty"),
    ],
)
def test_bad_answers(change, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(chiso.DataError, match=match):
        satisfaction(change(answers(40)), scale=(1, 5), satisfied_min=4, weight="w")


def test_unknown_province_and_bad_threshold() -> None:
    with pytest.raises(chiso.UnknownProvinceError) as e:
        satisfaction(answers(40).with_columns(province=pl.lit("Tra Vnh")), scale=(1, 5), satisfied_min=4)
    assert (e.value.province, e.value.suggestions[:1]) == ("Tra Vnh", ["Trà Vinh"])
    with pytest.raises(chiso.InvalidArgumentError, match="satisfied_min"):
        satisfaction(answers(40), scale=(1, 5), satisfied_min=6)
