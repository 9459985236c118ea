"""PAPI exactness on real data: dimensions, totals, ranks and groups from the published sub-dimensions.

Spec: shared/methodology/papi.md §2 (editions), §3 (trees), §4 (SUM rules), §5 (groups and ranks), §9 (gaps);
shared/data/README.md §2.1 and §2.3 (the ``papi_YYYY_dimensions.csv`` reference files).
"""

from __future__ import annotations

import chiso
import numpy as np
import polars as pl
import pytest

#: papi.md §3.1, in D1..D8 order.
DIMENSIONS = [
    "participation",
    "transparency",
    "vertical_accountability",
    "control_of_corruption",
    "administrative_procedures",
    "public_service_delivery",
    "environmental_governance",
    "e_governance",
]
YEARS = list(range(2011, 2025))
#: papi.md §2.
EDITION_OF_YEAR = {
    **{y: "papi.2011" for y in range(2011, 2016)},
    2016: "papi.2016",
    2017: "papi.2016",
    2018: "papi.2018",
    2019: "papi.2019",
    2020: "papi.2019",
    **{y: "papi.2021" for y in range(2021, 2025)},
}
#: data/README.md §2.3: ranked N per year.
N_COMPLETE = {y: 63 for y in YEARS} | {2014: 61, 2018: 61, 2022: 61, 2023: 61, 2024: 61, 2021: 60}
#: The provinces PAPI surveyed (methodologies/papi/index.toml [ranked_field], papi.md §9): all 63, except 2014
#: (two blank in the official workbook), 2023 (two without records, per the report) and 2024 (two not in the panel).
N_FIELD = {y: 63 for y in YEARS} | {2014: 61, 2023: 61, 2024: 61}
PARTIAL_YEARS = {y for y in YEARS if N_COMPLETE[y] < N_FIELD[y]}
TOL = 1e-5


@pytest.fixture(scope="module")
def wide_dims(papi_scores: chiso.Scores) -> pl.DataFrame:
    """One row per province-year: the eight dimension columns (null where absent) and the total."""
    return papi_scores.wide(level=1).join(
        papi_scores.wide(level=0).select("province_code", "year", "total"), on=["province_code", "year"]
    )


@pytest.mark.parametrize("year", YEARS)
def test_dimensions_and_total_match_reference_file(
    wide_dims: pl.DataFrame, papi_dimension_files: dict[int, pl.DataFrame], year: int
) -> None:
    """papi.md §4: dimension = SUM of sub-dimensions, total = SUM of dimensions; data/README.md §2.3 files hold
    the same sums (6-decimal), so every complete row matches within 1e-5."""
    ref = papi_dimension_files[year].filter(complete=1)
    n_dims = 6 if year < 2018 else 8
    joined = ref.join(wide_dims.filter(year=year), left_on="gso", right_on="province_code", how="left")
    assert joined.height == ref.height
    for i, dim in enumerate(DIMENSIONS[:n_dims], start=1):
        diff = (joined[f"d{i}"] - joined[dim]).abs()
        assert diff.null_count() == 0, f"{year} {dim}: chiso has no value for some complete province"
        assert diff.max() < TOL, f"{year} {dim}: max difference {diff.max()}"
    diff = (joined["total"] - joined["total_right"]).abs()
    assert diff.null_count() == 0
    assert diff.max() < TOL
    # Dimensions that do not exist in the year's edition stay empty (papi.md §3.1: D7, D8 from 2018).
    if year < 2018:
        later = wide_dims.filter(year=year).select(DIMENSIONS[6:])
        assert later.null_count().row(0) == (later.height, later.height)


@pytest.mark.parametrize("year", YEARS)
def test_ranked_n_and_ranks_match_reference_file(
    papi_totals: pl.DataFrame, papi_dimension_files: dict[int, pl.DataFrame], year: int
) -> None:
    """papi.md §5: rank = 1224, descending, over provinces with a complete total; N = n_complete (data/README §2.3:
    63, except 61 in 2014, 2018, 2022, 2023, 2024 and 60 in 2021). PAPI ranks are always DERIVED. Issue 9 §2: the
    rank is shown only where those provinces are every province surveyed (methodologies/papi/index.toml); in 2018,
    2021 and 2022 provinces that were surveyed lack a total in the data, so only ``rank_within`` exists."""
    ref = papi_dimension_files[year]
    assert ref["n_complete"].unique().to_list() == [N_COMPLETE[year]]
    totals = papi_totals.filter(year=year)
    assert totals["n_ranked"].unique().to_list() == [N_COMPLETE[year]]
    assert totals["n_field"].unique().to_list() == [N_FIELD[year]]
    assert totals["rank_within"].drop_nulls().len() == N_COMPLETE[year]
    if year in PARTIAL_YEARS:
        assert totals["rank"].null_count() == totals.height
        assert totals["field_status"].unique().to_list() == ["partial_field"]
    else:
        assert (totals["rank"].drop_nulls() == totals["rank_within"].drop_nulls()).all()
        assert totals["field_status"].unique().to_list() == ["full_field"]
    assert totals["rank_status"].unique().to_list() == ["derived"]
    joined = ref.filter(complete=1).join(totals, left_on="gso", right_on="province_code")
    assert joined.height == N_COMPLETE[year]
    bad = joined.filter(pl.col("rank_within") != pl.col("derived_rank_among_complete"))
    assert bad.is_empty(), bad.select("province", "total", "rank_within", "derived_rank_among_complete")


