"""A province's plan as numbers: tasks with an expected effect on index nodes, owners, deadlines and status.

A plan (CSV, Excel or a frame) has one row per task: ``id``, ``index``, ``node`` (the node the task improves),
``title``, ``lead_agency``, ``cooperating_agencies``, ``deadline`` (date), ``expected_product``, ``status``
(``planned``, ``in_progress``, ``done``) and the expected effect: ``effect_op`` (``set``, ``add``, ``headroom``,
``max``, ``best_gap``, ``best``, ``percentile``: see :func:`chiso.project.what_if`) and ``effect_value``. From it:
the projected score and rank if all tasks deliver, or only the done ones, or any subset (:func:`project_plan`); the
gain each agency's tasks bring (:func:`gains_by_agency`); nodes with points lost but no task (:func:`uncovered`);
overdue tasks (:func:`overdue`). Projections run on the compiled plan (:func:`chiso.project.what_if`) with the other
provinces held at their values, and are labelled projected.

:func:`example_plan` is an ILLUSTRATIVE plan shaped like a province's (7 PAR INDEX areas, 5 digital-transformation
areas) — not a real plan.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from ._chiso import Scores, _plan_gains, _plan_project, _plan_uncovered, indices
from ._frames import to_polars
from .exceptions import DataError, MissingFileError

__all__ = ["example_plan", "gains_by_agency", "load_plan", "overdue", "owners", "project_plan", "uncovered"]

# The what-if ops (chiso.project.what_if documents each).
OPS = ("set", "add", "headroom", "max", "best_gap", "best", "percentile")
REQUIRED = ("id", "index", "node", "title", "lead_agency", "deadline", "status", "effect_op", "effect_value")
STATUSES = ("planned", "in_progress", "done")


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
