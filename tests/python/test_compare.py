"""Year-over-year comparison on the bundled real data: ``Scores.compare / decompose / trajectory / peers / movers``
and ``chiso.compare`` / ``chiso.compare_to_baseline``.

Spec: shared/methodology/README.md §1.7 (delta, relative change, rank change = rank(y0) − rank(y), counts of movers,
fixed baselines; within-edition vs cross-edition); papi.md §6 (constant indicator sets, baselines 2016 and 2021,
"significant" wording, cross-scale rule) and §6.1 (lineage table); pci.md A7 (breaks 2006, 2009, 2013, 2022; the
2021→2022 re-weighting; no published significance threshold). The lineage facts themselves are the ``lineage*``
fields of methodologies/*/*.toml.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import chiso
import polars as pl
import pytest

TRA_VINH = "84"
MEKONG = "Đồng bằng sông Cửu Long"
W, C, X = "within_edition", "comparable_across_break", "cross_edition"

PAPI_DIMENSIONS_2011 = [
    "participation",
    "transparency",
    "vertical_accountability",
    "control_of_corruption",
    "administrative_procedures",
    "public_service_delivery",
]
PAPI_DIMENSIONS_2018 = [*PAPI_DIMENSIONS_2011, "environmental_governance", "e_governance"]
PCI_SUBINDICES = [
    "entry_costs",
    "land_access",
    "transparency",
    "time_costs",
    "informal_charges",
    "policy_bias",
    "proactivity",
    "business_support",
    "labor_training",
    "legal_institutions",
]

# --- expected frame schemas ----------------------------------------------------------------------------------------

COMPARE_SCHEMA = {
    "province_code": pl.String,
    "province": pl.String,
    "base_year": pl.Int64,
    "year": pl.Int64,
    "base_edition": pl.String,
    "edition": pl.String,
    "node": pl.String,
    "base_node": pl.String,
    "base_value": pl.Float64,
    "value": pl.Float64,
    "delta": pl.Float64,
    "relative": pl.Float64,
    "share_of_max_change": pl.Float64,
    "base_rank": pl.Int64,
    "rank": pl.Int64,
    "rank_change": pl.Int64,
    "base_points_lost": pl.Float64,
    "points_lost": pl.Float64,
    "comparability": pl.String,
    "comparability_status": pl.String,
    "material": pl.Boolean,
    "materiality_measure": pl.String,
    "materiality_threshold": pl.Float64,
    "significant": pl.Boolean,
    "p_value": pl.Float64,
    "significance_level": pl.Float64,
    "significance_note": pl.String,
}
DECOMPOSE_SCHEMA = {
    "province_code": pl.String,
    "province": pl.String,
    "parent": pl.String,
    "child": pl.String,
    "part": pl.String,
    "base_child": pl.Float64,
    "child_value": pl.Float64,
    "base_coefficient": pl.Float64,
    "coefficient": pl.Float64,
    "contribution": pl.Float64,
    "provenance": pl.String,
}
TRAJECTORY_SCHEMA = {
    "province_code": pl.String,
    "province": pl.String,
    "year": pl.Int64,
    "edition": pl.String,
    "node": pl.String,
    "value": pl.Float64,
    "rank": pl.Int64,
    "n_ranked": pl.Int64,
    "delta": pl.Float64,
    "segment_start": pl.Int64,
    "cumulative": pl.Float64,
    "cagr": pl.Float64,
    "comparability": pl.String,
    "break_before": pl.Boolean,
}
PEERS_SCHEMA = {
    "group": pl.String,
    "group_name": pl.String,
    "n": pl.Int64,
    "value": pl.Float64,
    "mean": pl.Float64,
    "median": pl.Float64,
    "best": pl.Float64,
    "best_province": pl.String,
    "gap_to_mean": pl.Float64,
    "gap_to_best": pl.Float64,
    "rank_within": pl.Int64,
}
MOVERS_SCHEMA = {
    "node": pl.String,
    "comparability": pl.String,
    "n_compared": pl.Int64,
    "n_up": pl.Int64,
    "n_down": pl.Int64,
    "n_unchanged": pl.Int64,
    "n_material": pl.Int64,
    "n_significant": pl.Int64,
    "mean_delta": pl.Float64,
    "largest_gain_province": pl.String,
    "largest_gain": pl.Float64,
    "largest_loss_province": pl.String,
    "largest_loss": pl.Float64,
    "n_rank_up": pl.Int64,
    "n_rank_down": pl.Int64,
}
WIDE_ID_SCHEMA = {"province_code": pl.String, "province": pl.String, "base_year": pl.Int64, "year": pl.Int64}


def assert_schema(frame: pl.DataFrame, expected: dict[str, pl.DataType]) -> None:
    assert list(frame.columns) == list(expected), frame.columns
    for name, dtype in expected.items():
        assert frame.schema[name] == dtype, (name, frame.schema[name], dtype)


# --- helpers over the methodology trees ----------------------------------------------------------------------------


def tree(index: str, year: int) -> pl.DataFrame:
    return chiso.methodology(index, year).tree()


def node_paths(index: str, year: int) -> list[str]:
    """Paths of the edition governing `year`, in reading order ("" is the total)."""
    return tree(index, year)["path"].to_list()


def computed_paths(index: str, year: int) -> set[str]:
    """Paths of the nodes with children (the ones a decomposition splits)."""
    t = tree(index, year)
    parents = set(t["parent"].drop_nulls().to_list())
    return set(t.filter(pl.col("code").is_in(parents))["path"].to_list())


def n_children(index: str, year: int) -> dict[str, int]:
    """path → number of children (k of papi.md §4 for a dimension)."""
    t = tree(index, year)
    code_to_path = dict(zip(t["code"], t["path"], strict=True))
    counts: dict[str, int] = defaultdict(int)
    for parent in t["parent"].drop_nulls():
        counts[code_to_path[parent]] += 1
    return dict(counts)


def edition_code(index: str, year: int) -> str:
    return chiso.methodology(index, year).code


def by_key(frame: pl.DataFrame, key: list[str], value: str) -> dict[tuple, object]:
    return {tuple(r[k] for k in key): r[value] for r in frame.iter_rows(named=True)}


@pytest.fixture(scope="module")
def registry() -> pl.DataFrame:
    return chiso.provinces()


# =================================================================================================================
# compare: frames, one row per province × node, values
# =================================================================================================================


@pytest.mark.parametrize(
    ("index", "pair"),
    [
        ("papi", (2022, 2023)),
        ("papi", (2015, 2016)),
        ("papi", (2017, 2018)),
        ("pci", (2014, 2015)),
        ("pci", (2021, 2022)),
    ],
)
def test_compare_long_view_shape(
    index: str, pair: tuple[int, int], papi_scores: chiso.Scores, pci_scores: chiso.Scores
) -> None:
    """README §1.7: one row per province (with data in either year) and node of the year's edition, with both
    editions named."""
    scores = papi_scores if index == "papi" else pci_scores
    y0, y1 = pair
    c = scores.compare(y0, y1)
    assert_schema(c, COMPARE_SCHEMA)
    totals = scores.totals()
    provinces = set(totals.filter(pl.col("year").is_in([y0, y1]))["province_code"])
    paths = node_paths(index, y1)
    assert c.height == len(provinces) * len(paths)
    assert c.select("province_code", "node").is_duplicated().sum() == 0
    assert set(c["province_code"]) == provinces
    nodes_per_province = c.group_by("province_code").agg(pl.col("node").sort())["node"].to_list()
    assert nodes_per_province == [sorted(paths)] * len(provinces)
    assert set(c["base_year"]) == {y0} and set(c["year"]) == {y1}
    assert set(c["base_edition"]) == {edition_code(index, y0)}
    assert set(c["edition"]) == {edition_code(index, y1)}
    assert set(c["comparability"]) <= {W, C, X}
    assert set(c["comparability_status"]) <= {"official", "derived", "unknown", "user_supplied"}


def test_compare_values_are_the_scores(papi_scores: chiso.Scores, papi_long: pl.DataFrame) -> None:
    """value, base_value, rank and base_rank are the scored table's own; delta and relative follow from them."""
    c = papi_scores.compare(2022, 2023)
    long = papi_long.filter(pl.col("year").is_in([2022, 2023]))
    score = by_key(long, ["province_code", "year", "node"], "score")
    rank = by_key(long, ["province_code", "year", "node"], "rank")
    checked = 0
    for r in c.iter_rows(named=True):
        p, node = r["province_code"], r["node"]
        assert r["base_node"] == node
        assert r["value"] == score.get((p, 2023, node))
        assert r["base_value"] == score.get((p, 2022, node))
        assert r["rank"] == rank.get((p, 2023, node))
        assert r["base_rank"] == rank.get((p, 2022, node))
        if r["value"] is None or r["base_value"] is None:
            assert r["delta"] is None and r["relative"] is None
            continue
        assert r["delta"] == pytest.approx(r["value"] - r["base_value"], abs=1e-12)
        assert r["relative"] == pytest.approx(r["delta"] / r["base_value"], rel=1e-12)
        checked += 1
    assert checked > 2000


