"""The province report: every bundled index's scores, ranks and year-over-year change for one province.

``chiso report --province "Trà Vinh"`` prints it; :func:`province_report` returns the frames.
"""

from __future__ import annotations

import polars as pl

from . import datasets, score
from ._chiso import find_province, indices, methodology
from ._labels import Lang, check_lang, group_label, index_title, number, text, untranslated_note
from .exceptions import InvalidArgumentError, UnknownIndexError

__all__ = ["BASELINE", "display_frame", "province_report", "render"]

#: The first data year of the government term (2021–2026): the baseline PAPI's reports compare against (papi.md §6),
#: applied to every index as the term's reference point. A change against it is shown only for later years scored
#: with the same edition.
BASELINE = 2021

_DATASETS = {
    "par": datasets.par,
    "sipas": datasets.sipas,
    "papi": datasets.papi,
    "pci": datasets.pci,
    "pgi": datasets.pgi,
    "ict": datasets.ict,
    "dti": datasets.dti,
}

#: Conflicts met while building a report, by index: the (province, year) cells whose published values differ between
#: sources (the primary source's value is shown); rendered in the report's language by :func:`conflict_notes`.
_NOTES: dict[str, list[tuple[str, int]]] = {}


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
    reproduced from its parts within the spec's tolerance, e.g. PCI 2011). A value the data do not give is null.

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
        _NOTES[index] = alternatives.select("province", "year").unique().sort("year").rows()
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


