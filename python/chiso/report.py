"""The province report: every bundled index's scores, ranks and year-over-year change for one province.

``chiso report --province "Trà Vinh"`` prints it; :func:`province_report` returns the frames.
"""

from __future__ import annotations

import polars as pl

from . import datasets, score
from ._chiso import find_province, indices, methodology
from .exceptions import UnknownIndexError

__all__ = ["province_report", "render"]

_DATASETS = {
    "par": datasets.par,
    "sipas": datasets.sipas,
    "papi": datasets.papi,
    "pci": datasets.pci,
    "pgi": datasets.pgi,
    "ict": datasets.ict,
    "dti": datasets.dti,
}

#: Notes collected while building a report (conflicting published values shown by their first source).
_NOTES: list[str] = []


def _bundled(index: str) -> pl.DataFrame:
    key = index.strip().lower()
    if key not in _DATASETS:
        raise UnknownIndexError(
            f"no bundled dataset for index {index!r}; indices with bundled data: {', '.join(_DATASETS)}", index=index
        )
    return _DATASETS[key]()


def province_report(province: str, index: str) -> pl.DataFrame:
    """One row per data year for ``province`` in ``index``: the total, its rank, the change against the previous
    year and flags.

    Columns: ``year``, ``edition``, ``score``, ``base_year`` (the previous year with a total, which ``delta`` and
    ``rank_change`` are measured against: not always ``year - 1``, e.g. PCI 2024 against 2022 where 2023 has
    only a published rank), ``delta`` (points),
    ``rank`` (over the field the publisher ranked that year; null when the bundled data do not hold that whole
    field), ``n_ranked`` and ``n_field`` (provinces with a value / provinces the publisher ranked),
    ``field_status`` (``full_field`` or ``partial_field``), ``rank_change`` (positive = moved up),
    ``published_rank`` (the publisher's own rank where the bundled data has it), ``group`` (quartile group where
    the edition has them), ``cross_edition`` (the previous year was scored with another edition, so the change
    mixes methodology and performance), ``rank_status``, ``differs_from_recomputed`` (the published total is not
    reproduced from its parts within the spec's tolerance, e.g. PCI 2011).

    >>> df = province_report("Tra Vinh", "papi")
    >>> df.filter(year=2024).select("year", "edition", "rank", "n_field").row(0)
    (2024, 'papi.2021', 57, 61)
    >>> df.filter(year=2022).select("rank", "n_ranked", "n_field", "field_status").row(0)
    (None, 61, 63, 'partial_field')
    """
    code, _ = find_province(province)
    data = _bundled(index)
    index = index.strip().lower()
    if "unit" in data.columns:
        data = data.filter(pl.col("unit") != "national")
    alternatives = data.filter(~pl.col("primary")) if "primary" in data.columns else data.clear()
    if alternatives.height:
        cells = alternatives.select("province", "year").unique().sort("year").rows()
        _NOTES.append(
            f"{index.upper()}: conflicting published values for {', '.join(f'{p} {y}' for p, y in cells)}; the "
            f"primary source's value is shown (all values: chiso.datasets.{index}())."
        )
    if data.filter(pl.col("province_code") == code).height == 0:
        return pl.DataFrame(
            schema={
                "year": pl.Int64,
                "edition": pl.String,
                "score": pl.Float64,
                "base_year": pl.Int64,
                "delta": pl.Float64,
                "rank": pl.Int64,
                "n_ranked": pl.Int64,
                "n_field": pl.Int64,
                "field_status": pl.String,
                "rank_change": pl.Int64,
                "published_rank": pl.Int64,
                "group": pl.String,
                "cross_edition": pl.Boolean,
                "rank_status": pl.String,
                "differs_from_recomputed": pl.Boolean,
            }
        )
    # The publisher's totals stand where they exist (VCCI's 2011 composites are not reproduced by the 2009–2012
    # weights); the recomputation is shown beside them as a check. A published rank without a score (e.g. DTI
    # 2022) still gets its row, from the rank rows the data carries.
    totals = score(index, data, prefer="published").totals()
    check = (
        score(index, data)
        .compare_published()
        .filter(pl.col("node") == "")
        .select("province_code", "year", (~pl.col("within")).alias("differs_from_recomputed"))
    )
    mine = totals.filter(pl.col("province_code") == code).join(check, on=["province_code", "year"], how="left")
    mine = mine.sort("year")
    # Changes are taken against the previous year that has a total: a year without one (incomplete data) neither
    # gets a change nor breaks the next year's.
    with_total = mine.filter(pl.col("score").is_not_null()).with_columns(
        pl.col("year").shift(1).alias("base_year"),
        (pl.col("score") - pl.col("score").shift(1)).alias("delta"),
        (pl.col("rank").shift(1) - pl.col("rank")).alias("rank_change"),
        (pl.col("edition") != pl.col("edition").shift(1)).fill_null(False).alias("cross_edition"),
    )
    mine = mine.join(
        with_total.select("year", "base_year", "delta", "rank_change", "cross_edition"),
        on="year",
        how="left",
        maintain_order="left",
    ).with_columns(pl.col("cross_edition").fill_null(False))
    return mine.select(
        "year",
        "edition",
        "score",
        "base_year",
        "delta",
        "rank",
        "n_ranked",
        "n_field",
        "field_status",
        "rank_change",
        "published_rank",
        "group",
        "cross_edition",
        "rank_status",
        pl.col("differs_from_recomputed").fill_null(False),
    )


