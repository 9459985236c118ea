"""chiso.plot on the bundled data: every plot renders, has the expected artists, and refuses bad arguments."""

from __future__ import annotations

import builtins
import io

import pytest

matplotlib = pytest.importorskip("matplotlib")
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
    with pytest.raises(chiso.UnknownProvinceError):
        plot.profile(papi_scores, "Atlantis", 2024)
    with pytest.raises(chiso.ChisoError, match="2030"):
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
    with pytest.raises(chiso.UnknownProvinceError):
        plot.waterfall(papi_scores, "Atlantis", 2022, 2024)
    with pytest.raises(chiso.ChisoError, match="2030"):
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
    with pytest.raises(chiso.UnknownProvinceError):
        plot.rank_trajectory(papi_scores, [PROVINCE, "Atlantis"])
    with pytest.raises(chiso.ChisoError, match="nope"):
        plot.rank_trajectory(papi_scores, PROVINCE, node="nope")
    with pytest.raises(chiso.InvalidArgumentError):
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
    with pytest.raises(chiso.ChisoError, match="2030"):
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
    with pytest.raises(chiso.UnknownProvinceError):
        plot.ranked_bars(papi_scores, 2024, highlight="Atlantis")
    with pytest.raises(chiso.ChisoError, match="2030"):
        plot.ranked_bars(papi_scores, 2030, highlight=PROVINCE)
    with pytest.raises(chiso.UnknownNodeError):
        plot.ranked_bars(papi_scores, 2024, highlight=PROVINCE, node="nope")


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
