"""Issue 9 §2: a rank only over the field the publisher ranked, in every output, for every index and bundled year.

The field is declared per index and year (``methodologies/<index>/index.toml``, ``[ranked_field]``): every unit of
the year's map (63 provinces; 64 with Hà Tây in 2006–2008; the 34 units of 2025 separately) unless a year says
otherwise — PCI 2005's 42 provinces, the provinces PAPI surveyed (papi.md §9). Where the data year does not hold that
whole field, ``rank`` is null, ``field_status`` says ``partial_field`` and ``n_ranked`` of ``n_field`` how many;
``rank_within`` keeps the rank among the provinces given, and ``published_rank`` the publisher's own where bundled.
"""

from __future__ import annotations

import re
from pathlib import Path

import chiso
import polars as pl
import pytest
from chiso import report, scorecard

INDICES = ["par", "sipas", "papi", "pci", "pgi", "ict", "dti"]

#: The publisher's field per index and data year, written out independently of the index files (the specification:
#: pci.md A1 "Coverage"; papi.md §1, §9; par_index.md §8; sipas.md §5; ict_index.md §6; dti.md §6).
PAPI_NOT_SURVEYED = {2014: 2, 2023: 2, 2024: 2}


def expected_field(index: str, year: int, unit: str) -> int:
    if unit == "unit_2025":
        return 34
    if index == "pci" and year == 2005:
        return 42
    if index == "pci" and 2006 <= year <= 2008:
        return 64
    if index == "papi":
        return 63 - PAPI_NOT_SURVEYED.get(year, 0)
    return 63


@pytest.fixture(scope="module", params=INDICES)
def scored(request: pytest.FixtureRequest) -> tuple[str, chiso.Scores]:
    index = request.param
    return index, chiso.score(index, getattr(chiso.datasets, index)())


def unit_kind(frame: pl.DataFrame) -> pl.Expr:
    return pl.when(pl.col("province_code").str.starts_with("N")).then(pl.lit("unit_2025")).otherwise(pl.lit("province"))


def check_ranks(index: str, frame: pl.DataFrame) -> int:
    """Every frame with ranks: a rank is shown only where the year's data hold the whole field, the field is the
    publisher's, and the rank is then the rank within the data. Returns the number of ranks shown."""
    frame = frame.with_columns(unit_kind(frame).alias("unit"))
    for year, unit, n_field in frame.select("year", "unit", "n_field").unique().iter_rows():
        if n_field is not None:
            assert n_field == expected_field(index, year, unit), (index, year, unit)
    shown = frame.filter(pl.col("rank").is_not_null())
    assert (shown["n_ranked"] >= shown["n_field"]).all(), index
    assert shown["field_status"].unique().to_list() in ([], ["full_field"]), index
    assert (shown["rank"] == shown["rank_within"]).all(), index
    partial = frame.filter(pl.col("n_ranked") < pl.col("n_field"))
    assert partial["rank"].null_count() == partial.height, index
    assert set(partial["field_status"].to_list()) <= {"partial_field"}, index
    if "group" in frame.columns and index == "papi":
        assert partial["group"].null_count() == partial.height, "a quartile group is a rank in four bands"
    return shown.height


def test_totals_and_long(scored: tuple[str, chiso.Scores]) -> None:
    index, s = scored
    shown = check_ranks(index, s.totals())
    check_ranks(index, s.long())
    # Indices whose bundled data are scattered published values have no year with the whole field.
    assert (shown > 0) == (index in ("papi", "pci")), index


def test_wide(scored: tuple[str, chiso.Scores]) -> None:
    index, s = scored
    ranks = s.wide(level=0, value="rank").select("province_code", "year", pl.col("total").alias("rank"))
    totals = s.totals().select("province_code", "year", "rank")
    assert (
        ranks.join(totals, on=["province_code", "year"])
        .filter(pl.col("rank").ne_missing(pl.col("rank_right")))
        .is_empty()
    )
    published = s.wide(level=0, value="published_rank").select("province_code", "year", pl.col("total").alias("p"))
    joined = published.join(s.totals().select("province_code", "year", "published_rank"), on=["province_code", "year"])
    assert joined.filter(pl.col("p").ne_missing(pl.col("published_rank"))).is_empty()


