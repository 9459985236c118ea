"""Uncertainty analysis: chiso against the numpy reference (``benches/reference/ua_reference.py``, a copy of
``../shared/bench/ua_reference.py``) on the same design, in the same run, numbers checked equal first.

PCI 2016 (63 provinces × 10 sub-indices): weights × Uniform(0.75, 1.25) renormalised, arithmetic or geometric
aggregation with probability ½, competition ranks, rank percentiles (5, 50, 95) and the mean absolute rank shift;
Sobol first-order and total indices of the shift (Saltelli design, N = 10,000: 130,000 runs). chiso is given the
reference's own draws (a user-supplied design), so its percentiles, shifts and indices must equal the
reference's; then both are timed (best of 3), chiso end to end from Python (design in, frames out).
Run: ``make bench`` or ``python benches/bench_uncertainty.py``.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import time

import chiso
import numpy as np
import polars as pl

HERE = pathlib.Path(__file__).parent / "reference"
spec = importlib.util.spec_from_file_location("ua_reference", HERE / "ua_reference.py")
assert spec is not None and spec.loader is not None
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)


def best_of(repeat: int, f):  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    names, S = ref.load(str(HERE / "pci_2016_subindices.csv"))
    wide = pl.read_csv(HERE / "pci_2016_subindices.csv")
    long = wide.unpivot(index="province", variable_name="node", value_name="value").with_columns(year=pl.lit(2016))
    scores = chiso.score("pci", long, edition="pci.2013")
    order = None
    print(
        "PCI 2016, 63 provinces x 10 sub-indices; weights x U(0.75, 1.25), arithmetic/geometric 1/2; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for n in (10_000, 100_000):
        rng = np.random.default_rng(1)  # the reference's draws (ua_reference.run, seed 1)
        design = np.column_stack(
            [(rng.uniform(0.75, 1.25, (n, 10)) - 0.75) / 0.5, np.where(rng.random(n) < 0.5, 0.25, 0.75)]
        )
        t_ref, (q, shift) = best_of(3, lambda n=n: ref.run(S, n))
        t_own, ua = best_of(
            3,
            lambda design=design: chiso.uncertainty.analyse(
                scores, 2016, weights=(0.75, 1.25), geometric="", design=design
            ),
        )
        order = [names.index(p) for p in ua.ranks["province"].to_list()]
        ours = ua.ranks.select("rank_p05", "rank_median", "rank_p95").to_numpy().T
        assert (ours == q[:, order]).all(), "rank percentiles differ from the reference"
        assert np.array_equal(ua.rank_shift, shift), "rank shifts differ from the reference"
        t_seeded, _ = best_of(
            3, lambda n=n: chiso.uncertainty.analyse(scores, 2016, weights=(0.75, 1.25), geometric="", runs=n, seed=1)
        )
        print(
            f"rank bands, {n:>7,} runs: numpy {t_ref:6.3f} s | chiso {t_own:6.3f} s on the reference's design "
            f"({t_ref / t_own:5.1f}x), {t_seeded:6.3f} s on its own seeded draws ({t_ref / t_seeded:5.1f}x); "
            f"percentiles and shifts equal; mean shift {shift.mean():.3f}"
        )
    n = 10_000
    rng = np.random.default_rng(2)  # ua_reference.sobol's design
    a, b = rng.random((n, 11)), rng.random((n, 11))
    t_ref, (first, total) = best_of(3, lambda: ref.sobol(S, n))
    t_own, si = best_of(
        3,
        lambda: chiso.uncertainty.sensitivity(
            scores, 2016, weights=(0.75, 1.25), geometric="", design=(a, b), bootstrap=0
        ),
    )
    assert np.allclose(si["first"].to_numpy(), first, atol=1e-12, rtol=0)
    assert np.allclose(si["total"].to_numpy(), total, atol=1e-12, rtol=0)
    t_boot, _ = best_of(
        1,
        lambda: chiso.uncertainty.sensitivity(
            scores, 2016, weights=(0.75, 1.25), geometric="", design=(a, b), bootstrap=1000
        ),
    )
    print(
        f"Sobol, Saltelli N = {n:,} ({n * 13:,} runs): numpy {t_ref:6.3f} s | chiso {t_own:6.3f} s "
        f"({t_ref / t_own:5.1f}x), indices equal within 1e-12; with 1,000 bootstrap resamples {t_boot:6.3f} s"
    )
    print("  first order", np.round(first, 3))
    print("  total      ", np.round(total, 3))


if __name__ == "__main__":
    main()