@pytest.mark.parametrize(
    ("year", "province", "missing_dimensions"),
    [
        # papi.md §9.2 / data/README.md §2.1 defect 2
        (2018, "Quảng Ninh", ["transparency", "control_of_corruption"]),
        (2018, "Đồng Tháp", ["transparency", "control_of_corruption"]),
        (2022, "Bắc Giang", ["participation", "transparency", "control_of_corruption", "administrative_procedures"]),
        (2022, "Bắc Ninh", ["transparency", "vertical_accountability", "control_of_corruption", "e_governance"]),
    ],
)
def test_partial_rows_have_no_total_and_name_the_missing_dimensions(
    papi_totals: pl.DataFrame,
    papi_long: pl.DataFrame,
    papi_dimension_files: dict[int, pl.DataFrame],
    year: int,
    province: str,
    missing_dimensions: list[str],
) -> None:
    """README §1.5 rule 1: a parent with a missing child is missing and says which child; no rank, no group."""
    code, _ = chiso.find_province(province)
    edition = EDITION_OF_YEAR[year]
    total = papi_totals.filter(year=year, province_code=code)
    assert total.height == 1
    row = total.row(0, named=True)
    assert row["score"] is None
    assert row["rank"] is None
    assert row["group"] is None
    assert row["origin"] == "missing"
    assert row["missing_children"] == [f"{edition}/{d}" for d in missing_dimensions]
    # The reference file leaves the same dimensions blank and has no total either.
    ref = papi_dimension_files[year].filter(gso=code).row(0, named=True)
    assert ref["complete"] == 0 and ref["total"] is None
    blank = [d for i, d in enumerate(DIMENSIONS, start=1) if ref[f"d{i}"] is None]
    assert blank == missing_dimensions
    # The dimensions that do exist are still computed and match the file.
    dims = papi_long.filter(year=year, province_code=code, depth=1)
    for i, dim in enumerate(DIMENSIONS, start=1):
        value = dims.filter(node=dim)["score"][0]
        if dim in missing_dimensions:
            assert value is None
        else:
            assert value == pytest.approx(ref[f"d{i}"], abs=TOL)


@pytest.mark.parametrize(
    ("year", "absent"),
    [
        # papi.md §9.1 / data/README.md §2.1 defect 1: provinces with no data that year
        (2014, ["24", "87"]),  # Bắc Giang, Đồng Tháp
        (2021, ["22", "24", "27"]),  # Quảng Ninh, Bắc Giang, Bắc Ninh
        (2023, ["22", "74"]),  # Quảng Ninh, Bình Dương
        (2024, ["26", "82"]),  # Vĩnh Phúc, Tiền Giang
    ],
)
def test_provinces_without_data_are_left_out(papi_totals: pl.DataFrame, year: int, absent: list[str]) -> None:
    """README §1.6: units with missing data are left out of the ranked set; they get no row at all (never
    zero-filled, data/README.md §2.1)."""
    totals = papi_totals.filter(year=year)
    assert not set(absent) & set(totals["province_code"].to_list())
    assert totals.height == 63 - len(absent)


def test_edition_boundaries(papi_scores: chiso.Scores, papi_totals: pl.DataFrame) -> None:
    """papi.md §2: 2011–2015 papi.2011, 2016–2017 papi.2016, 2018 papi.2018, 2019–2020 papi.2019, 2021+ papi.2021."""
    got = dict(papi_totals.select("year", "edition").unique().iter_rows())
    assert got == EDITION_OF_YEAR
    assert papi_scores.editions == ["papi.2011", "papi.2016", "papi.2018", "papi.2019", "papi.2021"]


@pytest.mark.parametrize("year", YEARS)
def test_dimension_count_and_total_scale(papi_long: pl.DataFrame, year: int) -> None:
    """papi.md §1/§4: 6 dimensions and total on 6–60 before 2018; 8 dimensions and 8–80 from 2018."""
    long = papi_long.filter(year=year)
    n_dims = 6 if year < 2018 else 8
    assert long.filter(depth=1)["node"].unique().sort().to_list() == sorted(DIMENSIONS[:n_dims])
    totals = long.filter(depth=0)
    assert totals["max"].unique().to_list() == [10.0 * n_dims]
    scores = totals["score"].drop_nulls()
    assert scores.min() >= n_dims and scores.max() <= 10 * n_dims


