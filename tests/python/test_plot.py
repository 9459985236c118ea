"""chiso.plot on the bundled data: every plot renders, has the expected artists, and refuses bad arguments."""

from __future__ import annotations

import builtins
import io

import matplotlib  # noqa: E402 - installed by the Makefile with every test dependency
import pytest

matplotlib.use("Agg")

import chiso  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
from chiso import plot  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

PROVINCE = "Trà Vinh"


def png_bytes(fig) -> int:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return len(buffer.getvalue())


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


pytestmark = pytest.mark.usefixtures("close_figures")


# --- profile ------------------------------------------------------------------------------------------------------


def test_profile_papi(papi_scores: chiso.Scores) -> None:
    fig, ax = plot.profile(papi_scores, PROVINCE, 2024)
    assert png_bytes(fig) > 0
    assert len(ax.get_lines()) == 4
    assert len(fig.legends[0].get_texts()) == 4
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ax.get_yticks()) == len(labels) == 8
    assert labels[0] == "Tham gia của người dân ở cấp cơ sở"  # Vietnamese names by default
    # the province's own series holds its dimension scores
    wide = papi_scores.wide(level=1).filter(province=PROVINCE, year=2024)
    assert list(ax.get_lines()[0].get_xdata()) == pytest.approx(list(wide.row(0)[4:]))
    plt.close(fig)


