"""Plots of scored indices with matplotlib (an optional dependency: ``pip install chiso[plot]``).

Every function returns matplotlib's ``(fig, ax)`` so the figure can be adjusted and saved; none calls ``show``.
Every text follows ``lang`` (default: the language of :func:`chiso.set_language`, Vietnamese unless changed):
``"vi"`` uses the methodology's Vietnamese node names (a name the
publisher gives in English only is shown in English marked ``*`` and explained under the chart), Vietnamese
titles and axes and the decimal comma (``decimal_comma=False`` switches it off); ``"en"`` English throughout.
Every title names the index, the province and the year(s), so a chart pasted into a report stands on its own.
Text is set in a font that has Vietnamese diacritics (DejaVu Sans, which ships with matplotlib) when it is available.

>>> import matplotlib; matplotlib.use("Agg")
>>> import io, matplotlib.pyplot as plt, chiso
>>> from chiso import plot
>>> papi = chiso.score("papi", chiso.datasets.papi())
>>> fig, ax = plot.profile(papi, "Trà Vinh", 2024)
>>> fig.savefig(io.BytesIO(), format="png")
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from . import _labels
from ._chiso import Scores, find_province, province_codes
from ._labels import index_title, number, text
from .exceptions import EmptyResultError, InvalidArgumentError, UnknownNodeError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["heatmap", "profile", "rank_bands", "rank_trajectory", "ranked_bars", "waterfall"]

Lang = Literal["vi", "en"]

#: Fonts tried in order for text with Vietnamese diacritics; DejaVu Sans ships with matplotlib.
FONTS = ("DejaVu Sans", "Noto Sans", "Arial", "Liberation Sans")

# --- helpers ------------------------------------------------------------------------------------------------------


def _pyplot() -> Any:
    """matplotlib.pyplot, or a clear error when matplotlib is not installed."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise InvalidArgumentError(
            "chiso.plot needs matplotlib, which is not installed: pip install chiso[plot]"
        ) from exc
    return plt


def _fonts() -> list[str]:
    """The installed fonts of FONTS, in order (empty: keep matplotlib's default)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in FONTS if name in installed]


def _apply_font(fig: Figure) -> None:
    """Set every text already in the figure in a font that has Vietnamese diacritics (with fallbacks)."""
    from matplotlib.text import Text

    for ax in fig.axes:  # a long title wraps inside the figure instead of running off its edge
        ax.title.set_wrap(True)
    family = _fonts()
    if not family:
        return
    for item in fig.findobj(Text):
        item.set_fontfamily(family)


def _check_lang(lang: str | None) -> Lang:
    return _labels.check_lang(lang)


def _decimal_axis(axis: Any, lang: Lang, decimal_comma: bool | None) -> None:
    """Tick labels of a value axis in the language's convention (``57,5`` in Vietnamese)."""
    from matplotlib.ticker import FuncFormatter

    comma = (lang == "vi") if decimal_comma is None else decimal_comma
    if comma:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}".replace("-", "\u2212").replace(".", ",")))


def _footnote(fig: Figure, notes: list[str | None]) -> None:
    """Notes under the plot as the figure's x super-label: the constrained layout keeps room for it, so it never
    overlaps the axis label and is wrapped to the figure's width."""
    import textwrap

    lines = [n for n in notes if n]
    if not lines:
        return
    width = max(40, int(fig.get_figwidth() * 16))  # characters of 7-pt text per line
    wrapped = "\n".join(textwrap.fill(n, width) for n in lines)
    fig.supxlabel(wrapped, fontsize=7, color="0.35", ha="left", x=0.01)


def _scored_years(scores: Scores) -> list[int]:
    return sorted(scores.totals()["year"].unique().to_list())


def _check_year(scores: Scores, year: int) -> None:
    years = _scored_years(scores)
    if year not in years:
        raise InvalidArgumentError(
            f"no scores for data year {year}; scored years: {', '.join(str(y) for y in years)}", year=year
        )


def _node_labels(scores: Scores, lang: Lang, year: int | None = None) -> dict[str, str]:
    """Node path → display name, from the editions used; the edition covering ``year`` wins."""
    return _labels.node_names(scores.methodologies(), lang, year)


def _label(labels: dict[str, str], path: str, lang: Lang) -> str:
    if path == "":
        return text("chart.total", lang)
    return labels.get(path, _labels.humanize(path.rsplit("/", 1)[-1]))


