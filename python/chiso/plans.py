"""A province's plan as numbers: tasks with an expected effect on index nodes, owners, deadlines and status.

A plan (CSV, Excel or a frame) has one row per task: ``id``, ``index``, ``node`` (the node the task improves),
``title``, ``lead_agency``, ``cooperating_agencies``, ``deadline`` (date), ``expected_product``, ``status``
(``planned``, ``in_progress``, ``done``) and the expected effect: ``effect_op`` (``set``, ``add``, ``headroom``,
``max``, ``best_gap``, ``best``, ``percentile``: see :func:`chiso.project.what_if`) and ``effect_value``. From it:
the projected score and rank if all tasks deliver, or only the done ones, or any subset (:func:`project_plan`); the
gain each agency's tasks bring (:func:`gains_by_agency`); nodes with points lost but no task (:func:`uncovered`);
overdue tasks (:func:`overdue`); and, where tasks carry a ``probability`` of delivering and a range for their
effect (``effect_min``, ``effect_mode``, ``effect_max``: the op's value at minimum, most likely, maximum),
the distribution of the outcome by Monte Carlo (:func:`simulate`). Projections run on the compiled plan
(:func:`chiso.project.what_if`) with the other provinces held at their values, and are labelled projected.

:func:`example_plan` is an ILLUSTRATIVE plan shaped like a province's (7 PAR INDEX areas, 5 digital-transformation
areas) — not a real plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ._chiso import Scores, _plan_gains, _plan_project, _plan_simulate, _plan_uncovered, indices
from ._frames import to_polars
from .exceptions import DataError, InvalidArgumentError, MissingFileError

__all__ = [
    "PlanSimulation",
    "example_plan",
    "gains_by_agency",
    "load_plan",
    "overdue",
    "owners",
    "project_plan",
    "simulate",
    "uncovered",
]

# The what-if ops (chiso.project.what_if documents each).
OPS = ("set", "add", "headroom", "max", "best_gap", "best", "percentile")
REQUIRED = ("id", "index", "node", "title", "lead_agency", "deadline", "status", "effect_op", "effect_value")
STATUSES = ("planned", "in_progress", "done")
# Optional columns: how sure a task is (see simulate).
OUTCOME_COLUMNS = ("probability", "effect_min", "effect_mode", "effect_max")


def load_plan(source: Any) -> pl.DataFrame:
    """Read a plan from a CSV or Excel path or a frame, and check it (missing columns, unknown statuses or
    effects, bad dates are :class:`chiso.DataError` naming the task).

    >>> plan = example_plan()
    >>> plan.height, sorted(plan["index"].unique().to_list())
    (12, ['dti', 'par'])
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            found = path.is_file()
        except OSError as exc:  # e.g. a name longer than the file system allows
            raise MissingFileError(f"plan: no such file: {str(path)[:80]}… ({exc.strerror})", file=str(path)) from exc
        if not found:
            raise MissingFileError(f"plan: no such file: {path}", file=str(path))
        if path.suffix.lower() in (".xlsx", ".xls"):
            try:
                df = pl.read_excel(path)
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise DataError(
                    f"reading Excel plans needs the 'excel' extra (pip install chiso[excel]): {exc}"
                ) from exc
        else:
            df = pl.read_csv(path, try_parse_dates=False, infer_schema_length=0)
    else:
        df = to_polars(source)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise DataError(f"plan: missing column(s) {missing} (found {df.columns})")
    df = df.with_columns(pl.col("effect_value").cast(pl.Float64, strict=False))
    df = df.with_columns(pl.col(c).cast(pl.Float64, strict=False) for c in OUTCOME_COLUMNS if c in df.columns)
    if df["deadline"].dtype != pl.Date:
        parsed = df["deadline"].cast(pl.String).str.to_date("%Y-%m-%d", strict=False)
        bad = parsed.is_null() & df["deadline"].is_not_null()
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(f"plan: task {df['id'][i]!r} has deadline {df['deadline'][i]!r}, not a YYYY-MM-DD date")
        df = df.with_columns(deadline=parsed)
    for row in df.iter_rows(named=True):
        if row["status"] not in STATUSES:
            raise DataError(f"plan: task {row['id']!r} has status {row['status']!r}; use {', '.join(STATUSES)}")
        if row["effect_op"] not in OPS:
            raise DataError(f"plan: task {row['id']!r} has effect_op {row['effect_op']!r}; use {', '.join(OPS)}")
        if row["effect_op"] not in ("max", "best") and row["effect_value"] is None:
            raise DataError(f"plan: task {row['id']!r} needs an effect_value for {row['effect_op']!r}")
    if df["id"].is_duplicated().any():
        raise DataError(f"plan: task ids repeat: {df.filter(pl.col('id').is_duplicated())['id'].unique().to_list()}")
    return df