def test_compare_tra_vinh_papi_docstring_example(papi_scores: chiso.Scores) -> None:
    # 54 (2023) and 57 (2024) are Trà Vinh's ranks among the 61 provinces with a complete total, as listed in
    # shared/data/raw/tra_vinh_pci_pgi_papi.csv (papi_rank, DERIVED: PAPI publishes no ranks) and in the
    # derived_rank_among_complete column of the papi_YYYY_dimensions reference files.
    c = papi_scores.compare(2023, 2024, provinces=["Trà Vinh"], nodes=[""])
    assert c.select("base_rank", "rank", "rank_change", "comparability").row(0) == (54, 57, -3, W)
    # 2022 holds 61 of the 63 provinces PAPI surveyed: no rank, so no rank change (issue 9 §2).
    c = papi_scores.compare(2022, 2023, provinces=["Trà Vinh"], nodes=[""])
    assert c.select("base_rank", "rank", "rank_change").row(0) == (None, 54, None)


def test_compare_pci_press_example(pci_scores: chiso.Scores) -> None:
    """pci.md A7: the press reports "+4.03 points, up 25 places" for Trà Vinh's PCI 2022 vs 2021 (published
    composites, no rebasing); chiso computes the same and marks it cross-edition (the weights changed)."""
    row = pci_scores.compare(2021, 2022, provinces=["Tra Vinh"], nodes=[""]).row(0, named=True)
    assert row["delta"] == pytest.approx(4.03, abs=1e-9)
    assert (row["base_rank"], row["rank"], row["rank_change"]) == (51, 26, 25)
    assert row["comparability"] == X
    assert (row["base_edition"], row["edition"]) == ("pci.2013", "pci.2022")


def test_compare_province_filter(papi_scores: chiso.Scores) -> None:
    """Names, ASCII names and codes select the same province; ranks stay the ranks among all provinces."""
    full = papi_scores.compare(2022, 2023)
    for names in (["Trà Vinh"], ["tra vinh"], ["84"], ["84", "Trà Vinh", "TRA VINH"]):
        sub = papi_scores.compare(2022, 2023, provinces=names)
        assert set(sub["province_code"]) == {TRA_VINH}, names
        assert sub.equals(full.filter(province_code=TRA_VINH)), names
    two = papi_scores.compare(2022, 2023, provinces=["Vĩnh Long", "Trà Vinh"], nodes=["", "transparency"])
    assert two.height == 4
    assert two.sort("province_code", "node").equals(
        full.filter(pl.col("province_code").is_in(["84", "86"]), pl.col("node").is_in(["", "transparency"])).sort(
            "province_code", "node"
        )
    )


def test_compare_same_year_is_all_zero(papi_scores: chiso.Scores) -> None:
    c = papi_scores.compare(2022, 2022)
    assert set(c["comparability"]) == {W}
    with_value = c.filter(pl.col("value").is_not_null())
    assert with_value.height > 2000
    assert (with_value["delta"] == 0).all()
    ranked = c.filter(pl.col("rank").is_not_null())
    assert (ranked["rank_change"] == 0).all()


def test_compare_reversed_years_negates(papi_scores: chiso.Scores) -> None:
    """Comparing y1 with y0 is the mirror of y0 with y1: same comparability, opposite delta and rank change."""
    for y0, y1 in [(2022, 2023), (2012, 2017), (2015, 2016), (2020, 2021)]:
        fwd = papi_scores.compare(y0, y1, nodes=[""] + PAPI_DIMENSIONS_2011)
        back = papi_scores.compare(y1, y0, nodes=[""] + PAPI_DIMENSIONS_2011)
        f = by_key(fwd, ["province_code", "node"], "delta")
        fc = by_key(fwd, ["province_code", "node"], "comparability")
        fr = by_key(fwd, ["province_code", "node"], "rank_change")
        assert back.height == fwd.height
        for r in back.iter_rows(named=True):
            key = (r["province_code"], r["node"])
            assert r["comparability"] == fc[key], (y0, y1, key)
            if r["delta"] is None:
                assert f[key] is None
            else:
                assert r["delta"] == pytest.approx(-f[key], abs=1e-12)
            if r["rank_change"] is not None:
                assert r["rank_change"] == -fr[key]


# --- wide view -----------------------------------------------------------------------------------------------------


def test_compare_wide_view(papi_scores: chiso.Scores) -> None:
    """view="wide": one row per province, one delta column per node ("" is named "total")."""
    long = chiso.compare(papi_scores, 2021, 2024)
    assert long.equals(papi_scores.compare(2021, 2024))
    wide = chiso.compare(papi_scores, 2021, 2024, view="wide")
    paths = node_paths("papi", 2024)
    names = ["total" if p == "" else p for p in paths]
    assert wide.columns == [*WIDE_ID_SCHEMA, *names]
    assert_schema(wide, {**WIDE_ID_SCHEMA, **dict.fromkeys(names, pl.Float64)})
    assert wide.height == long["province_code"].n_unique()
    assert wide["province_code"].is_unique().all()
    delta = by_key(long, ["province_code", "node"], "delta")
    for r in wide.iter_rows(named=True):
        for path, name in zip(paths, names, strict=True):
            assert r[name] == delta[(r["province_code"], path)], (r["province_code"], path)


def test_compare_wide_view_subset_and_docstring(papi_scores: chiso.Scores) -> None:
    w = chiso.compare(
        papi_scores, 2021, 2024, provinces=["Trà Vinh", "Vĩnh Long"], nodes=["", "transparency"], view="wide"
    )
    assert w.columns == ["province_code", "province", "base_year", "year", "total", "transparency"]
    assert w.height == 2
    assert_schema(w, {**WIDE_ID_SCHEMA, "total": pl.Float64, "transparency": pl.Float64})
    long = papi_scores.compare(2021, 2024, provinces=["84"], nodes=["transparency"])
    assert w.filter(province_code=TRA_VINH)["transparency"][0] == long["delta"][0]


def test_compare_wide_view_unknown_view(papi_scores: chiso.Scores) -> None:
    with pytest.raises(chiso.InvalidArgumentError, match="view"):
        chiso.compare(papi_scores, 2021, 2024, view="tall")  # type: ignore[arg-type]


# =================================================================================================================
# decompose
# =================================================================================================================


def sums_against_deltas(scores: chiso.Scores, y0: int, y1: int, d: pl.DataFrame) -> pl.DataFrame:
    c = scores.compare(y0, y1).select("province_code", pl.col("node").alias("parent"), "delta")
    sums = d.group_by("province_code", "parent").agg(pl.col("contribution").sum().alias("sum"))
    return sums.join(c, on=["province_code", "parent"], how="left")


@pytest.mark.parametrize(
    ("fixture", "index", "y0", "y1"),
    [("papi_scores", "papi", 2022, 2023), ("papi_scores", "papi", 2011, 2012), ("pci_scores", "pci", 2014, 2015)],
)
def test_decomposition_adds_up_within_an_edition(
    request: pytest.FixtureRequest, fixture: str, index: str, y0: int, y1: int
) -> None:
    """Every rule is linear, so within an edition the children's contributions add up to the parent's delta, for
    every province and every computed node; only part "score"; the rule's own provenance."""
    scores: chiso.Scores = request.getfixturevalue(fixture)
    d = scores.decompose(y0, y1)
    assert_schema(d, DECOMPOSE_SCHEMA)
    assert set(d["part"]) == {"score"}
    assert set(d["provenance"]) == {"official"}
    j = sums_against_deltas(scores, y0, y1, d)
    assert j["delta"].null_count() == 0
    assert (j["sum"] - j["delta"]).abs().max() < 1e-9
    # Every (province, computed node) with a delta is decomposed, and nothing else.
    c = scores.compare(y0, y1).filter(pl.col("delta").is_not_null(), pl.col("node").is_in(computed_paths(index, y1)))
    assert set(zip(j["province_code"], j["parent"], strict=True)) == set(
        zip(c["province_code"], c["node"], strict=True)
    )
    assert j["province_code"].n_unique() >= 61
    # One row per child; each row is coefficient × the child's change, with the children's values from compare.
    children = n_children(index, y1)
    per_parent = d.group_by("province_code", "parent").len()
    assert all(n == children[p] for p, n in zip(per_parent["parent"], per_parent["len"], strict=True))
    values = by_key(scores.compare(y0, y1), ["province_code", "node"], "value")
    base_values = by_key(scores.compare(y0, y1), ["province_code", "node"], "base_value")
    for r in d.iter_rows(named=True):
        assert r["base_coefficient"] == r["coefficient"]
        assert r["contribution"] == pytest.approx(r["coefficient"] * (r["child_value"] - r["base_child"]), abs=1e-12)
        assert r["child_value"] == values[(r["province_code"], r["child"])]
        assert r["base_child"] == base_values[(r["province_code"], r["child"])]


def test_decomposition_reversed_years(papi_scores: chiso.Scores) -> None:
    for y0, y1 in [(2023, 2022), (2016, 2015)]:
        j = sums_against_deltas(papi_scores, y0, y1, papi_scores.decompose(y0, y1))
        assert j.height > 300
        assert (j["sum"] - j["delta"]).abs().max() < 1e-9, (y0, y1)


