"""chiso — Vietnam's provincial governance and competitiveness indices.

Score PCI and PAPI (more indices as they land) exactly as their publishers do, from methodology files that can be
checked line by line against the publishers' tables, with the published data bundled.

>>> import chiso
>>> scores = chiso.score("papi", chiso.datasets.papi())
>>> tv = scores.totals().filter(province="Trà Vinh", year=2024)
>>> round(tv["score"][0], 4), tv["group"][0]
(40.6163, 'lowest')
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any, Literal

import polars as pl

from . import _chiso
from ._boundary import guard_extension, guard_module

# Before anything binds a compiled name: every compiled function and method checks its arguments at the door.
guard_extension(_chiso)

from . import datasets, indicators, plans, plot, project, survey, uncertainty  # noqa: E402
from ._chiso import (  # noqa: E402
    Methodology,
    Scores,
    __version__,
    _member_mean,
    _score,
    find_province,
    indices,
    load_methodology,
    methodology,
    methodology_from_toml,
    province_codes,
    provinces,
)
from ._display import set_language  # noqa: E402
from ._frames import observations, read_table, to_polars  # noqa: E402
from .exceptions import (  # noqa: E402
    ArgumentRangeError,
    ArgumentTypeError,
    ChisoError,
    DataError,
    DegenerateIndicatorError,
    EmptyResultError,
    IndicatorValueError,
    InvalidArgumentError,
    MethodologyError,
    MissingDataWarning,
    MissingFileError,
    MissingMaximumError,
    UnknownIndexError,
    UnknownNodeError,
    UnknownProvinceError,
)

__all__ = [
    "ArgumentRangeError",
    "ArgumentTypeError",
    "ChisoError",
    "DataError",
    "DegenerateIndicatorError",
    "IndicatorValueError",
    "EmptyResultError",
    "InvalidArgumentError",
    "Methodology",
    "MissingDataWarning",
    "MethodologyError",
    "MissingFileError",
    "MissingMaximumError",
    "Scores",
    "UnknownIndexError",
    "UnknownNodeError",
    "UnknownProvinceError",
    "__version__",
    "compare",
    "compare_to_baseline",
    "to_units_2025",
    "datasets",
    "indicators",
    "find_province",
    "indices",
    "load_methodology",
    "methodology",
    "methodology_from_toml",
    "province_codes",
    "provinces",
    "plans",
    "plot",
    "project",
    "report",
    "score",
    "scorecard",
    "set_language",
    "survey",
    "uncertainty",
]


def score(
    index_or_methodology: str | Methodology,
    data: Any,
    *,
    edition: str | None = None,
    missing: Literal["strict", "renormalise"] = "strict",
    prefer: Literal["computed", "published"] = "computed",
    ci_level: float = 0.95,
) -> Scores:
    """Score an index from whatever level the data has.

    Parameters
    ----------
    index_or_methodology
        An index id (``"pci"``, ``"papi"``): each data year is scored with the edition in force that year. Or a
        :class:`Methodology` (built-in, derived with :meth:`Methodology.with_weights`, or loaded from a file),
        used for every year.
    data
        A polars or pandas DataFrame, or the path of a CSV, Parquet or Excel file holding one (identifier columns
        are read as text, an empty ``node`` cell is the total); long (``province``, ``year``, ``node``, ``value``;
        ``node`` is the path below the edition root, ``transparency``, ``""`` for the total — the meaning of
        ``node`` in every chiso frame — or a full code such as ``pci.2013/transparency``; a ``code`` column of full
        codes, as chiso's own frames and datasets carry, wins over ``node``) or wide (``province``, ``year`` and one
        column per node path). Province names are matched ignoring case, accents and punctuation. Null cells are
        missing values; values given at any level are leaves and every ancestor is computed. An optional
        ``measure`` column says how each value is given: ``score`` (the node's own scale), ``points``, ``ratio`` or
        ``pct``, converted with the node's maximum; ``rank`` rows are kept as the published rank beside the
        computed one (``published_rank``), ``tier``/``group`` rows are skipped. A boolean ``primary`` column (the
        bundled datasets) keeps only the primary value of conflicting published ones.
    edition
        Score every year with this edition code (e.g. ``"pci.2013"``) instead of the one in force.
    missing
        ``"strict"`` (default): a parent with a missing child is missing and ``missing_children`` says which.
        ``"renormalise"``: apply the rule over the present children; such values are labelled DERIVED.
    prefer
        When a node is both given and computable from complete children: ``"computed"`` (default) keeps the
        computed value and the given one in ``input`` (see :meth:`Scores.compare_published`); ``"published"``
        keeps the given value (e.g. VCCI's 2011 composites, which its weights do not reproduce).
    ci_level
        A long frame may carry the sampling uncertainty of its values beside ``value``: a standard error ``se``, or
        a confidence interval ``ci_low``/``ci_high`` at this level (PAPI and PCI publish 95% intervals). They do not
        change the scores; :meth:`Scores.compare` tests changes with them (``significant``, ``p_value``).

    Examples
    --------
    >>> import polars as pl, chiso
    >>> wide = pl.DataFrame({
    ...     "province": ["Trà Vinh", "Vĩnh Long"], "year": [2015, 2015],
    ...     "entry_costs": [7.0, 8.0], "land_access": [6.0, 6.0], "transparency": [6.5, 6.0],
    ...     "time_costs": [7.5, 7.0], "informal_charges": [6.0, 6.0], "policy_bias": [5.5, 5.0],
    ...     "proactivity": [6.5, 6.0], "business_support": [6.0, 6.5], "labor_training": [6.2, 6.0],
    ...     "legal_institutions": [7.0, 7.0]})
    >>> chiso.score("pci", wide).totals().select("province", "score", "rank", "rank_within", "field_status")
    shape: (2, 5)
    ┌───────────┬───────┬──────┬─────────────┬───────────────┐
    │ province  ┆ score ┆ rank ┆ rank_within ┆ field_status  │
    │ ---       ┆ ---   ┆ ---  ┆ ---         ┆ ---           │
    │ str       ┆ f64   ┆ i64  ┆ i64         ┆ str           │
    ╞═══════════╪═══════╪══════╪═════════════╪═══════════════╡
    │ Trà Vinh  ┆ 63.15 ┆ null ┆ 1           ┆ partial_field │
    │ Vĩnh Long ┆ 62.5  ┆ null ┆ 2           ┆ partial_field │
    └───────────┴───────┴──────┴─────────────┴───────────────┘

    Two of the 63 provinces VCCI ranks: ``rank`` (the publisher's field) is null, ``rank_within`` ranks the two.
    """
    if isinstance(data, (str, os.PathLike)):  # what to_polars reads as a path; bytes are not a path here
        data = read_table(data)  # read once: the values and their se / ci_low / ci_high columns alike
    f = observations(data)
    scores = _score(
        index_or_methodology,
        f.province_names,
        f.province_idx,
        f.years,
        f.node_names,
        f.node_idx,
        f.values,
        measure_names=f.measure_names,
        measure_idx=f.measure_idx,
        present=f.present,
        edition=edition,
        missing=missing,
        prefer=prefer,
    )
    scores = _with_uncertainty(scores, data, ci_level)
    _warn_if_no_total(scores)
    return scores


def _with_uncertainty(scores: Scores, data: Any, ci_level: float) -> Scores:
    """The ``se`` / ``ci_low`` / ``ci_high`` columns of a long frame, attached to the scores (none: unchanged)."""
    df = to_polars(data)
    columns = [c for c in ("se", "ci_low", "ci_high") if c in df.columns]
    if not columns or "node" not in df.columns:
        return scores
    province = "province_code" if "province_code" in df.columns else "province"
    df = df.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in columns))
    if df.height == 0:
        return scores

    def column(name: str) -> list[float | None]:
        if name not in df.columns:
            return [None] * df.height
        return df[name].cast(pl.Float64).to_list()

    return scores._with_uncertainty(
        df[province].cast(pl.String).to_list(),
        df["year"].cast(pl.Int64).to_list(),
        df["node"].cast(pl.String).fill_null("").to_list(),
        column("se"),
        column("ci_low"),
        column("ci_high"),
        ci_level,
    )


def _warn_if_no_total(scores: Scores) -> None:
    """A result whose every total is missing is not silent (issue 9 §6): name the children missing everywhere."""
    missing = scores._children_missing_everywhere()
    if missing is None:
        return
    everywhere = sorted(missing)
    which = (
        (", ".join(everywhere) + (" have" if len(everywhere) > 1 else " has")) if everywhere else "some children have"
    )
    warnings.warn(
        f"no total for any of the {len(scores.totals())} province-years: {which} no value in any of them. A column "
        "may be missing from the data, or the data may be at another level; give those values, or score with "
        "missing='renormalise' (DERIVED). missing_children names the gaps per row.",
        MissingDataWarning,
        stacklevel=3,
    )


def compare(
    scores: Scores,
    base_year: int,
    year: int,
    *,
    nodes: list[str] | None = None,
    provinces: list[str] | None = None,
    comparable_only: bool = False,
    threshold: float | None = None,
    measure: Literal["relative", "points"] = "relative",
    merge_rule: Literal["member_mean"] | None = None,
    level: float = 0.05,
    view: Literal["long", "wide", "display"] = "long",
) -> Any:
    """What changed between two data years, for every province and node (see :meth:`Scores.compare`).

    ``view="wide"`` gives one row per province and one ``delta`` column per node (the long view is the one that
    pivots cleanly; the wide one reads like the publishers' tables); ``view="display"`` wraps the long view for a
    notebook: deltas coloured by sign, cross-edition and DERIVED rows marked (``.frame`` holds the DataFrame).

    >>> import chiso
    >>> s = chiso.score("papi", chiso.datasets.papi())
    >>> w = chiso.compare(s, 2021, 2024, provinces=["Trà Vinh", "Vĩnh Long"], nodes=["", "transparency"], view="wide")
    >>> w.columns
    ['province_code', 'province', 'base_year', 'year', 'total', 'transparency']
    """
    long = scores.compare(
        base_year,
        year,
        nodes=nodes,
        provinces=provinces,
        comparable_only=comparable_only,
        threshold=threshold,
        measure=measure,
        merge_rule=merge_rule,
        level=level,
    )
    if view == "long":
        return long
    if view == "display":
        from ._display import Table

        return Table(long, f"{base_year} → {year}")
    if view != "wide":
        raise InvalidArgumentError(f"view={view!r}: use 'long', 'wide' or 'display'")
    return long.with_columns(pl.when(pl.col("node") == "").then(pl.lit("total")).otherwise("node").alias("node")).pivot(
        on="node", index=["province_code", "province", "base_year", "year"], values="delta", maintain_order=True
    )


def compare_to_baseline(
    scores: Scores,
    baseline: int,
    years: list[int] | None = None,
    **options: Any,
) -> pl.DataFrame:
    """Every later year against one fixed baseline year (PAPI's term baselines: 2016 for 2016–2021, 2021 for
    2021–2026), stacked in one long frame. ``options`` are those of :meth:`Scores.compare`.

    >>> import chiso
    >>> s = chiso.score("papi", chiso.datasets.papi())
    >>> b = chiso.compare_to_baseline(s, 2021, provinces=["Trà Vinh"], nodes=[""])
    >>> b.select("base_year", "year", "comparability").rows()
    [(2021, 2022, 'within_edition'), (2021, 2023, 'within_edition'), (2021, 2024, 'within_edition')]
    """
    scored_years = sorted(scores.totals()["year"].unique().to_list())
    wanted = years if years is not None else [y for y in scored_years if y > baseline]
    frames = [scores.compare(baseline, y, **options) for y in wanted]
    if not frames:
        raise InvalidArgumentError(f"no years to compare with baseline {baseline}; scored years: {scored_years}")
    return pl.concat(frames)


def to_units_2025(data: Any, index: str, *, rule: Literal["member_mean"] | None = None) -> pl.DataFrame:
    """Map a long frame of the 63 provinces (``province``, ``year``, ``node``, ``value``) onto the 34 units of
    2025 with the index's published rule — only DTI has one, the mean of the member provinces (README §1.5
    MEMBER_MEAN) — or with ``rule="member_mean"`` for another index, which labels the result user-supplied. Without
    a rule the mapping is refused. A unit gets a value at a node only when every member province has one.

    >>> import polars as pl, chiso
    >>> rows = pl.DataFrame({"province": ["Đà Nẵng", "Quảng Nam"], "year": [2024, 2024], "node": ["", ""],
    ...                      "value": [0.8335, 0.5803]})
    >>> out = chiso.to_units_2025(rows, "dti")
    >>> out.select("province_code", "province", pl.col("value").round(4), "provenance").rows()
    [('N48', 'Đà Nẵng', 0.7069, 'official')]
    """
    rule_of_index = {"dti": "official"}
    key = index.strip().lower()
    if rule is None and key not in rule_of_index:
        raise InvalidArgumentError(
            f"{index} has no published rule for the 34 units of 2025 (README §1.9: only DTI publishes one, the mean "
            "of the member provinces); pass rule='member_mean' to apply it as your own choice"
        )
    if rule not in (None, "member_mean"):
        raise InvalidArgumentError(f"rule={rule!r}: the known rule is 'member_mean'")
    frame = to_polars(data)
    missing = [c for c in ("province", "year", "node", "value") if c not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}; to_units_2025 needs province, year, node, value")
    frame = frame.filter(pl.col("value").is_not_null())
    rows = list(
        zip(
            frame["province"].cast(pl.String).to_list(),
            frame["year"].cast(pl.Int64).to_list(),
            frame["node"].cast(pl.String).to_list(),
            frame["value"].cast(pl.Float64).to_list(),
            strict=True,
        )
    )
    merged = _member_mean(rows, index=key)
    units = provinces("units_2025").select(pl.col("code").alias("province_code"), pl.col("name_vi").alias("province"))
    out = pl.DataFrame(
        merged,
        schema={"province_code": pl.String, "year": pl.Int64, "node": pl.String, "value": pl.Float64},
        orient="row",
    )
    provenance = (
        "user_supplied" if rule is not None and key not in rule_of_index else rule_of_index.get(key, "user_supplied")
    )
    return out.join(units, on="province_code", how="left", maintain_order="left").select(
        "province_code", "province", "year", "node", "value", pl.lit(provenance).alias("provenance")
    )


# Modules that use chiso.score themselves are imported once it exists.
from . import report, scorecard  # noqa: E402

# Every public Python function checks its arguments against its annotations before it runs.
guard_module(sys.modules[__name__], ["score", "compare", "compare_to_baseline", "to_units_2025"])
for _module in (project, plans, survey, report, scorecard, plot, indicators, uncertainty):
    guard_module(_module, _module.__all__)
del _module