def test_compare(scored: tuple[str, chiso.Scores]) -> None:
    """compare's ranks are the field's: consecutive scored years, every province and node."""
    index, s = scored
    totals = s.totals()
    years = sorted(totals["year"].unique().to_list())
    long = s.long().select("province_code", "year", "node", "rank")
    checked = 0
    for base, year in zip(years, years[1:], strict=False):
        try:
            c = s.compare(base, year)
        except chiso.InvalidArgumentError:
            continue  # two maps without a rule: refused, not shown
        for side, column in ((year, "rank"), (base, "base_rank")):
            mine = c.select("province_code", "node", pl.col(column).alias("shown"))
            theirs = long.filter(year=side)
            joined = mine.join(theirs, on=["province_code", "node"], how="left")
            bad = joined.filter(pl.col("shown").is_not_null() & pl.col("shown").ne_missing(pl.col("rank")))
            assert bad.is_empty(), (index, base, year, bad)
            checked += joined.height
    assert checked >= 0


def test_issue_examples() -> None:
    """The ranks issue 9 found fabricated: PGI 2022 Trà Vinh "17.67, rank 1/1", Hải Dương PGI 2024 "rank 1/1"
    (published 13th), An Giang PAR 2023 "rank 2/2" (published 63rd)."""
    pgi = chiso.score("pgi", chiso.datasets.pgi()).totals()
    tv = pgi.filter(province="Trà Vinh", year=2022).row(0, named=True)
    assert (tv["score"], tv["rank"], tv["published_rank"], tv["n_ranked"], tv["n_field"]) == (17.67, None, 1, 1, 63)
    hd = pgi.filter(province="Hải Dương", year=2024).row(0, named=True)
    assert (hd["rank"], hd["rank_within"], hd["published_rank"], hd["field_status"]) == (None, 1, 13, "partial_field")
    par = chiso.score("par", chiso.datasets.par()).totals()
    ag = par.filter(province="An Giang", year=2023).row(0, named=True)
    assert (ag["rank"], ag["published_rank"], ag["field_status"]) == (None, 63, "partial_field")


@pytest.mark.parametrize("index", INDICES)
def test_report_frames_and_text(index: str) -> None:
    """The text report shows "rank/N" only with N the publisher's field and the year's data holding all of it."""
    for province in ("Trà Vinh", "Hải Dương", "An Giang", "Hải Phòng", "Hà Nội"):
        frame = report.province_report(province, index)
        if frame.height == 0:
            continue
        check_ranks(index, frame.with_columns(pl.lit("84").alias("province_code"), rank_within=pl.col("rank")))
    text = report.render("Trà Vinh", [index])
    shown = re.findall(r"\s(\d+)/(\d+)\s", text)
    fields = {str(expected_field(index, y, "province")) for y in range(2005, 2025)}
    assert all(n in fields for _, n in shown), (index, shown)


def test_scorecard_html_and_excel(tmp_path: Path) -> None:
    """The scorecard's headline and tables, and the Excel sheets, carry the same field-checked ranks: every rank
    shown is out of a field the publisher ranked, never out of the one or two provinces the data happen to hold."""
    fields = ("42", "61", "63", "64")
    for province in ("Trà Vinh", "Hải Dương", "An Giang"):
        page = scorecard.scorecard_html(province, charts=False, lang="en")
        shown = re.findall(r"rank (\d+) of (\d+)", page) + re.findall(r'<td class="num">(\d+)/(\d+)</td>', page)
        assert shown, province
        for rank, n in shown:
            assert n in fields, (province, rank, n)
        frames = scorecard.scorecard_xlsx(province, tmp_path / f"{province}.xlsx", lang="en")
        for title, frame in frames.items():
            if {"Rank", "Provinces ranked"} <= set(frame.columns):
                ranked = frame.filter(pl.col("Rank").is_not_null())
                assert ranked["Provinces ranked"].cast(pl.String).is_in(fields).all(), (province, title)
    page = scorecard.scorecard_html("Trà Vinh", charts=False, lang="en")
    assert "2024: 68.94 points · rank 18 of 63 (published)" in page
    assert "no rank shown: the data hold 61 of the 63 provinces ranked" in page  # PAPI 2022


def test_projections_rank_only_over_the_field() -> None:
    """What-if and the target solver on a partial field (PCI 2024: a dozen of the 63 composites): no projected
    rank, only rank_within; a rank target is refused with the reason; a score target answers without a rank."""
    pci = chiso.score("pci", chiso.datasets.pci().filter(year=2024))
    edit = pl.DataFrame({"province": ["Trà Vinh"], "node": [""], "op": ["add"], "value": [1.0]})
    total = chiso.project.what_if(pci, 2024, edit).filter(node="").row(0, named=True)
    assert (total["rank"], total["base_rank"], total["rank_within"]) == (None, None, 11)
    with pytest.raises(chiso.InvalidArgumentError, match="12 of the 63 provinces pci ranks.*partial field"):
        pci.target("Trà Vinh", 2024, rank=5)
    assert pci.target("Trà Vinh", 2024, score=70.0)["projected_rank"] is None
    full = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    assert full.target("Trà Vinh", 2016, rank=20)["projected_rank"] <= 20
