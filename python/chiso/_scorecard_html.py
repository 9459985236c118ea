"""The scorecard as one self-contained HTML page: a summary page, then a page per index; print CSS so that a
browser's "print to PDF" gives the document (A4, page breaks between indices, charts never split)."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from collections.abc import Callable
from typing import Any

import polars as pl

from ._labels import Lang, number, text, untranslated_note
from .exceptions import ChisoError
from .report import BASELINE, conflict_notes
from .scorecard import Section, sources_frame, summary_frame

_CSS = """
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de}
*{box-sizing:border-box}
body{font-family:'DejaVu Sans','Noto Sans',Arial,sans-serif;margin:0 auto;padding:24px;max-width:1100px;
 color:var(--ink); font-size:14px;line-height:1.4}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:0 0 4px;border-bottom:2px solid var(--ink)}
h3{font-size:16px;margin:18px 0 6px}
.meta,.note{color:var(--muted);font-size:12.5px}
.headline{font-size:16px;margin:10px 0;padding:8px 12px;background:#f6f8fa;border-left:4px solid #0969da}
table{border-collapse:collapse;margin:6px 0 12px;width:100%;table-layout:auto}
td,th{border:1px solid var(--line);padding:3px 6px;font-size:12.5px;vertical-align:top;overflow-wrap:break-word}
th{background:#f6f8fa;text-align:left;font-weight:600}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.up{color:#1a7f37}.down{color:#cf222e}
figure{margin:10px 0 16px;break-inside:avoid;page-break-inside:avoid}
figure img{display:block;width:100%;max-width:900px;height:auto}
figcaption{color:var(--muted);font-size:12.5px}
section.index{margin-top:36px}
@media (max-width:800px){body{padding:8px;font-size:12.5px}td,th{font-size:11px;padding:2px 3px}
 .headline{font-size:14px}}
th{hyphens:auto}
@page{size:A4;margin:14mm}
@media print{
 body{max-width:none;padding:0;font-size:11px}
 section.summary{break-after:page;page-break-after:always}
 section.index{margin-top:0;break-before:page;page-break-before:always}
 h2,h3{break-after:avoid;page-break-after:avoid}
 tr,figure,.headline{break-inside:avoid;page-break-inside:avoid}
 td,th{font-size:10px;padding:2px 4px}
 figure img{max-width:100%}
}
"""

#: Keys of columns holding signed changes (coloured by sign).
_SIGNED = {"delta", "delta_baseline", "contribution", "rank_change"}
#: Keys of float columns (formatted with the index's decimals).
_FLOATS = {
    "score",
    "delta",
    "delta_baseline",
    "contribution",
    "value",
    "max",
    "lost",
    "cost_in_total",
    "projection",
    "lower",
    "upper",
}


def _edition(code: str | None) -> str:
    """An edition code as its first data year (``"pci.2013"`` → ``"2013"``), as reports name methods."""
    if not code:
        return "–"
    parts = code.split(".")
    return parts[1] if len(parts) > 1 else code


def _cell(key: str, value: Any, decimals: int, lang: Lang, comma: bool | None, *, base: int | None = None) -> str:
    """One table cell; ``base``: the year a change is taken against, named when given."""
    if key in _FLOATS:
        shown = number(value, decimals, lang, sign=key in _SIGNED, decimal_comma=comma)
        if base is not None and value is not None:
            shown += f" ({text('note.base_year', lang, year=base)})"
    elif key == "rank_change":
        shown = "–" if value is None else f"{value:+d}".replace("-", "\u2212")
    elif key == "edition":
        shown = _edition(value)
    else:
        shown = "–" if value is None else str(value)
    classes = []
    if key in _FLOATS or key in ("year", "latest_year", "rank", "n_ranked", "rank_change"):
        classes.append("num")
    if key in _SIGNED and isinstance(value, (int, float)) and value:
        classes.append("up" if value > 0 else "down")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}>{html.escape(shown)}</td>"


def _table(df: pl.DataFrame, lang: Lang, decimals: int, comma: bool | None) -> str:
    head = "".join(f"<th>{html.escape(text(c, lang, year=BASELINE))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(_cell(c, v, decimals, lang, comma) for c, v in zip(df.columns, row, strict=True)) + "</tr>"
        for row in df.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _rank_text(row: dict[str, Any], lang: Lang) -> str | None:
    if row.get("rank") is None:
        return None
    source = text(f"rank.{row['rank_source']}", lang) if row.get("rank_source") else ""
    n = row.get("n_ranked")
    if n:
        return text("latest_rank", lang, rank=row["rank"], n=n, source=source)
    return f"{text('rank', lang).lower()} {row['rank']} ({source})"


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _figure(title: str, draw: Callable[[], Any], lang: Lang) -> str:
    """A chart as an embedded PNG with its title as caption, or a note saying why it is not drawn (the error's own
    words name API arguments, so the reader gets the reason in the page's language)."""
    try:
        fig, _ = draw()
    except ChisoError:
        reason = text("reason.chart_missing", lang)
        return f'<p class="note">{html.escape(title)}: {html.escape(reason)}</p>'
    return (
        f'<figure><img alt="{html.escape(title)}" src="data:image/png;base64,{_png(fig)}"/>'
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
    )


def _charts(s: Section, code: str, lang: Lang, comma: bool | None) -> dict[str, str]:
    """The section's charts by role (empty when matplotlib is missing or the data hold no scores)."""
    if s.scores is None or s.latest is None:
        return {}
    try:
        import matplotlib

        matplotlib.use("Agg")
        from . import plot
    except ImportError:
        return {}
    scores, year = s.scores, s.latest["year"]
    names = {
        "profile": (
            "Hồ sơ các lĩnh vực so với cả nước, vùng và tỉnh cao nhất",
            "Profile against the nation, the region and the best province",
        ),
        "trajectory": ("Thứ hạng qua các năm", "Rank over the years"),
        "waterfall": ("Phân tách thay đổi gần nhất", "The last change split by area"),
        "bars": ("Điểm của các tỉnh", "Every province's score"),
        "heatmap": ("Điểm các lĩnh vực của các tỉnh", "Area scores of every province"),
    }
    label = {k: v[0] if lang == "vi" else v[1] for k, v in names.items()}
    out = {
        "profile": _figure(
            label["profile"], lambda: plot.profile(scores, code, year, lang=lang, decimal_comma=comma), lang
        ),
        "trajectory": _figure(label["trajectory"], lambda: plot.rank_trajectory(scores, code, lang=lang), lang),
        "bars": _figure(
            label["bars"], lambda: plot.ranked_bars(scores, year, highlight=code, lang=lang, decimal_comma=comma), lang
        ),
        "heatmap": _figure(
            label["heatmap"], lambda: plot.heatmap(scores, year, highlight=code, lang=lang, decimal_comma=comma), lang
        ),
    }
    if s.last_change is not None and s.contributions is not None:
        y0, y1 = s.last_change
        out["waterfall"] = _figure(
            label["waterfall"], lambda: plot.waterfall(scores, code, y0, y1, lang=lang, decimal_comma=comma), lang
        )
    return out


def _section_html(s: Section, code: str, lang: Lang, comma: bool | None, charts: bool) -> tuple[str, list[str]]:
    """The section's HTML and the labels it shows (to explain untranslated names once)."""
    shown: list[str] = []
    d = s.decimals
    parts = [f'<section class="index" id="{s.index}"><h2>{html.escape(s.title)} — {html.escape(s.name)}</h2>']
    parts.append(
        f'<p class="meta">{text("publisher", lang)}: {html.escape(s.publisher)} · {text("lead", lang)}: '
        f"{html.escape(s.lead)}</p>"
    )
    figures = _charts(s, code, lang, comma) if charts else {}
    last = s.latest
    if last is not None:
        bits = [text("latest", lang, year=last["year"], score=number(last["score"], d, lang, decimal_comma=comma))]
        if (rank := _rank_text(last, lang)) is not None:
            bits.append(rank)
        if last["group"]:
            bits.append(f"{text('group', lang).lower()}: {last['group']}")
            shown.append(last["group"])
        for key in ("delta", "delta_baseline"):
            if last[key] is not None:
                label = text(key, lang, year=BASELINE).lower()
                if key == "delta" and last["base_year"] is not None and last["base_year"] != last["year"] - 1:
                    label = text("note.base_year", lang, year=last["base_year"])
                bits.append(f"{label}: {number(last[key], d, lang, sign=True, decimal_comma=comma)}")
        parts.append(f'<p class="headline">{html.escape(" · ".join(bits))}</p>')
        if last["note"]:
            parts.append(f'<p class="note">{html.escape(last["note"])}</p>')
    parts.extend(figures.get(k, "") for k in ("profile", "trajectory"))
    parts.append(f"<h3>{text('yearly', lang)}</h3>")
    yearly = (
        s.yearly.with_columns(
            pl.col("rank_source").replace_strict(
                {"published": text("rank.published", lang), "computed": text("rank.computed", lang)}, default=None
            )
        )
        .with_columns(  # "57/61": the rank and the field it is taken over, in one cell
            pl.when(pl.col("rank").is_not_null() & pl.col("n_ranked").is_not_null())
            .then(pl.format("{}/{}", "rank", "n_ranked"))
            .otherwise(pl.col("rank").cast(pl.String))
            .alias("rank")
        )
        .select(
            "year", "edition", "score", "delta", "delta_baseline", "rank", "rank_change", "rank_source", "group", "note"
        )
    )
    shown.extend(g for g in yearly["group"].to_list() if g)
    parts.append(_table(yearly, lang, d, comma))
    if s.last_change is not None:
        parts.append(f"<h3>{html.escape(s.contributions_heading)}</h3>")
        parts.append(figures.get("waterfall", ""))
        if s.contributions is not None:
            shown.extend(s.contributions["node"].to_list())
            parts.append(_table(s.contributions, lang, d, comma))
        else:
            parts.append(f'<p class="note">{html.escape(s.contributions_note or "")}</p>')
    if s.points_lost_heading:
        parts.append(f"<h3>{html.escape(s.points_lost_heading)}</h3>")
        if s.points_lost is not None:
            shown.extend(s.points_lost["node"].to_list())
            parts.append(_table(s.points_lost, lang, d, comma))
        else:
            parts.append(f'<p class="note">{html.escape(s.points_lost_note or "")}</p>')
    if last is not None:
        target = last["year"] + 1
        parts.append(f"<h3>{text('projection_heading', lang, year=target)}</h3>")
        if s.projection is not None:
            p = s.projection
            parts.append(
                "<p>"
                + html.escape(
                    text(
                        "projection_text"
                        if p["lower"] is not None and p["upper"] is not None
                        else "projection_text_no_band",
                        lang,
                        year=p["year"],
                        value=number(p["score"], d, lang, decimal_comma=comma),
                        lower=number(p["lower"], d, lang, decimal_comma=comma),
                        upper=number(p["upper"], d, lang, decimal_comma=comma),
                        method=p["method"],
                    )
                )
                + "</p>"
            )
        else:
            parts.append(f'<p class="note">{html.escape(s.projection_note or "")}</p>')
    if figures.get("bars") or figures.get("heatmap"):
        parts.append(f"<h3>{text('charts', lang)}</h3>")
        parts.extend(figures.get(k, "") for k in ("bars", "heatmap"))
    parts.append("</section>")
    return "".join(parts), shown


def _summary_html(sections: list[Section], lang: Lang, comma: bool | None) -> str:
    frame = summary_frame(sections, lang)
    rows = []
    for r, s in zip(frame.iter_rows(named=True), sections, strict=True):
        d = s.decimals
        skipped = r["base_year"] is not None and r["base_year"] != r["latest_year"] - 1
        rank = "–" if r["rank"] is None else (f"{r['rank']}/{r['n_ranked']}" if r["n_ranked"] else str(r["rank"]))
        projection = "–"
        if r["projection"] is not None and (r["lower"] is None or r["upper"] is None):
            projection = number(r["projection"], d, lang, decimal_comma=comma)
        elif r["projection"] is not None:
            projection = (
                f"{number(r['projection'], d, lang, decimal_comma=comma)} "
                f"({number(r['lower'], d, lang, decimal_comma=comma)} – "
                f"{number(r['upper'], d, lang, decimal_comma=comma)})"
            )
        cells = [
            f'<td><a href="#{s.index}">{html.escape(r["index"])}</a></td>',
            _cell("latest_year", r["latest_year"], d, lang, comma),
            _cell("score", r["score"], d, lang, comma),
            f'<td class="num">{html.escape(rank)}</td>',
            _cell("group", r["group"], d, lang, comma),
            _cell("delta", r["delta"], d, lang, comma, base=r["base_year"] if skipped else None),
            _cell("delta_baseline", r["delta_baseline"], d, lang, comma),
            f'<td class="num">{html.escape(projection)}</td>',
            _cell("owner", r["owner"], d, lang, comma),
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    heads = ["index", "latest_year", "score", "rank", "group", "delta", "delta_baseline", "projection_band", "owner"]
    head = "".join(f"<th>{html.escape(text(h, lang, year=BASELINE))}</th>" for h in heads)
    return (
        f'<section class="summary"><h2>{text("summary", lang)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="note">{html.escape(text("sources_text", lang))}</p></section>'
    )


def render_html(province: str, sections: list[Section], lang: Lang, *, decimal_comma: bool | None, charts: bool) -> str:
    from ._chiso import find_province

    code, _ = find_province(province)
    today = _dt.date.today()
    date = f"{today.day:02d}/{today.month:02d}/{today.year}" if lang == "vi" else today.isoformat()
    parts = [
        f"<header><h1>{html.escape(text('title', lang, province=province))}</h1>"
        f'<p class="meta">{html.escape(text("subtitle", lang, date=date))}</p></header>',
        _summary_html(sections, lang, decimal_comma),
    ]
    shown: list[str] = []
    for s in sections:
        body, labels = _section_html(s, code, lang, decimal_comma, charts)
        parts.append(body)
        shown.extend(labels)
    sources = sources_frame(sections, lang).with_columns(
        pl.col("edition").map_elements(_edition, return_dtype=pl.String)
    )
    parts.append(f'<section class="sources"><h2>{text("sources_heading", lang)}</h2>')
    parts.append(_table(sources, lang, 2, decimal_comma))
    notes = [untranslated_note(shown, lang), *conflict_notes(lang, [s.index for s in sections])]
    parts.extend(f'<p class="note">{html.escape(n)}</p>' for n in notes if n)
    parts.append("</section>")
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(text('title', lang, province=province))}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )
