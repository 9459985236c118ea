"""The indicator layer: sub-indices built from their raw indicators, and what moving an indicator buys.

A province's plan acts on indicators — the days to register a business, the share of firms paying informal
charges — not on a sub-index. An *indicator layer* (a TOML file per edition and year, see
``docs/methodology-files.md``) gives every raw indicator its unit, direction, weight and normalisation rule, and
every sub-index the rule that combines them. The bundled PCI layers 2005–2016 were established from VCCI's own
workbooks, year by year: 96 of the 115 sub-index-years are exact affine functions of their indicators (to the
workbooks' precision) — every sub-index of 2005–2007, all but Land Access in 2008, all but Labour Training in
2013–2016 (Business Support except where the trade-fair count is top-coded), fewer in 2009–2012. The others are
marked ``unknown`` and carry their fit and largest residual; see ``chiso.indicators.layer(year)["nodes"]``.

>>> import chiso
>>> ex = chiso.indicators.explain("Trà Vinh", 2016)
>>> ex.filter(indicator="time_costs/d1").select("raw", "unit", "direction").row(0)
(2.0, 'count', 'lower_is_better')
>>> w = chiso.indicators.what_if("Trà Vinh", 2016, {"informal_charges/g4_new": 0.0})
>>> w["indicators"].select("indicator", "beyond_bounds", "bound_moved").row(0)
('informal_charges/g4_new', True, False)
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import numpy as np
import polars as pl

from ._chiso import (
    _indicator_explain,
    _indicator_layer,
    _indicator_layers,
    _indicator_plan,
    _indicator_score,
    _indicator_target,
    _indicator_values,
    _indicator_what_if,
)
from ._frames import to_polars
from .exceptions import DataError

# The bundled raw values as a frame, built once (60,000 rows); data() hands out copies.
_bundled_values = functools.cache(_indicator_values)

__all__ = ["data", "explain", "layer", "layers", "project_plan", "score", "target", "what_if"]

Normalise = Literal["file", "minmax"]


def _minmax(normalise: Normalise) -> bool:
    if normalise not in ("file", "minmax"):
        raise DataError(f"normalise={normalise!r}: use 'file' (the layer's own rules) or 'minmax' (counterfactual)")
    return normalise == "minmax"


def _index(index: str | None, year: int, toml: str | None) -> str:
    """The index of the layer used: a user layer's own (its edition decides; ``index``, if given, must agree), else
    ``index`` or the PCI, the one index whose raw indicators are bundled."""
    if toml is None:
        return index or "pci"
    edition = str(_indicator_layer(index or "pci", year, toml)["edition"])
    own = edition.split(".")[0]
    if index is not None and index != own:
        raise DataError(f"index={index!r}, but the layer given (toml) is of edition {edition} ({own!r})")
    return own


Columns = tuple[list[str], bytes, list[str], bytes, bytes]


def _codes(column: pl.Series) -> tuple[list[str], bytes]:
    """The distinct values of a string column and each row's index into them (uint32 bytes)."""
    if column.null_count():
        raise DataError(f"indicator data: {column.null_count()} rows without a {column.name}")
    text = column.cast(pl.String)
    distinct = text.unique(maintain_order=True)
    index = text.replace_strict(distinct, pl.int_range(distinct.len(), eager=True, dtype=pl.UInt32))
    return distinct.to_list(), index.to_numpy().astype("<u4").tobytes()


def _columns(data: Any, year: int) -> Columns | None:
    """The year's rows of a long frame (province, indicator, value) as columns for the core: distinct provinces and
    indicators with each row's index, and the values as float64 bytes; None for the bundled data."""
    if data is None:
        return None
    df = to_polars(data)
    missing = [c for c in ("province", "indicator", "value") if c not in df.columns]
    if missing:
        raise DataError(f"indicator data need columns province, indicator, value (and year); missing {missing}")
    if "year" in df.columns:
        df = df.filter(pl.col("year") == year)
    df = df.filter(pl.col("value").is_not_null())
    if df.height == 0:
        raise DataError(f"no indicator values for {year}")
    try:
        values = df["value"].cast(pl.Float64, strict=True).to_numpy().astype("<f8")
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as e:
        raise DataError(f"indicator data: the value column is not numeric ({df['value'].dtype})") from e
    provinces, province_rows = _codes(df["province"])
    indicators, indicator_rows = _codes(df["indicator"])
    return provinces, province_rows, indicators, indicator_rows, values.tobytes()


def layers() -> pl.DataFrame:
    """The built-in indicator layers: edition, data year, status, counts of indicators and of nodes whose rule is
    established.

    >>> import chiso, polars as pl
    >>> chiso.indicators.layers().select("edition", "year", "established", "nodes").row(-1)
    ('pci.2013', 2016, 9, 10)
    """
    return _indicator_layers()


