"""Scoring from raw indicators: chiso's indicator layer against a numpy implementation of the same rules.

Twelve synthetic fields (the size of twelve data years) of 63 provinces × the 111 indicators of the PCI 2016 layer:
VCCI's 2016 values perturbed per replica, kept inside each unit's possible range, each scored as data year 2016
(the layer's rules are established for that year only). Both sides normalise every indicator by min–max across the
field's provinces onto 1–10 with its direction (the layer with ``normalise="minmax"``), build each sub-index as
intercept + Σ weight · score, the composite with the pci.2013 weights and the rank per field. The numbers are
checked equal before any timing is reported. Run: ``make bench`` (or ``python benches/bench_indicators.py``).
"""

from __future__ import annotations

import time
from pathlib import Path

import chiso
import numpy as np
import polars as pl

LAYER = (Path(__file__).parents[1] / "methodologies" / "pci" / "indicators" / "pci.2013.2016.toml").read_text(
    encoding="utf-8"
)
REPLICAS = range(12)
YEAR = 2016
WEIGHTS = {  # pci.2013 composite weights (%), pci.md A4.2
    "entry_costs": 5,
    "land_access": 5,
    "transparency": 20,
    "time_costs": 5,
    "informal_charges": 10,
    "policy_bias": 5,
    "proactivity": 5,
    "business_support": 20,
    "labor_training": 20,
    "legal_institutions": 5,
}


def synthetic() -> tuple[pl.DataFrame, pl.DataFrame]:
    layer = chiso.indicators.layer(2016)
    inds = layer["indicators"]
    base = chiso.indicators.data(2016).pivot(on="indicator", index="province", values="value")
    rng = np.random.default_rng(2016)
    frames = []
    for replica in REPLICAS:
        cols = {"province": base["province"].to_list()}
        for row in inds.iter_rows(named=True):
            x = base[row["indicator"]].to_numpy()
            noisy = x * rng.uniform(0.8, 1.2, len(x))
            if row["unit"] == "share":
                noisy = np.clip(noisy, 0, 1)
            elif row["unit"] == "pct":
                noisy = np.clip(noisy, 0, 100)
            cols[row["indicator"]] = noisy
        frames.append(pl.DataFrame(cols).with_columns(pl.lit(replica).alias("replica")))
    wide = pl.concat(frames)
    long = wide.unpivot(index=["province", "replica"], variable_name="indicator", value_name="value")
    return wide, long


def reference(wide: pl.DataFrame, layer: dict) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """numpy: min–max per field and indicator with direction, Σ weight·score + intercept, composite, 1224 rank."""
    inds = layer["indicators"]
    nodes = layer["nodes"]
    codes = inds["indicator"].to_list()
    sign = np.where(inds["direction"].to_numpy() == "higher_is_better", 1.0, -1.0)
    w = inds["weight"].to_numpy()
    node_of = inds["node"].to_list()
    node_names = nodes["node"].to_list()
    member = np.array([[1.0 if node_of[j] == q else 0.0 for q in node_names] for j in range(len(codes))])
    intercept = nodes["intercept"].to_numpy()
    comp_w = np.array([WEIGHTS[q] for q in node_names]) / 10.0
    out = {}
    for replica in REPLICAS:
        part = wide.filter(pl.col("replica") == replica).sort("province")
        x = part.select(codes).to_numpy()
        lo, hi = x.min(axis=0), x.max(axis=0)
        worst = np.where(sign > 0, lo, hi)
        best = np.where(sign > 0, hi, lo)
        s = 1 + 9 * (x - worst) / (best - worst)
        sub = (s * w) @ member + intercept
        composite = sub @ comp_w
        keyed = np.round(composite, 9)
        rank = 1 + (keyed[None, :] > keyed[:, None]).sum(axis=1)
        out[replica] = (composite, rank)
    return out


def with_chiso(long: pl.DataFrame) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    out = {}
    for replica in REPLICAS:
        part = long.filter(pl.col("replica") == replica).drop("replica")
        totals = chiso.indicators.score(YEAR, data=part, toml=LAYER, normalise="minmax")["totals"]
        # chiso reports Vietnamese names; the reference sorts by the same names.
        t = totals.sort("province")
        out[replica] = (t["composite"].to_numpy(), t["rank"].to_numpy())
    return out


def best_of(f, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    wide, long = synthetic()
    layer = chiso.indicators.layer(2016, normalise="minmax")
    ref = reference(wide, layer)
    mine = with_chiso(long)
    for replica in REPLICAS:
        assert np.allclose(ref[replica][0], mine[replica][0], rtol=0, atol=1e-9), replica
        assert (ref[replica][1] == mine[replica][1]).all(), replica
    n_values = long.height
    t_ref = best_of(lambda: reference(wide, layer))
    t_chiso = best_of(lambda: with_chiso(long))
    print(f"{len(REPLICAS)} fields × 63 provinces × {layer['indicators'].height} indicators = {n_values} raw values")
    print("composites and ranks equal (|Δ| ≤ 1e-9, ranks identical)")
    print(f"numpy reference : {t_ref * 1e3:8.1f} ms")
    print(f"chiso           : {t_chiso * 1e3:8.1f} ms  (incl. conversion of long frames, province matching)")


if __name__ == "__main__":
    main()