def _index_name(scores: Scores) -> str:
    return " / ".join(index_title(i) for i in sorted({m.index for m in scores.methodologies()}))


def _as_list(names: str | Sequence[str]) -> list[str]:
    return [names] if isinstance(names, str) else list(names)


# --- plots --------------------------------------------------------------------------------------------------------


def profile(
    scores: Scores,
    province: str,
    year: int,
    *,
    level: int = 1,
    lang: Lang | None = None,
    decimal_comma: bool | None = None,
) -> tuple[Figure, Axes]:
    """A province's nodes at one level (PCI sub-indices, PAPI dimensions, …) in one year against the national
    mean, its region's mean and the best province: a horizontal dot plot, one row per node, four marker series.
    Titled with the index, the year and the province.

    The means and the best come from :meth:`Scores.peers` node by node.

    >>> import matplotlib.pyplot as plt, chiso
    >>> from chiso import plot
    >>> pci = chiso.score("pci", chiso.datasets.pci())
    >>> fig, ax = plot.profile(pci, "Trà Vinh", 2016, lang="en")
    >>> len(ax.get_yticks()), [t.get_text() for t in fig.legends[0].get_texts()][1:]
    (10, ['National mean', 'Regional mean (Đồng bằng sông Cửu Long)', 'Best province'])
    >>> ax.get_title()
    'PCI 2016 — Trà Vinh: areas against the nation'
    >>> plt.close(fig)
    """
    plt = _pyplot()
    lang = _check_lang(lang)
    code, name = find_province(province)
    _check_year(scores, year)
    rows = scores.long().filter(pl.col("year") == year, pl.col("province_code") == code, pl.col("depth") == level)
    if rows.is_empty():
        raise InvalidArgumentError(f"{name} has no nodes at level {level} in {year}", province=name, year=year)
    if rows["score"].null_count() == rows.height:
        # Nodes without values would plot as an empty chart (issue 9 §6): say which data are missing instead.
        raise EmptyResultError(
            f"profile of {name} {year}: the data hold no value at level {level} ({', '.join(rows['node'].to_list())}) "
            f"for {name} in {year} — only higher levels (e.g. PCI after 2016: composites only). Give those nodes' "
            "values, or plot a level that has them",
            what=f"profile({name!r}, {year}, level={level})",
            province=name,
            year=year,
        )
    labels = _node_labels(scores, lang, year)
    paths = rows["node"].to_list()
    own, national, regional, best = [], [], [], []
    region_name = ""
    for path in paths:
        peers = scores.peers(code, year, path)
        nat = peers.filter(group="national").row(0, named=True)
        reg = peers.filter(group="region")
        own.append(nat["value"])
        national.append(nat["mean"])
        best.append(nat["best"])
        if reg.height:
            regional.append(reg["mean"][0])
            region_name = reg["group_name"][0]
        else:
            regional.append(None)
    nan = float("nan")
    ys = list(range(len(paths)))
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.45 * len(paths)), layout="constrained")
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)
    region = text("chart.region_mean", lang)
    series = [
        (national, text("chart.national_mean", lang), "s", "tab:gray"),
        (regional, f"{region} ({region_name})" if region_name else region, "D", "tab:green"),
        (best, text("chart.best", lang), "^", "tab:orange"),
    ]
    ax.plot([nan if v is None else v for v in own], ys, "o", color="tab:blue", markersize=9, label=name, zorder=3)
    for values, label, marker, colour in series:
        ax.plot([nan if v is None else v for v in values], ys, marker, color=colour, label=label, zorder=2)
    ticks = [_label(labels, p, lang) for p in paths]
    ax.set_yticks(ys, ticks)
    ax.invert_yaxis()
    ax.set_xlabel(text("chart.score", lang))
    _decimal_axis(ax.xaxis, lang, decimal_comma)
    ax.set_title(text("chart.profile", lang, index=_index_name(scores), year=year, province=name))
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    _footnote(fig, [_labels.untranslated_note(ticks, lang)])
    _apply_font(fig)
    return fig, ax


def _edition_of(scores: Scores, code: str, year: int) -> str | None:
    rows = scores.totals().filter(pl.col("province_code") == code, pl.col("year") == year)
    return rows["edition"][0] if rows.height else None


