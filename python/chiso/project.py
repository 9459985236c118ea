"""Projected scores (README §1.8): what-if scoring on the compiled plan. Every output is DERIVED and labelled
``status = "projected"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from ._chiso import _SCENARIO_COLUMNS, Scores, _calibrate_maxima, _what_if_many
from ._columns import _MATERIALISE_UP_TO, Constant, columns_frame
from ._frames import to_polars
from .exceptions import DataError, InvalidArgumentError

__all__ = ["SCENARIO_COLUMNS", "calibrate_maxima", "what_if", "what_if_many"]

#: The columns of :func:`what_if_many`, in order (its ``columns`` argument picks among them).
SCENARIO_COLUMNS: tuple[str, ...] = tuple(_SCENARIO_COLUMNS)


def what_if(
    scores: Scores,
    year: int,
    changes: Any,
    *,
    peers: str = "held",
    target_year: int | None = None,
    peer_values: Any = None,
    map: str | None = None,
    merge_rule: str | None = None,
    across_breaks: bool = False,
) -> pl.DataFrame:
    """Change some provinces' node values in data year ``year``, re-aggregate with the edition's rules and re-rank
    against the other provinces (held at their values). Many scenarios at once: one call evaluates them all on the
    compiled plan, each against the base.

    ``changes`` has one row per edit: ``scenario`` (optional; default one scenario), ``province``, ``node`` (code or
    path; a computed node is pinned to its new value), ``op`` and ``value``. The ops, each with one example on
    Trà Vinh's PAPI 2024 e-governance (2.74, rank 61; the best province 4.06; the scale's top 10):

    - ``set`` — the value given (``value=3.0`` → 3.0).
    - ``add`` — the value plus a delta in the node's unit (``value=0.5`` → 3.24).
    - ``headroom`` — close a share (0–1) of the gap to the scale's theoretical top, max − value (``value=0.5`` →
      6.37, far beyond any province: flagged ``beyond_best``).
    - ``max`` — the scale's top (→ 10).
    - ``best_gap`` — close a share (0–1) of the gap to that year's best province on the same map, best − value
      (``value=0.5`` → 3.40; no change for a province already at the best).
    - ``best`` — reach that year's best observed value (→ 4.06).
    - ``percentile`` — reach a percentile (0–100) of that year's field (the provinces of the same map with a
      value; linear interpolation between order statistics, numpy's default): ``value=75`` → 3.55, the upper
      quartile (rank 16). A province already above it keeps its value.

    Values are clamped to the node's scale (flagged ``clamped``). Output: every node of every edited province per
    scenario, with base and projected value and rank, the year's ``best`` observed value at the node and
    ``beyond_best`` (the projected value is above it: a value no province reached that year).

    ``peers`` says what the other provinces do, recorded in the output's ``peers`` column: ``"held"`` (their
    values of ``year``) or ``"trend"`` (each node moved to its own linear trend at ``target_year``, held where no
    trend can be fitted; see :meth:`chiso.Scores.trend`) or ``"given"`` (``peer_values``: a frame of ``province``,
    ``node``, ``value`` — the user's rule; unnamed cells held). The edited provinces start from their ``year``
    values. ``across_breaks=True`` lets the peers' trends use years of earlier editions (see
    :meth:`chiso.Scores.trend`); the ``peers`` label counts the provinces held for want of a trend.

    A projection to a later year says what it rests on: ``target_year``, ``edition`` and ``edition_status``
    (``assumed`` after the last published edition: the latest continues), ``map`` and ``map_status``. After the
    2025 merger the default is the 63-province map, labelled ``counterfactual``; ``map="units_2025"`` makes every
    node of the 34 units from its members' (edited or moved) values by ``merge_rule`` (the index's published rule —
    DTI's only — else ``"member_mean"``, labelled user_supplied) and ranks the edited provinces' successor units
    among the units.

    >>> import polars as pl, chiso
    >>> s = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    >>> plan = pl.DataFrame({"scenario": ["e-gov", "e-gov"], "province": ["Trà Vinh"] * 2,
    ...                      "node": ["e_governance/portal_access", "e_governance/internet_access"],
    ...                      "op": ["headroom", "headroom"], "value": [0.5, 0.5]})
    >>> out = chiso.project.what_if(s, 2024, plan).filter(node="")
    >>> out.select("base_rank", "rank", "status").row(0)
    (57, 42, 'projected')
    >>> papi = chiso.score("papi", chiso.datasets.papi())
    >>> f = chiso.project.what_if(papi, 2024, plan, peers="trend", target_year=2026, map="units_2025",
    ...                           merge_rule="member_mean").filter(node="")
    >>> f.select("province", "target_year", "edition_status", "map_status").row(0)
    ('Vĩnh Long', 2026, 'assumed', 'merged')
    >>> half = pl.DataFrame({"scenario": ["headroom", "best_gap"], "province": ["Trà Vinh"] * 2,
    ...                      "node": ["e_governance"] * 2, "op": ["headroom", "best_gap"], "value": [0.5, 0.5]})
    >>> e = chiso.project.what_if(s, 2024, half).filter(node="e_governance").sort("scenario")
    >>> e.select("scenario", "beyond_best").rows()
    [('best_gap', False), ('headroom', True)]
    """
    df = to_polars(changes)
    if df.height == 0:
        raise DataError("no changes to project")
    missing = [c for c in ("province", "node", "op") if c not in df.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}; a change needs province, node, op (and value)")
    n = df.height
    scenarios = df["scenario"].cast(pl.String).to_list() if "scenario" in df.columns else ["scenario"] * n
    values = df["value"].cast(pl.Float64).to_list() if "value" in df.columns else [None] * n
    if peers not in ("held", "trend", "given"):
        raise InvalidArgumentError(f"peers={peers!r}: use 'held', 'trend' or 'given'")
    if (peers == "trend") != (target_year is not None):
        raise InvalidArgumentError("peers='trend' needs target_year (and only it does)")
    if (peers == "given") != (peer_values is not None):
        raise InvalidArgumentError("peers='given' needs peer_values (and only it does)")
    cells = None
    if peer_values is not None:
        pv = to_polars(peer_values)
        missing = [c for c in ("province", "node", "value") if c not in pv.columns]
        if missing:
            raise DataError(f"peer_values: missing column(s) {missing}")
        cells = list(
            zip(
                pv["province"].cast(pl.String).to_list(),
                pv["node"].cast(pl.String).fill_null("").to_list(),
                pv["value"].cast(pl.Float64).to_list(),
                strict=True,
            )
        )
    return scores._what_if(
        year,
        scenarios,
        df["province"].cast(pl.String).to_list(),
        df["node"].cast(pl.String).fill_null("").to_list(),
        df["op"].cast(pl.String).to_list(),
        values,
        target_year,
        cells,
        map,
        merge_rule,
        across_breaks,
    )


def what_if_many(
    scores: Scores,
    year: int,
    province: str,
    *,
    nodes: str | list[str],
    op: str | list[str],
    values: Any,
    output: str | list[str] = "",
    peers: str = "held",
    target_year: int | None = None,
    peer_values: Any = None,
    columns: str | list[str] | None = None,
) -> pl.DataFrame:
    """Many what-if scenarios of one province at once, in time linear in their number: row s of ``values`` (an
    array of shape (scenarios,) or (scenarios, len(nodes)); numpy, a list, or a frame's columns) changes each of
    ``nodes`` by ``op`` (``set``, ``add``, ``headroom``, ``max``, ``best_gap``, ``best``, ``percentile``; one op,
    or one per node) — the rules of :func:`what_if` (clamped to the scale, computed nodes pinned, peers
    ``held``/``trend``/``given``). Only the ``output`` node(s) are returned (default the total), one row per
    scenario and node: ``scenario`` (the row of ``values``), ``node``, ``value``, ``delta``, ``rank`` (over the
    publisher's field, else null), ``rank_within``, ``base_value``, ``base_rank``, ``rank_change``, ``clamped``,
    ``best``, ``beyond_best``, ``peers``, ``status = "projected"``. ``columns`` keeps only the named ones, in that
    order (e.g. ``["scenario", "value", "rank"]``): the others are never built, which is most of a small call's
    cost. Arrays cross the boundary as buffers, so millions of scenarios take about a second. What does not depend
    on ``values`` (the province's starting values, the peers' rank keys) is prepared once and kept on ``scores``
    for the next call that differs only in ``values`` and ``columns``: a loop over batches of scenarios pays it
    once. Data years with scores only (projections past the last edition and the 2025 maps: :func:`what_if`).

    >>> import numpy as np, chiso
    >>> s = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    >>> shares = np.linspace(0, 1, 5)
    >>> out = chiso.project.what_if_many(s, 2024, "Trà Vinh", nodes="e_governance/portal_access",
    ...                                  op="headroom", values=shares)
    >>> out["scenario"].to_list(), out["rank_change"].min() >= 0
    ([0, 1, 2, 3, 4], True)
    >>> chiso.project.what_if_many(s, 2024, "Trà Vinh", nodes="e_governance/portal_access", op="headroom",
    ...                            values=shares, columns=["value", "rank"]).columns
    ['value', 'rank']
    """
    node_list = [nodes] if isinstance(nodes, str) else list(nodes)
    ops = [op] * len(node_list) if isinstance(op, str) else list(op)
    outputs = [output] if isinstance(output, str) else list(output)
    if isinstance(values, pl.DataFrame):
        values = values.to_numpy()
    array = np.asarray(values, dtype="<f8")
    if array.ndim == 1 and len(node_list) == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[1] != len(node_list):
        raise InvalidArgumentError(
            f"values of shape {array.shape}: one row per scenario, one column per node ({len(node_list)})",
            argument="values",
            value=str(array.shape),
        )
    if peers not in ("held", "trend", "given"):
        raise InvalidArgumentError(f"peers={peers!r}: use 'held', 'trend' or 'given'", argument="peers", value=peers)
    if (peers == "trend") != (target_year is not None):
        raise InvalidArgumentError("peers='trend' needs target_year (and only it does)", argument="target_year")
    if (peers == "given") != (peer_values is not None):
        raise InvalidArgumentError("peers='given' needs peer_values (and only it does)", argument="peer_values")
    cells = None
    if peer_values is not None:
        pv = to_polars(peer_values)
        cells = list(
            zip(
                pv["province"].cast(pl.String).to_list(),
                pv["node"].cast(pl.String).fill_null("").to_list(),
                pv["value"].cast(pl.Float64).to_list(),
                strict=True,
            )
        )
    # A small result is built by the extension as Arrow columns (one import into polars: the fixed cost of a call);
    # a large one from buffers here, its per-call constants kept as polars literals. Both give the same frame.
    small = array.shape[0] * len(outputs) <= _MATERIALISE_UP_TO
    wanted = [columns] if isinstance(columns, str) else None if columns is None else list(columns)
    raw = _what_if_many(scores, year, province, node_list, ops, array, outputs, target_year, cells, small, wanted)
    return raw if small else _scenario_frame(raw, year)


def _scenario_frame(raw: dict[str, Any], year: int) -> pl.DataFrame:
    """The frame of :func:`what_if_many` from the extension's columns: every per-row column arrives as a buffer
    ready for polars (float64 with NaN for null, ranks included, cast once), the per-node constants as one value
    each — one constructor per column, no expression per column, so a call's fixed cost stays small. Only the
    columns asked for (``raw["columns"]``) are made, in that order."""
    n, k = raw["scenarios"], len(raw["nodes"])

    def floats(name: str) -> pl.Series:
        return pl.Series(name, np.frombuffer(raw[name], dtype="<f8"), nan_to_null=True)

    def ranks(name: str) -> pl.Series:
        return floats(name).cast(pl.Int64)

    def flags(name: str) -> pl.Series:
        return pl.Series(name, np.frombuffer(raw[name], dtype=np.uint8).view(np.bool_))

    def per_node(name: str, values: list[Any], dtype: Any) -> pl.Series | Constant:
        if k == 1:
            return Constant(name, values[0], dtype)
        return pl.Series(name, values, dtype=dtype).gather(np.tile(np.arange(k, dtype=np.uint32), n))

    def nullable(values: list[float], missing: float) -> list[float | None]:
        return [None if v == missing or v != v else v for v in values]

    def scenario() -> pl.Series:
        index = np.arange(n, dtype=np.int64)
        return pl.Series("scenario", index if k == 1 else np.repeat(index, k))

    make = {
        "scenario": scenario,
        "province_code": lambda: Constant("province_code", raw["province_code"], pl.String),
        "province": lambda: Constant("province", raw["province"], pl.String),
        "year": lambda: Constant("year", year, pl.Int64),
        "node": lambda: per_node("node", raw["nodes"], pl.String),
        "value": lambda: floats("value"),
        "delta": lambda: floats("delta"),
        "rank": lambda: ranks("rank"),
        "rank_within": lambda: ranks("rank_within"),
        "base_value": lambda: per_node("base_value", nullable(raw["base_values"], float("nan")), pl.Float64),
        "base_rank": lambda: per_node("base_rank", nullable(raw["base_ranks"], 0), pl.Int64),
        "rank_change": lambda: ranks("rank_change"),
        "clamped": lambda: flags("clamped"),
        "best": lambda: per_node("best", nullable(raw["best"], float("nan")), pl.Float64),
        "beyond_best": lambda: flags("beyond_best"),
        "peers": lambda: Constant("peers", raw["peers"], pl.String),
        "status": lambda: Constant("status", "projected", pl.String),
    }
    return columns_frame([make[name]() for name in raw["columns"]], n * k)


def calibrate_maxima(data: Any, *, parts: list[str], total: str, total_max: float = 100.0) -> dict[str, Any]:
    """Estimate UNKNOWN maxima (e.g. PAR INDEX areas) from rows that publish each part as a percentage of its
    maximum and the total in points: total = Σ pct/100 · max is linear in the maxima, fitted by constrained least
    squares (maxima ≥ 0, summing to ``total_max``). Returns the maxima (DERIVED: check them against the decision
    before use, e.g. with :meth:`chiso.Methodology.with_max_points`) and each row's residual.

    >>> import polars as pl
    >>> rows = pl.DataFrame({"a": [80.0, 90.0, 70.0], "b": [60.0, 50.0, 90.0], "total": [68.0, 66.0, 82.0]})
    >>> fit = calibrate_maxima(rows, parts=["a", "b"], total="total")
    >>> [round(m, 6) for m in fit["maxima"]["max_points"]]
    [40.0, 60.0]
    """
    df = to_polars(data)
    missing = [c for c in [*parts, total] if c not in df.columns]
    if missing:
        raise DataError(f"calibrate_maxima: missing column(s) {missing}")
    df = df.drop_nulls([*parts, total])
    pct = df.select(parts).cast(pl.Float64).rows()
    maxima, residuals = _calibrate_maxima([list(r) for r in pct], df[total].cast(pl.Float64).to_list(), total_max)
    return {
        "maxima": pl.DataFrame({"node": parts, "max_points": maxima, "status": ["derived"] * len(parts)}),
        "residuals": df.with_columns(pl.Series("residual", residuals)),
        "max_abs_residual": max(abs(r) for r in residuals),
    }