def example_plan() -> pl.DataFrame:
    """The ILLUSTRATIVE example plan shipped with chiso (7 PAR INDEX areas, 5 digital-transformation areas)."""
    text = resources.files("chiso").joinpath("data/example_plan.csv").read_text(encoding="utf-8")
    return load_plan(pl.read_csv(text.encode(), infer_schema_length=0))


def _rows(plan: pl.DataFrame) -> list[tuple[Any, ...]]:
    """The plan as the rows the engine takes (Rust does the projection: ``chiso::project::plans``)."""
    return plan.select(
        pl.col("id").cast(pl.String),
        pl.col("index").cast(pl.String),
        pl.col("node").cast(pl.String).fill_null(""),
        pl.col("title").cast(pl.String).fill_null(""),
        pl.col("lead_agency").cast(pl.String).fill_null(""),
        pl.col("deadline").cast(pl.String),
        pl.col("status").cast(pl.String),
        pl.col("effect_op").cast(pl.String),
        pl.col("effect_value").cast(pl.Float64),
    ).rows()


def project_plan(
    scores: Scores,
    plan: pl.DataFrame,
    province: str,
    year: int,
    *,
    index: str,
    tasks: str | list[str] = "all",
    target_year: int | None = None,
    map: str | None = None,
    merge_rule: str | None = None,
    across_breaks: bool = False,
) -> pl.DataFrame:
    """The projected score and rank of every node of ``province`` if the chosen tasks deliver their expected
    effect on ``year``'s values (others held). ``tasks``: ``"all"``, ``"done"`` or a list of ids.

    With ``target_year`` the other provinces move by their own trend to that year, and the output is labelled as
    :func:`chiso.project.what_if` labels it (``edition_status``, ``map``, ``map_status``); ``map="units_2025"``
    with ``merge_rule`` projects the successor unit among the 34 units of 2025; ``across_breaks`` lets the other
    provinces' trends use earlier editions' years. Every node above the year's best
    observed value is flagged ``beyond_best``.

    >>> import chiso, polars as pl
    >>> s = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    >>> plan = pl.DataFrame({"id": ["T1"], "index": ["papi"], "node": ["e_governance/portal_access"],
    ...     "title": ["Portal"], "lead_agency": ["Department of Information and Communications"],
    ...     "deadline": ["2025-06-30"], "status": ["planned"], "effect_op": ["headroom"], "effect_value": [0.5]})
    >>> out = project_plan(s, load_plan(plan), "Trà Vinh", 2024, index="papi")
    >>> out.filter(node="").select("base_rank", "rank").row(0)
    (57, 46)
    >>> papi = chiso.score("papi", chiso.datasets.papi())
    >>> later = project_plan(papi, load_plan(plan), "Trà Vinh", 2024, index="papi", target_year=2025)
    >>> later.filter(node="").select("target_year", "edition_status", "map_status").row(0)
    (2025, 'assumed', 'counterfactual')
    """
    if isinstance(tasks, str) and tasks not in ("all", "done"):
        raise DataError(f"tasks={tasks!r}: use 'all', 'done' or a list of task ids")
    selection = [tasks] if isinstance(tasks, str) else list(tasks)
    return _plan_project(
        scores, _rows(plan), province, year, index, selection, target_year, map, merge_rule, across_breaks
    )


def gains_by_agency(scores: Scores, plan: pl.DataFrame, province: str, year: int, *, index: str) -> pl.DataFrame:
    """For each lead agency, what its tasks alone add to the total and the rank they buy (one scenario per agency,
    evaluated in one call), largest gain first."""
    return _plan_gains(scores, _rows(plan), province, year, index)


def owners(index: str, mapping: pl.DataFrame | None = None) -> pl.DataFrame:
    """Who owns which node: by default the province's own lead department for the index (README overview: Home
    Affairs for PAR INDEX, PAPI, SIPAS; Planning and Investment for PCI, PGI; Information and Communications for
    ICT Index, DTI). ``mapping`` (columns ``node`` — a path prefix, ``""`` for all — and ``agency``) replaces it
    per node, the longest matching prefix winning (e.g. after the 2025 reorganisation of departments)."""
    info = indices().filter(pl.col("index") == index)
    if info.height == 0:
        raise DataError(f"unknown index {index!r}")
    default = pl.DataFrame({"node": [""], "agency": [info["lead_department_en"][0]]})
    if mapping is None:
        return default
    missing = [c for c in ("node", "agency") if c not in mapping.columns]
    if missing:
        raise DataError(f"owners: mapping needs columns node and agency (missing {missing})")
    return pl.concat([default, mapping.select("node", "agency")]).unique("node", keep="last", maintain_order=True)