def test_profile_pci_english_and_level_2(pci_scores: chiso.Scores, papi_scores: chiso.Scores) -> None:
    fig, ax = plot.profile(pci_scores, PROVINCE, 2016, lang="en")
    assert png_bytes(fig) > 0
    assert len(ax.get_yticks()) == 10
    assert "Transparency and Access to Information" in [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    fig, ax = plot.profile(papi_scores, PROVINCE, 2024, level=2)
    n_sub = papi_scores.long().filter(province=PROVINCE, year=2024, depth=2).height
    assert len(ax.get_yticks()) == n_sub > 8
    plt.close(fig)


def test_profile_errors(papi_scores: chiso.Scores) -> None:
    with pytest.raises(chiso.UnknownProvinceError, match='unknown province "Atlantis"'):
        plot.profile(papi_scores, "Atlantis", 2024)
    with pytest.raises(chiso.InvalidArgumentError, match="no scores for data year 2030; scored years: 2011, "):
        plot.profile(papi_scores, PROVINCE, 2030)
    with pytest.raises(chiso.InvalidArgumentError, match="lang"):
        plot.profile(papi_scores, PROVINCE, 2024, lang="fr")
    with pytest.raises(chiso.InvalidArgumentError, match="level 5"):
        plot.profile(papi_scores, PROVINCE, 2024, level=5)


# --- waterfall ----------------------------------------------------------------------------------------------------


def test_waterfall_papi(papi_scores: chiso.Scores) -> None:
    fig, ax = plot.waterfall(papi_scores, PROVINCE, 2022, 2024)
    assert png_bytes(fig) > 0
    parts = papi_scores.decompose(2022, 2024, provinces=[PROVINCE], nodes=[""])
    assert len(ax.patches) == parts.height + 2
    change = papi_scores.compare(2022, 2024, provinces=[PROVINCE], nodes=[""]).row(0, named=True)
    first, last = ax.patches[0], ax.patches[-1]
    assert first.get_height() == pytest.approx(change["base_value"])
    assert last.get_height() == pytest.approx(change["value"])
    # the last contribution ends where the new total is
    end = ax.patches[-2].get_y() + ax.patches[-2].get_height()
    assert end == pytest.approx(change["value"])
    plt.close(fig)


def test_waterfall_residual_is_labelled(pci_data: pl.DataFrame) -> None:
    published = chiso.score("pci", pci_data.filter(pl.col("year").is_in([2010, 2011])), prefer="published")
    fig, ax = plot.waterfall(published, PROVINCE, 2010, 2011, lang="en")
    assert png_bytes(fig) > 0
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(ax.patches) == 9 + 1 + 2  # nine sub-indices, the residual, base and total
    assert "Residual" in labels
    assert to_rgba(ax.patches[labels.index("Residual")].get_facecolor()) == to_rgba("tab:gray")
    plt.close(fig)


def test_waterfall_weights_are_labelled() -> None:
    # PCI 2021 (pci.2013) → 2022 (pci.2022): same sub-indices, new weights → part "weights"
    nodes = chiso.methodology("pci", edition="pci.2022").tree().filter(depth=1)["path"].to_list()
    rows = [
        {"province": p, "year": y, **{n: 5.0 + 0.1 * i + (0.5 if y == 2022 else 0.0) + k for i, n in enumerate(nodes)}}
        for k, p in enumerate([PROVINCE, "Vĩnh Long"])
        for y in (2021, 2022)
    ]
    scores = chiso.score("pci", pl.DataFrame(rows))
    parts = scores.decompose(2021, 2022, provinces=[PROVINCE], nodes=[""])
    assert "weights" in parts["part"].to_list()
    fig, ax = plot.waterfall(scores, PROVINCE, 2021, 2022, lang="en")
    assert png_bytes(fig) > 0
    assert len(ax.patches) == parts.height + 2
    weights = [
        p for p, t in zip(ax.patches[1:-1], ax.get_xticklabels()[1:-1], strict=True) if "(weights)" in t.get_text()
    ]
    assert len(weights) == parts.filter(part="weights").height
    assert all(p.get_hatch() == "//" for p in weights)
    plt.close(fig)


def test_waterfall_errors(papi_scores: chiso.Scores, pci_scores: chiso.Scores) -> None:
    with pytest.raises(chiso.UnknownProvinceError, match='unknown province "Atlantis"'):
        plot.waterfall(papi_scores, "Atlantis", 2022, 2024)
    with pytest.raises(chiso.InvalidArgumentError, match="no scores for data year 2030; scored years: 2011, "):
        plot.waterfall(papi_scores, PROVINCE, 2022, 2030)
    with pytest.raises(chiso.EmptyResultError, match="in 2017 for Trà Vinh"):
        plot.waterfall(pci_scores, PROVINCE, 2016, 2017)  # 2017 has totals only


# --- rank_trajectory ----------------------------------------------------------------------------------------------


def test_rank_trajectory(pci_scores: chiso.Scores) -> None:
    provinces = [PROVINCE, "Vĩnh Long", "Bến Tre"]
    fig, ax = plot.rank_trajectory(pci_scores, provinces)
    assert png_bytes(fig) > 0
    lines = [line for line in ax.get_lines() if line.get_gid() == "province"]
    breaks = [line for line in ax.get_lines() if line.get_gid() == "break"]
    assert [line.get_label() for line in lines] == provinces
    expected = pci_scores.trajectory(PROVINCE).filter("break_before")["year"].to_list()
    assert sorted(round(line.get_xdata()[0]) for line in breaks) == expected == [2006, 2009, 2013, 2022]
    assert ax.yaxis_inverted()
    assert any("phiên bản" in t.get_text() for t in fig.texts)  # the note on breaks
    ranks = pci_scores.trajectory(PROVINCE)["rank"].to_list()
    # A year without a rank (2023–2024: a dozen of the 63 provinces bundled) is a gap in the line.
    assert [None if y != y else y for y in lines[0].get_ydata()] == ranks
    assert ranks[-2:] == [None, None]
    plt.close(fig)


def test_rank_trajectory_one_province_at_a_node(papi_scores: chiso.Scores) -> None:
    fig, ax = plot.rank_trajectory(papi_scores, PROVINCE, node="transparency", lang="en")
    assert png_bytes(fig) > 0
    assert len([line for line in ax.get_lines() if line.get_gid() == "province"]) == 1
    assert "Transparency" in ax.get_title()
    plt.close(fig)


def test_rank_trajectory_errors(papi_scores: chiso.Scores) -> None:
    with pytest.raises(chiso.UnknownProvinceError, match='unknown province "Atlantis"'):
        plot.rank_trajectory(papi_scores, [PROVINCE, "Atlantis"])
    with pytest.raises(chiso.InvalidArgumentError, match='node "nope" is in none of the editions scored for Trà Vinh'):
        plot.rank_trajectory(papi_scores, PROVINCE, node="nope")
    with pytest.raises(chiso.InvalidArgumentError, match="^rank_trajectory needs at least one province$"):
        plot.rank_trajectory(papi_scores, [])


# --- heatmap ------------------------------------------------------------------------------------------------------


def test_heatmap(pci_scores: chiso.Scores, papi_scores: chiso.Scores) -> None:
    fig, ax = plot.heatmap(pci_scores, 2016)
    assert png_bytes(fig) > 0
    assert ax.images[0].get_array().shape == (63, 10)
    assert PROVINCE in [t.get_text() for t in ax.get_yticklabels()]
    assert len(fig.axes) == 2  # the plot and its colorbar
    plt.close(fig)
    fig, ax = plot.heatmap(papi_scores, 2024, level=2, lang="en")
    wide = papi_scores.wide(level=2).filter(year=2024)
    n_nodes = sum(1 for c in wide.columns[4:] if wide[c].null_count() < wide.height)
    assert ax.images[0].get_array().shape == (wide.height, n_nodes)
    assert png_bytes(fig) > 0
    plt.close(fig)


def test_heatmap_errors(papi_scores: chiso.Scores) -> None:
    with pytest.raises(chiso.InvalidArgumentError, match="no scores for data year 2030; scored years: 2011, "):
        plot.heatmap(papi_scores, 2030)
    with pytest.raises(chiso.InvalidArgumentError, match=r"level[ =]7"):
        plot.heatmap(papi_scores, 2024, level=7)


# --- ranked_bars --------------------------------------------------------------------------------------------------


def test_ranked_bars(papi_scores: chiso.Scores) -> None:
    fig, ax = plot.ranked_bars(papi_scores, 2024, highlight=PROVINCE)
    assert png_bytes(fig) > 0
    totals = papi_scores.totals().filter(pl.col("year") == 2024, pl.col("score").is_not_null())
    assert len(ax.patches) == totals.height
    names = [t.get_text() for t in ax.get_yticklabels()]
    colours = {name: to_rgba(p.get_facecolor()) for name, p in zip(names, ax.patches, strict=True)}
    others = {c for n, c in colours.items() if n != PROVINCE}
    assert len(others) == 1 and colours[PROVINCE] not in others
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths, reverse=True)
    plt.close(fig)