def test_decomposition_published_totals_leave_a_residual(
    pci_scores_published: chiso.Scores, pci_scores: chiso.Scores
) -> None:
    """pci.md A4.2: VCCI's 2011 composites are not its weighted sum; kept as published (prefer="published"), the
    unexplained part of the 2011→2012 change is one "residual" row per province, and the parts still add up."""
    d = pci_scores_published.decompose(2011, 2012)
    assert_schema(d, DECOMPOSE_SCHEMA)
    residual = d.filter(part="residual")
    n_provinces = d["province_code"].n_unique()
    assert n_provinces == 63
    assert residual.height == n_provinces
    assert residual["province_code"].is_unique().all()
    assert set(residual["parent"]) == {""}
    for column in ("child", "base_child", "child_value", "base_coefficient", "coefficient"):
        assert residual[column].null_count() == residual.height, column
    assert set(residual["provenance"]) == {"derived"}
    assert set(d.filter(part="score")["provenance"]) == {"official"}
    assert set(d["part"]) == {"score", "residual"}
    j = sums_against_deltas(pci_scores_published, 2011, 2012, d)
    assert j["delta"].null_count() == 0
    assert (j["sum"] - j["delta"]).abs().max() < 1e-9
    # The residual is the change in the gap between the published and the recomputed composite.
    computed = by_key(pci_scores.totals(), ["province_code", "year"], "score")
    published = by_key(pci_scores_published.totals(), ["province_code", "year"], "score")
    for p, r in residual.select("province_code", "contribution").iter_rows():
        gap = (published[(p, 2012)] - computed[(p, 2012)]) - (published[(p, 2011)] - computed[(p, 2011)])
        assert r == pytest.approx(gap, abs=1e-9), p
    assert (residual["contribution"].abs() > 1e-6).sum() >= 60


def test_pci_2021_2022_reweighting_split(pci_histories: pl.DataFrame) -> None:
    """pci.md A4.3/A7: across 2021→2022 only the weights changed. From VCCI's province pages (the two provinces with
    all ten sub-indices in both years) the composite's change splits into a score part (both years under the 2022
    weights) and a weights part, both DERIVED; the sub-indices compare across the break except business support
    (renamed in the 2021 revision: UNKNOWN)."""
    rows = pci_histories.filter(pl.col("year").is_in([2021, 2022])).drop_nulls(PCI_SUBINDICES)
    assert sorted(set(rows["province"])) == ["Ninh Thuan", "Quang Tri"]
    assert rows.height == 4
    scores = chiso.score("pci", rows.select("province", "year", *PCI_SUBINDICES))
    c = scores.compare(2021, 2022)
    d = scores.decompose(2021, 2022)
    assert_schema(d, DECOMPOSE_SCHEMA)
    assert set(d["provenance"]) == {"derived"}
    assert set(d["part"]) == {"score", "weights"}
    assert set(d["parent"]) == {""}
    codes = set(d["province_code"])
    assert codes == {chiso.find_province("Ninh Thuận")[0], chiso.find_province("Quảng Trị")[0]}
    w2013 = dict(zip(*tree("pci", 2021).select("path", "weight"), strict=True))
    w2022 = dict(zip(*tree("pci", 2022).select("path", "weight"), strict=True))
    for code in codes:
        total = c.filter(province_code=code, node="").row(0, named=True)
        assert total["comparability"] == X
        parts = d.filter(province_code=code)
        score_part = parts.filter(part="score")["contribution"].sum()
        weights_part = parts.filter(part="weights")["contribution"].sum()
        assert abs(score_part + weights_part - total["delta"]) < 1e-9, code
        assert abs(weights_part) > 0.1, code
        # Score part: both years under the 2022 weights; weights part: re-weighting the 2021 values.
        for r in parts.iter_rows(named=True):
            assert r["base_coefficient"] == pytest.approx(w2013[r["child"]] / 10)
            assert r["coefficient"] == pytest.approx(w2022[r["child"]] / 10)
        reweighted_2021 = sum(
            w2022[s] / 10 * v for s, v in parts.filter(part="score").select("child", "base_child").iter_rows()
        )
        assert score_part == pytest.approx(total["value"] - reweighted_2021, abs=1e-9)
        assert weights_part == pytest.approx(reweighted_2021 - total["base_value"], abs=1e-9)
        # Per child: one score and one weights row.
        assert parts.group_by("child").len()["len"].to_list() == [2] * 10
    subs = c.filter(pl.col("node") != "")
    assert set(subs["node"]) == set(PCI_SUBINDICES)
    for r in subs.iter_rows(named=True):
        if r["node"] == "business_support":
            assert r["comparability"] == X
        else:
            assert (r["comparability"], r["comparability_status"]) == (C, "derived"), r["node"]


def test_pci_2021_2022_not_decomposed_without_subindices(pci_scores: chiso.Scores) -> None:
    """The bundled PCI 2017–2022 rows carry composites only for most provinces (Trà Vinh among them): nothing to
    decompose — an error saying which data are missing and what to pass, never an empty frame (issue 9 §6)."""
    with pytest.raises(chiso.EmptyResultError, match="sub-indices"):
        pci_scores.decompose(2021, 2022, provinces=["Trà Vinh", "Vĩnh Long"])


# =================================================================================================================
# comparability (papi.md §6.1, pci.md A7)
# =================================================================================================================

#: papi.md §6.1, per break, for the total and each dimension ("same tree" = comparable; UNKNOWN = not comparable).
PAPI_LINEAGE = {
    (2015, 2016): {
        "": X,
        "participation": X,
        "transparency": C,
        "vertical_accountability": X,
        "control_of_corruption": C,
        "administrative_procedures": X,
        "public_service_delivery": C,
    },
    (2017, 2018): {"": X, **dict.fromkeys(PAPI_DIMENSIONS_2018, X)},
    (2018, 2019): {"": X, **dict.fromkeys(PAPI_DIMENSIONS_2018, C), "e_governance": X},
    (2020, 2021): {"": X, **dict.fromkeys(PAPI_DIMENSIONS_2018, C), "administrative_procedures": X},
}
#: Provenance the table gives: OFFICIAL (2011→2016 D2/D4/D6), UNKNOWN (2017→2018), "same tree" presumed (DERIVED).
PAPI_LINEAGE_STATUS = {
    (2015, 2016): dict.fromkeys(["transparency", "control_of_corruption", "public_service_delivery"], "official"),
    (2017, 2018): dict.fromkeys(
        ["participation", "control_of_corruption", "administrative_procedures", "public_service_delivery"], "unknown"
    ),
    (2018, 2019): dict.fromkeys(PAPI_DIMENSIONS_2018[:-1], "derived"),
    (2020, 2021): {d: "derived" for d in PAPI_DIMENSIONS_2018 if d != "administrative_procedures"},
}


@pytest.mark.parametrize("pair", sorted(PAPI_LINEAGE))
def test_papi_comparability_at_each_break(papi_scores: chiso.Scores, pair: tuple[int, int]) -> None:
    y0, y1 = pair
    expected = PAPI_LINEAGE[pair]
    c = papi_scores.compare(y0, y1, nodes=list(expected))
    assert set(c["node"]) == set(expected)
    per_node = c.group_by("node").agg(pl.col("comparability").unique(), pl.col("comparability_status").unique())
    for node, comparability, status in per_node.iter_rows():
        assert comparability == [expected[node]], (pair, node, comparability)
        assert len(status) == 1
        if node in PAPI_LINEAGE_STATUS[pair]:
            assert status == [PAPI_LINEAGE_STATUS[pair][node]], (pair, node, status)
    assert (c["base_edition"] != c["edition"]).all()


def test_papi_new_dimensions_have_no_base(papi_scores: chiso.Scores) -> None:
    """papi.md §6.1: environmental and e-governance are new in 2018: nothing to compare them with in 2017."""
    c = papi_scores.compare(2017, 2018, nodes=["environmental_governance", "e_governance"])
    assert c.height == 2 * 63
    for column in ("base_node", "base_value", "delta", "relative", "base_rank", "rank_change"):
        assert c[column].null_count() == c.height, column
    assert c["value"].null_count() < c.height


@pytest.mark.parametrize(
    "pair", [(2011, 2012), (2011, 2015), (2016, 2017), (2019, 2020), (2021, 2022), (2022, 2024), (2021, 2024)]
)
def test_papi_within_edition_pairs(papi_scores: chiso.Scores, pair: tuple[int, int]) -> None:
    c = papi_scores.compare(*pair)
    assert c.height > 0
    assert set(c["comparability"]) == {W}
    assert set(c["comparability_status"]) == {"official"}
    assert (c["base_edition"] == c["edition"]).all()
    assert (c["base_node"] == c["node"]).all()


@pytest.mark.parametrize("pair", [(2011, 2016), (2014, 2019), (2016, 2024), (2018, 2020), (2013, 2013)])
def test_within_edition_label_iff_same_edition(papi_scores: chiso.Scores, pair: tuple[int, int]) -> None:
    c = papi_scores.compare(*pair)
    assert ((c["comparability"] == W) == (c["base_edition"] == c["edition"])).all()


@pytest.mark.parametrize("pair", [(2015, 2016), (2017, 2018), (2018, 2019), (2020, 2021), (2012, 2019), (2016, 2024)])
def test_comparable_only_drops_cross_edition_rows(papi_scores: chiso.Scores, pair: tuple[int, int]) -> None:
    """papi.md §6: PAPI compares over time only where indicators did not change."""
    full = papi_scores.compare(*pair)
    only = papi_scores.compare(*pair, comparable_only=True)
    assert_schema(only, COMPARE_SCHEMA)
    assert X not in set(only["comparability"])
    assert only.equals(full.filter(pl.col("comparability") != X))
    assert "" not in set(only["node"])  # the total is never comparable across a PAPI break


