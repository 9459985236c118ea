"""Reference for index uncertainty and sensitivity analysis, in vectorised numpy: what chiso's own implementation is
benchmarked against, in the same run, and must agree with (same design, same statistics).

Design (PCI 2016, 63 provinces x 10 sub-indices, composite = weighted mean x 10 of the sub-indices):
  - each of the 10 sub-index weights is multiplied by an independent Uniform(0.75, 1.25) factor, then the weights are
    renormalised;
  - the aggregation is arithmetic or geometric with probability 1/2 each.
Outputs per run: the 63 composites -> competition ranks (1 = best; ties share the better rank).
Statistics: per province the 5th, 50th and 95th percentile of its rank over the runs; per run the mean absolute rank
shift against the nominal ranking (official weights, arithmetic); Sobol first-order and total indices of that shift
for the 11 inputs (10 weight factors + the aggregation switch), Saltelli design with Jansen estimators.

Usage: python ua_reference.py SUBINDICES.csv   (columns: province, then the 10 sub-indices; weights below)
       python ua_reference.py                  (synthetic table, seeded)
"""

import sys
import time

import numpy as np

WEIGHTS_2013 = np.array([5, 5, 20, 5, 10, 5, 5, 20, 20, 5], dtype=float)  # pci.2013 order of the methodology file


def load(path=None):
    if path is None:
        rng = np.random.default_rng(2016)
        return [f"p{i}" for i in range(63)], rng.uniform(3, 9, (63, 10))
    import csv

    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [r[0] for r in rows[1:]], np.array([[float(x) for x in r[1:11]] for r in rows[1:]])


def composites(S, factors, geometric):
    """S (U, G) sub-indices; factors (n, G); geometric (n,) bool -> (n, U) composites."""
    w = WEIGHTS_2013 * factors
    w = w / w.sum(1, keepdims=True)
    lin = 10 * w @ S.T
    geo = 10 * np.exp(w @ np.log(S).T)
    return np.where(geometric[:, None], geo, lin)


def ranks(C):
    """Competition ranks per row, descending ('1224')."""
    order = np.sort(C, axis=1)[:, ::-1]
    return (
        1 + (order[:, None, :] > C[:, :, None]).sum(2)
        if C.shape[0] * C.shape[1] ** 2 < 5e7
        else np.stack([1 + (np.sort(c)[::-1][None, :] > c[:, None]).sum(1) for c in C])
    )


def run(S, n, seed=1, chunk=20_000):
    rng = np.random.default_rng(seed)
    factors = rng.uniform(0.75, 1.25, (n, S.shape[1]))
    geometric = rng.random(n) < 0.5
    nominal = ranks(composites(S, np.ones((1, S.shape[1])), np.array([False])))[0]
    R = np.empty((n, S.shape[0]), dtype=np.int32)
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        R[s:e] = ranks(composites(S, factors[s:e], geometric[s:e]))
    q = np.percentile(R, [5, 50, 95], axis=0, method="lower")
    shift = np.abs(R - nominal).mean(1)
    return q, shift


def sobol(S, N, seed=2):
    rng = np.random.default_rng(seed)
    d = S.shape[1] + 1
    A, B = rng.random((N, d)), rng.random((N, d))
    nominal = ranks(composites(S, np.ones((1, S.shape[1])), np.array([False])))[0]

    def model(X):
        f = 0.75 + 0.5 * X[:, :-1]
        g = X[:, -1] < 0.5
        return np.abs(ranks(composites(S, f, g)) - nominal).mean(1)

    yA, yB = model(A), model(B)
    V = np.var(np.concatenate([yA, yB]))
    first, total = [], []
    for i in range(d):
        ABi = A.copy()
        ABi[:, i] = B[:, i]
        y = model(ABi)
        first.append(np.mean(yB * (y - yA)) / V)
        total.append(np.mean((yA - y) ** 2) / (2 * V))
    return np.array(first), np.array(total)


if __name__ == "__main__":
    names, S = load(sys.argv[1] if len(sys.argv) > 1 else None)
    for n in (10_000, 100_000):
        t = time.perf_counter()
        q, shift = run(S, n)
        print(f"rank bands, {n:>7} runs: {time.perf_counter() - t:6.3f} s; mean abs rank shift {shift.mean():.3f}")
    t = time.perf_counter()
    first, total = sobol(S, 10_000)
    print(f"Sobol, Saltelli N=10,000 ({10_000 * 13:,} runs): {time.perf_counter() - t:6.3f} s")
    print("  first order", np.round(first, 3))
    print("  total      ", np.round(total, 3))