def uncovered(
    scores: Scores, plan: pl.DataFrame, province: str, year: int, *, index: str, mapping: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Points lost by node (:meth:`chiso.Scores.points_lost`) with their owner (:func:`owners`, longest prefix) and
    whether any task of the plan covers the node (a task on a node covers its subtree)."""
    table = owners(index, mapping)
    return _plan_uncovered(scores, _rows(plan), province, year, index, table.rows())


def overdue(plan: pl.DataFrame, at: dt.date) -> pl.DataFrame:
    """Tasks not done whose deadline is before ``at``.

    >>> overdue(example_plan(), dt.date(2025, 7, 1))["id"].to_list()
    ['PAR-02']
    """
    return plan.filter((pl.col("deadline") < at) & (pl.col("status") != "done"))


@dataclass(frozen=True)
class PlanSimulation:
    """The result of :func:`simulate` (everything labelled projected: a distribution over the plan's assumptions).

    ``summary``: one row — ``runs``, ``seed``, ``base_total``, ``total_mean``, ``total_p05``, ``total_median``,
    ``total_p95`` (numpy's default percentiles), ``base_rank`` and ``rank_p05``/``rank_median``/``rank_p95`` over
    the publisher's field (null when the scores hold only part of it; numpy's ``lower`` order statistic), the same
    ``rank_within_*`` among the provinces of the scores, ``peers``. ``agencies``: per lead agency, what its tasks
    alone add to the total over the same runs (``expected_gain``, ``gain_p05``, ``gain_p95``), largest first.
    ``tasks``: per task, ``variance_share`` — the squared correlation between the task's drawn value and the total
    (its standardised regression coefficient squared; the shares add up to about 1 for a plan whose gains add up,
    less where tasks interact). ``outcomes``: per run, ``total``, ``rank`` (null without the full field) and
    ``rank_within``. ``varied``: what was varied, one entry per uncertain task input.
    """

    runs: int
    seed: int
    varied: list[str]
    summary: pl.DataFrame
    agencies: pl.DataFrame
    tasks: pl.DataFrame
    outcomes: pl.DataFrame

    def p_rank_at_most(self, k: int | list[int]) -> pl.DataFrame:
        """P(rank ≤ k) over the runs, one row per k: ``p_rank_at_most`` over the publisher's field (null when the
        scores hold only part of it) and ``p_rank_within_at_most`` among the provinces of the scores."""
        ks = [k] if isinstance(k, int) else list(k)
        if not ks or any(not isinstance(x, int) or isinstance(x, bool) or x < 1 for x in ks):
            raise InvalidArgumentError(f"k={k!r}: ranks start at 1; give positive integers", argument="k", value=k)
        rank = self.outcomes["rank"]
        within = self.outcomes["rank_within"]
        full = rank.null_count() < len(rank) or len(rank) == 0
        return pl.DataFrame(
            {
                "k": ks,
                "p_rank_at_most": [float((rank <= x).sum()) / self.runs if full else None for x in ks],
                "p_rank_within_at_most": [float((within <= x).sum()) / self.runs for x in ks],
            },
            schema={"k": pl.Int64, "p_rank_at_most": pl.Float64, "p_rank_within_at_most": pl.Float64},
        )


MAX_SEED = 2**63 - 1


def simulate(
    scores: Scores,
    plan: pl.DataFrame,
    province: str,
    year: int,
    *,
    index: str,
    runs: int = 10_000,
    seed: int = 0,
    tasks: str | list[str] = "all",
    peers: str = "held",
    target_year: int | None = None,
    peer_values: Any = None,
    peer_uncertainty: bool = False,
) -> PlanSimulation:
    """Monte Carlo over the plan's tasks: in each run a task delivers with its ``probability`` (default 1) and
    then changes its node by its op with a value drawn from the triangular distribution (``effect_min``,
    ``effect_mode``, ``effect_max``; without them its ``effect_value``); a task that does not deliver leaves its
    node as it is. Returns the distribution of the projected total and rank, P(rank ≤ k), the expected gain per
    lead agency and each task's share of the variance (:class:`PlanSimulation`). The other provinces are ``held``,
    move by their ``trend`` to ``target_year``, or take ``peer_values`` (``given``; columns ``province``, ``node``,
    ``value``) as in :func:`chiso.project.what_if_many`. With ``peers="trend"``, ``peer_uncertainty=True`` draws
    each other province's total per run from its own trend's prediction (Student t around the projection, scaled
    by the prediction's standard error; see :meth:`chiso.Scores.trend`), recorded in ``varied``.
    Seeded: the same ``seed`` gives the same result on any machine (and the same task draws with or without the
    peers' uncertainty). Two tasks on one node are refused (merge them); ``max`` and ``best`` take no range.

    >>> import chiso, polars as pl
    >>> s = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    >>> plan = load_plan(pl.DataFrame({"id": ["T1"], "index": ["papi"], "node": ["e_governance/portal_access"],
    ...     "title": ["Portal"], "lead_agency": ["Sở Khoa học và Công nghệ"], "deadline": ["2025-06-30"],
    ...     "status": ["planned"], "effect_op": ["headroom"], "effect_value": [0.5], "probability": [0.8],
    ...     "effect_min": [0.2], "effect_mode": [0.5], "effect_max": [0.7]}))
    >>> sim = simulate(s, plan, "Trà Vinh", 2024, index="papi", runs=2000, seed=1)
    >>> sim.runs, sim.varied[0]
    (2000, 'T1 delivers (p = 0.8)')
    >>> row = sim.summary.row(0, named=True)
    >>> row["total_p05"] <= row["total_median"] <= row["total_p95"], row["rank_median"] <= row["base_rank"]
    (True, True)
    """
    if isinstance(tasks, str) and tasks not in ("all", "done"):
        raise InvalidArgumentError(f"tasks={tasks!r}: use 'all', 'done' or a list of task ids", argument="tasks")
    for name, value in (("runs", runs), ("seed", seed)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidArgumentError(f"{name}={value!r}: give an integer", argument=name, value=value)
    if runs < 1:
        raise InvalidArgumentError(f"runs={runs}: give at least 1 run", argument="runs", value=runs)
    if not 0 <= seed <= MAX_SEED:
        raise InvalidArgumentError(f"seed={seed}: give an integer in [0, 2**63 − 1]", argument="seed", value=seed)
    if peers not in ("held", "trend", "given"):
        raise InvalidArgumentError(f"peers={peers!r}: use 'held', 'trend' or 'given'", argument="peers", value=peers)
    if (peers == "trend") != (target_year is not None):
        raise InvalidArgumentError("peers='trend' needs target_year (and only it does)", argument="target_year")
    if (peers == "given") != (peer_values is not None):
        raise InvalidArgumentError("peers='given' needs peer_values (and only it does)", argument="peer_values")
    if not isinstance(peer_uncertainty, bool):
        raise InvalidArgumentError(
            f"peer_uncertainty={peer_uncertainty!r}: give True or False", argument="peer_uncertainty"
        )
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
    outcome_rows = _outcomes(plan)
    selection = [tasks] if isinstance(tasks, str) else list(tasks)
    out = _plan_simulate(
        scores,
        _rows(plan),
        outcome_rows,
        province,
        year,
        index,
        selection,
        runs,
        seed,
        target_year,
        cells,
        peer_uncertainty,
    )
    ranks = np.frombuffer(out["ranks"], dtype="<u4")
    outcomes = pl.DataFrame(
        {
            "run": np.arange(out["runs"], dtype=np.int64),
            "total": np.frombuffer(out["totals"], dtype="<f8"),
            "rank": ranks.astype(np.int64),
            "rank_within": np.frombuffer(out["ranks_within"], dtype="<u4").astype(np.int64),
        }
    ).with_columns(
        pl.when(pl.col("rank") > 0).then(pl.col("rank")).alias("rank"),
        pl.when(pl.col("rank_within") > 0).then(pl.col("rank_within")).alias("rank_within"),
    )
    return PlanSimulation(
        runs=out["runs"],
        seed=out["seed"],
        varied=list(out["varied"]),
        summary=out["summary"],
        agencies=out["agencies"],
        tasks=out["tasks"],
        outcomes=outcomes,
    )


def _outcomes(plan: pl.DataFrame) -> list[tuple[float | None, float | None, float | None, float | None]]:
    """Per task: (probability, effect_min, effect_mode, effect_max); a range is all three columns or none."""
    cols = [
        pl.col(c).cast(pl.Float64) if c in plan.columns else pl.lit(None, pl.Float64).alias(c) for c in OUTCOME_COLUMNS
    ]
    rows = plan.select(pl.col("id").cast(pl.String), *cols).rows()
    for tid, _, lo, mode, hi in rows:
        given = [x is not None for x in (lo, mode, hi)]
        if any(given) and not all(given):
            raise InvalidArgumentError(
                f"task {tid!r}: effect_min, effect_mode and effect_max go together (got {lo}, {mode}, {hi})",
                argument="effect_min/effect_mode/effect_max",
                value=(lo, mode, hi),
            )
    return [(p, lo, mode, hi) for _, p, lo, mode, hi in rows]