def test_comparable_only_may_leave_nothing(papi_scores: chiso.Scores) -> None:
    c = papi_scores.compare(2017, 2018, nodes=[""], comparable_only=True)
    assert c.height == 0
    assert_schema(c, COMPARE_SCHEMA)


def test_papi_2012_2017_constant_indicator_dimensions(papi_scores: chiso.Scores) -> None:
    """papi.md §6: CECODES compared 2012 with 2017 on D2, D4 and D6 (indicators unchanged 2011–2017); 2012 with 2019
    crosses the 2018 change of D2."""
    constant = ["transparency", "control_of_corruption", "public_service_delivery"]
    c = papi_scores.compare(2012, 2017, nodes=constant)
    assert set(c["comparability"]) == {C}
    assert (c["base_node"] == c["node"]).all()
    assert c["delta"].null_count() == 0
    rebuilt = papi_scores.compare(2012, 2017, nodes=["", "participation", "vertical_accountability"])
    assert set(rebuilt["comparability"]) == {X}
    assert set(papi_scores.compare(2012, 2019, nodes=["transparency"])["comparability"]) == {X}
    only = papi_scores.compare(2012, 2017, nodes=["", *PAPI_DIMENSIONS_2011], comparable_only=True)
    assert set(only["node"]) == set(constant)


def test_papi_cross_scale_rule_for_sub_dimensions(papi_scores: chiso.Scores) -> None:
    """papi.md §6: when k changes, sub-dimensions compare on the 1–10 basis (value × k) and the comparison is
    cross-edition. 2020→2021: D5 loses construction permits (k 4 → 3); 2018→2019: D8 gains a sub-dimension (2 → 3).
    share_of_max_change (value/max, max = 10/k) is that 1–10 comparison divided by 10."""
    cases = [
        (2020, 2021, "administrative_procedures", ["certification", "land_use_rights", "personal_procedures"]),
        (2018, 2019, "e_governance", ["portal_access", "internet_access"]),
    ]
    for y0, y1, dim, subs in cases:
        k0, k1 = n_children("papi", y0)[dim], n_children("papi", y1)[dim]
        assert k0 != k1
        c = papi_scores.compare(y0, y1, nodes=[f"{dim}/{s}" for s in subs])
        assert set(c["comparability"]) == {X}
        c = c.drop_nulls("delta")
        assert c.height >= 60 * len(subs)
        for r in c.iter_rows(named=True):
            basis = r["value"] * k1 - r["base_value"] * k0
            assert r["share_of_max_change"] * 10 == pytest.approx(basis, abs=1e-9), (y0, y1, r["node"])


@pytest.mark.parametrize("pair", [(2005, 2006), (2008, 2009), (2012, 2013), (2021, 2022), (2007, 2015), (2016, 2022)])
def test_pci_pairs_straddling_a_break_are_cross_edition(pci_scores: chiso.Scores, pair: tuple[int, int]) -> None:
    """pci.md A7: any composite pair straddling 2006, 2009, 2013 or 2022 is cross-edition."""
    c = pci_scores.compare(*pair, nodes=[""])
    assert set(c["comparability"]) == {X}
    assert c["delta"].null_count() < c.height


@pytest.mark.parametrize("pair", [(2005, 2006), (2008, 2009), (2012, 2013)])
def test_pci_sub_indices_before_2022_breaks_are_cross_edition(pci_scores: chiso.Scores, pair: tuple[int, int]) -> None:
    """pci.md A2/A3: sub-indices added, dropped and re-weighted; no lineage says any stayed comparable."""
    c = pci_scores.compare(*pair)
    assert set(c["comparability"]) == {X}


@pytest.mark.parametrize("pair", [(2006, 2008), (2009, 2012), (2013, 2021), (2014, 2015)])
def test_pci_within_edition_pairs(pci_scores: chiso.Scores, pair: tuple[int, int]) -> None:
    c = pci_scores.compare(*pair)
    assert set(c["comparability"]) == {W}
    assert (c["base_edition"] == c["edition"]).all()


def test_pci_policy_bias_rebuilt_in_2013(pci_scores: chiso.Scores) -> None:
    """pci.md A3: policy_bias is "SOE bias" 2005–2008, absent 2009–2012 and rebuilt (a different concept) in 2013:
    2008 → 2013 has no base to compare with."""
    c = pci_scores.compare(2008, 2013, nodes=["policy_bias"])
    assert c["base_node"].null_count() == c.height
    assert c["base_value"].null_count() == c.height
    assert c["delta"].null_count() == c.height
    assert set(c["comparability"]) == {X}
    assert c.filter(pl.col("value").is_not_null()).height == 63  # Hà Tây (2008 only) has no 2013 value


def test_pci_2022_sub_index_lineage(pci_scores: chiso.Scores) -> None:
    """pci.md A7: sub-index deltas across 2021→2022 are presumed comparable (DERIVED) except business support
    (UNKNOWN: renamed in the 2021 revision). On the bundled data they are comparable only in label: values absent."""
    c = pci_scores.compare(2016, 2022, provinces=["Trà Vinh"])
    got = dict(zip(c["node"], c["comparability"], strict=True))
    assert got.pop("") == X
    assert got.pop("business_support") == X
    assert set(got.values()) == {C}
    assert set(c.filter(pl.col("node") != "business_support", pl.col("node") != "")["comparability_status"]) == {
        "derived"
    }


# =================================================================================================================
# baselines
# =================================================================================================================


def test_baseline_2016(papi_scores: chiso.Scores) -> None:
    """papi.md §6: 2016 is the baseline of the 2016–2021 term; every later year is compared with it."""
    b = chiso.compare_to_baseline(papi_scores, 2016)
    assert_schema(b, COMPARE_SCHEMA)
    assert set(b["base_year"]) == {2016}
    assert sorted(set(b["year"])) == list(range(2017, 2025))
    for year in range(2017, 2025):
        assert b.filter(year=year).equals(papi_scores.compare(2016, year)), year
    totals = b.filter(node="")
    assert set(totals.filter(year=2017)["comparability"]) == {W}
    assert set(totals.filter(pl.col("year") >= 2018)["comparability"]) == {X}


def test_baseline_2021(papi_scores: chiso.Scores) -> None:
    b = chiso.compare_to_baseline(papi_scores, 2021)
    assert sorted(set(b["year"])) == [2022, 2023, 2024]
    assert set(b.filter(node="")["comparability"]) == {W}
    assert set(b["comparability"]) == {W}
    tv = chiso.compare_to_baseline(papi_scores, 2021, provinces=["Trà Vinh"], nodes=[""])
    assert tv.select("base_year", "year", "comparability").rows() == [(2021, y, W) for y in (2022, 2023, 2024)]


def test_baseline_options_and_years(papi_scores: chiso.Scores) -> None:
    b = chiso.compare_to_baseline(
        papi_scores,
        2016,
        years=[2017, 2020],
        nodes=["transparency"],
        comparable_only=True,
        threshold=1.0,
        measure="points",
    )
    assert sorted(set(b["year"])) == [2017]  # 2016 → 2020 transparency crosses the 2018 change of D2
    assert set(b["comparability"]) == {W}
    for r in b.drop_nulls("delta").iter_rows(named=True):
        assert r["material"] == (abs(r["delta"]) > 1.0)


def test_baseline_without_later_years(papi_scores: chiso.Scores) -> None:
    with pytest.raises(chiso.InvalidArgumentError, match="2024"):
        chiso.compare_to_baseline(papi_scores, 2024)


# =================================================================================================================
# ranks, points lost, share of max
# =================================================================================================================


@pytest.mark.parametrize(
    ("index", "pair"),
    [
        ("papi", (2022, 2023)),
        ("papi", (2017, 2018)),
        ("papi", (2011, 2024)),
        ("pci", (2014, 2015)),
        ("pci", (2005, 2006)),
    ],
)
def test_rank_change(
    index: str,
    pair: tuple[int, int],
    papi_scores: chiso.Scores,
    pci_scores: chiso.Scores,
    pci_data: pl.DataFrame,
    reference_dir,  # type: ignore[no-untyped-def]
) -> None:
    """README §1.7: rank change = rank(y0) − rank(y), positive = moved up ("tăng N bậc"). At the total, both ranks
    come from outside chiso: VCCI's printed PCI ranks (its workbooks, the dataset's rank rows) and the PAPI
    reference tables' derived ranks (tests/reference/papi); the years of a partial field have none."""
    scores = papi_scores if index == "papi" else pci_scores
    c = scores.compare(*pair)
    if index == "pci":
        printed = pci_data.filter(pl.col("primary"), measure="rank", node="")
        expected = {(r["province_code"], r["year"]): int(r["value"]) for r in printed.iter_rows(named=True)}
    else:
        codes = dict(zip(chiso.provinces()["papi_code"], chiso.provinces()["code"], strict=True))
        expected = {}
        for year in pair:
            table = pl.read_csv(reference_dir / "papi" / f"papi_{year}_dimensions.csv", infer_schema_length=0)
            if year in (2018, 2021, 2022):  # the data lack provinces PAPI surveyed: no rank over the field
                continue
            for r in table.filter(complete="1").iter_rows(named=True):
                expected[(codes[r["province_code"]], year)] = int(r["derived_rank_among_complete"])
    totals = c.filter(node="")
    checked = 0
    for r in totals.iter_rows(named=True):
        before, after = expected.get((r["province_code"], pair[0])), expected.get((r["province_code"], pair[1]))
        assert (r["base_rank"], r["rank"]) == (before, after), r["province"]
        assert r["rank_change"] == (None if before is None or after is None else before - after), r["province"]
        checked += before is not None and after is not None
    # Provinces ranked in both years: none across a partial PAPI year (2018, 2022); PCI 2005 ranked 42 provinces.
    assert checked == {(2022, 2023): 0, (2017, 2018): 0, (2011, 2024): 61, (2014, 2015): 63, (2005, 2006): 42}[pair]
    both = c.filter(pl.col("base_rank").is_not_null(), pl.col("rank").is_not_null())
    assert both.height > 60
    up = both.filter(pl.col("rank_change") > 0)
    assert up.height > 0 and (up["rank"] < up["base_rank"]).all()
    down = both.filter(pl.col("rank_change") < 0)
    assert down.height > 0 and (down["rank"] > down["base_rank"]).all()
    missing = c.filter(pl.col("base_rank").is_null() | pl.col("rank").is_null())
    assert missing["rank_change"].null_count() == missing.height