def _fmt(value: object, spec: str) -> str:
    if value is None:
        return "–"
    return format(value, spec)


def render(province: str, indexes: list[str] | None = None, fmt: str = "text") -> str:
    """The report as text (``fmt="text"``) or Markdown (``fmt="md"``)."""
    code, name = find_province(province)
    info = indices()
    out: list[str] = []
    _NOTES.clear()
    md = fmt == "md"
    out.append(
        f"# chiso report — {name} (GSO {code})" if md else f"chiso report — {name} (GSO {code}), bundled published data"
    )
    for index in indexes or list(_DATASETS):
        df = province_report(code, index)
        row = info.filter(index=index.strip().lower()).row(0, named=True)
        decimals = methodology(index).display_decimals
        out.append("")
        title = (
            f"{index.upper()} — {row['name_en']} / {row['name_vi']}; publisher: {row['publisher']}; "
            f"lead: {row['lead_department_en']}"
        )
        out.append(f"## {title}" if md else title)
        header = ["year", "edition", "score", "Δ", "rank", "Δrank", "published rank", "group", "note"]
        lines = []
        for r in df.iter_rows(named=True):
            notes = []
            if r["cross_edition"] and r["delta"] is not None:
                notes.append("cross-edition change")
            if r["base_year"] is not None and r["base_year"] != r["year"] - 1:
                notes.append(f"change against {r['base_year']}")
            if r["rank"] is None and r["score"] is not None and r["field_status"] == "partial_field":
                notes.append(f"no rank: partial field, {r['n_ranked']} of {r['n_field']} provinces in the data")
            if r["published_rank"] is None and r["rank"] is not None:
                notes.append("rank derived")
            elif r["rank"] is not None and r["published_rank"] is not None and r["rank"] != r["published_rank"]:
                notes.append("published rank differs (ties broken on unrounded scores)")
            if r["differs_from_recomputed"]:
                notes.append("published total differs from its recomputation")
            if r["score"] is None:
                notes.append("published rank only" if r["published_rank"] is not None else "no total (incomplete data)")
            lines.append(
                [
                    str(r["year"]),
                    r["edition"],
                    _fmt(r["score"], f".{decimals}f"),
                    _fmt(r["delta"], f"+.{decimals}f"),
                    "–" if r["rank"] is None else f"{r['rank']}/{r['n_field']}",
                    _fmt(r["rank_change"], "+d"),
                    _fmt(r["published_rank"], "d"),
                    r["group"] or "–",
                    "; ".join(notes),
                ]
            )
        if not lines:
            out.append(f"no {index.upper()} data for {name} in the bundled datasets")
        elif md:
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * len(header))
            out.extend("| " + " | ".join(line) + " |" for line in lines)
        else:
            widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
            out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
            out.extend("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines)
    out.append("")
    out.extend(_NOTES)
    out.append(
        "Ranks are computed by chiso (1224 competition ranking) only where the bundled data hold every province "
        "the publisher ranked that year (rank/N, N = that field); elsewhere only the published rank is shown. PAPI "
        "publishes no official rank, and VCCI ranks on unrounded composites (where only 2-decimal composites exist, "
        "ties may show where VCCI has none). Sources: data/SOURCES.md."
    )
    return "\n".join(out)