def test_ranked_bars_node_and_several_highlights(pci_scores: chiso.Scores) -> None:
    fig, ax = plot.ranked_bars(pci_scores, 2016, highlight=[PROVINCE, "vinh long"], node="transparency")
    assert png_bytes(fig) > 0
    assert len(ax.patches) == 63
    assert sum(to_rgba(p.get_facecolor()) == to_rgba("tab:orange") for p in ax.patches) == 2
    plt.close(fig)


def test_ranked_bars_errors(papi_scores: chiso.Scores) -> None:
    with pytest.raises(chiso.UnknownProvinceError, match='unknown province "Atlantis"'):
        plot.ranked_bars(papi_scores, 2024, highlight="Atlantis")
    with pytest.raises(chiso.InvalidArgumentError, match="no scores for data year 2030; scored years: 2011, "):
        plot.ranked_bars(papi_scores, 2030, highlight=PROVINCE)
    with pytest.raises(chiso.UnknownNodeError, match=r"in the edition\(s\) scored in 2024 \(papi.2021\)") as e:
        plot.ranked_bars(papi_scores, 2024, highlight=PROVINCE, node="nope")
    assert e.value.node == "nope"


# --- without matplotlib -------------------------------------------------------------------------------------------


def test_missing_matplotlib_is_a_clear_error(papi_scores: chiso.Scores, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(chiso.InvalidArgumentError, match=r"pip install chiso\[plot\]"):
        plot.ranked_bars(papi_scores, 2024, highlight=PROVINCE)


# --- issue 13: titles, legibility, every index ---------------------------------------------------------------------


def bundled_scores(index: str) -> chiso.Scores:
    """The bundled dataset of ``index`` scored as the report scores it (one value per cell: the first source's)."""
    from chiso.report import _bundled

    data = _bundled(index)
    if "unit" in data.columns:
        data = data.filter(pl.col("unit") != "national")
    if "primary" in data.columns:
        data = data.filter(pl.col("primary"))
    return chiso.score(index, data)


def drawn(ax) -> int:  # type: ignore[no-untyped-def]
    """Artists holding data: lines with a finite point, bars, images, marker collections."""
    import math

    lines = [line for line in ax.get_lines() if any(not math.isnan(float(y)) for y in line.get_ydata())]
    return len(lines) + len(ax.patches) + len(ax.images) + len(ax.collections)


@pytest.mark.parametrize("index", ["par", "sipas", "papi", "pci", "pgi", "ict", "dti"])
def test_every_chart_on_every_index(index: str) -> None:
    """Every chart function on every index with bundled data draws non-empty artists or raises a typed error, and
    every title names the index and the year(s)."""
    from chiso._labels import index_title

    scores = bundled_scores(index)
    totals = scores.totals().filter(pl.col("score").is_not_null())
    assert not totals.is_empty(), f"{index}: the bundled data hold no totals"  # every index's do: never skipped
    years = sorted(totals["year"].unique().to_list())
    year = years[-1]
    province = totals.filter(year=year)["province"][0]
    calls = {
        "profile": lambda: plot.profile(scores, province, year),
        "waterfall": lambda: plot.waterfall(scores, province, years[-2] if len(years) > 1 else year, year),
        "rank_trajectory": lambda: plot.rank_trajectory(scores, province),
        "heatmap": lambda: plot.heatmap(scores, year, highlight=province),
        "ranked_bars": lambda: plot.ranked_bars(scores, year, highlight=province),
    }
    drew = 0
    for name, call in calls.items():
        try:
            fig, ax = call()
        except chiso.ChisoError:
            continue
        assert drawn(ax) > 0, (index, name)
        assert png_bytes(fig) > 0
        title = ax.get_title()
        assert index_title(index) in title and str(year) in title, (index, name, title)
        if name != "rank_trajectory" and name != "heatmap":
            assert province in title, (index, name, title)
        drew += 1
        plt.close(fig)
    assert drew >= 1, index  # at least the bars


def boxes_overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)