def layer(
    year: int, index: str | None = None, *, toml: str | None = None, normalise: Normalise = "file"
) -> dict[str, Any]:
    """One layer: ``nodes`` (rule, ``aggregation_status`` of the rule, largest residual, provinces not
    reproducible, note) and ``indicators`` (unit, direction, weight and ``weight_status``, normalisation method,
    bounds and ``normalise_status``, and ``provenance``, the weakest of the three statuses) as DataFrames, with the
    layer's note.

    >>> import chiso, polars as pl
    >>> l = chiso.indicators.layer(2016)
    >>> l["nodes"].filter(node="labor_training")["aggregation_status"][0]
    'unknown'
    """
    index = _index(index, year, toml)
    return _indicator_layer(index, year, toml, _minmax(normalise))


def data(year: int | None = None) -> pl.DataFrame:
    """The bundled raw PCI indicators (VCCI's workbooks 2005–2016), long: province_code, province, year, node,
    indicator (``node/code``), value in the indicator's own unit.

    >>> import chiso, polars as pl
    >>> chiso.indicators.data(2016).height
    6993
    """
    df = _bundled_values()
    return df.clone() if year is None else df.filter(pl.col("year") == year)


def score(
    year: int, index: str | None = None, data: Any = None, *, toml: str | None = None, normalise: Normalise = "file"
) -> dict[str, pl.DataFrame]:
    """Score a year's field from raw indicators alone: ``nodes`` (value by the rules, published value where
    bundled, ``provenance`` of the rule, whether the province is reproducible), ``indicators`` (raw and score) and
    ``totals`` (composite from the rebuilt sub-indices, ``rank`` over the field VCCI ranked that year — null with
    ``field_status = "partial_field"`` when ``data`` hold fewer provinces —, ``rank_within`` among the provinces
    given, ``n_ranked`` of ``n_field``). ``data``: long frame with province, indicator, value (required for a
    layer of another index: only the PCI's raw indicators are bundled). ``index``: the built-in layer's index
    (default the PCI); with ``toml`` the layer's own edition decides (any index; see the guide, "Other indices").

    >>> import chiso, polars as pl
    >>> s = chiso.indicators.score(2016)
    >>> s["nodes"].filter(node="time_costs").select(
    ...     (pl.col("value") - pl.col("published")).abs().max()).item() < 1e-5
    True
    """
    index = _index(index, year, toml)
    out = _indicator_score(index, year, _columns(data, year), toml, _minmax(normalise))
    parts = out["indicators"]
    n, k = len(parts["provinces"]), len(parts["indicators"])
    out["indicators"] = pl.DataFrame(
        {
            "province": pl.Series(parts["provinces"], dtype=pl.String).gather(np.repeat(np.arange(n), k)),
            "year": pl.repeat(year, n * k, dtype=pl.Int64, eager=True),
            "indicator": pl.Series(parts["indicators"], dtype=pl.String).gather(np.tile(np.arange(k), n)),
            "raw": np.frombuffer(parts["raw"], dtype="<f8"),
            "score": np.frombuffer(parts["score"], dtype="<f8"),
        }
    ).with_columns(pl.col("raw", "score").fill_nan(None))
    return out


def _owner_column(df: pl.DataFrame, index: str, owners: pl.DataFrame | None, column: str = "indicator") -> pl.DataFrame:
    from .plans import owners as owner_table

    table = owner_table(index, owners)
    prefixes = sorted(zip(table["node"], table["agency"], strict=True), key=lambda r: -len(r[0]))

    def owner_of(path: str) -> str:
        for prefix, agency in prefixes:
            if prefix == "" or path == prefix or path.startswith(prefix + "/"):
                return agency
        return ""

    return df.with_columns(pl.col(column).map_elements(owner_of, return_dtype=pl.String).alias("owner"))


def explain(
    province: str,
    year: int,
    index: str | None = None,
    data: Any = None,
    *,
    owners: pl.DataFrame | None = None,
    toml: str | None = None,
    normalise: Normalise = "file",
) -> pl.DataFrame:
    """Each indicator of ``province`` in ``year``: raw value, normalised score, weight in its sub-index, the points
    it costs (sub-index and composite points gained by matching the best province on it, others held), the best
    province and its value, the median value, and the owner (:func:`chiso.plans.owners`, replaceable by
    ``owners``), most costly first.

    >>> import chiso, polars as pl
    >>> ex = chiso.indicators.explain("tra vinh", 2016)
    >>> ex.columns[:4]
    ['province', 'year', 'node', 'indicator']
    >>> bool((ex["composite_points_lost"] >= 0).all())
    True
    """
    index = _index(index, year, toml)
    df = _indicator_explain(index, year, province, _columns(data, year), toml, _minmax(normalise))
    return _owner_column(df, index, owners).sort("composite_points_lost", descending=True, nulls_last=True)