def test_ranks_are_the_years_own(papi_scores: chiso.Scores, papi_totals: pl.DataFrame) -> None:
    c = papi_scores.compare(2017, 2018, nodes=[""])
    rank = by_key(papi_totals, ["province_code", "year"], "rank")
    for r in c.iter_rows(named=True):
        assert r["base_rank"] == rank[(r["province_code"], 2017)]
        assert r["rank"] == rank[(r["province_code"], 2018)]


def check_max(c: pl.DataFrame, max0: dict[str, float], max1: dict[str, float]) -> int:
    checked = 0
    for r in c.iter_rows(named=True):
        m1, m0 = max1[r["node"]], max0.get(r["base_node"]) if r["base_node"] is not None else None
        if r["value"] is not None:
            assert r["points_lost"] == pytest.approx(m1 - r["value"], abs=1e-12), r["node"]
        else:
            assert r["points_lost"] is None
        if r["base_value"] is not None:
            assert r["base_points_lost"] == pytest.approx(m0 - r["base_value"], abs=1e-12), r["node"]
        if r["value"] is not None and r["base_value"] is not None:
            share = r["value"] / m1 - r["base_value"] / m0
            assert r["share_of_max_change"] == pytest.approx(share, abs=1e-12), r["node"]
            checked += 1
        else:
            assert r["share_of_max_change"] is None
    return checked


def papi_max(year: int) -> dict[str, float]:
    """papi.md §4: total 6–60 (6 dimensions) or 8–80, dimension 1–10, sub-dimension 1/k–10/k."""
    k = n_children("papi", year)
    t = tree("papi", year)
    out: dict[str, float] = {}
    code_to_path = dict(zip(t["code"], t["path"], strict=True))
    for path, parent, depth in t.select("path", "parent", "depth").iter_rows():
        out[path] = {0: 10.0 * k[""], 1: 10.0}.get(depth) or 10.0 / k[code_to_path[parent]]
    return out


def test_points_lost_papi(papi_scores: chiso.Scores) -> None:
    for y0, y1 in [(2022, 2023), (2020, 2021), (2015, 2016), (2017, 2018)]:
        m0, m1 = papi_max(y0), papi_max(y1)
        assert check_max(papi_scores.compare(y0, y1), m0, m1) > 1000
    assert papi_max(2021)[""] == 80.0 and papi_max(2015)[""] == 60.0
    assert papi_max(2021)["administrative_procedures/certification"] == pytest.approx(10 / 3)
    assert papi_max(2020)["administrative_procedures/certification"] == pytest.approx(10 / 4)
    row = papi_scores.compare(2022, 2023, provinces=["84"], nodes=[""]).row(0, named=True)
    assert row["points_lost"] == pytest.approx(80 - row["value"], abs=1e-12)


def test_points_lost_pci(pci_scores: chiso.Scores) -> None:
    """pci.md A4.1: composite 10–100, sub-indices 1–10."""
    m = {"": 100.0, **dict.fromkeys(PCI_SUBINDICES, 10.0)}
    assert check_max(pci_scores.compare(2014, 2015), m, m) == 63 * 11
    c = pci_scores.compare(2021, 2022, nodes=[""])
    assert check_max(c, m, m) == 63
    assert ((c["points_lost"] - (100 - c["value"])).abs() < 1e-12).all()


# =================================================================================================================
# materiality (a size threshold, not a test) and significance (a test)
# =================================================================================================================


def test_papi_default_materiality_is_relative_five_percent(papi_scores: chiso.Scores) -> None:
    """papi.md §6: "above 5%" (2020 report); chiso documents it as the default, with status unknown."""
    doc = chiso.Scores.compare.__doc__ or ""
    assert "5%" in doc and "unknown" in doc
    c = papi_scores.compare(2022, 2023)
    with_relative = c.filter(pl.col("relative").is_not_null())
    assert with_relative.height > 2000
    assert with_relative["material"].null_count() == 0
    assert (with_relative["material"] == (with_relative["relative"].abs() > 0.05)).all()
    assert 0 < with_relative["material"].sum() < with_relative.height
    assert set(with_relative["materiality_threshold"]) == {0.05}
    assert set(with_relative["materiality_measure"]) == {"relative"}
    # Without standard errors nothing is called significant, and the note says why.
    assert c["significant"].null_count() == c.height
    assert c["significance_note"].null_count() == 0
    no_relative = c.filter(pl.col("relative").is_null())
    assert no_relative["material"].null_count() == no_relative.height
    # The same as asking for it explicitly.
    assert c.equals(papi_scores.compare(2022, 2023, threshold=0.05, measure="relative"))


def test_custom_materiality_thresholds(papi_scores: chiso.Scores) -> None:
    points = papi_scores.compare(2022, 2023, threshold=1.0, measure="points").drop_nulls("delta")
    assert (points["material"] == (points["delta"].abs() > 1.0)).all()
    assert 0 < points["material"].sum() < points.height
    relative = papi_scores.compare(2022, 2023, threshold=0.1).drop_nulls("relative")
    assert (relative["material"] == (relative["relative"].abs() > 0.1)).all()
    assert relative["material"].sum() < (relative["relative"].abs() > 0.05).sum()


def test_pci_has_no_default_materiality(pci_scores: chiso.Scores) -> None:
    """pci.md A7: no significance threshold is published: no flag unless one is given."""
    c = pci_scores.compare(2015, 2016)
    assert c["material"].null_count() == c.height
    assert set(pci_scores.movers(2015, 2016)["n_material"].to_list()) == {None}
    flagged = pci_scores.compare(2015, 2016, threshold=1.0, measure="points")
    with_delta = flagged.drop_nulls("delta")
    assert with_delta["material"].null_count() == 0
    assert (with_delta["material"] == (with_delta["delta"].abs() > 1.0)).all()
    assert with_delta["material"].sum() > 0


@pytest.mark.parametrize("threshold", [0.0, -1.0, float("nan"), float("inf"), -float("inf")])
def test_non_positive_threshold_is_refused(papi_scores: chiso.Scores, threshold: float) -> None:
    with pytest.raises(chiso.InvalidArgumentError, match="threshold"):
        papi_scores.compare(2022, 2023, threshold=threshold)
    with pytest.raises(chiso.InvalidArgumentError, match="threshold"):
        papi_scores.movers(2022, 2023, threshold=threshold)
    with pytest.raises(chiso.InvalidArgumentError, match="threshold"):
        chiso.compare_to_baseline(papi_scores, 2021, threshold=threshold)


def test_invalid_measure_is_refused(papi_scores: chiso.Scores) -> None:
    for call in (
        lambda: papi_scores.compare(2022, 2023, threshold=1.0, measure="pts"),  # type: ignore[arg-type]
        lambda: papi_scores.movers(2022, 2023, threshold=1.0, measure="percent"),  # type: ignore[arg-type]
        lambda: chiso.compare(papi_scores, 2022, 2023, threshold=1.0, measure="Points"),  # type: ignore[arg-type]
    ):
        with pytest.raises(chiso.InvalidArgumentError, match="measure") as err:
            call()
        assert "relative" in str(err.value) and "points" in str(err.value)
        assert isinstance(err.value, chiso.ChisoError) and isinstance(err.value, ValueError)


def test_invalid_measure_is_refused_without_threshold(papi_scores: chiso.Scores) -> None:
    """A misspelt measure must not be ignored just because no threshold is given (the default then applies
    silently, as a relative threshold, whatever measure the caller wrote)."""
    with pytest.raises(chiso.InvalidArgumentError, match="measure"):
        papi_scores.compare(2022, 2023, measure="pts")  # type: ignore[arg-type]
    with pytest.raises(chiso.InvalidArgumentError, match="measure"):
        papi_scores.movers(2022, 2023, measure="pts")  # type: ignore[arg-type]


# =================================================================================================================
# trajectory
# =================================================================================================================