def waterfall(
    scores: Scores,
    province: str,
    base_year: int,
    year: int,
    *,
    lang: Lang | None = None,
    decimal_comma: bool | None = None,
) -> tuple[Figure, Axes]:
    """The change of a province's total between two years split into its children's contributions
    (:meth:`Scores.decompose`): a waterfall from the base total to the new total. Contributions of the children's
    scores are green (up) or red (down); the part due to a re-weighting is hatched and labelled as weights; a
    residual (where a published total was kept) is grey. The value axis does not start at zero. Titled with the
    index, the province and both years; when the two years were scored with different methodology editions the
    title says so and a note under the plot names the editions (the change mixes method and performance).

    >>> import matplotlib.pyplot as plt, chiso
    >>> from chiso import plot
    >>> papi = chiso.score("papi", chiso.datasets.papi())
    >>> fig, ax = plot.waterfall(papi, "Trà Vinh", 2022, 2024)
    >>> len(ax.patches)  # the 2022 total, 8 dimensions, the 2024 total
    10
    >>> ax.get_title().startswith("PAPI — Trà Vinh: thay đổi tổng điểm 2022–2024")
    True
    >>> plt.close(fig)
    """
    plt = _pyplot()
    lang = _check_lang(lang)
    code, name = find_province(province)
    # decompose raises EmptyResultError naming the missing data when the total cannot be split.
    parts = scores.decompose(base_year, year, provinces=[code], nodes=[""])
    change = scores.compare(base_year, year, provinces=[code], nodes=[""])
    if change.is_empty() or change["base_value"][0] is None or change["value"][0] is None:
        raise EmptyResultError(
            f"waterfall of {name} {base_year}→{year}: the total is missing in "
            f"{base_year if change.is_empty() or change['base_value'][0] is None else year}; give its children's "
            "values for both years",
            what=f"waterfall({name!r}, {base_year}, {year})",
            province=name,
        )
    base, total = change["base_value"][0], change["value"][0]
    old, new = _edition_of(scores, code, base_year), _edition_of(scores, code, year)
    cross = old is not None and new is not None and old != new
    labels = _node_labels(scores, lang, year)
    names = [text("chart.total_year", lang, year=base_year)]
    bottoms, heights, colours, hatches = [0.0], [base], ["tab:blue"], [""]
    level = base
    for child, part, contribution in parts.select("child", "part", "contribution").iter_rows():
        if part == "residual":
            names.append(text("chart.residual", lang))
            colours.append("tab:gray")
            hatches.append("")
        else:
            node = _label(labels, child or "", lang)
            names.append(text("chart.weights", lang, node=node) if part == "weights" else node)
            colours.append("tab:green" if contribution >= 0 else "tab:red")
            hatches.append("//" if part == "weights" else "")
        bottoms.append(level)
        heights.append(contribution)
        level += contribution
    names.append(text("chart.total_year", lang, year=year))
    bottoms.append(0.0)
    heights.append(total)
    colours.append("tab:blue")
    hatches.append("")
    xs = list(range(len(names)))
    fig, ax = plt.subplots(figsize=(max(7.0, 0.75 * len(names) + 2), 5.5), layout="constrained")
    bars = ax.bar(xs, heights, bottom=bottoms, color=colours, hatch=hatches, edgecolor="white", width=0.7)
    ax.bar_label(
        bars,
        labels=[
            number(h, 2, lang, sign=0 < i < len(xs) - 1, decimal_comma=decimal_comma) for i, h in enumerate(heights)
        ],
        fontsize=7,
        padding=2,
    )
    for i in range(len(xs) - 1):  # connectors: the running level after each bar
        top = bottoms[i] + heights[i]
        ax.plot([i + 0.35, i + 0.65], [top, top], color="0.5", linewidth=0.8)
    levels = [*bottoms[1:-1], base, total]
    low, high = min(levels), max(levels)
    pad = (high - low) * 0.2 or 0.5
    ax.set_ylim(low - pad, high + pad)
    ax.set_xticks(xs, names, rotation=35, ha="right")
    ax.set_ylabel(text("chart.score", lang))
    _decimal_axis(ax.yaxis, lang, decimal_comma)
    title = text("chart.waterfall", lang, index=_index_name(scores), province=name, base=base_year, year=year)
    title += f" ({number(total - base, 2, lang, sign=True, decimal_comma=decimal_comma)})"
    if cross:
        ax.set_title(title + "\n" + text("chart.cross_edition", lang, old=old, new=new), color="tab:red")
    else:
        ax.set_title(title)
    _footnote(fig, [_labels.untranslated_note(names, lang)])
    _apply_font(fig)
    return fig, ax


