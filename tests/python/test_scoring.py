"""The scoring API: input shapes, levels, options and the shape of the results.

Spec: shared/methodology/README.md §1.5 (rules, missing children, precision), §1.6 (ranks), §2 (score from whatever
level the user holds); pci.md A4.1 (worked example), A8; papi.md §4 (worked example), §7.
"""

from __future__ import annotations

import chiso
import pandas as pd
import polars as pl
import pytest

#: pci.md A4.1 synthetic example: these sub-indices give 63.15 under the 2013 weights.
EXAMPLE = {
    "entry_costs": 7.0,
    "land_access": 6.0,
    "transparency": 6.5,
    "time_costs": 7.5,
    "informal_charges": 6.0,
    "policy_bias": 5.5,
    "proactivity": 6.5,
    "business_support": 6.0,
    "labor_training": 6.2,
    "legal_institutions": 7.0,
}
WEIGHTS_2013 = {
    "entry_costs": 5,
    "land_access": 5,
    "transparency": 20,
    "time_costs": 5,
    "informal_charges": 10,
    "policy_bias": 5,
    "proactivity": 5,
    "business_support": 20,
    "labor_training": 20,
    "legal_institutions": 5,
}
WEIGHTS_2022 = {
    "entry_costs": 5,
    "land_access": 10,
    "transparency": 5,
    "time_costs": 5,
    "informal_charges": 15,
    "policy_bias": 10,
    "proactivity": 15,
    "business_support": 15,
    "labor_training": 10,
    "legal_institutions": 10,
}
LONG_COLUMNS = [
    "province_code",
    "province",
    "year",
    "edition",
    "node",
    "code",
    "depth",
    "kind",
    "scored",
    "score",
    "max",
    "rank",
    "rank_within",
    "n_ranked",
    "n_field",
    "field_status",
    "published_rank",
    "rank_status",
    "group",
    "origin",
    "provenance",
    "input",
    "missing_children",
]
PAPI_DIMENSIONS = [
    "participation",
    "transparency",
    "vertical_accountability",
    "control_of_corruption",
    "administrative_procedures",
    "public_service_delivery",
    "environmental_governance",
    "e_governance",
]


def weighted(values: dict[str, float], weights: dict[str, float]) -> float:
    """WMEAN(k = 10) of pci.md A4.1."""
    return 10 * sum(weights[k] * values[k] for k in values) / sum(weights[k] for k in values)


def wide_frame(rows: dict[tuple[str, int], dict[str, float]]) -> pl.DataFrame:
    return pl.DataFrame([{"province": p, "year": y, **values} for (p, y), values in rows.items()])