def test_trajectory_footnote_clear_of_axis_and_edge(pci_scores: chiso.Scores) -> None:
    """The note on edition breaks neither overlaps the "Năm" axis label nor runs off the figure; no rank 0."""
    fig, ax = plot.rank_trajectory(pci_scores, [PROVINCE, "Vĩnh Long"])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    note = fig._supxlabel  # type: ignore[attr-defined]
    assert note is not None and "phiên bản" in note.get_text()
    note_box = note.get_window_extent(renderer)
    label_box = ax.xaxis.label.get_window_extent(renderer)
    assert ax.xaxis.label.get_text() == "Năm"
    assert not boxes_overlap(note_box, label_box)
    fig_box = fig.bbox
    assert note_box.x0 >= fig_box.x0 and note_box.x1 <= fig_box.x1 and note_box.y0 >= fig_box.y0
    assert min(ax.get_ylim()) >= 0.5 and 0 not in [t for t in ax.get_yticks() if min(ax.get_ylim()) <= t]
    assert ax.get_title().startswith("PCI — thứ hạng Tổng điểm, 2005–2024")


def test_titles_name_index_province_and_years(papi_scores: chiso.Scores, pci_scores: chiso.Scores) -> None:
    fig, ax = plot.waterfall(papi_scores, PROVINCE, 2022, 2024, lang="en")
    assert ax.get_title() == "PAPI — Trà Vinh: change of the total 2022–2024 (\u22120.10)"
    fig, ax = plot.profile(pci_scores, PROVINCE, 2016)
    assert ax.get_title() == "PCI 2016 — Trà Vinh: các lĩnh vực so với cả nước"
    fig, ax = plot.heatmap(pci_scores, 2016, highlight=PROVINCE, lang="en")
    assert ax.get_title() == "PCI 2016 — area scores of every province — Trà Vinh"
    assert "pci." not in ax.get_title()  # not an edition code
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == [PROVINCE]


def test_cross_edition_waterfall_is_marked(papi_scores: chiso.Scores) -> None:
    """2020 (papi.2019) to 2021 (papi.2021): the same dimensions, another edition — the title says so."""
    fig, ax = plot.waterfall(papi_scores, PROVINCE, 2020, 2021)
    title = ax.get_title()
    assert "Khác phiên bản phương pháp (papi.2019 → papi.2021)" in title
    fig, ax = plot.waterfall(papi_scores, PROVINCE, 2022, 2024)
    assert "phiên bản" not in ax.get_title()


def test_decimal_comma_in_charts(papi_scores: chiso.Scores) -> None:
    fig, ax = plot.waterfall(papi_scores, PROVINCE, 2022, 2024)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.texts]
    assert "40,62" in labels and all("." not in t for t in labels)
    assert any("," in t.get_text() for t in ax.get_yticklabels())
    fig, ax = plot.waterfall(papi_scores, PROVINCE, 2022, 2024, decimal_comma=False)
    assert "40.62" in [t.get_text() for t in ax.texts]


def test_untranslated_names_are_marked(papi_scores: chiso.Scores) -> None:
    """papi.md §3.2: the Vietnamese names of the 2018+ sub-dimensions were not found; a Vietnamese chart shows the
    English name marked and explained, never silently."""
    fig, ax = plot.profile(papi_scores, PROVINCE, 2024, level=2)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "Access to Information*" in ticks
    assert "Chưa tìm thấy tên tiếng Việt" in fig._supxlabel.get_text()  # type: ignore[attr-defined]
    fig, ax = plot.profile(papi_scores, PROVINCE, 2024, level=2, lang="en")
    assert "Access to Information" in [t.get_text() for t in ax.get_yticklabels()]
    assert fig._supxlabel is None  # type: ignore[attr-defined]