def check_series(t: pl.DataFrame, across_breaks: bool = False) -> None:
    """delta against the previous year with a value; cumulative and CAGR against the first value of the segment,
    which restarts after every break unless ``across_breaks`` (README §1.8: crossing a break is opt-in)."""
    first: tuple[int, float] | None = None
    previous: float | None = None
    for r in t.iter_rows(named=True):
        v = r["value"]
        if r["break_before"] and not across_breaks:
            first = None
        if v is None:
            assert r["delta"] is None and r["cumulative"] is None and r["cagr"] is None
            continue
        if previous is None:
            assert r["delta"] is None
        elif r["delta"] is not None:  # None where the node does not continue the previous year's (lineage "new")
            assert r["delta"] == pytest.approx(v - previous, abs=1e-12)
        if first is None:
            first = (r["year"], v)
            assert r["cumulative"] == 0.0
            assert r["cagr"] is None
        else:
            y0, v0 = first
            assert r["cumulative"] == pytest.approx(v - v0, abs=1e-12)
            assert r["cagr"] == pytest.approx((v / v0) ** (1 / (r["year"] - y0)) - 1, rel=1e-12, abs=1e-15)
        assert r["segment_start"] == first[0]
        previous = v
    assert ((t["comparability"] == X).fill_null(False) == t["break_before"]).all()
    assert t["comparability"][0] is None and not t["break_before"][0]


def test_trajectory_tra_vinh_papi_total(papi_scores: chiso.Scores, papi_totals: pl.DataFrame) -> None:
    """PAPI breaks before 2016, 2018, 2019 and 2021 (README §1.7)."""
    t = papi_scores.trajectory("Trà Vinh")
    assert_schema(t, TRAJECTORY_SCHEMA)
    assert t.height == 14
    assert t["year"].to_list() == list(range(2011, 2025))
    assert t.filter("break_before")["year"].to_list() == [2016, 2018, 2019, 2021]
    assert set(t["province_code"]) == {TRA_VINH} and set(t["province"]) == {"Trà Vinh"}
    assert set(t["node"]) == {""}
    assert t["edition"].to_list() == [edition_code("papi", y) for y in range(2011, 2025)]
    check_series(t)
    mine = papi_totals.filter(province_code=TRA_VINH).sort("year")
    assert t["value"].to_list() == mine["score"].to_list()
    assert t["rank"].to_list() == mine["rank"].to_list()
    assert t["n_ranked"].to_list() == mine["n_ranked"].to_list()
    # By default the last segment starts at the 2021 break; crossing breaks is an explicit choice.
    assert t["segment_start"].unique().sort().to_list() == [2011, 2016, 2018, 2019, 2021]
    assert t["cumulative"][-1] == pytest.approx(t["value"][-1] - t.filter(year=2021)["value"][0], abs=1e-12)
    whole = papi_scores.trajectory("Trà Vinh", across_breaks=True)
    check_series(whole, across_breaks=True)
    first, last = whole["value"][0], whole["value"][-1]
    assert whole["cumulative"][-1] == pytest.approx(last - first, abs=1e-12)
    assert whole["cagr"][-1] == pytest.approx((last / first) ** (1 / 13) - 1, rel=1e-12)


def test_trajectory_agrees_with_compare(papi_scores: chiso.Scores) -> None:
    """For consecutive years, the trajectory's comparability and delta are compare's."""
    for node in ["", *PAPI_DIMENSIONS_2011, "e_governance"]:
        t = papi_scores.trajectory("Trà Vinh", node)
        for prev, cur in zip(t.iter_rows(named=True), t.slice(1).iter_rows(named=True), strict=False):
            row = papi_scores.compare(prev["year"], cur["year"], provinces=[TRA_VINH], nodes=[node]).row(0, named=True)
            assert cur["comparability"] == row["comparability"], (node, cur["year"])
            if row["base_node"] == node:
                assert cur["delta"] == pytest.approx(row["delta"], abs=1e-12), (node, cur["year"])


def test_trajectory_span_restarts(papi_scores: chiso.Scores) -> None:
    span = papi_scores.trajectory("84", "transparency", from_year=2021, to_year=2024)
    assert span["year"].to_list() == [2021, 2022, 2023, 2024]
    assert span["cumulative"][0] == 0.0
    assert span["delta"][0] is None and span["cagr"][0] is None and span["comparability"][0] is None
    assert not span["break_before"].any()
    check_series(span)
    full = papi_scores.trajectory("84", "transparency")
    v = dict(zip(full["year"], full["value"], strict=True))
    assert span["cumulative"][-1] == pytest.approx(v[2024] - v[2021], abs=1e-12)
    mid = papi_scores.trajectory("Trà Vinh", from_year=2013, to_year=2019)
    assert mid["year"].to_list() == list(range(2013, 2020))
    assert mid.filter("break_before")["year"].to_list() == [2016, 2018, 2019]
    check_series(mid)
    only_from = papi_scores.trajectory("Trà Vinh", from_year=2020)
    assert only_from["year"].to_list() == list(range(2020, 2025))
    assert only_from["cumulative"][0] == 0.0


def test_trajectory_tra_vinh_pci(pci_scores: chiso.Scores, pci_totals: pl.DataFrame) -> None:
    """PCI breaks before 2006, 2009, 2013 and 2022 (README §1.7, pci.md A2)."""
    t = pci_scores.trajectory("Trà Vinh")
    assert_schema(t, TRAJECTORY_SCHEMA)
    assert t["year"].to_list() == list(range(2005, 2025))
    assert t.filter("break_before")["year"].to_list() == [2006, 2009, 2013, 2022]
    assert t["edition"].to_list() == [edition_code("pci", y) for y in range(2005, 2025)]
    check_series(t)
    mine = pci_totals.filter(province_code=TRA_VINH).sort("year")
    assert t["value"].to_list() == mine["score"].to_list()
    assert t["rank"].to_list() == mine["rank"].to_list()


def test_trajectory_of_a_node_of_some_editions(papi_scores: chiso.Scores) -> None:
    """papi.md §6.1: e-governance is new in 2018, gains a third sub-dimension in 2019 (not comparable), same tree
    in 2021."""
    t = papi_scores.trajectory("Trà Vinh", "e_governance")
    assert_schema(t, TRAJECTORY_SCHEMA)
    assert t["year"].to_list() == list(range(2018, 2025))
    assert t["comparability"].to_list() == [None, X, W, C, W, W, W]
    assert t.filter("break_before")["year"].to_list() == [2019]
    check_series(t)
    sub = papi_scores.trajectory("Trà Vinh", "e_governance/e_responsiveness")
    assert sub["year"].to_list() == list(range(2019, 2025))


def test_trajectory_with_missing_years(papi_scores: chiso.Scores, papi_totals: pl.DataFrame) -> None:
    """Quảng Ninh has no PAPI rows for 2021 and 2023, and its 2018 total is missing (two dimensions absent): the
    series has the scored years only, 2018 is there but empty, and 2019's delta is against 2017."""
    t = papi_scores.trajectory("Quảng Ninh")
    mine = papi_totals.filter(province="Quảng Ninh").sort("year")
    assert t["year"].to_list() == mine["year"].to_list()
    assert 2021 not in t["year"] and 2023 not in t["year"]
    row = t.filter(year=2018).row(0, named=True)
    assert row["value"] is None and row["rank"] is None and row["delta"] is None
    assert row["n_ranked"] == papi_totals.filter(year=2018)["n_ranked"][0]
    assert row["break_before"]
    v = dict(zip(t["year"], t["value"], strict=True))
    assert t.filter(year=2019)["delta"][0] == pytest.approx(v[2019] - v[2017], abs=1e-12)
    assert t.filter(year=2022)["delta"][0] == pytest.approx(v[2022] - v[2020], abs=1e-12)
    assert t.filter(year=2022)["comparability"][0] == X  # 2020 → 2022 crosses the 2021 break (D5)
    check_series(t)


# =================================================================================================================
# peers
# =================================================================================================================


def values_in(scores: chiso.Scores, year: int, path: str) -> dict[str, float]:
    long = scores.long().filter(year=year, node=path).drop_nulls("score")
    return dict(zip(long["province_code"], long["score"], strict=True))


def check_group(row: dict, members: dict[str, float], me: str, registry: pl.DataFrame) -> None:
    names = dict(zip(registry["code"], registry["name_vi"], strict=True))
    values = sorted(members.values())
    assert row["n"] == len(members)
    assert row["mean"] == pytest.approx(sum(values) / len(values), abs=1e-12)
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    assert row["median"] == pytest.approx(median, abs=1e-12)
    assert row["best"] == max(values)
    assert row["best_province"] in {names[p] for p, v in members.items() if v == max(values)}
    mine = members.get(me)
    assert row["value"] == mine
    if mine is None:
        assert row["rank_within"] is None and row["gap_to_best"] is None and row["gap_to_mean"] is None
        return
    assert row["rank_within"] == 1 + sum(v > mine for v in values)
    assert row["gap_to_mean"] == pytest.approx(mine - row["mean"], abs=1e-12)
    assert row["gap_to_best"] == pytest.approx(mine - row["best"], abs=1e-12)
    assert row["gap_to_best"] <= 0
    assert (row["gap_to_best"] == 0) == (mine == row["best"])


