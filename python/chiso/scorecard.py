"""The province scorecard a steering committee reads: a one-page summary across every index with bundled data, then
per index the latest score, the rank (published, or recomputed over the publisher's full field — otherwise none),
the group, the change on last year and on the term baseline where comparable, the contributions to the last
change, the points lost by area with their lead agency, the projection for the next year with its band, and the
charts (profile against the nation, region and best province; rank trajectory with edition breaks; waterfall of
the last change; every province's scores). One language at a time: Vietnamese by default, English on request.

Written as one self-contained HTML file that prints as a document (:func:`scorecard_html`) or an Excel workbook of
real numbers (:func:`scorecard_xlsx`); :func:`scorecard_sections` returns what both show.
``chiso report --province "Trà Vinh" --format html --output tra_vinh.html`` writes it from the shell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from . import score
from ._chiso import Scores, find_province, indices, methodology
from ._labels import Lang, check_lang, index_title, node_names, status, text
from .exceptions import ChisoError, InvalidArgumentError
from .report import _DATASETS, _NOTES, BASELINE, display_frame, province_report

__all__ = ["BASELINE", "Section", "scorecard_html", "scorecard_sections", "scorecard_xlsx"]


@dataclass
class Section:
    """One index in the scorecard. Frames use the report vocabulary (:func:`chiso.report.display_frame`); names
    and notes are already in the scorecard's language."""

    index: str
    title: str
    name: str
    publisher: str
    lead: str
    source: str
    decimals: int
    yearly: pl.DataFrame
    #: The last year with a total, as a row of ``yearly`` (None: the data hold published ranks only).
    latest: dict[str, Any] | None
    #: The last change split by child: ``node``, ``part``, ``contribution``; None with ``contributions_note`` why.
    contributions: pl.DataFrame | None = None
    contributions_heading: str = ""
    contributions_note: str | None = None
    #: Points lost at the first level: ``node``, ``value``, ``max``, ``lost``, ``cost_in_total``, ``owner``.
    points_lost: pl.DataFrame | None = None
    points_lost_heading: str = ""
    points_lost_note: str | None = None
    #: The projection for the year after ``latest``: ``year``, ``score``, ``lower``, ``upper``, ``method``.
    projection: dict[str, Any] | None = None
    projection_note: str | None = None
    scores: Scores | None = field(default=None, repr=False)
    #: (base year, year) of the last change, when there is one.
    last_change: tuple[int, int] | None = None
    editions: list[str] = field(default_factory=list)


def _contributions(
    sec: Section, code: str, scores: Scores, y0: int, y1: int, labels: dict[str, str], lang: Lang
) -> None:
    cross = (
        sec.latest is not None
        and sec.latest["note"] is not None
        and text("note.cross_edition", lang) in sec.latest["note"]
    )
    heading = "contributions_cross" if cross else "contributions"
    sec.contributions_heading = text(heading, lang, base=y0, year=y1)
    try:
        parts = scores.decompose(y0, y1, provinces=[code], nodes=[""])
    except ChisoError:
        parts = pl.DataFrame()
    if parts.is_empty():
        reason = text("reason.trees_differ" if cross else "reason.totals_only", lang)
        sec.contributions_note = text("no_contributions", lang, base=y0, year=y1, reason=reason)
        return
    sec.contributions = parts.select(
        pl.col("child")
        .map_elements(lambda c: labels.get(c, c) if c else text("chart.residual", lang), return_dtype=pl.String)
        .alias("node"),
        pl.col("part").map_elements(lambda p: text(f"part.{p}", lang), return_dtype=pl.String).alias("part"),
        "contribution",
    )


def _points_lost(sec: Section, code: str, scores: Scores, year: int, labels: dict[str, str], lang: Lang) -> None:
    sec.points_lost_heading = text("points_lost", lang, year=year)
    try:
        lost = scores.points_lost(code, year).filter(pl.col("depth") == 1)
    except ChisoError:
        sec.points_lost_note = text("no_points_lost", lang, year=year, reason=text("reason.totals_only", lang))
        return
    if lost.is_empty():
        sec.points_lost_note = text("no_points_lost", lang, year=year, reason=text("reason.totals_only", lang))
        return
    # Owners come in English from the default map (chiso.plans owners); the index's own lead department is shown
    # by its name in the scorecard's language, any other owner as given.
    info = indices().select("lead_department_en", "lead_department_vi").unique()
    to_lang = dict(zip(info["lead_department_en"], info[f"lead_department_{lang}"], strict=True))
    path = "path" if "path" in lost.columns else "node"
    sec.points_lost = lost.select(
        pl.col(path).map_elements(lambda p: labels.get(p, p), return_dtype=pl.String).alias("node"),
        "value",
        "max",
        "lost",
        "cost_in_total",
        pl.col("lead_department").replace(to_lang).alias("owner"),
    )