def rank_trajectory(
    scores: Scores, provinces: str | Sequence[str], *, node: str = "", lang: Lang | None = None
) -> tuple[Figure, Axes]:
    """Rank over the scored years of one or more provinces at a node (:meth:`Scores.trajectory`), rank 1 on top,
    the rank axis from 1 to the largest rank shown. Edition breaks (years with ``break_before``) are vertical dashed
    lines, each labelled with its edition's first year and explained in a note under the plot (kept clear of the
    axis label by the layout). The province lines have gid ``"province"``, the break lines gid ``"break"``.

    >>> import matplotlib.pyplot as plt, chiso
    >>> from chiso import plot
    >>> papi = chiso.score("papi", chiso.datasets.papi())
    >>> fig, ax = plot.rank_trajectory(papi, ["Trà Vinh", "Vĩnh Long"])
    >>> sorted(round(l.get_xdata()[0]) for l in ax.get_lines() if l.get_gid() == "break")
    [2016, 2018, 2019, 2021]
    >>> bool(min(ax.get_ylim()) > 0)  # no rank 0 on the axis
    True
    >>> plt.close(fig)
    """
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    lang = _check_lang(lang)
    names = _as_list(provinces)
    if not names:
        raise InvalidArgumentError("rank_trajectory needs at least one province")
    codes = province_codes(names)
    series = [scores.trajectory(code, node) for code in codes]
    if all(t["rank"].drop_nulls().is_empty() for t in series):
        raise InvalidArgumentError(
            f"no rank to draw for {', '.join(names)} at node {node!r}: ranks are computed only over the field the "
            "publisher ranked, and the data hold part of it in every year (see Scores.trajectory: n_ranked, n_field)",
            node=node,
        )
    breaks = sorted({y for t in series for y in t.filter("break_before")["year"].to_list()})
    labels = _node_labels(scores, lang)
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    worst = 1
    years: list[int] = []
    for t in series:
        ranks = t["rank"].cast(pl.Float64).fill_null(float("nan")).to_list()
        worst = max([worst, *(int(r) for r in t["rank"].drop_nulls().to_list())])
        years.extend(t["year"].to_list())
        ax.plot(t["year"].to_list(), ranks, marker="o", label=t["province"][0], gid="province")
    for year in breaks:
        ax.axvline(year, linestyle="--", color="0.5", linewidth=1, gid="break")
        ax.annotate(
            text("chart.edition", lang, year=year),
            (year, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -4),
            textcoords="offset points",
            fontsize=7,
            color="0.4",
            rotation=90,
            va="top",
        )
    ax.set_ylim(worst + 0.5, 0.5)  # rank 1 on top; no rank 0 on the axis
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    if years and min(years) == max(years):  # one year: a year either side, not matplotlib's ±100
        ax.set_xlim(min(years) - 1, max(years) + 1)
    ax.set_xlabel(text("chart.year", lang))
    ax.set_ylabel(text("chart.rank", lang))
    node_name = _label(labels, node, lang)
    who = ", ".join(t["province"][0] for t in series if t.height)
    span = f"{min(years)}–{max(years)}" if min(years) < max(years) else str(min(years))
    ax.set_title(f"{text('chart.trajectory', lang, index=_index_name(scores), node=node_name, years=span)} — {who}")
    ax.legend(frameon=False)
    _footnote(fig, [text("chart.break", lang) if breaks else None, _labels.untranslated_note([node_name], lang)])
    _apply_font(fig)
    return fig, ax


