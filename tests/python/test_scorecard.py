"""The province scorecard (issue 13): one language at a time, honest comparisons, every chart embedded, a page
that prints as a document, and an Excel workbook of real numbers — re-read and compared with the frames."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import numpy as np
import polars as pl
import pytest

matplotlib.use("Agg")

import chiso  # noqa: E402
from chiso import scorecard  # noqa: E402
from chiso.report import BASELINE, display_frame, province_report  # noqa: E402


def papi_total(year: int) -> float:
    """Trà Vinh's PAPI total of ``year`` from the reference table (tests/reference/tra_vinh_pci_pgi_papi.csv: the
    sum of the published sub-dimensions, compiled independently of chiso): 39.811846 (2021) … 40.616298 (2024)."""
    path = Path(__file__).parents[1] / "reference" / "tra_vinh_pci_pgi_papi.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = [
            r for r in csv.DictReader(f) if (r["index"], r["year"], r["measure"]) == ("PAPI", str(year), "papi_total")
        ]
    return float(rows[0]["value"])


#: What no reader may see: a column name or code in snake_case, or a Python boolean.
RAW = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\bTrue\b|\bFalse\b|\bNone\b|\bnull\b|\bnan\b")


class Page(HTMLParser):
    """The page's visible text, tags checked to close in order, and its images."""

    VOID = ("br", "img", "meta")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.hidden = 0
        self.feed(text)
        assert self.stack == [], self.stack

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag == "img":
            self.images.append(dict(attrs))
        if tag in ("style", "script", "title"):
            self.hidden += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag in ("style", "script", "title"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.text.append(data.strip())


@pytest.fixture(scope="module")
def page_vi() -> str:
    return scorecard.scorecard_html("Trà Vinh")


@pytest.fixture(scope="module")
def page_en() -> str:
    return scorecard.scorecard_html("Trà Vinh", lang="en")


def sections_of(page: str) -> dict[str, str]:
    """Each index section's HTML by index id."""
    return dict(re.findall(r'<section class="index" id="(\w+)">(.*?)</section>', page, flags=re.S))


# --- the HTML -----------------------------------------------------------------------------------------------------


def test_html_is_self_contained_and_well_formed(tmp_path, page_vi: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tv.html"
    page = scorecard.scorecard_html("Trà Vinh", path)
    assert path.read_text(encoding="utf-8") == page
    Page(page.split("<body>", 1)[1].split("</body>", 1)[0])
    assert 'src="http' not in page and "<link" not in page  # nothing fetched by the page itself
    assert list(sections_of(page)) == ["papi", "pci", "pgi", "dti"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_raw_names_or_booleans_visible(lang: str, page_vi: str, page_en: str) -> None:
    visible = " ".join(Page(page_vi if lang == "vi" else page_en).text)
    assert not RAW.findall(visible), RAW.findall(visible)[:10]


def test_one_language_at_a_time(page_vi: str, page_en: str) -> None:
    vi, en = " ".join(Page(page_vi).text), " ".join(Page(page_en).text)
    assert f"{papi_total(2024):.2f}" == "40.62"  # the 2024 total the summary prints
    for word in ("Tóm tắt", "Thứ hạng", "Điểm bị mất", "Sở Nội vụ", "Năm 2024: 40,62 điểm"):
        assert word in vi and word not in en
    for word in ("Summary", "Rank", "Points lost", "Department of Home Affairs", "2024: 40.62 points"):
        assert word in en and word not in vi
    assert "lead:" not in vi and "Department of" not in vi
    # PAPI's 2018+ sub-dimensions have no official Vietnamese name (papi.md §3.2): marked, never silently English.
    assert "Chưa tìm thấy tên tiếng Việt chính thức" in vi
    assert "chưa" not in en.lower()


def test_decimal_comma_and_its_setting() -> None:
    plain = scorecard.scorecard_html("Trà Vinh", lang="vi", decimal_comma=False, charts=False)
    visible = " ".join(Page(plain).text)
    assert "40.62" in visible and "40,62" not in visible and "Thứ hạng" in visible
    with pytest.raises(chiso.InvalidArgumentError, match="lang"):
        scorecard.scorecard_html("Trà Vinh", lang="fr")


def test_summary_first_then_a_page_per_index(page_vi: str) -> None:
    body = page_vi.split("<body>", 1)[1]
    assert body.index('class="summary"') < body.index('class="index"')
    summary = re.search(r'<section class="summary">(.*?)</section>', page_vi, flags=re.S)
    assert summary is not None
    rows = re.findall(r"<tr><td><a href=\"#(\w+)\">", summary.group(1))
    assert rows == ["papi", "pci", "pgi", "dti"]
    css = page_vi.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@media print" in css and "break-before:page" in css and "@page" in css


def test_every_chart_embedded_and_titled(page_vi: str) -> None:
    """PAPI has node data in its last two years: all five charts. PCI's last year has totals only: the profile,
    heatmap and waterfall are replaced by a note saying why; the trajectory and the bars stay."""
    sections = sections_of(page_vi)
    figures = {k: re.findall(r'<figure><img alt="([^"]+)" src="data:image/png;base64,', v) for k, v in sections.items()}
    assert len(figures["papi"]) == 5
    assert len(figures["pci"]) == 2
    assert "không vẽ được" in sections["pci"]
    assert all(len(f) >= 1 for k, f in figures.items() if k != "dti")


def test_comparisons_only_where_comparable() -> None:
    pci = display_frame(province_report("Trà Vinh", "pci"), "vi")
    row = pci.filter(year=2022).row(0, named=True)
    assert row["delta"] is None and row["delta_baseline"] is None and row["rank_change"] is None
    assert "đổi phiên bản phương pháp" in row["note"] and f"khác phiên bản với năm {BASELINE}" in row["note"]
    papi = display_frame(province_report("Trà Vinh", "papi"), "en")
    by_year = {r["year"]: r for r in papi.iter_rows(named=True)}
    assert by_year[2024]["delta_baseline"] == pytest.approx(papi_total(2024) - papi_total(2021), abs=2e-6)
    assert all(by_year[y]["delta_baseline"] is None for y in range(2011, BASELINE + 1))
    assert by_year[2021]["delta"] is None  # 2021 starts a new edition


def test_unknown_province() -> None:
    with pytest.raises(chiso.UnknownProvinceError) as e:
        scorecard.scorecard_html("Tra Vnh")
    assert (e.value.province, e.value.suggestions[:1]) == ("Tra Vnh", ["Trà Vinh"])


# --- Excel --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict[str, pl.DataFrame]]:
    path = tmp_path_factory.mktemp("xlsx") / "tv.xlsx"
    return path, scorecard.scorecard_xlsx("Trà Vinh", path)


def test_excel_sheets(workbook) -> None:  # type: ignore[no-untyped-def]
    _, frames = workbook
    assert list(frames) == [
        "Tóm tắt",
        "PAPI",
        "PAPI đóng góp",
        "PAPI điểm bị mất",
        "PCI",
        "PGI",
        "DTI",
        "Nguồn số liệu và phương pháp",
    ]
    assert "Điểm" in frames["PAPI"].columns and "Cơ quan chủ trì" in frames["PAPI điểm bị mất"].columns


def test_excel_round_trip_gives_numbers(workbook) -> None:  # type: ignore[no-untyped-def]
    """Re-read with pl.read_excel and no schema help: numeric columns come back numeric, equal to the frames,
    nulls as nulls (empty cells, never "–")."""
    path, frames = workbook
    for sheet, frame in frames.items():
        again = pl.read_excel(path, sheet_name=sheet)
        assert again.columns == frame.columns, sheet
        assert again.height == frame.height, sheet
        for column, dtype in frame.schema.items():
            if dtype.is_numeric():
                assert again[column].dtype.is_numeric() or again[column].null_count() == again.height, (sheet, column)
                got, want = again[column].cast(pl.Float64), frame[column].cast(pl.Float64)
                assert got.is_null().to_list() == want.is_null().to_list(), (sheet, column)
                assert ((got - want).abs().max() or 0.0) < 1e-9, (sheet, column)
            else:
                assert "–" not in again[column].cast(pl.String).to_list(), (sheet, column)
    papi = frames["PAPI"]
    again = pl.read_excel(path, sheet_name="PAPI")
    assert again.filter(pl.col("Năm") == 2024)["Điểm"][0] == pytest.approx(papi_total(2024), abs=1e-6)
    assert papi.height == again.height == 14  # PAPI 2011–2024


def test_excel_formats_widths_frozen_headers(workbook) -> None:  # type: ignore[no-untyped-def]
    path, frames = workbook
    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
        sheets = [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/worksheets/sheet")]
    assert 'formatCode="0.00"' in styles and 'formatCode="+0.00;-0.00;0.00"' in styles
    assert len(sheets) == len(frames)
    for xml in sheets:
        assert 'ySplit="1"' in xml and 'state="frozen"' in xml  # the header row stays
        assert "<cols>" in xml and 'customWidth="1"' in xml


def test_cli_formats(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "tv.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "chiso", "report", "--province", "tra vinh", "--format", "xlsx", "--output", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 0
    run = subprocess.run(
        [sys.executable, "-m", "chiso", "report", "--province", "tra vinh", "--format", "xlsx"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "--output" in run.stderr


# --- the projection (issue 9 §1 through Scores.trend) --------------------------------------------------------------


def test_projection_for_the_next_year_with_its_band(page_vi: str) -> None:
    """PAPI's last data year is 2024: the scorecard projects 2025 with its 95% band, labelled as an assumed year on
    the assumed continuing edition and, Trà Vinh having merged in 2025, on the pre-merger map."""
    papi = {s.index: s for s in scorecard.scorecard_sections("Trà Vinh")}["papi"]
    trend = papi.scores.trend("Trà Vinh", target_year=2025).row(0, named=True)  # type: ignore[union-attr]
    p = papi.projection
    assert p is not None and p["year"] == 2025 and p["edition_status"] == "assumed"
    assert (p["score"], p["lower"], p["upper"]) == (trend["linear"], trend["lower"], trend["upper"])
    # Independently: least squares through the four totals of the 2021 edition (reference table) and the 95%
    # prediction interval ŷ ± t(0.975; n − 2)·s·√(1 + 1/n + (x₀ − x̄)²/Σ(x − x̄)²), t(0.975; 2) = 4.302653.
    years = np.array([2021.0, 2022.0, 2023.0, 2024.0])
    totals = np.array([papi_total(int(y)) for y in years])
    slope, intercept = np.polyfit(years, totals, 1)
    s = np.sqrt(((totals - (intercept + slope * years)) ** 2).sum() / 2)
    half = 4.302653 * s * np.sqrt(1 + 1 / 4 + (2025 - years.mean()) ** 2 / ((years - years.mean()) ** 2).sum())
    assert p["score"] == pytest.approx(intercept + slope * 2025, abs=1e-5)
    assert (p["lower"], p["upper"]) == (
        pytest.approx(p["score"] - half, abs=1e-5),
        pytest.approx(p["score"] + half, abs=1e-5),
    )
    section = sections_of(page_vi)["papi"]
    band = f"(khoảng {chiso._labels.number(p['lower'], 2, 'vi')} – {chiso._labels.number(p['upper'], 2, 'vi')})"
    assert f"Dự báo 2025: {chiso._labels.number(p['score'], 2, 'vi')} {band}" in section
    assert "Năm giả định, không phải số liệu công bố" in section
    assert "giả định phương pháp PAPI 2021 tiếp tục được áp dụng" in section
    assert "bản đồ 63 tỉnh trước sáp nhập" in section


def test_projection_in_the_summary_and_excel(workbook) -> None:  # type: ignore[no-untyped-def]
    path, frames = workbook
    summary = pl.read_excel(path, sheet_name="Tóm tắt")
    papi = summary.filter(pl.col("Chỉ số") == "PAPI").row(0, named=True)
    assert papi["Cận dưới"] < papi["Dự báo năm sau"] < papi["Cận trên"]
    pci = summary.filter(pl.col("Chỉ số") == "PCI").row(0, named=True)
    assert pci["Dự báo năm sau"] is not None and pci["Cận dưới"] is None  # two years: no band, and none invented