def display_frame(frame: pl.DataFrame, lang: Lang | None = None, *, baseline: int = BASELINE) -> pl.DataFrame:
    """What a reader is shown of a :func:`province_report` frame: the same years with only honest comparisons.

    Columns (keys of the report vocabulary, translated by the renderers): ``year``, ``edition``, ``score``,
    ``base_year`` and ``delta`` (against the previous year with a total; null when that year was scored with
    another edition), ``delta_baseline``
    (against ``baseline``, only for later years of the same edition), ``rank`` (the publisher's rank where
    published, else chiso's where it is taken over the publisher's full field, else null), ``n_ranked``,
    ``rank_change`` (between shown ranks of the same edition), ``rank_source`` (``"published"`` or
    ``"computed"``), ``group`` (display label) and ``note`` (the reasons, in ``lang``).

    >>> df = display_frame(province_report("Trà Vinh", "pci"), "en")
    >>> df.filter(year=2022).select("delta", "delta_baseline", "note").row(0)
    (None, None, 'new methodology edition: not compared with the previous year; other edition than 2021: not compared')
    """
    lang = check_lang(lang)
    base_rows = frame.filter(pl.col("year") == baseline, pl.col("score").is_not_null())
    base = base_rows.row(0, named=True) if base_rows.height else None
    rows = []
    previous: dict[str, object] | None = None  # the previous year with a total
    for r in frame.iter_rows(named=True):
        notes = []
        # A rank only over the field the publisher ranked (``field_status``/``n_field`` of the report frame).
        partial = "partial_field" in (r.get("field_status"), r.get("rank_status"))
        field = r.get("n_field") or r["n_ranked"]
        if r["published_rank"] is not None:
            rank, source = r["published_rank"], "published"
            if r["rank"] is not None and r["rank"] != r["published_rank"] and not partial:
                notes.append(text("note.rank_differs", lang))
        elif r["rank"] is not None and not partial:
            rank, source = r["rank"], "computed"
        else:
            rank, source = None, None
            if partial and r["score"] is not None:
                notes.append(text("note.rank_partial", lang, n=r["n_ranked"], field=field))
        delta = r["delta"]
        rank_change = None
        if r["score"] is not None:
            if r["cross_edition"] and previous is not None:
                delta = None
                notes.append(text("note.cross_edition", lang))
            else:
                if previous is not None and rank is not None and previous["rank"] is not None:
                    rank_change = previous["rank"] - rank  # type: ignore[operator]
                base_year = r.get("base_year")
                if delta is not None and base_year is not None and base_year != r["year"] - 1:
                    notes.append(text("note.base_year", lang, year=base_year))
        delta_baseline = None
        if base is not None and r["year"] > baseline and r["score"] is not None:
            if r["edition"] == base["edition"]:
                delta_baseline = r["score"] - base["score"]
            else:
                notes.append(text("note.baseline_not_comparable", lang, year=baseline))
        if r["differs_from_recomputed"]:
            notes.append(text("note.differs_from_recomputed", lang))
        if r["score"] is None:
            notes.append(text("note.rank_only" if r["published_rank"] is not None else "note.no_total", lang))
        if r.get("edition_status") == "assumed":
            notes.append(text("note.assumed", lang))
        rows.append(
            {
                "year": r["year"],
                "edition": r["edition"],
                "score": r["score"],
                "base_year": r.get("base_year") if delta is not None else None,
                "delta": delta,
                "delta_baseline": delta_baseline,
                "rank": rank,
                "n_ranked": field if rank is not None else None,
                "rank_change": rank_change,
                "rank_source": source,
                "group": group_label(r["group"], lang),
                "note": "; ".join(notes) or None,
            }
        )
        if r["score"] is not None:
            previous = {"rank": rank}
    schema = {
        "year": pl.Int64,
        "edition": pl.String,
        "score": pl.Float64,
        "base_year": pl.Int64,
        "delta": pl.Float64,
        "delta_baseline": pl.Float64,
        "rank": pl.Int64,
        "n_ranked": pl.Int64,
        "rank_change": pl.Int64,
        "rank_source": pl.String,
        "group": pl.String,
        "note": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def conflict_notes(lang: Lang | None = None, only: list[str] | None = None) -> list[str]:
    """The conflicts met since the notes were last cleared, one sentence per index (of ``only`` when given), in
    ``lang``."""
    lang = check_lang(lang)
    out = []
    for index, cells in _NOTES.items():
        if only is not None and index not in only:
            continue
        where = ", ".join(f"{p} {y}" for p, y in cells)
        out.append(
            f"{index_title(index)}: số liệu công bố không thống nhất giữa các nguồn ({where}); hiển thị số liệu của "
            f"nguồn chính (mọi giá trị: chiso.datasets.{index}())."
            if lang == "vi"
            else f"{index_title(index)}: conflicting published values ({where}); the primary source's value is shown "
            f"(all values: chiso.datasets.{index}())."
        )
    return out


def render(
    province: str,
    indexes: list[str] | None = None,
    fmt: str = "text",
    *,
    lang: Lang | None = None,
    decimal_comma: bool | None = None,
) -> str:
    """The report as text (``fmt="text"``) or Markdown (``fmt="md"``), in Vietnamese (``lang="vi"``, with the
    decimal comma unless ``decimal_comma=False``) or English (``lang="en"``); by default in the language of
    :func:`chiso.set_language` (Vietnamese unless changed).

    >>> print(render("Trà Vinh", ["papi"], lang="en").splitlines()[0])
    chiso report — Trà Vinh (GSO 84), bundled published data
    """
    lang = check_lang(lang)
    if fmt not in ("text", "md"):
        raise InvalidArgumentError(f"fmt={fmt!r}: use 'text' or 'md'")
    code, name = find_province(province)
    info = indices()
    out: list[str] = []
    _NOTES.clear()
    md = fmt == "md"
    shown: list[str] = []  # group labels shown (to explain untranslated ones once)
    heading = {
        "vi": f"Báo cáo chiso — {name} (mã GSO {code}), số liệu công bố đi kèm",
        "en": f"chiso report — {name} (GSO {code}), bundled published data",
    }[lang]
    out.append(f"# {heading}" if md else heading)
    for index in indexes or list(_DATASETS):
        df = display_frame(province_report(code, index), lang)
        key = index.strip().lower()
        row = info.filter(index=key).row(0, named=True)
        decimals = methodology(key).display_decimals
        out.append("")
        title = (
            f"{index_title(key)} — {row[f'name_{lang}']}; "
            f"{text('publisher', lang).lower()}: {row[f'publisher_{lang}']}; "
            f"{text('lead', lang).lower()}: {row[f'lead_department_{lang}']}"
        )
        out.append(f"## {title}" if md else title)
        header = [
            text(k, lang, year=BASELINE)
            for k in ("year", "edition", "score", "delta", "delta_baseline", "rank", "rank_change", "group", "note")
        ]
        lines = []

        def num(value: float | None, sign: bool = False, decimals: int = decimals) -> str:
            return number(value, decimals, lang, sign=sign, decimal_comma=decimal_comma)

        for r in df.iter_rows(named=True):
            rank = "–" if r["rank"] is None else f"{r['rank']}" + (f"/{r['n_ranked']}" if r["n_ranked"] else "")
            if r["rank_source"] == "computed":
                rank += " †"
            lines.append(
                [
                    str(r["year"]),
                    r["edition"] or "–",
                    num(r["score"]),
                    num(r["delta"], True),
                    num(r["delta_baseline"], True),
                    rank,
                    "–" if r["rank_change"] is None else f"{r['rank_change']:+d}".replace("-", "\u2212"),
                    r["group"] or "–",
                    r["note"] or "",
                ]
            )
        if not lines:
            out.append(text("no_data", lang, index=index_title(key), province=name))
        elif md:
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * len(header))
            out.extend("| " + " | ".join(line) + " |" for line in lines)
        else:
            widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
            out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
            out.extend("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines)
        shown.extend(line[7] for line in lines)
    out.append("")
    if (note := untranslated_note(shown, lang)) is not None:
        out.append(note)
    out.extend(conflict_notes(lang))
    out.append(f"† {text('note.rank_derived', lang)}. {text('sources_text', lang)}")
    return "\n".join(out)
