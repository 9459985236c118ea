"""The scorecard as an Excel workbook: the HTML's sections as sheets of real numbers (number formats, nulls as empty
cells, column widths, frozen headers) with headers in the scorecard's language, and a sources sheet."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ._labels import Lang, text
from .report import BASELINE
from .scorecard import Section, sources_frame, summary_frame

#: Keys of float columns: shown with the index's decimals; signed changes with an explicit sign.
_FLOATS = {"score", "value", "max", "lost", "cost_in_total", "projection", "lower", "upper"}
_SIGNED = {"delta", "delta_baseline", "contribution"}
_INTS = {"year", "latest_year", "rank", "n_ranked"}


def _formats(keys: list[str], decimals: int) -> dict[str, str]:
    zeros = "0" * decimals
    plain = f"0.{zeros}" if decimals else "0"
    signed = f"+{plain};-{plain};{plain}"
    out = {}
    for key in keys:
        if key in _FLOATS:
            out[key] = plain
        elif key in _SIGNED:
            out[key] = signed
        elif key == "rank_change":
            out[key] = "+0;-0;0"
        elif key in _INTS:
            out[key] = "0"
    return out


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31]
    out, n = clean, 2
    while out in used:
        suffix = f" {n}"
        out, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(out)
    return out


def _write(workbook: object, sheet: str, frame: pl.DataFrame, lang: Lang, decimals: int) -> pl.DataFrame:
    """Write ``frame`` (columns named by report keys) under translated headers; returns the frame as written."""
    keys = frame.columns
    headers = [text(k, lang, year=BASELINE) for k in keys]
    shown = frame.rename(dict(zip(keys, headers, strict=True)))
    formats = {text(k, lang, year=BASELINE): f for k, f in _formats(keys, decimals).items()}
    widths = {}
    for key, header in zip(keys, headers, strict=True):
        cells = [len(str(v)) for v in frame[key].to_list() if v is not None]
        longest = max([len(header) * 0.9, *(min(c, 60) for c in cells), 6])
        widths[header] = int(longest * 7.5 + 16)  # pixels: ~7.5 px per character of Calibri 11
    shown.write_excel(
        workbook=workbook,
        worksheet=sheet,
        column_formats=formats,  # type: ignore[arg-type]
        column_widths=widths,
        freeze_panes=(1, 0),
        header_format={"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F2F2F2"},
        autofit=False,
        table_style="Table Style Light 1",
    )
    return shown


def write_xlsx(province: str, sections: list[Section], path: str | Path, lang: Lang) -> dict[str, pl.DataFrame]:
    import xlsxwriter

    used: set[str] = set()
    written: dict[str, pl.DataFrame] = {}
    decimals = max((s.decimals for s in sections), default=2)
    with xlsxwriter.Workbook(str(path)) as workbook:
        sheet = _sheet_name(text("summary", lang), used)
        written[sheet] = _write(workbook, sheet, summary_frame(sections, lang), lang, decimals)
        for s in sections:
            yearly = s.yearly.with_columns(
                pl.col("rank_source").replace_strict(
                    {"published": text("rank.published", lang), "computed": text("rank.computed", lang)},
                    default=None,
                )
            )
            sheet = _sheet_name(s.title, used)
            written[sheet] = _write(workbook, sheet, yearly, lang, s.decimals)
            if s.contributions is not None and s.last_change is not None:
                sheet = _sheet_name(f"{s.title} {text('contribution', lang).split(' (')[0].lower()}", used)
                written[sheet] = _write(workbook, sheet, s.contributions, lang, s.decimals)
            if s.points_lost is not None:
                sheet = _sheet_name(f"{s.title} {text('lost', lang).lower()}", used)
                written[sheet] = _write(workbook, sheet, s.points_lost, lang, s.decimals)
        sheet = _sheet_name(text("sources_heading", lang), used)
        written[sheet] = _write(workbook, sheet, sources_frame(sections, lang), lang, 2)
    return written
