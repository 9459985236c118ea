"""The province scorecard: every index with bundled data — latest score and rank, changes against the previous year
and the term baseline, component contributions, points lost by node and owner, and charts — as one
self-contained HTML file or an Excel workbook with one sheet per index.

``chiso report --province "Trà Vinh" --format html --output tra_vinh.html`` writes it from the shell.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import polars as pl

from . import score
from ._chiso import find_province, indices
from .exceptions import ChisoError, InvalidArgumentError
from .report import _DATASETS, province_report

__all__ = ["scorecard_html", "scorecard_xlsx"]

_CSS = (
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#1f2328}"
    "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #d0d7de;padding:3px 8px;font-size:13px}"
    "th{background:#f6f8fa}.up{color:#1a7f37}.down{color:#cf222e}.note{color:#57606a;font-size:12px}"
)


def _table(df: pl.DataFrame, decimals: int = 2) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    rows = []
    for r in df.iter_rows():
        cells = []
        for c, v in zip(df.columns, r, strict=True):
            text = (
                "–"
                if v is None
                else (
                    f"{v:+.{decimals}f}"
                    if c.startswith("delta") or c == "contribution"
                    else f"{v:.{decimals}f}"
                    if isinstance(v, float)
                    else str(v)
                )
            )
            cls = ""
            if (c.startswith("delta") or c in ("rank_change", "contribution")) and isinstance(v, (int, float)) and v:
                cls = ' class="up"' if v > 0 else ' class="down"'
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _png(fig: object) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")  # type: ignore[attr-defined]
    import matplotlib.pyplot as plt

    plt.close(fig)  # type: ignore[arg-type]
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}"/>'


#: The first data year of the government term (2021–2026): the baseline PAPI's reports compare against (papi.md §6),
#: applied to every index as the term's reference point.
BASELINE = 2021


def _sections(province: str) -> list[tuple[str, str, pl.DataFrame]]:
    out = []
    for index in _DATASETS:
        frame = province_report(province, index)
        if frame.filter(pl.col("score").is_not_null() | pl.col("published_rank").is_not_null()).height:
            base = frame.filter(pl.col("year") == BASELINE)["score"]
            base_value = base[0] if base.len() else None
            frame = frame.with_columns(
                (pl.col("score") - base_value).alias(f"delta_vs_{BASELINE}")
                if base_value is not None
                else pl.lit(None, dtype=pl.Float64).alias(f"delta_vs_{BASELINE}")
            )
            out.append((index, index.upper(), frame))
    return out


def scorecard_html(province: str, path: str | Path | None = None, *, charts: bool = True) -> str:
    """The scorecard as one self-contained HTML document (charts embedded as PNG when matplotlib is installed).
    Written to ``path`` when given; the HTML is returned either way.

    >>> page = scorecard_html("Trà Vinh", charts=False)
    >>> page.startswith("<!DOCTYPE html>") and "Trà Vinh" in page and "PAPI" in page
    True
    """
    code, name = find_province(province)
    info = indices()
    parts = [f"<h1>{html.escape(name)} — chỉ số / indices</h1>"]
    for index, title, frame in _sections(code):
        row = info.filter(index=index).row(0, named=True)
        parts.append(f"<h2>{title} — {html.escape(row['name_vi'])}</h2>")
        parts.append(
            f'<p class="note">{html.escape(row["publisher"])}; lead: {html.escape(row["lead_department_vi"])}</p>'
        )
        with_score = frame.filter(pl.col("score").is_not_null())
        if with_score.height:
            last = with_score.row(-1, named=True)
            # A rank only over the publisher's whole field; otherwise the published rank, and why none is computed.
            if last["rank"] is not None:
                rank = f", rank {last['rank']}/{last['n_field']}"
            elif last["published_rank"] is not None:
                rank = f", published rank {last['published_rank']}"
            else:
                rank = ""
            parts.append(f"<p><b>{last['year']}: {last['score']:.2f}{rank}</b></p>")
            if last["rank"] is None and last["field_status"] == "partial_field":
                parts.append(
                    f'<p class="note">No rank computed: the data hold {last["n_ranked"]} of the {last["n_field"]} '
                    "provinces the publisher ranked.</p>"
                )
        parts.append(
            _table(
                frame.select(
                    "year",
                    "edition",
                    "score",
                    "delta",
                    f"delta_vs_{BASELINE}",
                    "rank",
                    "n_field",
                    "field_status",
                    "rank_change",
                    "published_rank",
                    "group",
                    "cross_edition",
                )
            )
        )
        if with_score.height >= 2:
            data = _DATASETS[index]()
            scores = score(index, data.filter(pl.col("year").is_in(with_score["year"].tail(2).to_list())))
            y0, y1 = with_score["year"][-2], with_score["year"][-1]
            try:
                parts_frame = scores.decompose(y0, y1, provinces=[code], nodes=[""])
                if parts_frame.height:
                    parts.append(f"<h3>Contributions to the change {y0}→{y1}</h3>")
                    parts.append(_table(parts_frame.select("child", "part", "contribution")))
                lost = scores.points_lost(code, y1).filter(pl.col("depth") == 1)
                parts.append(f"<h3>Points lost {y1} by node and owner</h3>")
                parts.append(_table(lost.select("node", "value", "max", "lost", "cost_in_total", "lead_department")))
                if charts:
                    try:
                        from . import plot

                        fig, _ = plot.waterfall(scores, code, y0, y1)
                        parts.append(_png(fig))
                    except (ChisoError, ImportError):
                        pass
            except ChisoError as exc:
                parts.append(f'<p class="note">{html.escape(str(exc))}</p>')
    parts.append(
        '<p class="note">Ranks are computed by chiso unless marked published; sources: chiso.datasets.sources().</p>'
    )
    page = (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(name)}</title>'
        f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>"
    )
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


def scorecard_xlsx(province: str, path: str | Path) -> dict[str, pl.DataFrame]:
    """The scorecard as an Excel workbook, one sheet per index with data (written with xlsxwriter through polars).
    Returns the frames written, by sheet name."""
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InvalidArgumentError("Excel scorecards need the 'excel' extra: pip install chiso[excel]") from exc
    code, _ = find_province(province)
    frames = {title: frame for _, title, frame in _sections(code)}
    with xlsxwriter.Workbook(str(path)) as workbook:
        for title, frame in frames.items():
            frame.write_excel(workbook=workbook, worksheet=title)
    return frames
