"""The province report (chiso.report) and the command line (``python -m chiso report``).

Spec: shared/methodology/README.md §1.7 (delta, rank change = rank(y0) − rank(y), cross-edition marking), §1.6
(ranks DERIVED; PAPI publishes none); pci.md A4.2 (2011 flagged), A6; data/README.md §2.11 (Trà Vinh notes).
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import chiso
import numpy as np
import polars as pl
import pytest
from chiso import report

REFERENCE = Path(__file__).parents[1] / "reference"


def _read_tra_vinh() -> dict[tuple[str, int, str], list[dict[str, str]]]:
    rows: dict[tuple[str, int, str], list[dict[str, str]]] = {}
    with (REFERENCE / "tra_vinh_pci_pgi_papi.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.setdefault((r["index"], int(r["year"]), r["measure"]), []).append(r)
    return rows


#: Trà Vinh's figures year by year, one source per row (tests/reference/tra_vinh_pci_pgi_papi.csv, compiled
#: independently of chiso; data/README.md §2.11 of the raw data). The expected values of this file's report and
#: render tests come from it, never from chiso's own frames.
TRA_VINH = _read_tra_vinh()


def tv(index: str, year: int, measure: str) -> float:
    """Trà Vinh's ``measure`` of ``index`` in ``year`` as the reference table gives it: the first row not derived
    by subtraction (a figure the table states as printed, or — for PAPI totals — the sum of the published
    sub-dimensions, which the table marks DERIVED)."""
    rows = [r for r in TRA_VINH[(index, year, measure)] if not r["note"].startswith("DERIVED by subtraction")]
    assert rows, (index, year, measure)
    return float(rows[0]["value"])


def workbook_rank_2007() -> int:
    """Trà Vinh's rank in VCCI's PCI 2007 workbook, read from its summary sheet ("Xếp hạng" column)."""
    path = REFERENCE / "vcci_workbooks" / "PCI" / "PCI_2007.xls"
    sheet = pl.read_excel(path, sheet_name="Tóm tắt các chỉ số PCI ", has_header=False)
    header = sheet.row(0)
    row = next(r for r in sheet.rows() if r[0] == "Trà Vinh")
    return int(row[header.index("Xếp hạng")])


def printed_rank(year: int) -> int:
    """VCCI's PCI rank of Trà Vinh as the reference table quotes it. For 2007 VCCI's province page (56) and its
    workbook (28) disagree; for 2005–2016 the workbooks win (raw data README §2.7, defect 2), so 2007 is read from
    the workbook itself."""
    if year == 2007:
        assert tv("PCI", 2007, "pci_rank") == 56  # the page's figure, left in the reference table as copied
        return workbook_rank_2007()
    return int(tv("PCI", year, "pci_rank"))


def tv_years(index: str, measure: str, *, printed_only: bool = False) -> list[int]:
    """The years the reference table has ``measure`` for (only figures it does not mark DERIVED, if asked)."""
    return sorted(
        y
        for (i, y, m), rows in TRA_VINH.items()
        if i == index and m == measure and (not printed_only or any(not r["note"].startswith("DERIVED") for r in rows))
    )


PCI_YEARS = list(range(2005, 2025))
PAPI_YEARS = list(range(2011, 2025))
REPORT_COLUMNS = [
    "year",
    "edition",
    "score",
    "base_year",
    "delta",
    "rank",
    "n_ranked",
    "n_field",
    "field_status",
    "rank_change",
    "published_rank",
    "group",
    "cross_edition",
    "rank_status",
    "differs_from_recomputed",
]


@pytest.fixture(scope="module")
def pci_report() -> pl.DataFrame:
    return report.province_report("Trà Vinh", "pci")


@pytest.fixture(scope="module")
def papi_report() -> pl.DataFrame:
    return report.province_report("tra vinh", "papi")


@pytest.fixture(scope="module")
def text() -> str:
    return report.render("tra vinh", lang="en")


def table_rows(text: str, section: str) -> dict[int, str]:
    """Rows of one section of the text report, keyed by year (lines starting with a year and an edition code);
    empty when the section is absent."""
    start = text.find(f"{section.upper()} — ")
    if start < 0:
        return {}
    following = [text.find(f"{s} — ", start + 1) for s in ("PCI", "PAPI") if s != section.upper()]
    end = min([f for f in following if f > start] or [len(text)])
    rows = {}
    for line in text[start:end].splitlines():
        m = re.match(rf"^(\d{{4}})\s+({section}\.\d{{4}})\s", line)
        if m:
            rows[int(m.group(1))] = line
    return rows


# --- province_report ----------------------------------------------------------------------------------------------


def test_report_frames(pci_report: pl.DataFrame, papi_report: pl.DataFrame) -> None:
    assert pci_report.columns == REPORT_COLUMNS
    assert papi_report.columns == REPORT_COLUMNS
    assert pci_report["year"].to_list() == PCI_YEARS
    assert papi_report["year"].to_list() == PAPI_YEARS


def test_report_scores_are_the_published_totals(pci_report: pl.DataFrame, papi_report: pl.DataFrame) -> None:
    """The report shows VCCI's totals as printed (workbooks 2005–2016, the composite panel 2017–2022, the press in
    2024) and PAPI's totals as the sums of the published sub-dimensions, each against the reference table's row."""
    pci = dict(pci_report.select("year", "score").iter_rows())
    years = tv_years("PCI", "pci_total", printed_only=True)
    assert years == [*range(2005, 2023), 2024]
    for year in years:
        assert pci[year] == pytest.approx(tv("PCI", year, "pci_total"), abs=5e-7), year
    assert pci[2023] is None  # VCCI's 2023 total is quoted only by subtraction (68.94 − 1.48): not a printed figure
    papi = dict(papi_report.select("year", "score").iter_rows())
    for year in PAPI_YEARS:
        assert papi[year] == pytest.approx(tv("PAPI", year, "papi_total"), abs=1e-5), year
    # The two years the official workbook prints the total (PAPI_2011-2016.xlsx, via the reference table).
    for year in (2011, 2016):
        workbook = [r for r in TRA_VINH[("PAPI", year, "papi_total")] if "PAPI_2011-2016.xlsx" in r["source"]]
        assert papi[year] == pytest.approx(float(workbook[0]["value"]), abs=1e-5), year


def test_report_ranks_are_the_published_ranks(pci_report: pl.DataFrame) -> None:
    """Each PCI rank the reference table quotes as printed (VCCI's province page 2007–2016, the 2017 press report,
    the 2020 ranking page, the press for 2021–2024) is the report's published rank, and its rank where chiso has
    the full field."""
    by_year = {r["year"]: r for r in pci_report.iter_rows(named=True)}
    years = tv_years("PCI", "pci_rank", printed_only=True)
    assert years == [*range(2007, 2018), *range(2020, 2025)]
    assert workbook_rank_2007() == 28
    for year in years:
        row = by_year[year]
        assert row["published_rank"] == printed_rank(year), year
        assert row["rank"] == (row["published_rank"] if row["field_status"] == "full_field" else None), year


def test_delta_and_rank_change(pci_report: pl.DataFrame) -> None:
    """README §1.7: delta = value(y) − value(y0); rank change = rank(y0) − rank(y), positive = moved up.
    data/README.md §2.11: Trà Vinh 2022 "+25 places and +4.03 points vs 2021"; 2017 "up five places from 2016"."""
    by_year = {r["year"]: r for r in pci_report.iter_rows(named=True)}
    assert by_year[2005]["delta"] is None and by_year[2005]["rank_change"] is None
    for y in range(2006, 2023):
        assert by_year[y]["base_year"] == y - 1
        # Against the reference table's printed totals and ranks, not the report's own columns.
        assert by_year[y]["delta"] == pytest.approx(tv("PCI", y, "pci_total") - tv("PCI", y - 1, "pci_total"), abs=1e-6)
        if {y - 1, y} <= set(tv_years("PCI", "pci_rank", printed_only=True)):
            assert by_year[y]["rank_change"] == printed_rank(y - 1) - printed_rank(y), y
    assert [by_year[y]["rank_change"] for y in (2006, 2007)] == [26 - 13, 13 - 28]  # VCCI's 2005–2007 workbooks
    # 2023 has only VCCI's published rank; 2024's change is against 2022 and says so. No computed rank exists for
    # either (a dozen of the 63 provinces bundled), so no rank change either (issue 9 §2).
    assert by_year[2023]["delta"] is None and by_year[2023]["base_year"] is None
    assert by_year[2024]["base_year"] == 2022
    assert by_year[2024]["delta"] == pytest.approx(68.94 - 66.06)  # vietstock.vn (2024) and caungang.travinh.gov.vn
    assert by_year[2024]["rank_change"] is None
    assert by_year[2022]["delta"] == pytest.approx(4.03)
    assert by_year[2022]["rank_change"] == 25
    assert by_year[2017]["rank_change"] == 5


def test_cross_edition_changes_are_marked(pci_report: pl.DataFrame, papi_report: pl.DataFrame) -> None:
    """README §1.7 known breaks: PCI before 2006, 2009, 2013, 2022; PAPI before 2016, 2018, 2019, 2021."""
    assert pci_report.filter("cross_edition")["year"].to_list() == [2006, 2009, 2013, 2022]
    assert papi_report.filter("cross_edition")["year"].to_list() == [2016, 2018, 2019, 2021]


def test_2011_published_total_is_flagged(pci_report: pl.DataFrame) -> None:
    """pci.md A4.2: keep the published 2011 composites and flag them."""
    assert pci_report.filter("differs_from_recomputed")["year"].to_list() == [2011]
    assert pci_report.filter(year=2011)["score"].to_list() == [57.56]


def test_published_ranks(pci_report: pl.DataFrame, papi_report: pl.DataFrame) -> None:
    """VCCI's ranks where the bundled data has them (2005–2016 workbooks, 2020 ranking); PAPI publishes none."""
    with_rank = pci_report.filter(pl.col("published_rank").is_not_null())
    assert with_rank["year"].to_list() == [*range(2005, 2018), 2020, 2021, 2022, 2023, 2024]
    # Where chiso has the full field its rank is VCCI's; 2023–2024 have only the published rank.
    full = with_rank.filter(field_status="full_field")
    assert full["year"].to_list() == [*range(2005, 2018), 2020, 2021, 2022]
    assert (full["published_rank"] == full["rank"]).all()
    # vietstock.vn: 18th in 2024; lecourrier.vn: 24th in 2023 (reference table rows PCI 2024/2023 pci_rank).
    assert with_rank.filter(year=2024).select("rank", "published_rank").row(0) == (None, printed_rank(2024))
    assert with_rank.filter(year=2023).select("rank", "published_rank").row(0) == (None, printed_rank(2023))
    assert papi_report["published_rank"].null_count() == papi_report.height
    assert papi_report["rank_status"].unique().to_list() == ["derived"]


