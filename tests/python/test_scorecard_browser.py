"""The HTML scorecard in headless Chromium (Debian's package; .ci/run installs it), at a desktop width and at the
printable width of A4: no text overflows its box or the page, every chart is loaded, no column name, code or
Python boolean is visible, and printing gives a summary page plus a page per index."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from chiso import scorecard  # noqa: E402

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed (.ci/run installs it)")

#: Desktop, and A4's printable width at 96 px/inch (210 mm less the 14 mm margins of the print CSS).
WIDTHS = {"desktop": 1280, "print": 688}
RAW = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\bTrue\b|\bFalse\b|\bNone\b|\bnan\b")

#: Run in the page after load: boxes wider than the viewport, cells whose text overflows them, images not loaded,
#: and the visible text. Written into the DOM, which Chromium's --dump-dom prints.
PROBE = """<script>
window.addEventListener('load', function () {
  var W = document.documentElement.clientWidth, out = {page: document.documentElement.scrollWidth - W,
    wide: [], cells: [], images: 0, broken: 0};
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width && (r.right > W + 1 || r.left < -1)) out.wide.push(el.tagName + ' ' + el.textContent.slice(0, 40));
  });
  document.querySelectorAll('td, th, p, h1, h2, h3, figcaption').forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) out.cells.push(el.textContent.slice(0, 40));
  });
  document.querySelectorAll('img').forEach(function (img) {
    out.images += 1; if (!img.complete || img.naturalWidth === 0) out.broken += 1;
  });
  out.text = document.body.innerText;
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def chromium(*args: str) -> subprocess.CompletedProcess:
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    out = {}
    for lang in ("vi", "en"):
        out[lang] = folder / f"tv_{lang}.html"
        scorecard.scorecard_html("Trà Vinh", out[lang], lang=lang)
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_page_fits_and_shows_every_chart(pages: dict[str, Path], lang: str, width: str) -> None:
    page = pages[lang]
    probe = page.with_name(f"probe_{lang}_{width}.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = chromium("--dump-dom", "--virtual-time-budget=20000", f"--window-size={WIDTHS[width]},1200", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, flags=re.S)
    assert found, "the probe did not run"
    result = json.loads(html.unescape(found.group(1)))
    assert result["page"] <= 1, f"the page scrolls sideways by {result['page']} px"
    assert result["wide"] == [], result["wide"][:5]
    assert result["cells"] == [], result["cells"][:5]
    expected = page.read_text(encoding="utf-8").count("<img ")
    assert result["images"] == expected >= 7 and result["broken"] == 0  # PAPI 5, PCI 2 at least
    assert not RAW.findall(result["text"]), RAW.findall(result["text"])[:10]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshot_is_not_blank(pages: dict[str, Path], tmp_path: Path, width: str) -> None:
    import matplotlib.image as mpimg

    shot = tmp_path / f"tv_{width}.png"
    chromium(f"--screenshot={shot}", f"--window-size={WIDTHS[width]},1600", pages["vi"].as_uri())
    image = mpimg.imread(shot)
    assert image.shape[1] == WIDTHS[width] and image.shape[0] >= 1000
    assert float(image[..., :3].std()) > 0.05, "the screenshot is blank"


def test_prints_a_page_per_index(pages: dict[str, Path], tmp_path: Path) -> None:
    """Print CSS: the summary ends its page and every index starts a new one, so the PDF has at least a summary
    page, a page per index and the sources."""
    pdf = tmp_path / "tv.pdf"
    chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", pages["vi"].as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    n_pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    n_sections = pages["vi"].read_text(encoding="utf-8").count('<section class="index"')
    assert n_pages >= 1 + n_sections, (n_pages, n_sections)
