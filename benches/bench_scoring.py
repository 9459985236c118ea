"""Scoring throughput: chiso against a plain numpy/pandas implementation of the same weighted scoring.

Both score the same synthetic PCI table (63 provinces × the 21 data years 2004–2024 all of them exist in, ten
sub-indices, scored with pci.2013 for every year), produce
the composite and the 1224 rank per year, and the numbers are checked equal before any timing is reported. Run:
``make bench`` (or ``python benches/bench_scoring.py``).
"""

from __future__ import annotations

import os
import time

import chiso
import numpy as np
import pandas as pd
import polars as pl

SUBS = [
    "entry_costs",
    "land_access",
    "transparency",
    "time_costs",
    "informal_charges",
    "policy_bias",
    "proactivity",
    "business_support",
    "labor_training",
    "legal_institutions",
]


def synthetic(first: int = 2004, last: int = 2024) -> pl.DataFrame:
    rng = np.random.default_rng(2022)
    codes = chiso.provinces().filter(pl.col("papi_code").is_not_null())["code"].to_list()
    n_years = last - first + 1
    n = len(codes) * n_years
    return pl.DataFrame(
        {
            "province": codes * n_years,
            "year": np.repeat(np.arange(first, last + 1), len(codes)),
            **{s: np.round(rng.uniform(1, 10, n), 2) for s in SUBS},
        }
    )


def reference(df: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """What an analyst would write in pandas: weighted mean × 10, then a min-rank per year, descending."""
    out = df[["province", "year"]].copy()
    out["score"] = 10 * (df[SUBS].to_numpy() @ weights) / weights.sum()
    # Ranked at 9 decimals, as chiso does for "unrounded" rankings, so float noise cannot split equal scores.
    out["rank"] = out["score"].round(9).groupby(out["year"]).rank(method="min", ascending=False).astype(int)
    return out


def best_of(f, repeat: int = 30) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    m = chiso.methodology("pci", edition="pci.2013")
    tree = m.tree().filter(pl.col("depth") == 1)
    weights = np.array([tree.filter(path=s)["weight"][0] for s in SUBS])
    df = synthetic()
    pdf = df.to_pandas()

    ours = chiso.score(m, df).totals().sort("year", "province_code")
    ref = reference(pdf, weights).sort_values(["year", "province"])
    assert np.allclose(ours["score"].to_numpy(), ref["score"].to_numpy(), rtol=0, atol=1e-9), "scores differ"
    # The reference ranks the provinces given: chiso's rank_within. (chiso's `rank` is the publisher's field's and is
    # null in 2004–2008, whose field has 64 provinces with Hà Tây; the synthetic table has 63.)
    assert (ours["rank_within"].to_numpy() == ref["rank"].to_numpy()).all(), "ranks differ"

    # The long view holds the same composites and ranks (and every sub-index's).
    long = chiso.score(m, df).long().filter(depth=0).sort("year", "province_code")
    assert long.select(ours.columns).equals(ours.select(ours.columns)), "long and totals differ"

    units = df.height
    load = os.getloadavg()
    # Interleaved rounds, best of each: a burst of load from other processes hits all three alike.
    t_ref = t_ours = t_long = float("inf")
    for _ in range(5):
        t_ref = min(t_ref, best_of(lambda: reference(pdf, weights), 10))
        t_ours = min(t_ours, best_of(lambda: chiso.score(m, df).totals(), 10))
        t_long = min(t_long, best_of(lambda: chiso.score(m, df).long(), 10))
    print(f"{units} province-years × {len(SUBS)} sub-indices (identical composites and ranks checked)")
    print(f"  numpy/pandas reference      {t_ref * 1e3:8.2f} ms  {units / t_ref:12,.0f} province-years/s")
    print(f"  chiso.score(...).totals()   {t_ours * 1e3:8.2f} ms  {units / t_ours:12,.0f} province-years/s")
    print(f"  chiso.score(...).long()     {t_long * 1e3:8.2f} ms  {units / t_long:12,.0f} province-years/s")
    print(f"  ratio chiso/reference (time): totals {t_ours / t_ref:.2f}, long {t_long / t_ref:.2f}")
    print(f"  load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the start of the timing")


if __name__ == "__main__":
    main()