def dimensions(year: int) -> list[dict[str, str]]:
    """The reference table of PAPI dimensions and totals of ``year`` (tests/reference/papi, derived from the panel
    independently of chiso)."""
    with (REFERENCE / "papi" / f"papi_{year}_dimensions.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_papi_groups_and_n(papi_report: pl.DataFrame) -> None:
    """Rank, field and quartile group of Trà Vinh (P54) recomputed here from the reference tables: the rank and n
    of the derived-rank column, the group by papi.md §5's rule (numpy's linear percentiles over the complete
    totals)."""
    by_year = {r["year"]: r for r in papi_report.iter_rows(named=True)}
    for year in (2023, 2024):
        table = dimensions(year)
        complete = [float(r["total"]) for r in table if r["complete"] == "1"]
        mine = next(r for r in table if r["province_code"] == "P54")
        p25, p50, p75 = np.percentile(complete, [25, 50, 75], method="linear")
        total = float(mine["total"])
        group = (
            "highest"
            if total >= p75
            else "high_average"
            if total >= p50
            else "low_average"
            if total >= p25
            else "lowest"
        )
        row = by_year[year]
        assert (row["rank"], row["n_ranked"]) == (int(mine["derived_rank_among_complete"]), len(complete)), year
        assert row["group"] == group, year
    assert (by_year[2024]["rank"], by_year[2024]["n_ranked"], by_year[2024]["group"]) == (57, 61, "lowest")
    assert by_year[2021]["n_ranked"] == int(dimensions(2021)[0]["n_complete"]) == 60
    # 2018, 2021 and 2022 lack provinces PAPI surveyed: neither rank nor group (issue 9 §2).
    assert papi_report.filter(pl.col("group").is_null())["year"].to_list() == [2018, 2021, 2022]
    assert papi_report.filter(pl.col("rank").is_null())["year"].to_list() == [2018, 2021, 2022]
    assert (by_year[2021]["n_ranked"], by_year[2021]["n_field"], by_year[2021]["field_status"]) == (
        60,
        63,
        "partial_field",
    )


# --- render -------------------------------------------------------------------------------------------------------


def test_render_text_has_both_sections_and_every_year(text: str) -> None:
    assert text.startswith("chiso report — Trà Vinh (GSO 84)")
    assert "PCI — Provincial Competitiveness Index" in text
    assert "PAPI — Provincial Governance and Public Administration Performance Index" in text
    assert "Department of Planning and Investment" in text and "Department of Home Affairs" in text
    assert sorted(table_rows(text, "pci")) == PCI_YEARS
    assert sorted(table_rows(text, "papi")) == PAPI_YEARS


def test_render_text_rows(text: str) -> None:
    pci = table_rows(text, "pci")
    # VCCI's 2011 workbook prints 57.56 and its province page ranks Trà Vinh 42nd (reference table); PCI 2005
    # ranked 42 provinces and the 2005 workbook puts Trà Vinh 26th (pci.md; the bundled workbook rows).
    assert tv("PCI", 2011, "pci_total") == 57.56 and tv("PCI", 2011, "pci_rank") == 42
    assert re.search(r"\b57\.56\b", pci[2011]) and "published total differs" in pci[2011]
    assert "42/63" in pci[2011]
    assert "26/42" in pci[2005]
    # A change across editions is not printed, and says why (README §1.7); nor a rank change.
    assert "new methodology edition: not compared" in pci[2022]
    assert "+4.03" not in pci[2022] and "+25" not in pci[2022]
    assert "†" in pci[2018] and "†" not in pci[2016]  # recomputed vs published rank
    # 2024: VCCI's published rank over its field of 63, the change against 2022 (2023 has a rank only).
    assert "18/63" in pci[2024] and "68.94" in pci[2024] and "change against 2022" in pci[2024]
    papi = table_rows(text, "papi")
    # The reference table's totals (sums of the published sub-dimensions): 40.616298 in 2024, 40.143325 in 2023,
    # 39.811846 in the 2021 term baseline.
    total_2024 = tv("PAPI", 2024, "papi_total")
    assert f"{total_2024:.2f}" == "40.62" and "40.62" in papi[2024] and "Lowest" in papi[2024]
    on_2023, on_2021 = total_2024 - tv("PAPI", 2023, "papi_total"), total_2024 - tv("PAPI", 2021, "papi_total")
    assert (f"{on_2023:+.2f}", f"{on_2021:+.2f}") == ("+0.47", "+0.80")
    assert "+0.47" in papi[2024] and "+0.80" in papi[2024]  # on 2023 and on the 2021 term baseline
    assert "new methodology edition" in papi[2018]
    # No column names, codes or booleans reach the reader.
    assert not re.search(r"\b[a-z]+_[a-z_]+\b|\bTrue\b|\bFalse\b", text)


def test_render_vietnamese_by_default() -> None:
    vi = report.render("tra vinh", ["papi"])
    assert vi.startswith("Báo cáo chiso — Trà Vinh (mã GSO 84)")
    assert "Sở Nội vụ" in vi and "Department of Home Affairs" not in vi
    papi = table_rows(vi, "papi")
    assert "40,62" in papi[2024] and "+0,80" in papi[2024]  # decimal comma
    assert "Năm" in vi and "Thứ hạng" in vi and "Year" not in vi
    assert "đổi phiên bản phương pháp" in papi[2018]
    assert "Lowest*" in papi[2024] and "* Chưa tìm thấy tên tiếng Việt chính thức" in vi  # papi.md §5
    plain = report.render("tra vinh", ["papi"], decimal_comma=False)
    assert "40.62" in table_rows(plain, "papi")[2024]
    with pytest.raises(chiso.InvalidArgumentError, match="lang"):
        report.render("tra vinh", ["papi"], lang="fr")


def test_render_markdown() -> None:
    md = report.render("84", ["papi"], fmt="md", lang="en")
    lines = md.splitlines()
    assert lines[0].startswith("# chiso report — Trà Vinh (GSO 84)")
    assert any(line.startswith("## PAPI — ") for line in lines)
    assert "PCI — " not in md
    rows = [line for line in lines if re.match(r"^\| \d{4} \|", line)]
    assert [int(r.split("|")[1]) for r in rows] == PAPI_YEARS
    assert all(r.count("|") == 10 for r in rows)


def test_delta_skips_a_year_without_a_total() -> None:
    """province_report docs: ``delta`` and ``rank_change`` are "against the previous year with data". Quảng Ninh has
    no PAPI total in 2018 (D2 and D4 missing, papi.md §9.2) and no row at all in 2021 and 2023. The report already
    compares 2022 with 2020 and 2024 with 2022; 2019 must likewise be compared with 2017, the previous year with a
    total (a cross-edition change, README §1.7), not left empty."""
    qn = {r["year"]: r for r in report.province_report("Quảng Ninh", "papi").iter_rows(named=True)}
    assert qn[2018]["score"] is None
    assert qn[2022]["delta"] == pytest.approx(qn[2022]["score"] - qn[2020]["score"])
    assert qn[2019]["cross_edition"] is True
    assert qn[2019]["delta"] == pytest.approx(qn[2019]["score"] - qn[2017]["score"])
    assert qn[2019]["rank_change"] == qn[2017]["rank"] - qn[2019]["rank"]


def test_render_province_with_no_papi_data() -> None:
    """Hà Tây (code 28) has PCI data 2005–2008 and no PAPI data (it merged into Hà Nội before PAPI began,
    README §1.9). The default report covers every index, so it must render the PCI rows and an empty PAPI
    section (or none) instead of failing."""
    text = report.render("Hà Tây", lang="en")
    assert text.startswith("chiso report — Hà Tây (GSO 28)")
    assert sorted(table_rows(text, "pci")) == [2005, 2006, 2007, 2008]
    assert table_rows(text, "papi") == {}


@pytest.mark.parametrize("call", ["render", "province_report"])
def test_report_unknown_index(call: str) -> None:
    """chiso.exceptions: every chiso error is a ChisoError; an unknown index is an UnknownIndexError."""
    with pytest.raises(chiso.UnknownIndexError, match="indices with bundled data: par, sipas, papi") as e:
        if call == "render":
            report.render("84", ["xyz"])
        else:
            report.province_report("84", "xyz")
    assert e.value.index == "xyz"


def test_render_unknown_province() -> None:
    with pytest.raises(chiso.UnknownProvinceError) as e:
        report.render("Tra Vnh")
    assert (e.value.province, e.value.suggestions[:1]) == ("Tra Vnh", ["Trà Vinh"])


# --- command line -------------------------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", "chiso", *args], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
    )


