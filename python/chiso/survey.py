"""Shares satisfied from respondent-level survey answers (SIPAS-style surveys).

MOHA's answer scale, its definition of "satisfied" and its aggregation formula are UNKNOWN (sipas.md §3–4), so
:func:`satisfaction` takes the scale and the threshold from the user and computes only well-defined, DERIVED
quantities: the share of answers at or above the threshold per province, year and node of the answers' path tree
(criterion → element → overall, pooled over everything below), weighted or not, with the number of respondents,
the effective sample size and a 95% Wilson interval. The work runs in Rust over the columns; no Python loop.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ._chiso import _satisfaction
from ._frames import _factor, _numeric, _province_names, _years, to_polars
from .exceptions import DataError

__all__ = ["satisfaction"]


def satisfaction(
    answers: Any,
    *,
    scale: tuple[float, float],
    satisfied_min: float,
    respondent: str = "respondent",
    node: str = "node",
    answer: str = "answer",
    weight: str | None = None,
) -> pl.DataFrame:
    """Share satisfied per province, year and node from a frame of answers.

    ``answers`` has one row per answer: ``respondent`` (any id), ``province`` (any spelling), ``year``, ``node``
    (the criterion's path, e.g. ``"services/access/signage"``; every prefix — ``services/access``, ``services``
    and ``""`` (all) — gets its pooled share) and ``answer`` on the survey's scale; optionally a sampling-weight
    column named by ``weight``.

    >>> import polars as pl, chiso
    >>> frame = pl.DataFrame({
    ...     "respondent": [1, 1, 2, 2, 3],
    ...     "province": ["Trà Vinh"] * 5,
    ...     "year": [2024] * 5,
    ...     "node": ["access/signage", "access/seating", "access/signage", "access/seating", "results/on_time"],
    ...     "answer": [5, 3, 4, 4, 2],
    ... })
    >>> s = chiso.survey.satisfaction(frame, scale=(1, 5), satisfied_min=4)
    >>> s.select("node", "n_respondents", "n_answers", "share").rows()[:3]
    [('', 3, 5, 0.6), ('access', 2, 4, 0.75), ('access/seating', 2, 2, 0.5)]
    """
    df = to_polars(answers)
    if df.height == 0:
        raise DataError("the answers frame is empty")
    needed = [respondent, "province", "year", node, answer] + ([weight] if weight else [])
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(f"missing column(s) {missing} in the answers (found {df.columns})", columns=df.columns)
    for column in (respondent, "province", node):
        nulls = df[column].is_null()
        if nulls.any():
            i = int(nulls.arg_true()[0])
            raise DataError(
                f"column {column!r} is empty at row {i}: every answer needs a respondent, a province and a node"
            )
    values = _numeric(df, answer, "province")
    if values.null_count() > 0:
        i = int(values.is_null().arg_true()[0])
        raise DataError(f"column {answer!r} is empty at row {i} (respondent {df[respondent][i]})")
    # One respondent answers one node once (a repeat would count as another answer); named with the user's ids.
    repeated = df.select(respondent, "province", "year", node).is_duplicated()
    if repeated.any():
        rows = repeated.arg_true().to_list()[:2]
        who = df.row(rows[0], named=True)
        raise DataError(
            f"respondent {who[respondent]!r} answers {who[node]!r} ({who['province']}, {who['year']}) more than once "
            f"(rows {rows[0]} and {rows[1]}); one respondent answers one node once",
            column=respondent,
        )
    province_names, province_idx = _factor(_province_names(df, "province"))
    node_names, node_idx = _factor(df[node].cast(pl.String))
    respondents = (df[respondent].cast(pl.String).rank("dense") - 1).cast(pl.UInt64).to_list()
    weights = _numeric(df, weight, "province").to_list() if weight else None
    return _satisfaction(
        respondents,
        province_names,
        province_idx.to_list(),
        _years(df).to_list(),
        node_names,
        node_idx.to_list(),
        values.to_list(),
        weights,
        (float(scale[0]), float(scale[1])),
        float(satisfied_min),
    )