def _projection(sec: Section, code: str, scores: Scores, year: int, lang: Lang) -> None:
    target = year + 1
    try:
        trend = scores.trend(code, target_year=target)
    except ChisoError:  # the error's own words name API arguments; the reader gets the reason
        sec.projection_note = text("no_projection", lang, year=target, reason=text("reason.no_projection", lang))
        return
    row = trend.row(0, named=True)
    value, lower, upper = row.get("linear"), row.get("lower"), row.get("upper")
    if value is None:
        sec.projection_note = text("no_projection", lang, year=target, reason=text("none", lang))
        return
    years = row.get("fit_years") or list(range(row["first_year"], row["last_year"] + 1))
    banded = lower is not None and upper is not None
    method = [
        text(
            "projection_method" if banded else "projection_method_no_band",
            lang,
            n=len(years),
            years=", ".join(str(y) for y in years),
        )
    ]
    # What the projection rests on, said in words (issue 9 §1): an edition assumed to continue, a province
    # projected on the pre-merger map although it was merged in 2025.
    if row.get("edition_status") == "assumed":
        edition = str(row.get("edition") or "")
        shown = f"{index_title(sec.index)} {edition.split('.')[1]}" if "." in edition else edition
        method.append(text("projection_assumed_edition", lang, edition=shown))
    if row.get("map_status") == "counterfactual":
        method.append(text("projection_counterfactual", lang))
    elif row.get("map_status") == "merged":
        method.append(text("projection_merged", lang))
    sec.projection = {
        "year": target,
        "score": value,
        "lower": lower,
        "upper": upper,
        "method": "; ".join(method),
        "edition_status": row.get("edition_status"),
    }


def _section(index: str, code: str, province: str, lang: Lang) -> Section | None:
    frame = province_report(code, index)
    if not frame.filter(pl.col("score").is_not_null() | pl.col("published_rank").is_not_null()).height:
        return None
    row = indices().filter(index=index).row(0, named=True)
    yearly = display_frame(frame, lang)
    with_score = yearly.filter(pl.col("score").is_not_null())
    sec = Section(
        index=index,
        title=index_title(index),
        name=row[f"name_{lang}"],
        publisher=row[f"publisher_{lang}"],
        lead=row[f"lead_department_{lang}"],
        source=methodology(index).source or "",
        decimals=methodology(index).display_decimals,
        yearly=yearly,
        latest=with_score.row(-1, named=True) if with_score.height else None,
        editions=[e for e in frame["edition"].unique(maintain_order=True).to_list() if e],
    )
    if sec.latest is None:
        return sec
    from .report import _bundled

    data = _bundled(index)
    if "unit" in data.columns:
        data = data.filter(pl.col("unit") != "national")
    if "primary" in data.columns:  # conflicting published values: the primary source's, as in the report
        data = data.filter(pl.col("primary"))
    scores = score(index, data)
    sec.scores = scores
    y1 = sec.latest["year"]
    labels = node_names(scores.methodologies(), lang, y1)
    if with_score.height >= 2:
        y0 = with_score["year"][-2]
        sec.last_change = (y0, y1)
        _contributions(sec, code, scores, y0, y1, labels, lang)
    _points_lost(sec, code, scores, y1, labels, lang)
    _projection(sec, code, scores, y1, lang)
    return sec


def scorecard_sections(province: str, *, lang: Lang | None = None) -> list[Section]:
    """Every index with bundled data for ``province``, in the steering committee's order, as :class:`Section`\\ s.

    >>> [s.title for s in scorecard_sections("Trà Vinh")][:3]
    ['PAPI', 'PCI', 'PGI']
    """
    lang = check_lang(lang)
    code, name = find_province(province)
    _NOTES.clear()
    return [s for index in _DATASETS if (s := _section(index, code, name, lang)) is not None]