def long_frame(rows: list[tuple[str, int, str, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["province", "year", "node", "value"], orient="row")


def total(scores: chiso.Scores, province: str = "Trà Vinh", year: int | None = None) -> dict:
    t = scores.totals().filter(province=province)
    if year is not None:
        t = t.filter(year=year)
    assert t.height == 1
    return t.row(0, named=True)


# --- input shapes -------------------------------------------------------------------------------------------------


def test_worked_example_pci_2013() -> None:
    """pci.md A4.1: (5·7.0 + 5·6.0 + 20·6.5 + 5·7.5 + 10·6.0 + 5·5.5 + 5·6.5 + 20·6.0 + 20·6.2 + 5·7.0)/10 = 63.15."""
    row = total(chiso.score("pci", wide_frame({("Trà Vinh", 2015): EXAMPLE})))
    assert row["score"] == pytest.approx(63.15, abs=1e-12)
    assert row["edition"] == "pci.2013"
    assert row["origin"] == "computed"


def test_long_input_with_full_codes_and_with_paths_agree() -> None:
    """chiso.score docs: ``node`` is a full code (``pci.2013/transparency``) or the path below the root."""
    by_path = long_frame([("Trà Vinh", 2015, k, v) for k, v in EXAMPLE.items()])
    by_code = by_path.with_columns(("pci.2013/" + pl.col("node")).alias("node"))
    mixed = pl.concat([by_path.head(5), by_code.tail(5)])
    results = [chiso.score("pci", df).long() for df in (by_path, by_code, mixed)]
    assert results[0].equals(results[1])
    assert results[0].equals(results[2])
    assert total(chiso.score("pci", by_code))["score"] == pytest.approx(63.15)


def test_wide_input_equals_long_input() -> None:
    wide = wide_frame({("Trà Vinh", 2015): EXAMPLE, ("Vĩnh Long", 2015): {**EXAMPLE, "transparency": 7.5}})
    long = wide.unpivot(index=["province", "year"], variable_name="node", value_name="value")
    assert (
        chiso.score("pci", wide)
        .long()
        .sort("province", "node")
        .equals(chiso.score("pci", long).long().sort("province", "node"))
    )


def test_pandas_input() -> None:
    """chiso.score accepts a pandas DataFrame (converted through pyarrow)."""
    wide = wide_frame({("Trà Vinh", 2015): EXAMPLE, ("Vĩnh Long", 2015): {**EXAMPLE, "land_access": 9.0}})
    from_pandas = chiso.score("pci", wide.to_pandas())
    assert from_pandas.long().equals(chiso.score("pci", wide).long())
    long_pd = pd.DataFrame(
        {"province": ["Trà Vinh"] * 10, "year": [2015] * 10, "node": list(EXAMPLE), "value": list(EXAMPLE.values())}
    )
    assert total(chiso.score("pci", long_pd))["score"] == pytest.approx(63.15)


def test_lazyframe_input() -> None:
    wide = wide_frame({("Trà Vinh", 2015): EXAMPLE})
    assert chiso.score("pci", wide.lazy()).long().equals(chiso.score("pci", wide).long())


def test_province_code_column_and_spellings_resolve_to_one_province() -> None:
    """README §1.9: every spelling maps to the GSO code; a ``province_code`` column is used when present."""
    by_code = chiso.score("pci", pl.DataFrame({"province_code": ["84"], "year": [2015], "pci.2013": [60.0]}))
    assert total(by_code)["province_code"] == "84"
    for spelling in ["tra vinh", "TRÀ VINH", "Tỉnh Trà Vinh", "84", "P54"]:
        scores = chiso.score("pci", pl.DataFrame({"province": [spelling], "year": [2015], "pci.2013": [60.0]}))
        row = scores.totals().row(0, named=True)
        assert (row["province_code"], row["province"]) == ("84", "Trà Vinh"), spelling


def test_exact_duplicates_under_two_spellings_are_one_observation() -> None:
    """Rows for the same province, year and node with the same value are accepted (bad-input tests cover
    conflicting values)."""
    frame = long_frame([("Trà Vinh", 2015, "pci.2013", 60.0), ("tra vinh", 2015, "pci.2013", 60.0)])
    scores = chiso.score("pci", frame)
    assert scores.totals().height == 1
    assert total(scores)["score"] == 60.0


@pytest.mark.filterwarnings("ignore::chiso.MissingDataWarning")  # incomplete data on purpose
def test_null_cells_are_missing_values() -> None:
    """chiso.score docs: null cells are missing values, never zeros."""
    wide = wide_frame({("Trà Vinh", 2015): {**EXAMPLE, "transparency": None}})
    row = total(chiso.score("pci", wide))
    assert row["score"] is None
    assert row["missing_children"] == ["pci.2013/transparency"]


# --- levels -------------------------------------------------------------------------------------------------------


def test_papi_worked_example_sub_dimensions_to_dimension() -> None:
    """papi.md §4: D5 with k = 3 (papi.2021): 2.40 + 2.10 + 2.50 = 7.00."""
    frame = long_frame(
        [
            ("Trà Vinh", 2021, "administrative_procedures/certification", 2.40),
            ("Trà Vinh", 2021, "administrative_procedures/land_use_rights", 2.10),
            ("Trà Vinh", 2021, "administrative_procedures/personal_procedures", 2.50),
        ]
    )
    with pytest.warns(chiso.MissingDataWarning, match="7 of|no total for any"):
        long = chiso.score("papi", frame).long()
    d5 = long.filter(node="administrative_procedures").row(0, named=True)
    assert d5["score"] == pytest.approx(7.0)
    assert d5["origin"] == "computed"
    # The total is missing: seven dimensions have no data (strict rule, README §1.5 rule 1).
    root = long.filter(depth=0).row(0, named=True)
    assert root["score"] is None
    assert len(root["missing_children"]) == 7


def test_papi_dimensions_only_gives_total() -> None:
    """papi.md §4/§7: dimensions 5.0, 5.2, 4.4, 6.8, 7.0, 7.6, 3.9, 3.3 give a total of 43.20 (on 8–80)."""
    values = [5.0, 5.2, 4.4, 6.8, 7.0, 7.6, 3.9, 3.3]
    frame = long_frame([("Trà Vinh", 2021, d, v) for d, v in zip(PAPI_DIMENSIONS, values, strict=True)])
    scores = chiso.score("papi", frame)
    row = total(scores)
    assert row["score"] == pytest.approx(43.2)
    assert row["origin"] == "computed"
    assert row["edition"] == "papi.2021"
    dims = scores.long().filter(depth=1)
    assert dims["origin"].unique().to_list() == ["input"]
    assert dims.sort("score")["score"].to_list() == sorted(values)


def test_pci_composite_only_gives_ranks() -> None:
    """pci.md A8: a composite only is enough for a rank (1224 ranking, README §1.6) — here among the four provinces
    given (``rank_within``): they are not the 63 VCCI ranks, so there is no ``rank`` (issue 9 §2)."""
    frame = long_frame(
        [
            ("Trà Vinh", 2020, "pci.2013", 62.44),
            ("Vĩnh Long", 2020, "pci.2013", 65.0),
            ("An Giang", 2020, "pci.2013", 62.44),
            ("Cà Mau", 2020, "pci.2013", 60.0),
        ]
    )
    totals = chiso.score("pci", frame).totals().sort("province")
    assert dict(zip(totals["province"], totals["rank_within"], strict=True)) == {
        "An Giang": 2,
        "Cà Mau": 4,
        "Trà Vinh": 2,
        "Vĩnh Long": 1,
    }
    assert totals["rank"].null_count() == 4
    assert totals["field_status"].unique().to_list() == ["partial_field"]
    assert totals["n_ranked"].unique().to_list() == [4]
    assert totals["n_field"].unique().to_list() == [63]
    assert totals["origin"].unique().to_list() == ["input"]
    assert (totals["score"] == totals["input"]).all()


def test_given_parent_with_complete_children_is_recomputed_and_input_kept() -> None:
    """chiso.score ``prefer="computed"`` (default): the computed value wins, the given one stays in ``input`` and
    the mismatch is reported by compare_published (README §1.5 rule 4)."""
    wide = wide_frame({("Trà Vinh", 2015): {**EXAMPLE, "pci.2013": 70.0}})
    scores = chiso.score("pci", wide)
    root = scores.long().filter(depth=0).row(0, named=True)
    assert root["score"] == pytest.approx(63.15)
    assert root["input"] == 70.0
    assert root["origin"] == "computed"
    comparison = scores.compare_published(decimals_in=2, decimals_out=2).row(0, named=True)
    assert comparison["computed"] == pytest.approx(63.15)
    assert comparison["published"] == 70.0
    assert comparison["difference"] == pytest.approx(-6.85)
    assert comparison["tolerance"] == pytest.approx(0.055)
    assert comparison["within"] is False


def test_prefer_published_keeps_the_given_parent() -> None:
    wide = wide_frame({("Trà Vinh", 2015): {**EXAMPLE, "pci.2013": 70.0}})
    row = total(chiso.score("pci", wide, prefer="published"))
    assert row["score"] == 70.0
    assert row["origin"] == "input"
    # the children are still there and unchanged
    long = chiso.score("pci", wide, prefer="published").long().filter(depth=1)
    assert long["score"].sum() == pytest.approx(sum(EXAMPLE.values()))


def test_compare_published_tolerance_follows_rule_3() -> None:
    """README §1.5 rule 3: 0.5·10^-d_out + Σ|∂v/∂v_c|·0.5·10^-d_in; for PCI Σ|∂v/∂v_c| = 10 (weights × 10)."""
    wide = wide_frame({("Trà Vinh", 2015): {**EXAMPLE, "pci.2013": 63.2}})
    scores = chiso.score("pci", wide)
    for d_in, d_out, tol in [(None, 2, 0.005), (2, 2, 0.055), (4, 2, 0.0055), (2, 1, 0.1), (None, 0, 0.5)]:
        row = scores.compare_published(decimals_in=d_in, decimals_out=d_out).row(0, named=True)
        assert row["tolerance"] == pytest.approx(tol), (d_in, d_out)
        assert row["within"] is (abs(63.15 - 63.2) <= tol + 1e-12)


def test_compare_published_tolerance_counts_every_rounded_input() -> None:
    """README §1.5 rule 3: the tolerance is 0.5·10^-d_out + Σ_c |∂v/∂v_c| · 0.5·10^-d_in over the values that were
    rounded. A PAPI total computed from 28 sub-dimensions (papi.2021) has ∂total/∂leaf = 1 for every one of the 28
    leaves, so inputs at 2 decimals allow 0.005 + 28 · 0.005 = 0.145 — not 0.005 + 8 · 0.005 (the 8 dimensions are
    computed at full precision, not rounded). Here every sub-dimension was rounded up by 0.004 from its true value:
    the published total (of the true values) differs from the recomputation by rounding alone, so it must match."""
    tree = chiso.methodology("papi", year=2021).tree().filter(depth=2)
    assert tree.height == 28
    rounded = {
        p: round((lo + hi) / 2, 2) for p, lo, hi in zip(tree["path"], tree["scale_min"], tree["scale_max"], strict=True)
    }
    true_total = sum(v - 0.004 for v in rounded.values())
    frame = pl.DataFrame(
        {
            "province": ["Trà Vinh"],
            "year": [2021],
            **{p: [v] for p, v in rounded.items()},
            "papi.2021": [round(true_total, 2)],
        }
    )
    row = chiso.score("papi", frame).compare_published(decimals_in=2, decimals_out=2).row(0, named=True)
    assert row["difference"] == pytest.approx(28 * 0.004, abs=0.006)
    assert row["tolerance"] == pytest.approx(0.005 + 28 * 0.005)
    assert row["within"] is True


def test_wide_output_scores_back_to_the_same_result(papi_scores: chiso.Scores, papi_totals: pl.DataFrame) -> None:
    """``Scores.wide()`` is a valid wide input (its ``province_code`` and ``edition`` columns are identifiers): scoring
    the dimensions of every year gives back the same totals, ranks and groups."""
    again = chiso.score("papi", papi_scores.wide(level=1)).totals()
    joined = papi_totals.join(again, on=["province_code", "year"], how="full", coalesce=True)
    assert joined.height == papi_totals.height == again.height
    assert ((joined["score"] - joined["score_right"]).abs() < 1e-12).all()
    assert (joined["score"].is_null() == joined["score_right"].is_null()).all()
    assert joined.filter(pl.col("rank").ne_missing(pl.col("rank_right"))).is_empty()
    assert joined.filter(pl.col("group").ne_missing(pl.col("group_right"))).is_empty()


# --- missing children ---------------------------------------------------------------------------------------------


def test_strict_missing_child_gives_null_and_names_it() -> None:
    """README §1.5 rule 1: no renormalisation by default; return missing and say which child is missing."""
    values = {k: v for k, v in EXAMPLE.items() if k not in ("transparency", "legal_institutions")}
    wide = wide_frame({("Trà Vinh", 2015): values, ("Vĩnh Long", 2015): EXAMPLE})
    totals = chiso.score("pci", wide).totals()
    tv = totals.filter(province="Trà Vinh").row(0, named=True)
    assert tv["score"] is None and tv["rank"] is None
    assert tv["origin"] == "missing"
    assert sorted(tv["missing_children"]) == ["pci.2013/legal_institutions", "pci.2013/transparency"]
    vl = totals.filter(province="Vĩnh Long").row(0, named=True)
    assert (vl["rank_within"], vl["n_ranked"]) == (1, 1), "the incomplete province is left out of the ranked set"


def test_renormalise_uses_present_children_and_is_derived() -> None:
    """README §1.5 rule 1: Σ w_c v_c / Σ_present w_c as an explicit option; its output is DERIVED."""
    values = {k: v for k, v in EXAMPLE.items() if k != "transparency"}
    for spelling in ("renormalise", "renormalize"):
        row = total(chiso.score("pci", wide_frame({("Trà Vinh", 2015): values}), missing=spelling))
        assert row["score"] == pytest.approx(weighted(values, WEIGHTS_2013))  # 501.5 / 80 · 10 = 62.6875
        assert row["score"] == pytest.approx(62.6875)
        assert row["origin"] == "renormalised"
        assert row["provenance"] == "derived"
        assert row["missing_children"] == ["pci.2013/transparency"]


def test_renormalise_leaves_complete_parents_alone() -> None:
    row = total(chiso.score("pci", wide_frame({("Trà Vinh", 2015): EXAMPLE}), missing="renormalise"))
    assert row["score"] == pytest.approx(63.15)
    assert row["origin"] == "computed"


@pytest.mark.filterwarnings("ignore::chiso.MissingDataWarning")  # incomplete data on purpose
def test_renormalise_papi_sum() -> None:
    """A SUM over present children (papi.md §4 rules, README §1.5 rule 1 option) is DERIVED too."""
    frame = long_frame([("Trà Vinh", 2021, d, 5.0) for d in PAPI_DIMENSIONS[:7]])
    strict = total(chiso.score("papi", frame))
    assert strict["score"] is None
    assert strict["missing_children"] == ["papi.2021/e_governance"]
    renorm = total(chiso.score("papi", frame, missing="renormalise"))
    assert renorm["score"] is not None
    assert renorm["origin"] == "renormalised"
    assert renorm["provenance"] == "derived"


# --- editions -----------------------------------------------------------------------------------------------------


def test_explicit_edition_is_used_for_every_year() -> None:
    """chiso.score ``edition=``: score every year with one edition (pci.md A7: re-weighted comparisons)."""
    wide = wide_frame({("Trà Vinh", 2015): EXAMPLE, ("Trà Vinh", 2021): EXAMPLE})
    scores = chiso.score("pci", wide, edition="pci.2022")
    assert scores.editions == ["pci.2022"]
    totals = scores.totals()
    assert totals["edition"].unique().to_list() == ["pci.2022"]
    assert totals["score"].to_list() == [pytest.approx(weighted(EXAMPLE, WEIGHTS_2022))] * 2  # 62.95


def test_years_spanning_editions() -> None:
    """pci.md A2/A4.3: 2021 is scored with pci.2013, 2022 with pci.2022 (weights changed)."""
    wide = wide_frame({("Trà Vinh", 2021): EXAMPLE, ("Trà Vinh", 2022): EXAMPLE})
    scores = chiso.score("pci", wide)
    assert scores.editions == ["pci.2013", "pci.2022"]
    assert [m.code for m in scores.methodologies()] == ["pci.2013", "pci.2022"]
    got = {r["year"]: (r["edition"], r["score"]) for r in scores.totals().iter_rows(named=True)}
    assert got[2021] == ("pci.2013", pytest.approx(63.15))
    assert got[2022] == ("pci.2022", pytest.approx(62.95))


def test_ranks_are_per_year() -> None:
    """README §1.6: the ranked set is the units with a value in that data year."""
    frame = long_frame(
        [
            ("Trà Vinh", 2019, "pci.2013", 60.0),
            ("Vĩnh Long", 2019, "pci.2013", 61.0),
            ("Trà Vinh", 2020, "pci.2013", 62.0),
            ("Vĩnh Long", 2020, "pci.2013", 61.0),
            ("Cà Mau", 2020, "pci.2013", 50.0),
        ]
    )
    totals = chiso.score("pci", frame).totals()
    got = {(r["province"], r["year"]): (r["rank_within"], r["n_ranked"]) for r in totals.iter_rows(named=True)}
    assert got == {
        ("Trà Vinh", 2019): (2, 2),
        ("Vĩnh Long", 2019): (1, 2),
        ("Trà Vinh", 2020): (1, 3),
        ("Vĩnh Long", 2020): (2, 3),
        ("Cà Mau", 2020): (3, 3),
    }


# --- ranks --------------------------------------------------------------------------------------------------------


def test_competition_ranking_with_ties() -> None:
    """README §1.6 synthetic example: 0.81, 0.80, 0.80, 0.79 → 1, 2, 2, 4 (here on the PCI scale)."""
    frame = long_frame(
        [
            ("Trà Vinh", 2020, "pci.2013", 81.0),
            ("Vĩnh Long", 2020, "pci.2013", 80.0),
            ("Bến Tre", 2020, "pci.2013", 80.0),
            ("Cà Mau", 2020, "pci.2013", 79.0),
        ]
    )
    totals = chiso.score("pci", frame).totals().sort("score", descending=True)
    assert totals["rank_within"].to_list() == [1, 2, 2, 4]
    assert totals["rank_status"].unique().to_list() == ["derived"]


def test_pci_ranks_on_unrounded_scores() -> None:
    """pci.md A6: VCCI ranks on unrounded composites, so scores equal at 2 decimals keep distinct ranks."""
    frame = long_frame([("Trà Vinh", 2015, "pci.2013", 60.004), ("Vĩnh Long", 2015, "pci.2013", 60.001)])
    assert chiso.methodology("pci", year=2015).rank_precision is None
    totals = chiso.score("pci", frame).totals().sort("province")
    assert totals["rank_within"].to_list() == [1, 2]


def test_sub_index_ranks_use_the_same_rule() -> None:
    """README §1.6: the same rule applies to sub-node ranks."""
    wide = wide_frame(
        {
            ("Trà Vinh", 2015): EXAMPLE,
            ("Vĩnh Long", 2015): {**EXAMPLE, "transparency": 8.0},
            ("Cà Mau", 2015): {**EXAMPLE, "transparency": 8.0, "land_access": 5.0},
        }
    )
    ranks = chiso.score("pci", wide).wide(level=1, value="rank_within").sort("province")
    assert dict(zip(ranks["province"], ranks["transparency"], strict=True)) == {
        "Cà Mau": 1,
        "Trà Vinh": 3,
        "Vĩnh Long": 1,
    }
    assert dict(zip(ranks["province"], ranks["land_access"], strict=True)) == {
        "Cà Mau": 3,
        "Trà Vinh": 1,
        "Vĩnh Long": 1,
    }


# --- result shapes ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_provinces() -> chiso.Scores:
    wide = wide_frame(
        {
            ("Trà Vinh", 2015): EXAMPLE,
            ("Vĩnh Long", 2015): {**EXAMPLE, "proactivity": 8.0},
            ("Trà Vinh", 2016): EXAMPLE,
        }
    )
    return chiso.score("pci", wide)


def test_long_shape(two_provinces: chiso.Scores) -> None:
    long = two_provinces.long()
    assert long.columns == LONG_COLUMNS
    assert long.height == 3 * 11 == len(two_provinces)
    assert long.schema["year"] == pl.Int64 and long.schema["score"] == pl.Float64
    assert long.schema["missing_children"] == pl.List(pl.String)
    assert sorted(long["depth"].unique().to_list()) == [0, 1]
    assert long.filter(depth=0)["kind"].unique().to_list() == ["total"]
    assert long.filter(depth=1)["kind"].unique().to_list() == ["sub-index"]
    assert long.filter(depth=1)["max"].unique().to_list() == [10.0]
    assert long.filter(depth=0)["max"].unique().to_list() == [100.0]
    assert (long.filter(depth=1)["code"] == "pci.2013/" + long.filter(depth=1)["node"]).all()
    assert long.filter(depth=0)["node"].unique().to_list() == [""]


def test_totals_shape(two_provinces: chiso.Scores) -> None:
    totals = two_provinces.totals()
    assert totals.height == 3
    for column in (
        "province_code",
        "province",
        "year",
        "edition",
        "score",
        "rank",
        "n_ranked",
        "rank_status",
        "group",
        "origin",
        "provenance",
        "missing_children",
    ):
        assert column in totals.columns
    assert "node" not in totals.columns and "code" not in totals.columns
    assert totals.select("province_code", "year").is_unique().all()


def test_wide_shapes(two_provinces: chiso.Scores) -> None:
    level0 = two_provinces.wide(level=0)
    assert level0.columns == ["province_code", "province", "year", "edition", "total"]
    assert level0.height == 3
    level1 = two_provinces.wide(level=1)
    assert level1.columns == ["province_code", "province", "year", "edition", *EXAMPLE]
    assert level1.height == 3
    default = two_provinces.wide()
    assert default.equals(level1)
    assert two_provinces.wide(level=0, value="rank")["total"].null_count() == 3, "2 of 63 provinces: no rank"
    ranks = two_provinces.wide(level=0, value="rank_within")
    assert ranks.schema["total"] == pl.Int64
    by_year = dict(zip(zip(ranks["province"], ranks["year"], strict=True), ranks["total"], strict=True))
    assert by_year == {("Trà Vinh", 2015): 2, ("Vĩnh Long", 2015): 1, ("Trà Vinh", 2016): 1}


def test_wide_papi_level_2(papi_scores: chiso.Scores) -> None:
    """papi.md §3.2: the union of sub-dimension paths over editions (22 + new ones) as columns."""
    level2 = papi_scores.wide(level=2)
    paths = [c for c in level2.columns if c not in ("province_code", "province", "year", "edition")]
    assert all(p.count("/") == 1 for p in paths)
    # 22 (2011) + responsiveness (2016) + 7 new in 2018 + e_responsiveness (2019)
    assert len(paths) == len(set(paths)) == 31
    assert level2.height == papi_scores.totals().height


def test_wide_rejects_unknown_value_kind(two_provinces: chiso.Scores) -> None:
    with pytest.raises(chiso.InvalidArgumentError) as info:
        two_provinces.wide(value="points")
    assert "points" in str(info.value)


def test_scores_repr_and_editions(two_provinces: chiso.Scores) -> None:
    assert two_provinces.editions == ["pci.2013"]
    assert "pci.2013" in repr(two_provinces)