def what_if(
    province: str,
    year: int,
    changes: dict[str, float],
    index: str | None = None,
    data: Any = None,
    *,
    toml: str | None = None,
    normalise: Normalise = "file",
) -> dict[str, Any]:
    """Set raw indicator values of ``province`` (``{"informal_charges/g4_new": 0.05}``) and re-score the whole
    field. Field-relative rules (min–max, rank, z-score, frontier) are recomputed over every province, so a
    province that becomes the best moves the bound for everyone: ``bound_moved``. Fixed goalposts (the PCI layers'
    rules) stay; a value beyond them is extrapolated and flagged ``beyond_bounds``. ``normalise="minmax"`` scores
    the counterfactual in which the goalposts are the field's min and max.

    Returns ``indicators`` (edited or bound-moved), ``nodes`` (the province's sub-indices: published base + the
    rule's change), ``field`` (every province's composite and rank, base and projected) and the province's
    ``composite``, ``rank`` and their bases. Projected values, not published ones. Ranks are over the field VCCI
    ranked that year: on data for fewer provinces ``rank`` is None and ``field_status`` is ``"partial_field"``,
    with ``rank_within`` (and ``rank_within_base``) among the provinces given and ``n_ranked`` of ``n_field``.

    >>> import chiso, polars as pl
    >>> w = chiso.indicators.what_if("Trà Vinh", 2016, {"time_costs/d4": 2.0})
    >>> w["rank"] <= w["rank_base"]
    True
    """
    index = _index(index, year, toml)
    if not changes:
        raise DataError("what_if: no changes given (a dict of indicator → new raw value)")
    codes = list(changes)
    values = [float(v) for v in changes.values()]
    return _indicator_what_if(index, year, province, codes, values, _columns(data, year), toml, _minmax(normalise))


def target(
    province: str,
    year: int,
    rank: int,
    index: str | None = None,
    data: Any = None,
    *,
    beyond_observed: bool = False,
    owners: pl.DataFrame | None = None,
    toml: str | None = None,
    normalise: Normalise = "file",
) -> dict[str, Any]:
    """Which indicators to move, and by how much, to reach ``rank`` (others held): the cheapest moves, cost = the
    share of the indicator's observed range moved, each at most to the field's best value (or to the end of its
    possible range with ``beyond_observed``). The answer is re-scored as a what-if (bounds recomputed); ``moves``
    lists each indicator with from, to, cost, composite gain and owner.

    >>> import chiso, polars as pl
    >>> t = chiso.indicators.target("Trà Vinh", 2016, rank=10)
    >>> t["rank"] <= 10
    True
    """
    index = _index(index, year, toml)
    out = _indicator_target(
        index, year, province, rank, beyond_observed, _columns(data, year), toml, _minmax(normalise)
    )
    out["moves"] = _owner_column(out["moves"], index, owners)
    return out


def project_plan(
    plan: Any,
    province: str,
    year: int,
    index: str | None = None,
    data: Any = None,
    *,
    owners: pl.DataFrame | None = None,
    toml: str | None = None,
    normalise: Normalise = "file",
) -> pl.DataFrame:
    """Project a plan whose tasks name an indicator and its expected raw value (columns ``id``, ``indicator`` and
    ``to`` — the new value — or ``change`` — the raw change, e.g. ``-0.10`` for "50% → 40% of firms"; both columns
    may be given, exactly one filled per task; optional ``title``, ``lead_agency``): one row per task with the
    indicator's ``from`` → ``to``, the sub-index (``node_base`` → ``node_value``) and composite (``base`` →
    ``value``) that task alone buys, its rank (over VCCI's field; ``rank_within`` among the provinces given,
    ``field_status``), whether a bound moved, the ``provenance`` and the indicator's ``owner``
    (:func:`chiso.plans.owners`, replaceable by ``owners``); then a row ``id="all"`` with every task together
    (indicator → sub-index → composite → rank, bounds recomputed over the whole field each time).

    >>> import chiso, polars as pl
    >>> plan = pl.DataFrame({"id": ["T1", "T2"], "indicator": ["informal_charges/g4_new", "time_costs/d4"],
    ...                      "to": [0.05, 4.0]})
    >>> out = chiso.indicators.project_plan(plan, "Trà Vinh", 2016)
    >>> out.filter(id="all")["rank"][0] <= out.filter(id="all")["base_rank"][0]
    True
    """
    index = _index(index, year, toml)
    from .plans import owners as owner_table

    df = to_polars(plan)
    missing = [c for c in ("id", "indicator") if c not in df.columns]
    if missing or not ({"to", "change"} & set(df.columns)):
        raise DataError(
            f"plan: indicator tasks need columns id, indicator and to or change; missing {missing}"
            if missing
            else "plan: give the column to (new raw value) or change (raw change)"
        )
    if df.height == 0:
        raise DataError("plan: no tasks")

    def floats(column: str) -> list[float | None]:
        if column not in df.columns:
            return [None] * df.height
        return [None if v is None else float(v) for v in df[column]]

    def strings(column: str) -> list[str | None]:
        if column not in df.columns:
            return [None] * df.height
        return [None if v is None else str(v) for v in df[column]]

    table = owner_table(index, owners)
    return _indicator_plan(
        index,
        year,
        province,
        [str(v) for v in df["id"]],
        [str(v) for v in df["indicator"]],
        floats("to"),
        floats("change"),
        strings("title"),
        strings("lead_agency"),
        [(str(n), str(a)) for n, a in table.rows()],
        _columns(data, year),
        toml,
        _minmax(normalise),
    )