def test_peers_tra_vinh_2023(papi_scores: chiso.Scores, papi_totals: pl.DataFrame, registry: pl.DataFrame) -> None:
    p = papi_scores.peers("Trà Vinh", 2023, peers=["Vĩnh Long", "Bến Tre"])
    assert_schema(p, PEERS_SCHEMA)
    assert p["group"].to_list() == ["national", "region", "peers"]
    rows = {r["group"]: r for r in p.iter_rows(named=True)}
    ranked = papi_totals.filter(year=2023).drop_nulls("rank")
    assert rows["national"]["n"] == ranked.height == ranked["n_ranked"][0]
    assert rows["national"]["group_name"] == "Việt Nam"
    assert rows["national"]["rank_within"] == ranked.filter(province_code=TRA_VINH)["rank"][0]
    assert rows["region"]["group_name"] == MEKONG
    mekong = set(registry.filter(region=MEKONG)["code"])
    assert len(mekong) == 13
    assert rows["region"]["n"] == 13
    assert rows["peers"]["n"] == 3
    assert rows["peers"]["group_name"] == "3 provinces named"
    values = values_in(papi_scores, 2023, "")
    check_group(rows["national"], values, TRA_VINH, registry)
    check_group(rows["region"], {p: v for p, v in values.items() if p in mekong}, TRA_VINH, registry)
    peers = {TRA_VINH, chiso.find_province("Vĩnh Long")[0], chiso.find_province("Bến Tre")[0]}
    check_group(rows["peers"], {p: v for p, v in values.items() if p in peers}, TRA_VINH, registry)
    assert rows["region"]["rank_within"] <= rows["national"]["rank_within"]


def test_peers_region_with_a_missing_province(papi_scores: chiso.Scores, registry: pl.DataFrame) -> None:
    """PAPI 2024 has no Tiền Giang row: the region counts 12; Tiền Giang's own row is empty."""
    p = papi_scores.peers("Trà Vinh", 2024, "transparency")
    assert p["group"].to_list() == ["national", "region"]
    region = p.filter(group="region").row(0, named=True)
    assert region["n"] == 12
    mekong = set(registry.filter(region=MEKONG)["code"])
    values = values_in(papi_scores, 2024, "transparency")
    check_group(region, {k: v for k, v in values.items() if k in mekong}, TRA_VINH, registry)
    tg = papi_scores.peers("Tiền Giang", 2024).filter(group="region").row(0, named=True)
    assert tg["value"] is None and tg["rank_within"] is None and tg["gap_to_best"] is None
    assert tg["n"] == 12


@pytest.mark.parametrize("year", [2014, 2018, 2021, 2024])
def test_peers_national_n_is_the_ranked_count(papi_scores: chiso.Scores, papi_totals: pl.DataFrame, year: int) -> None:
    ranked = papi_totals.filter(year=year).drop_nulls("rank_within")
    p = papi_scores.peers("Hà Nội", year).filter(group="national").row(0, named=True)
    assert p["n"] == ranked.height == ranked["n_ranked"][0]
    # The national group is the provinces in the data: its rank is `rank_within`, the publisher's rank only where
    # they are the whole field (2018 and 2021 are not: issue 9 §2).
    assert (ranked["rank"].null_count() == ranked.height) == (year in (2018, 2021))


def test_peers_every_province(papi_scores: chiso.Scores, registry: pl.DataFrame) -> None:
    """rank_within is the 1224 rank of the group's values; gap_to_best ≤ 0, zero only for the best."""
    values = values_in(papi_scores, 2022, "control_of_corruption")
    region_of = dict(zip(registry["code"], registry["region"], strict=True))
    best_seen = 0
    for code in values:
        p = papi_scores.peers(code, 2022, "control_of_corruption")
        rows = {r["group"]: r for r in p.iter_rows(named=True)}
        check_group(rows["national"], values, code, registry)
        region = {k: v for k, v in values.items() if region_of[k] == region_of[code]}
        assert rows["region"]["group_name"] == region_of[code]
        check_group(rows["region"], region, code, registry)
        best_seen += rows["national"]["gap_to_best"] == 0
    assert best_seen == 1


def test_peers_pci(pci_scores: chiso.Scores, registry: pl.DataFrame) -> None:
    p = pci_scores.peers("Trà Vinh", 2015, "transparency", peers=["Sóc Trăng", "soc trang", "94", "Vĩnh Long"])
    rows = {r["group"]: r for r in p.iter_rows(named=True)}
    assert rows["national"]["n"] == 63
    assert rows["peers"]["n"] == 3  # duplicates and aliases count once; the province itself is in its group
    values = values_in(pci_scores, 2015, "transparency")
    check_group(rows["national"], values, TRA_VINH, registry)
    peers = {TRA_VINH, "94", chiso.find_province("Vĩnh Long")[0]}
    check_group(rows["peers"], {k: v for k, v in values.items() if k in peers}, TRA_VINH, registry)


def test_peers_ranks_with_ties(pci_scores: chiso.Scores, pci_totals: pl.DataFrame) -> None:
    """PCI 2020 composites are published at 2 decimals and six of them tie: rank_within is the 1224 rank, the
    same as the national rank of the scored table."""
    totals = pci_totals.filter(year=2020)
    assert totals["score"].is_duplicated().sum() > 0
    for code, rank in totals.select("province_code", "rank").iter_rows():
        national = pci_scores.peers(code, 2020).filter(group="national").row(0, named=True)
        assert national["rank_within"] == rank, code


# =================================================================================================================
# movers
# =================================================================================================================


@pytest.mark.parametrize(
    ("index", "pair", "options"),
    [
        ("papi", (2022, 2023), {}),
        ("papi", (2022, 2023), {"threshold": 1.0, "measure": "points"}),
        ("papi", (2015, 2016), {"comparable_only": True}),
        ("papi", (2016, 2024), {}),
        ("pci", (2014, 2015), {}),
        ("pci", (2007, 2009), {"threshold": 0.05}),
    ],
)
def test_movers_match_compare(
    index: str, pair: tuple[int, int], options: dict, papi_scores: chiso.Scores, pci_scores: chiso.Scores
) -> None:
    """README §1.7: counts of units that rose or fell, with the largest gain and loss (PAR, SIPAS)."""
    scores = papi_scores if index == "papi" else pci_scores
    m = scores.movers(*pair, **options)
    c = scores.compare(*pair, **options)
    assert_schema(m, MOVERS_SCHEMA)
    assert m["node"].to_list() == list(dict.fromkeys(c["node"]))
    for r in m.iter_rows(named=True):
        rows = c.filter(node=r["node"])
        deltas = rows.drop_nulls("delta")
        assert r["comparability"] == rows["comparability"][0]
        assert r["n_compared"] == deltas.height
        assert r["n_up"] + r["n_down"] + r["n_unchanged"] == r["n_compared"]
        assert r["n_up"] == (deltas["delta"] > 0).sum()
        assert r["n_down"] == (deltas["delta"] < 0).sum()
        assert r["n_rank_up"] == (rows["rank_change"] > 0).sum()
        assert r["n_rank_down"] == (rows["rank_change"] < 0).sum()
        if deltas.height == 0:
            assert r["largest_gain"] is None and r["mean_delta"] is None
            continue
        assert r["mean_delta"] == pytest.approx(deltas["delta"].mean(), abs=1e-12)
        assert r["largest_gain"] == deltas["delta"].max()
        assert r["largest_loss"] == deltas["delta"].min()
        assert r["largest_gain_province"] in set(deltas.filter(pl.col("delta") == r["largest_gain"])["province"])
        assert r["largest_loss_province"] in set(deltas.filter(pl.col("delta") == r["largest_loss"])["province"])
        if rows["material"].null_count() == rows.height:
            assert r["n_material"] is None
        else:
            assert r["n_material"] == rows["material"].sum()
        assert r["n_significant"] is None  # no standard errors in the bundled data
    if options.get("comparable_only"):
        assert X not in set(m["comparability"])


def test_movers_material_counts(papi_scores: chiso.Scores, pci_scores: chiso.Scores) -> None:
    m = papi_scores.movers(2022, 2023, nodes=[""], threshold=1.0, measure="points").row(0, named=True)
    deltas = papi_scores.compare(2022, 2023, nodes=[""])["delta"].drop_nulls()
    assert m["n_material"] == (deltas.abs() > 1.0).sum()
    default = papi_scores.movers(2022, 2023, nodes=[""]).row(0, named=True)
    relative = papi_scores.compare(2022, 2023, nodes=[""])["relative"].drop_nulls()
    assert default["n_material"] == (relative.abs() > 0.05).sum()
    assert pci_scores.movers(2014, 2015, nodes=[""])["n_material"].to_list() == [None]
    pci = pci_scores.movers(2014, 2015, nodes=[""], threshold=2.0, measure="points").row(0, named=True)
    pci_deltas = pci_scores.compare(2014, 2015, nodes=[""])["delta"].drop_nulls()
    assert pci["n_material"] == (pci_deltas.abs() > 2.0).sum() > 0
    assert pci["n_significant"] is None  # no standard errors: no test


def test_movers_when_nothing_is_comparable_keep_their_schema(papi_scores: chiso.Scores) -> None:
    """An empty result is still a frame with every column (as compare's and decompose's are)."""
    m = papi_scores.movers(2015, 2016, nodes=["participation"], comparable_only=True)
    assert m.height == 0
    assert_schema(m, MOVERS_SCHEMA)