def summary_frame(sections: list[Section], lang: Lang) -> pl.DataFrame:
    """One row per index: the latest year, score, shown rank and field, group, changes where comparable, the
    projection with its band, and the lead department. Column keys of the report vocabulary."""
    rows = []
    for s in sections:
        # The last year with a total; for an index whose data hold published ranks only, the last ranked year.
        ranked = s.yearly.filter(pl.col("rank").is_not_null())
        last = s.latest or (ranked.row(-1, named=True) if ranked.height else {})
        p = s.projection or {}
        rows.append(
            {
                "index": s.title,
                "latest_year": last.get("year"),
                "score": last.get("score"),
                "rank": last.get("rank"),
                "n_ranked": last.get("n_ranked"),
                "group": last.get("group"),
                "base_year": last.get("base_year"),
                "delta": last.get("delta"),
                "delta_baseline": last.get("delta_baseline"),
                "projection": p.get("score"),
                "lower": p.get("lower"),
                "upper": p.get("upper"),
                "note": last.get("note"),
                "owner": s.lead,
            }
        )
    schema = {
        "index": pl.String,
        "latest_year": pl.Int64,
        "score": pl.Float64,
        "rank": pl.Int64,
        "n_ranked": pl.Int64,
        "group": pl.String,
        "base_year": pl.Int64,
        "delta": pl.Float64,
        "delta_baseline": pl.Float64,
        "projection": pl.Float64,
        "lower": pl.Float64,
        "upper": pl.Float64,
        "note": pl.String,
        "owner": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def sources_frame(sections: list[Section], lang: Lang) -> pl.DataFrame:
    """One row per index and edition shown: the publisher, the edition's provenance and its source."""
    rows = []
    for s in sections:
        for code in s.editions:
            m = methodology(s.index, edition=code)
            rows.append(
                {
                    "index": s.title,
                    "edition": code,
                    "name": m.name_vi if lang == "vi" else m.name_en,
                    "publisher": s.publisher,
                    "provenance": status(m.status, lang),
                    "source": m.source or s.source,
                }
            )
    return pl.DataFrame(
        rows,
        schema={k: pl.String for k in ("index", "edition", "name", "publisher", "provenance", "source")},
        orient="row",
    )


def scorecard_html(
    province: str,
    path: str | Path | None = None,
    *,
    lang: Lang | None = None,
    decimal_comma: bool | None = None,
    charts: bool = True,
) -> str:
    """The scorecard as one self-contained HTML document that prints as a document (A4, a page per index), in
    Vietnamese (``lang="vi"``, decimal comma unless ``decimal_comma=False``) or English (``lang="en"``); by
    default in the language of :func:`chiso.set_language` (Vietnamese unless changed). Charts are embedded as
    PNG when matplotlib is installed. Written to ``path`` when given; the HTML is returned either way.

    >>> page = scorecard_html("Trà Vinh", charts=False)
    >>> page.startswith("<!DOCTYPE html>") and "Trà Vinh" in page and "PAPI" in page and "Tóm tắt" in page
    True
    """
    from ._scorecard_html import render_html

    lang = check_lang(lang)
    _, name = find_province(province)
    sections = scorecard_sections(province, lang=lang)
    page = render_html(name, sections, lang, decimal_comma=decimal_comma, charts=charts)
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


def scorecard_xlsx(province: str, path: str | Path, *, lang: Lang | None = None) -> dict[str, pl.DataFrame]:
    """The scorecard as an Excel workbook for analysts: a summary sheet, per index a sheet of years and (where the
    data allow) sheets of contributions and points lost, and a sources sheet. Cells hold real numbers with number
    formats (Excel shows them in the reader's own decimal convention), nulls are empty cells, headers are frozen
    and in ``lang``. Returns the frames written, by sheet name (headers as written).

    Needs xlsxwriter (``pip install chiso[excel]``).
    """
    try:
        import xlsxwriter  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InvalidArgumentError("Excel scorecards need the 'excel' extra: pip install chiso[excel]") from exc
    from ._scorecard_xlsx import write_xlsx

    lang = check_lang(lang)
    _, name = find_province(province)
    return write_xlsx(name, scorecard_sections(province, lang=lang), path, lang)
