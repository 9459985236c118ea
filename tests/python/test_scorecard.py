"""The province scorecard (issue 6, first part): one self-contained HTML file and an Excel workbook, re-read and
compared with the frames they came from."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import polars as pl
import pytest

matplotlib.use("Agg")

from html.parser import HTMLParser  # noqa: E402

import chiso  # noqa: E402
from chiso import scorecard  # noqa: E402
from chiso.report import province_report  # noqa: E402


def well_formed(text: str) -> None:
    """Every tag closed in order (void tags excepted)."""
    stack: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
            if tag not in ("br", "img", "meta"):
                stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if tag in ("br", "img", "meta"):
                return
            assert stack and stack[-1] == tag, f"</{tag}> closes {stack[-1:]}"
            stack.pop()

    Checker().feed(text)
    assert stack == []


def test_html_is_self_contained_and_well_formed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tv.html"
    page = scorecard.scorecard_html("Trà Vinh", path)
    assert path.read_text(encoding="utf-8") == page
    body = page.split("<body>", 1)[1].split("</body>", 1)[0]
    well_formed(body)
    for title in ("PAPI", "PCI", "PGI"):
        assert f"<h2>{title}" in page
    assert "data:image/png;base64," in page  # charts embedded, no external files
    assert "http" not in page.split("<body>", 1)[0]  # nothing fetched by the page itself


def test_excel_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tv.xlsx"
    frames = scorecard.scorecard_xlsx("Trà Vinh", path)
    assert set(frames) >= {"PAPI", "PCI"}
    for sheet, frame in frames.items():
        again = pl.read_excel(path, sheet_name=sheet, schema_overrides=frame.schema)
        assert again["year"].to_list() == frame["year"].to_list(), sheet
        diff = (again["score"] - frame["score"]).abs().max()
        assert diff is None or diff < 1e-9, sheet
    papi = province_report("Trà Vinh", "papi")
    assert frames["PAPI"].drop("delta_vs_2021").equals(papi)
    # Against the term baseline (papi.md §6: 2021 for 2021–2026).
    row = frames["PAPI"].filter(year=2024).row(0, named=True)
    base = papi.filter(year=2021)["score"][0]
    assert row["delta_vs_2021"] == pytest.approx(row["score"] - base)


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


def test_unknown_province() -> None:
    with pytest.raises(chiso.UnknownProvinceError):
        scorecard.scorecard_html("Tra Vnh")


def test_html_opens_in_headless_chromium(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The HTML scorecard opened in headless Chromium (Debian's package; .ci/run installs it) renders a page that is
    not blank."""
    import shutil

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    page = tmp_path / "tv.html"
    shot = tmp_path / "tv.png"
    scorecard.scorecard_html("Trà Vinh", page)
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    import matplotlib.image as mpimg

    image = mpimg.imread(shot)
    assert image.shape[0] >= 1000 and image.shape[1] >= 1000
    assert float(image[..., :3].std()) > 0.05, "the screenshot is blank"