def heatmap(
    scores: Scores,
    year: int,
    *,
    level: int = 1,
    highlight: str | Sequence[str] | None = None,
    lang: Lang | None = None,
    decimal_comma: bool | None = None,
) -> tuple[Figure, Axes]:
    """Provinces × nodes at one level in one year (:meth:`Scores.wide`) as an image with a colorbar: province names
    (Vietnamese) on the y axis, node names on the x axis. Missing values are blank. The ``highlight`` province(s)
    are set in bold orange on the y axis and named in the title.

    >>> import matplotlib.pyplot as plt, chiso
    >>> from chiso import plot
    >>> papi = chiso.score("papi", chiso.datasets.papi())
    >>> fig, ax = plot.heatmap(papi, 2024, highlight="Trà Vinh")
    >>> ax.images[0].get_array().shape, ax.get_title()
    ((61, 8), 'PAPI 2024 — điểm các lĩnh vực của các tỉnh — Trà Vinh')
    >>> plt.close(fig)
    """
    plt = _pyplot()
    import numpy as np

    lang = _check_lang(lang)
    wanted = set(province_codes(_as_list(highlight))) if highlight is not None else set()
    _check_year(scores, year)
    wide = scores.wide(level=level).filter(pl.col("year") == year)
    node_columns = [c for c in wide.columns if c not in ("province_code", "province", "year", "edition")]
    node_columns = [c for c in node_columns if wide[c].null_count() < wide.height]
    if wide.is_empty() or not node_columns:
        raise InvalidArgumentError(f"no nodes at level {level} scored in {year}", year=year)
    labels = _node_labels(scores, lang, year)
    values = np.ma.masked_invalid(wide.select(node_columns).cast(pl.Float64).fill_null(float("nan")).to_numpy())
    n_prov, n_nodes = values.shape
    fig, ax = plt.subplots(figsize=(max(6.0, 0.8 * n_nodes + 3.5), max(5.0, 0.17 * n_prov + 2.5)), layout="constrained")
    image = ax.imshow(values, aspect="auto", cmap="viridis", interpolation="nearest")
    bar = fig.colorbar(image, ax=ax, label=text("chart.score", lang))
    _decimal_axis(bar.ax.yaxis, lang, decimal_comma)
    ax.set_yticks(range(n_prov), wide["province"].to_list(), fontsize=6)
    for tick, code in zip(ax.get_yticklabels(), wide["province_code"].to_list(), strict=True):
        if code in wanted:
            tick.set_fontweight("bold")
            tick.set_color("tab:orange")
    ticks = [_label(labels, c, lang) for c in node_columns]
    ax.set_xticks(range(n_nodes), ticks, rotation=40, ha="right", fontsize=8)
    title = text("chart.heatmap", lang, index=_index_name(scores), year=year)
    marked = wide.filter(pl.col("province_code").is_in(list(wanted)))["province"].to_list()
    ax.set_title(f"{title} — {', '.join(marked)}" if marked else title)
    _footnote(fig, [_labels.untranslated_note(ticks, lang)])
    _apply_font(fig)
    return fig, ax


def ranked_bars(
    scores: Scores,
    year: int,
    *,
    highlight: str | Sequence[str],
    node: str = "",
    lang: Lang | None = None,
    decimal_comma: bool | None = None,
) -> tuple[Figure, Axes]:
    """Every province's value at a node in one year as a sorted horizontal bar chart, best on top, the
    ``highlight`` province(s) in another colour (``"tab:orange"``; the others ``"tab:gray"``) and named in the title.

    >>> import matplotlib.pyplot as plt, chiso
    >>> from chiso import plot
    >>> pci = chiso.score("pci", chiso.datasets.pci())
    >>> fig, ax = plot.ranked_bars(pci, 2022, highlight="Trà Vinh")
    >>> len(ax.patches), ax.get_title()
    (63, 'PCI 2022 — Tổng điểm: điểm các tỉnh có số liệu — Trà Vinh')
    >>> plt.close(fig)
    """
    plt = _pyplot()
    lang = _check_lang(lang)
    wanted = set(province_codes(_as_list(highlight)))
    _check_year(scores, year)
    year_rows = scores.long().filter(pl.col("year") == year)
    rows = year_rows.filter(pl.col("node") == node)
    if rows.is_empty():
        editions = ", ".join(year_rows["edition"].unique(maintain_order=True).to_list())
        raise UnknownNodeError(f'node "{node}" is not in the edition(s) scored in {year} ({editions})', node=node)
    with_value = rows.filter(pl.col("score").is_not_null())
    if with_value.is_empty():
        raise EmptyResultError(
            f"ranked bars of {year}: no province has a value at {node or 'the total'!r} in {year}; give that node's "
            "values (or its children's), or chart another node",
            what=f"ranked_bars({year}, node={node!r})",
            year=year,
        )
    # Fewer provinces than the publisher ranked: the chart says so (its order is not the publisher's ranking).
    field = with_value.row(0, named=True)
    partial = field["n_ranked"] < field["n_field"]
    rows = with_value.sort("score", descending=True, maintain_order=True)
    labels = _node_labels(scores, lang, year)
    n = rows.height
    ys = list(range(n))
    colours = ["tab:orange" if c in wanted else "tab:gray" for c in rows["province_code"].to_list()]
    fig, ax = plt.subplots(figsize=(7, max(4.0, 0.16 * n + 1.5)), layout="constrained")
    ax.barh(ys, rows["score"].to_list(), color=colours, height=0.8)
    ax.set_yticks(ys, rows["province"].to_list(), fontsize=6)
    for tick, colour in zip(ax.get_yticklabels(), colours, strict=True):
        if colour == "tab:orange":
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlabel(text("chart.score", lang))
    _decimal_axis(ax.xaxis, lang, decimal_comma)
    ax.margins(y=0.01)
    node_name = _label(labels, node, lang)
    marked = rows.filter(pl.col("province_code").is_in(list(wanted)))["province"].to_list()
    title = text("chart.ranked_bars", lang, index=_index_name(scores), year=year, node=node_name)
    if partial:
        title += f" ({text('chart.partial', lang, n=field['n_ranked'], field=field['n_field'])})"
    ax.set_title(f"{title} — {', '.join(marked)}" if marked else title)
    _footnote(fig, [_labels.untranslated_note([node_name], lang)])
    _apply_font(fig)
    return fig, ax


