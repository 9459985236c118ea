"""End to end for one province: chiso against the Trà Vinh fixture (shared/data/raw/tra_vinh_pci_pgi_papi.csv).

Spec: shared/data/README.md §2.11 (the file, its DERIVED rows and defects); papi.md §4; pci.md A4.2, A6, A10.
"""

from __future__ import annotations

import chiso
import polars as pl
import pytest

TRA_VINH = "84"
#: papi.md §3.1: dimension_N in the fixture is DN.
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


def measures(fixture: pl.DataFrame, index: str, measure: str) -> pl.DataFrame:
    return fixture.filter(index=index, measure=measure).with_columns(pl.col("value").cast(pl.Float64))


def test_papi_dimensions(tra_vinh_fixture: pl.DataFrame, papi_long: pl.DataFrame) -> None:
    """data/README.md §2.11: the PAPI dimension values are sums of the published sub-dimensions (6 decimals)."""
    ours = papi_long.filter(province_code=TRA_VINH, depth=1)
    checked = 0
    for n, dim in enumerate(DIMENSIONS, start=1):
        ref = measures(tra_vinh_fixture, "PAPI", f"dimension_{n}")
        assert ref.height == (14 if n <= 6 else 7)  # D7, D8 from 2018 (papi.md §3.1)
        for year, value in ref.select("year", "value").iter_rows():
            got = ours.filter(year=year, node=dim)["score"]
            assert got.len() == 1, (year, dim)
            assert got[0] == pytest.approx(value, abs=1e-5), (year, dim)
            checked += 1
    assert checked == 14 * 6 + 7 * 2


def test_papi_totals(tra_vinh_fixture: pl.DataFrame, papi_totals: pl.DataFrame) -> None:
    """Every papi_total row, including the two duplicate 2011 and 2016 ones (one from the panel, one from the
    official workbook), within 1e-5 (data/README.md §2.11 defect 4)."""
    ref = measures(tra_vinh_fixture, "PAPI", "papi_total")
    assert ref.height == 16
    ours = dict(zip(*papi_totals.filter(province_code=TRA_VINH).select("year", "score"), strict=True))
    assert sorted(set(ref["year"])) == list(range(2011, 2025)) == sorted(ours)
    for year, value in ref.select("year", "value").iter_rows():
        assert ours[year] == pytest.approx(value, abs=1e-5), year


def test_papi_ranks(tra_vinh_fixture: pl.DataFrame, papi_totals: pl.DataFrame) -> None:
    """The fixture's PAPI ranks are DERIVED among complete provinces (papi.md §5), like chiso's ``rank_within``;
    where those are not every province PAPI surveyed (2018, 2021, 2022) chiso shows no rank (issue 9 §2)."""
    ref = measures(tra_vinh_fixture, "PAPI", "papi_rank")
    mine = papi_totals.filter(province_code=TRA_VINH)
    within = dict(zip(*mine.select("year", "rank_within"), strict=True))
    ranks = dict(zip(*mine.select("year", "rank"), strict=True))
    assert ref.height == 14
    for year, value in ref.select("year", "value").iter_rows():
        assert within[year] == value, year
        assert ranks[year] == (None if year in (2018, 2021, 2022) else value), year


def test_pci_composites(tra_vinh_fixture: pl.DataFrame, pci_totals_published: pl.DataFrame) -> None:
    """PCI composites 2005–2024 as published (prefer="published": VCCI's 2011 value stands, pci.md A4.2). The 2023
    value is DERIVED-suspect (pci.md A10.4, data/README.md §2.11 defect 3): not bundled, only 2023's published
    rank is (issue 9 §2: the latest results, 2024 68.94)."""
    ref = measures(tra_vinh_fixture, "PCI", "pci_total")
    suspect = ref.filter(pl.col("note").str.contains("DERIVED"))
    assert suspect["year"].to_list() == [2023]
    ref = ref.filter(pl.col("year") != 2023)
    ours = dict(zip(*pci_totals_published.filter(province_code=TRA_VINH).select("year", "score"), strict=True))
    assert sorted(ours) == list(range(2005, 2025))
    assert ours[2023] is None
    for year, value in ref.select("year", "value").iter_rows():
        assert ours[year] == pytest.approx(value, abs=1e-6), year
    assert ours[2011] == 57.56
    assert ours[2024] == 68.94


def test_pci_composites_recomputed_from_sub_indices(tra_vinh_fixture: pl.DataFrame) -> None:
    """The fixture's 2005–2016 sub-indices give its composites under the edition weights, except 2011 (A4.2).
    In 2005–2008 the fixture calls sub-index 6 ``policy_bias_or_soe_bias`` and 2005's central policies
    ``implementation_of_central_policies_2005``."""
    rename = {
        "policy_bias_or_soe_bias": "policy_bias",
        "implementation_of_central_policies_2005": "central_policy_implementation",
    }
    pci = tra_vinh_fixture.filter(pl.col("year").is_between(2005, 2016), index="PCI")
    subs = pci.filter(~pl.col("measure").str.ends_with("_rank"), ~pl.col("measure").str.starts_with("pci_"))
    long = subs.select(
        pl.lit("Trà Vinh").alias("province"),
        "year",
        pl.col("measure").replace(rename).alias("node"),
        pl.col("value").cast(pl.Float64),
    )
    composites = measures(tra_vinh_fixture, "PCI", "pci_total").filter(pl.col("year") <= 2016)
    root = pl.col("year").map_elements(lambda y: chiso.methodology("pci", year=y).code, return_dtype=pl.String)
    given = composites.select(pl.lit("Trà Vinh").alias("province"), "year", root.alias("node"), "value")
    comparison = chiso.score("pci", pl.concat([long, given])).compare_published(decimals_in=None, decimals_out=2)
    assert sorted(comparison["year"].to_list()) == list(range(2005, 2017))
    assert comparison.filter(~pl.col("within"))["year"].to_list() == [2011]


def test_pci_ranks(tra_vinh_fixture: pl.DataFrame, pci_totals_published: pl.DataFrame) -> None:
    """pci.md A6: chiso's ranks equal the ranks in the fixture from 2008. The 2007 row is from VCCI's province page
    (rank 56), which A10.1 says does not always match the workbooks; the workbook rank (28) wins."""
    ref = measures(tra_vinh_fixture, "PCI", "pci_rank").filter(pl.col("year") <= 2022)
    ours = dict(zip(*pci_totals_published.filter(province_code=TRA_VINH).select("year", "rank"), strict=True))
    assert ours[2007] == 28
    for year, value in ref.filter(pl.col("year") >= 2008).select("year", "value").iter_rows():
        assert ours[year] == value, year


def test_pci_latest_published_ranks(pci_totals_published: pl.DataFrame) -> None:
    """Issue 9 §2: Trà Vinh's latest PCI results are bundled — 2024 68.94, rank 18; 2023 rank 24 — as VCCI's
    published ranks. Only a dozen provinces' 2023–2024 values exist (VCCI prints the top 30), so chiso computes no
    rank for those years: rank is null, field_status says partial_field and n_ranked of n_field how many."""
    mine = pci_totals_published.filter(pl.col("year") >= 2023, province_code=TRA_VINH).sort("year")
    rows = mine.select("year", "score", "rank", "published_rank", "field_status", "n_field").rows()
    assert rows == [
        (2023, None, None, 24, "partial_field", 63),
        (2024, 68.94, None, 18, "partial_field", 63),
    ]
