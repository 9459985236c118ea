"""How sure is a ranking? Uncertainty and sensitivity analysis of an index over its methodology's assumptions.

:func:`analyse` runs a Monte Carlo over the assumptions you choose — weights (``weights=(low, high)``: each weight ×
an independent uniform factor, then renormalised; or ``dirichlet=concentration`` around the official weights),
arithmetic or geometric aggregation per node (``geometric=[...]``), strict or renormalised missing data
(``missing=True``), and noise on input values from published standard errors or confidence intervals
(``input_noise``) — and gives each province's rank distribution and the mean absolute rank shift against the
official ranking. :func:`sensitivity` gives first-order and total Sobol indices of a chosen output for each
uncertain input. Both are seeded and say what varied; both accept a user-supplied design (uniforms in [0, 1], one
column per uncertain input, in the order of :func:`inputs`), so a result can be reproduced exactly on other draws.
Everything is DERIVED: a distribution over assumptions, not a published number. Chart: :func:`chiso.plot.rank_bands`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from ._chiso import Scores, _sensitivity, _uncertainty
from ._frames import to_polars
from .exceptions import DataError, InvalidArgumentError

__all__ = ["Uncertainty", "analyse", "inputs", "sensitivity"]


@dataclass(frozen=True)
class Uncertainty:
    """The result of :func:`analyse`.

    ``ranks``: one row per province — official score and rank (official assumptions), the 5th, 50th and 95th
    percentile of its rank over the runs (numpy's ``lower`` method), mean rank, mean and standard deviation of its
    score, runs in which it was ranked. ``rank_shift``: per run, the mean absolute rank shift against the official
    ranking. ``varied``: the uncertain inputs (design column order). ``seed`` is None for a user-supplied design.
    """

    year: int
    edition: str
    node: str
    runs: int
    seed: int | None
    varied: list[str]
    n_ranked: int
    ranks: pl.DataFrame
    rank_shift: np.ndarray
    _counts: np.ndarray = field(repr=False)

    def p_rank_at_most(self, k: int | list[int]) -> pl.DataFrame:
        """P(rank ≤ k) of every province over all runs, one column ``p_rank_le_{k}`` per k.

        >>> import chiso
        >>> s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
        >>> ua = chiso.uncertainty.analyse(s, 2016, weights=(0.75, 1.25), runs=500, seed=1)
        >>> p = ua.p_rank_at_most([10, 63]).filter(province="Quảng Ninh")
        >>> p["p_rank_le_63"].item()
        1.0
        """
        ks = [k] if isinstance(k, int) else list(k)
        if not ks or any(not isinstance(x, int) or x < 1 for x in ks):
            raise InvalidArgumentError(f"k={k!r}: ranks start at 1; give positive integers", argument="k", value=k)
        cumulative = np.cumsum(self._counts[:, 1:], axis=1)
        width = cumulative.shape[1]
        cols = {
            f"p_rank_le_{x}": cumulative[:, min(x, width) - 1] / self.runs if width else np.zeros(len(self.ranks))
            for x in ks
        }
        return self.ranks.select("province_code", "province", "official_rank").with_columns(
            pl.Series(name, values) for name, values in cols.items()
        )

    @property
    def mean_rank_shift(self) -> float:
        """Mean over the runs of the mean absolute rank shift against the official ranking."""
        return float(self.rank_shift.mean())

    def summary(self) -> dict[str, Any]:
        """What was run and the rank shift's mean and 5–95% band."""
        lo, hi = np.percentile(self.rank_shift, [5, 95])
        return {
            "year": self.year,
            "edition": self.edition,
            "node": self.node,
            "runs": self.runs,
            "seed": self.seed,
            "varied": self.varied,
            "n_ranked": self.n_ranked,
            "mean_rank_shift": self.mean_rank_shift,
            "rank_shift_p05": float(lo),
            "rank_shift_p95": float(hi),
            "status": "derived",
        }


def _noise_rows(input_noise: Any) -> list[tuple[str, str, float | None, float | None, float | None]]:
    if input_noise is None:
        return []
    df = to_polars(input_noise)
    missing = [c for c in ("province", "node") if c not in df.columns]
    if missing:
        raise DataError(f"input_noise: missing column(s) {missing}; give province, node and se (or lower, upper)")
    if "se" not in df.columns and not {"lower", "upper"} <= set(df.columns):
        raise InvalidArgumentError(
            "input_noise has no scale: give a column se (standard error) or lower and upper (confidence interval)",
            argument="input_noise",
            value=str(df.columns),
        )

    def col(name: str) -> list[float | None]:
        return df[name].cast(pl.Float64).to_list() if name in df.columns else [None] * df.height

    return list(
        zip(
            df["province"].cast(pl.String).to_list(),
            df["node"].cast(pl.String).fill_null("").to_list(),
            col("se"),
            col("lower"),
            col("upper"),
            strict=True,
        )
    )


def _matrix(name: str, x: Any, n_inputs: int | None = None) -> bytes:
    a = np.ascontiguousarray(np.asarray(x, dtype="<f8"))
    if a.ndim != 2:
        raise InvalidArgumentError(
            f"{name} must be a 2-D array (runs × uncertain inputs), got {a.ndim} dimension(s)",
            argument=name,
            value=a.shape,
        )
    if n_inputs is not None and a.shape[1] != n_inputs:
        raise InvalidArgumentError(
            f"{name} has {a.shape[1]} columns; the assumptions make {n_inputs} uncertain inputs",
            argument=name,
            value=a.shape,
        )
    return a.tobytes()


def _common(
    node: str,
    weights: tuple[float, float] | None,
    dirichlet: float | None,
    weight_nodes: list[str] | None,
    geometric: list[str] | str | None,
    missing: bool,
    input_noise: Any,
    level: float,
) -> dict[str, Any]:
    if isinstance(geometric, str):
        geometric = [geometric]
    if weights is not None:
        if len(weights) != 2:
            raise InvalidArgumentError("weights=(low, high): two factors", argument="weights", value=weights)
        weights = (float(weights[0]), float(weights[1]))
    return {
        "node": node,
        "weights": weights,
        "dirichlet": None if dirichlet is None else float(dirichlet),
        "weight_nodes": weight_nodes,
        "geometric": list(geometric or []),
        "missing": missing,
        "noise": _noise_rows(input_noise),
        "level": float(level),
    }


def inputs(
    scores: Scores,
    year: int,
    *,
    node: str = "",
    weights: tuple[float, float] | None = None,
    dirichlet: float | None = None,
    weight_nodes: list[str] | None = None,
    geometric: list[str] | str | None = None,
    missing: bool = False,
    input_noise: Any = None,
    level: float = 0.95,
) -> list[str]:
    """The uncertain inputs the assumptions make, in design column order (what a user-supplied design's columns
    mean).

    >>> import chiso
    >>> s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    >>> chiso.uncertainty.inputs(s, 2016, weights=(0.75, 1.25), geometric="")[-2:]
    ['weight: legal_institutions', 'aggregation: total']
    """
    args = _common(node, weights, dirichlet, weight_nodes, geometric, missing, input_noise, level)
    # One run on a one-row design of the right width is the cheapest way to get the names without a second binding.
    out = _uncertainty(scores, year, **args, runs=1, seed=0, design=None)
    return list(out["varied"])


def analyse(
    scores: Scores,
    year: int,
    *,
    node: str = "",
    weights: tuple[float, float] | None = None,
    dirichlet: float | None = None,
    weight_nodes: list[str] | None = None,
    geometric: list[str] | str | None = None,
    missing: bool = False,
    input_noise: Any = None,
    level: float = 0.95,
    runs: int = 10_000,
    seed: int = 0,
    design: Any = None,
) -> Uncertainty:
    """Monte Carlo over the chosen assumptions for data year ``year``: each province's rank distribution of
    ``node`` (default the total) and the mean absolute rank shift against the official ranking.

    - ``weights=(low, high)``: each child's weight × Uniform(low, high), then each parent's weights renormalised
      (one uncertain input per weight); or ``dirichlet=c``: each parent's weights ~ Dirichlet(c · official shares)
      (one input per parent). ``weight_nodes`` limits which parents' weights vary (default: every computed node).
    - ``geometric``: nodes whose rule is arithmetic or geometric with probability ½ each (one input per node).
    - ``missing=True``: incomplete parents missing or renormalised over the present children, ½ each.
    - ``input_noise``: a frame of ``province``, ``node`` and ``se`` (standard error) or ``lower``, ``upper`` (a
      confidence interval at ``level``); the values are drawn from normal distributions, clamped to the scale (one
      input per node).
    - ``runs`` draws from a generator seeded with ``seed`` (the same on any number of cores), or ``design``: your own
      runs × inputs array of uniforms in [0, 1], columns in the order of :func:`inputs`.

    >>> import chiso
    >>> s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    >>> ua = chiso.uncertainty.analyse(s, 2016, weights=(0.75, 1.25), geometric="", runs=2000, seed=1)
    >>> ua.runs, len(ua.varied), ua.n_ranked
    (2000, 11, 63)
    >>> tv = ua.ranks.filter(province="Trà Vinh").row(0, named=True)
    >>> tv["rank_p05"] <= tv["official_rank"] <= tv["rank_p95"]
    True
    """
    args = _common(node, weights, dirichlet, weight_nodes, geometric, missing, input_noise, level)
    raw = _matrix("design", design) if design is not None else None
    out = _uncertainty(scores, year, **args, runs=runs, seed=seed, design=raw)
    n = out["ranks"].height
    counts = np.frombuffer(out["counts"], dtype="<u8").reshape(n, n + 1)
    return Uncertainty(
        year=year,
        edition=out["edition"],
        node=out["node"],
        runs=out["runs"],
        seed=out["seed"],
        varied=list(out["varied"]),
        n_ranked=out["n_ranked"],
        ranks=out["ranks"].with_columns(pl.lit("derived").alias("status")),
        rank_shift=np.frombuffer(out["rank_shift"], dtype="<f8"),
        _counts=counts,
    )


def sensitivity(
    scores: Scores,
    year: int,
    *,
    output: Literal["rank_shift", "rank", "score"] = "rank_shift",
    province: str | None = None,
    node: str = "",
    weights: tuple[float, float] | None = None,
    dirichlet: float | None = None,
    weight_nodes: list[str] | None = None,
    geometric: list[str] | str | None = None,
    missing: bool = False,
    input_noise: Any = None,
    level: float = 0.95,
    n: int = 1000,
    seed: int = 0,
    design: tuple[Any, Any] | None = None,
    bootstrap: int = 500,
    first_order: Literal["saltelli2010", "jansen"] = "saltelli2010",
) -> pl.DataFrame:
    """First-order and total Sobol indices of ``output`` — the mean absolute rank shift (``"rank_shift"``), or one
    ``province``'s ``"rank"`` or ``"score"`` — for each uncertain input of the assumptions (arguments as
    :func:`analyse`), from a Saltelli design of ``n`` rows (the model runs n · (inputs + 2) times), or your own
    ``design=(A, B)``. Estimators: total, Jansen (1999); first order, Saltelli (2010) (as the numpy reference) or
    Jansen (1999). 95% bootstrap percentile intervals from ``bootstrap`` resamples.

    >>> import chiso
    >>> s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    >>> si = chiso.uncertainty.sensitivity(s, 2016, weights=(0.75, 1.25), geometric="", n=500, bootstrap=100)
    >>> si.sort("total", descending=True)["input"][0]   # labour training carries 20% of the weight
    'weight: labor_training'
    """
    args = _common(node, weights, dirichlet, weight_nodes, geometric, missing, input_noise, level)
    a = b = None
    if design is not None:
        if len(design) != 2:
            raise InvalidArgumentError("design=(A, B): two matrices", argument="design", value=len(design))
        a, b = _matrix("design[0]", design[0]), _matrix("design[1]", design[1])
    return _sensitivity(
        scores,
        year,
        **args,
        output=output,
        province=province,
        n=n,
        seed=seed,
        a=a,
        b=b,
        bootstrap=bootstrap,
        first_order=first_order,
    ).with_columns(pl.lit(output).alias("output"), pl.lit("derived").alias("status"))