def test_sub_dimension_shape_of_2018_and_2021(papi_long: pl.DataFrame) -> None:
    """papi.md §2/§3.2: 2018 e_governance has 2 sub-dimensions (0.5–5 each); 2021 administrative_procedures has 3
    (construction permits dropped)."""
    long = papi_long
    eg = long.filter(pl.col("node").str.starts_with("e_governance/"), year=2018, province_code="84")
    assert sorted(eg["node"].to_list()) == ["e_governance/internet_access", "e_governance/portal_access"]
    assert eg["max"].unique().to_list() == [5.0]
    ap = long.filter(pl.col("node").str.starts_with("administrative_procedures/"), year=2021, province_code="84")
    assert sorted(ap["node"].to_list()) == [
        "administrative_procedures/certification",
        "administrative_procedures/land_use_rights",
        "administrative_procedures/personal_procedures",
    ]
    assert ap["max"].to_list() == [pytest.approx(10 / 3)] * 3


def test_2019_group_counts_match_published_counts(papi_totals: pl.DataFrame) -> None:
    """papi.md §5: the linear percentile method gives 16/16/15/16 for 2019, matching the published counts."""
    counts = dict(papi_totals.filter(year=2019).group_by("group").len().iter_rows())
    assert counts == {"highest": 16, "high_average": 16, "low_average": 15, "lowest": 16}


@pytest.mark.parametrize("year", [2023, 2024])
def test_group_counts_with_61_provinces(papi_totals: pl.DataFrame, year: int) -> None:
    """papi.md §5: with 61 provinces the linear method gives 16/15/15/15; incomplete provinces have no group."""
    counts = dict(papi_totals.filter(year=year).drop_nulls("score").group_by("group").len().iter_rows())
    assert counts == {"highest": 16, "high_average": 15, "low_average": 15, "lowest": 15}


@pytest.mark.parametrize("year", sorted(PARTIAL_YEARS))
def test_no_groups_over_a_partial_field(papi_totals: pl.DataFrame, year: int) -> None:
    """Issue 9 §2: a quartile group is a rank in four bands; where the data lack provinces PAPI surveyed (2018 and
    2022 partial rows, 2021's three missing provinces) the year has neither ranks nor groups."""
    totals = papi_totals.filter(year=year)
    assert totals["group"].null_count() == totals.height
    assert totals["rank"].null_count() == totals.height


@pytest.mark.parametrize("year", YEARS)
def test_groups_follow_linear_percentile_rule(papi_totals: pl.DataFrame, year: int) -> None:
    """papi.md §5: ≥ P75 highest, [P50, P75) high-average, [P25, P50) low-average, < P25 lowest; percentiles by
    linear interpolation (numpy "linear") over the provinces with data; lower-inclusive (README §1.6)."""
    totals = papi_totals.filter(year=year).drop_nulls("score")
    if year in PARTIAL_YEARS:
        assert totals["group"].null_count() == totals.height
        return
    p25, p50, p75 = np.percentile(totals["score"].to_numpy(), [25, 50, 75], method="linear")

    def expected(v: float) -> str:
        if v >= p75:
            return "highest"
        if v >= p50:
            return "high_average"
        if v >= p25:
            return "low_average"
        return "lowest"

    for score, group in zip(totals["score"], totals["group"], strict=True):
        assert group == expected(score), (year, score, group)


def test_dimension_groups_follow_the_same_rule(papi_long: pl.DataFrame) -> None:
    """papi.md §5: the group rule is applied to the aggregate and, in the reports' maps, to each dimension, over
    the provinces with a value for that dimension; sub-dimensions and missing dimensions have no group."""
    dims = papi_long.filter(depth=1)
    assert dims.filter(pl.col("score").is_null())["group"].null_count() == dims["score"].null_count()
    assert papi_long.filter(depth=2)["group"].null_count() == papi_long.filter(depth=2).height
    checked = 0
    partial = dims.filter(field_status="partial_field")
    assert partial["group"].null_count() == partial.height
    for _, group in dims.drop_nulls("score").filter(field_status="full_field").group_by("year", "node"):
        p25, p50, p75 = np.percentile(group["score"].to_numpy(), [25, 50, 75], method="linear")
        for v, label in zip(group["score"], group["group"], strict=True):
            expected = (
                "highest" if v >= p75 else "high_average" if v >= p50 else "low_average" if v >= p25 else "lowest"
            )
            assert label == expected
            checked += 1
    assert checked == dims.filter(field_status="full_field")["score"].drop_nulls().len() > 0


def test_tra_vinh_2024_total_and_group(papi_totals: pl.DataFrame) -> None:
    """Package docstring example: Trà Vinh 2024 total 40.6163 (8–80 scale), lowest group."""
    row = papi_totals.filter(province="Trà Vinh", year=2024).row(0, named=True)
    assert round(row["score"], 4) == 40.6163
    assert row["group"] == "lowest"
    assert (row["rank"], row["n_ranked"]) == (57, 61)


def test_computed_values_carry_provenance(papi_long: pl.DataFrame) -> None:
    """README §1.3 status: computed dimensions and totals are labelled with a provenance (the SUM rules are
    OFFICIAL, papi.md §4), and inputs are marked as inputs."""
    long = papi_long.filter(year=2019)
    assert long.filter(depth=2)["origin"].unique().to_list() == ["input"]
    computed = long.filter(pl.col("depth") < 2)
    assert computed["origin"].unique().to_list() == ["computed"]
    assert computed["provenance"].null_count() == 0
    assert set(computed["provenance"].unique().to_list()) <= {"official", "derived"}