def test_cli_report() -> None:
    result = run_cli("report", "--province", "Trà Vinh")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Báo cáo chiso — Trà Vinh (mã GSO 84)")  # Vietnamese by default
    english = run_cli("report", "--province", "Trà Vinh", "--lang", "en", "--index", "papi").stdout
    assert english.startswith("chiso report — Trà Vinh (GSO 84)") and "40.62" in english
    assert sorted(table_rows(out, "pci")) == PCI_YEARS
    assert sorted(table_rows(out, "papi")) == PAPI_YEARS
    assert result.stderr == ""


def test_cli_report_one_index_markdown() -> None:
    result = run_cli("report", "--province", "tra vinh", "--index", "pci", "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "## PCI — " in result.stdout and "PAPI — " not in result.stdout


def test_cli_report_for_ha_tay() -> None:
    """``chiso report --province "Hà Tây"`` must not end in a traceback (see test_render_province_with_no_papi_data)."""
    result = run_cli("report", "--province", "Hà Tây")
    assert result.returncode == 0, result.stderr
    assert sorted(table_rows(result.stdout, "pci")) == [2005, 2006, 2007, 2008]


def test_cli_unknown_province() -> None:
    result = run_cli("report", "--province", "Tra Vnh")
    assert result.returncode == 2
    assert result.stdout == ""
    assert 'unknown province "Tra Vnh"' in result.stderr
    assert "Trà Vinh" in result.stderr


def test_report_shows_vcci_printed_scores_and_ranks(pci_report: pl.DataFrame, pci_data: pl.DataFrame) -> None:
    """The report's PCI rows 2005–2016 are VCCI's printed composite and rank of Trà Vinh (its workbooks), read
    from the dataset rows themselves rather than from another view of the same scores."""
    printed = pci_data.filter(pl.col("year") <= 2016, pl.col("primary"), province_code="84", node="")
    score = {r["year"]: r["value"] for r in printed.filter(measure="score").iter_rows(named=True)}
    rank = {r["year"]: int(r["value"]) for r in printed.filter(measure="rank").iter_rows(named=True)}
    rows = pci_report.filter(pl.col("year") <= 2016)
    assert rows.height == 12 and set(score) == set(rank) == set(range(2005, 2017))
    for r in rows.iter_rows(named=True):
        assert r["score"] == pytest.approx(score[r["year"]], abs=1e-9), r["year"]
        assert r["rank"] == rank[r["year"]], r["year"]


@pytest.mark.parametrize("index", ["par", "sipas", "papi", "pci", "pgi", "ict", "dti"])
def test_report_missing_values_are_nulls(index: str) -> None:
    """Issue 13: province_report returned "–" strings for missing editions and statuses; a frame holds nulls."""
    for province in ("Trà Vinh", "Hà Nội"):
        frame = report.province_report(province, index)
        for column, dtype in frame.schema.items():
            if dtype == pl.String:
                assert "–" not in frame[column].to_list(), (index, province, column)
    dti = report.province_report("Trà Vinh", "dti").filter(year=2022)
    # travinh.gov.vn, "Đánh giá mức độ chuyển đổi số năm 2022: Trà Vinh xếp hạng 25/63" (data/dti.csv).
    assert dti["published_rank"].to_list() == [25] and dti["score"].to_list() == [None]