def test_a_node_named_twice_is_compared_once(papi_scores: chiso.Scores) -> None:
    """Naming a node twice (by path and by full code, or twice) selects it once, as naming a province twice does:
    no duplicate rows, movers count each province once, the wide view pivots, contributions add up."""
    nodes = ["", "papi.2021", "transparency", "papi.2021/transparency"]
    c = papi_scores.compare(2022, 2023, nodes=nodes)
    assert c.select("province_code", "node").is_duplicated().sum() == 0
    assert c.equals(papi_scores.compare(2022, 2023, nodes=["", "transparency"]))
    m = papi_scores.movers(2022, 2023, nodes=["", ""])
    assert m.height == 1
    assert m["n_compared"][0] == papi_scores.compare(2022, 2023, nodes=[""])["delta"].drop_nulls().len()
    w = chiso.compare(papi_scores, 2022, 2023, nodes=nodes, view="wide")
    assert w.columns[4:] == ["total", "transparency"]
    d = papi_scores.decompose(2022, 2023, nodes=["", ""], provinces=["Trà Vinh"])
    delta = papi_scores.compare(2022, 2023, nodes=[""], provinces=["Trà Vinh"])["delta"][0]
    assert d["contribution"].sum() == pytest.approx(delta, abs=1e-9)


# =================================================================================================================
# errors
# =================================================================================================================


def test_year_without_scores(papi_scores: chiso.Scores) -> None:
    calls = {
        "compare": lambda: papi_scores.compare(2009, 2023),
        "compare year": lambda: papi_scores.compare(2023, 2030),
        "decompose": lambda: papi_scores.decompose(2022, 2010),
        "movers": lambda: papi_scores.movers(2009, 2023),
        "peers": lambda: papi_scores.peers("Trà Vinh", 2030),
        "chiso.compare": lambda: chiso.compare(papi_scores, 2009, 2023, view="wide"),
    }
    for name, call in calls.items():
        with pytest.raises(chiso.InvalidArgumentError) as err:
            call()
        message = str(err.value)
        assert any(y in message for y in ("2009", "2010", "2030")), (name, message)
        assert "2011" in message and "2024" in message, (name, message)  # the scored years


def test_unknown_node(papi_scores: chiso.Scores, pci_scores: chiso.Scores) -> None:
    for call in (
        lambda: papi_scores.compare(2022, 2023, nodes=["nope"]),
        lambda: papi_scores.decompose(2022, 2023, nodes=["nope"]),
        lambda: papi_scores.movers(2022, 2023, nodes=["nope"]),
        lambda: papi_scores.peers("Trà Vinh", 2023, "nope"),
    ):
        with pytest.raises(chiso.InvalidArgumentError) as err:
            call()
        message = str(err.value)
        assert '"nope"' in message and "papi.2021" in message and "transparency" in message, message
    with pytest.raises(chiso.InvalidArgumentError, match="nope"):
        papi_scores.trajectory("Trà Vinh", "nope")
    # A node of another edition is unknown in the year's edition.
    with pytest.raises(chiso.InvalidArgumentError, match="e_governance"):
        papi_scores.compare(2012, 2013, nodes=["e_governance"])
    with pytest.raises(chiso.InvalidArgumentError, match="pci.2009"):
        pci_scores.compare(2008, 2010, nodes=["policy_bias"])


def test_unknown_province(papi_scores: chiso.Scores) -> None:
    for call in (
        lambda: papi_scores.compare(2022, 2023, provinces=["Tra Vnh"]),
        lambda: papi_scores.decompose(2022, 2023, provinces=["Tra Vnh"]),
        lambda: papi_scores.trajectory("Tra Vnh"),
        lambda: papi_scores.peers("Tra Vnh", 2023),
        lambda: papi_scores.peers("Trà Vinh", 2023, peers=["Vĩnh Long", "Tra Vnh"]),
        lambda: chiso.compare_to_baseline(papi_scores, 2021, provinces=["Tra Vnh"]),
    ):
        with pytest.raises(chiso.UnknownProvinceError) as err:
            call()
        assert "Tra Vnh" in str(err.value) and "Trà Vinh" in str(err.value), str(err.value)
        assert isinstance(err.value, KeyError)
    with pytest.raises(chiso.UnknownProvinceError, match="Atlantis"):
        papi_scores.compare(2022, 2023, provinces=["Atlantis"])


@pytest.mark.parametrize(("from_year", "to_year"), [(2030, None), (None, 2005), (2020, 2015)])
def test_trajectory_outside_the_scored_years_says_so(
    papi_scores: chiso.Scores, from_year: int | None, to_year: int | None
) -> None:
    """A span with no scored year is a span problem, not a node problem: the total ("") is in every edition."""
    with pytest.raises(chiso.InvalidArgumentError) as err:
        papi_scores.trajectory("Trà Vinh", from_year=from_year, to_year=to_year)
    message = str(err.value)
    assert any(str(y) in message for y in (from_year, to_year, 2011) if y is not None), message
    assert "none of the editions" not in message, message


def test_trajectory_of_a_province_without_scores(papi_data: pl.DataFrame) -> None:
    """A known province absent from the scored data: the message must say the province has no scores, not that
    the total is in no edition."""
    only_hanoi = chiso.score("papi", papi_data.filter(province_code="01"))
    with pytest.raises(chiso.InvalidArgumentError) as err:
        only_hanoi.trajectory("Trà Vinh")
    assert str(err.value) == "no scores for Trà Vinh (84) in this result"


def test_pci_rank_change_equals_vcci_printed_ranks(pci_scores: chiso.Scores, pci_data: pl.DataFrame) -> None:
    """Rank change 2014→2015 against VCCI's own printed ranks of both years (its workbooks), not against chiso's
    ranks: rank_change = VCCI rank 2014 − VCCI rank 2015 for each of the 63 provinces (positive = moved up)."""
    vcci = pci_data.filter(pl.col("year").is_in([2014, 2015]), measure="rank", code="pci.2013").select(
        "province_code", "year", pl.col("value").cast(pl.Int64).alias("vcci_rank")
    )
    printed = vcci.filter(year=2014).join(vcci.filter(year=2015), on="province_code", suffix="_2015")
    c = pci_scores.compare(2014, 2015, nodes=[""]).join(printed, on="province_code")
    assert c.height == 63
    assert (c["rank_change"] == c["vcci_rank"] - c["vcci_rank_2015"]).all()
    tra_vinh = c.filter(province="Trà Vinh").row(0, named=True)
    assert (tra_vinh["base_rank"], tra_vinh["rank"], tra_vinh["rank_change"]) == (32, 41, -9)  # VCCI: 32nd → 41st


def test_significant_is_a_two_sided_test_with_standard_errors() -> None:
    """Issue 9 §4: a −0.05 move on a small sub-dimension was "significant" and the total's +0.47 was not; now
    `significant` is a z test at a stated level where standard errors or intervals are given, else null."""
    data = chiso.datasets.papi().filter(pl.col("year").is_in([2023, 2024]))
    scores = chiso.score("papi", data)
    plain = scores.compare(2023, 2024, provinces=["Trà Vinh"], nodes=[""])
    assert plain["significant"][0] is None and "standard error" in plain["significance_note"][0]
    delta = plain["delta"][0]
    # The published totals with 95% intervals whose half-width puts the change at z = 3 (se = |Δ| / (3·√2)).
    se = abs(delta) / (3 * 2**0.5)
    totals = scores.totals().filter(province_code="84").select("province_code", "year", pl.col("score").alias("value"))
    rows = totals.with_columns(node=pl.lit(""))

    def with_columns(**cols: pl.Expr) -> pl.DataFrame:
        extra = rows.with_columns(**cols)
        return pl.concat([data.select("province_code", "year", "node", "value"), extra], how="diagonal_relaxed")

    half_width = 1.959963984540054 * se
    with_ci = with_columns(ci_low=pl.col("value") - half_width, ci_high=pl.col("value") + half_width)
    c = chiso.score("papi", with_ci).compare(2023, 2024, provinces=["Trà Vinh"], nodes=["", "transparency"])
    total = c.filter(node="")
    assert total["significant"][0] is True
    assert total["p_value"][0] == pytest.approx(0.0026998, abs=1e-6)  # two-sided p at z = 3
    assert total["significance_level"][0] == 0.05
    assert c.filter(node="transparency")["significant"][0] is None  # no interval given there
    with_se = with_columns(se=pl.lit(se * 2.0))  # z = 1.5: not significant
    assert chiso.score("papi", with_se).compare(2023, 2024, provinces=["84"], nodes=[""])["significant"][0] is False
    with pytest.raises(chiso.DataError, match="negative"):
        chiso.score("papi", with_columns(se=pl.lit(-1.0)))


def test_standard_errors_in_a_file_are_read(tmp_path: Path) -> None:
    """A CSV path carries its ``se`` column as a frame does: the z = 3 change of the test above is significant
    when the same rows come from a file (the column was once read for values only)."""
    data = chiso.datasets.papi().filter(pl.col("year").is_in([2023, 2024]), pl.col("primary"))
    scores = chiso.score("papi", data)
    delta = scores.compare(2023, 2024, provinces=["Trà Vinh"], nodes=[""])["delta"][0]
    se = abs(delta) / (3 * 2**0.5)
    totals = scores.totals().filter(province_code="84").select("province_code", "year", pl.col("score").alias("value"))
    rows = pl.concat(
        [data.select("province_code", "year", "node", "value"), totals.with_columns(node=pl.lit(""), se=pl.lit(se))],
        how="diagonal_relaxed",
    )
    path = tmp_path / "papi_with_se.csv"
    rows.write_csv(path)
    total = chiso.score("papi", str(path)).compare(2023, 2024, provinces=["84"], nodes=[""])
    assert total["significant"][0] is True
    assert total["p_value"][0] == pytest.approx(0.0026998, abs=1e-6)  # two-sided p at z = 3