def rank_bands(
    result: Any, *, highlight: str | Sequence[str] = (), lang: Lang | None = None, max_labels: int = 63
) -> tuple[Figure, Axes]:
    """The rank bands of an uncertainty analysis (:func:`chiso.uncertainty.analyse`): provinces ordered by official
    rank along the x axis, each with its 5–95% rank interval as a bar, its median as a dot and its official rank as
    a cross; rank 1 at the top. ``highlight`` province(s) drawn in ``"tab:orange"``.

    >>> import matplotlib.pyplot as plt, chiso
    >>> from chiso import plot
    >>> s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    >>> ua = chiso.uncertainty.analyse(s, 2016, weights=(0.75, 1.25), geometric="", runs=1000, seed=1)
    >>> fig, ax = plot.rank_bands(ua, highlight="Trà Vinh")
    >>> len(ax.collections[0].get_segments())   # one band per ranked province
    63
    >>> plt.close(fig)
    """
    plt = _pyplot()
    lang = _check_lang(lang)
    ranks = getattr(result, "ranks", None)
    if not isinstance(ranks, pl.DataFrame) or "rank_p05" not in ranks.columns:
        raise InvalidArgumentError(
            "rank_bands needs the result of chiso.uncertainty.analyse", argument="result", value=type(result).__name__
        )
    wanted = set(province_codes(_as_list(highlight))) if highlight else set()
    rows = ranks.filter(pl.col("official_rank").is_not_null() & pl.col("rank_p05").is_not_null()).sort(
        "official_rank", "province_code"
    )
    n = rows.height
    xs = list(range(n))
    colours = ["tab:orange" if c in wanted else "tab:blue" for c in rows["province_code"].to_list()]
    fig, ax = plt.subplots(figsize=(max(7.0, 0.16 * n + 2.0), 4.5), layout="constrained")
    ax.vlines(xs, rows["rank_p05"].to_list(), rows["rank_p95"].to_list(), colors=colours, linewidth=3, alpha=0.6)
    ax.scatter(xs, rows["rank_median"].to_list(), color=colours, s=12, zorder=3)
    ax.scatter(
        xs,
        rows["official_rank"].to_list(),
        color="black",
        marker="x",
        s=10,
        zorder=4,
        label=text("chart.official", lang),
    )
    ax.set_xticks(xs[:max_labels], rows["province"].to_list()[:max_labels], rotation=90, fontsize=6)
    for tick, colour in zip(ax.get_xticklabels(), colours, strict=False):
        if colour == "tab:orange":
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_ylabel(text("chart.rank", lang))
    ax.set_xlabel(text("chart.by_official", lang))
    ax.margins(x=0.01)
    varied = ", ".join(result.varied[:4]) + (" …" if len(result.varied) > 4 else "")
    ax.set_title(
        f"{index_title(str(result.edition).split('.')[0])} {result.year} — "
        + text("chart.bands", lang, runs=f"{result.runs:,}", varied=varied),
        fontsize=8,
    )
    ax.legend(loc="lower left", fontsize=7)
    _apply_font(fig)
    return fig, ax
