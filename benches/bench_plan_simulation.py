"""Plan simulation throughput: ``chiso.plans.simulate`` against a vectorised numpy computation of the same Monte
Carlo, in the same run, the statistics checked equal first (statistically: the two draw from different generators).

PAPI 2024, Trà Vinh: three tasks close shares of the headroom on three sub-dimensions, each delivering with a
probability and, when it does, closing a share drawn from a triangular distribution; two lead agencies; the other
provinces held. The numpy reference knows that every PAPI rule is a sum, so the total moves by the sum of the
delivered changes; it ranks with a binary search among the peers' sorted totals and computes the same statistics
(mean, 5/50/95% of the total, P(rank ≤ k), each agency's expected gain, each task's variance share). chiso runs
the general engine from Python (plan checked, draws, evaluation, per-agency re-runs, frames out). A second chiso
figure draws the peers from their own trend uncertainty (peers moved to 2026, PAPI 2019–2024), which the reference
does not model. Run: ``make bench`` or ``python benches/bench_plan_simulation.py``.
"""

from __future__ import annotations

import os
import time

import chiso
import numpy as np
import polars as pl

NODES = ["e_governance/portal_access", "e_governance/internet_access", "transparency/land_use_plans"]
AGENCIES = ["Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông", "Sở Tài nguyên và Môi trường"]
PROBABILITY = [0.9, 0.7, 0.6]
RANGE = [(0.2, 0.5, 0.8), (0.1, 0.3, 0.6), (0.3, 0.4, 0.9)]  # (min, most likely, max) share of the headroom
K = [20, 30, 40]


def best_of(repeat: int, f):  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def plan() -> pl.DataFrame:
    return chiso.plans.load_plan(
        pl.DataFrame(
            {
                "id": ["T1", "T2", "T3"],
                "index": ["papi"] * 3,
                "node": NODES,
                "title": ["Portal", "Internet", "Land-use plans"],
                "lead_agency": AGENCIES,
                "deadline": ["2025-06-30"] * 3,
                "status": ["planned"] * 3,
                "effect_op": ["headroom"] * 3,
                "effect_value": [r[1] for r in RANGE],
                "probability": PROBABILITY,
                "effect_min": [r[0] for r in RANGE],
                "effect_mode": [r[1] for r in RANGE],
                "effect_max": [r[2] for r in RANGE],
            }
        )
    )


def main() -> None:
    papi = chiso.score("papi", chiso.datasets.papi())
    s = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    long = s.long().filter(year=2024)
    tv = long.filter(province="Trà Vinh")
    headroom = np.array([tv.filter(node=n)["max"].item() - tv.filter(node=n)["score"].item() for n in NODES])
    base_total = tv.filter(node="")["score"].item()
    peers = np.sort(long.filter((pl.col("node") == "") & (pl.col("province") != "Trà Vinh"))["score"].to_numpy())
    p = np.array(PROBABILITY)
    lo, mode, hi = (np.array(c) for c in zip(*RANGE, strict=True))
    mine = [np.array([a == agency for a in AGENCIES]) for agency in sorted(set(AGENCIES))]

    def reference(runs: int, seed: int) -> dict[str, object]:
        rng = np.random.default_rng(seed)
        delivers = rng.random((runs, 3)) < p
        share = np.where(delivers, rng.triangular(lo, mode, hi, (runs, 3)), 0.0)
        change = share * headroom
        total = base_total + change.sum(axis=1)
        rank = 1 + peers.size - np.searchsorted(peers, total, side="right")
        var = total.var()
        return {
            "total": total,
            "quantiles": np.percentile(total, [5, 50, 95]),
            "p_rank": [(rank <= k).mean() for k in K],
            "gains": [change[:, m].sum(axis=1).mean() for m in mine],
            "shares": [np.corrcoef(share[:, j], total)[0, 1] ** 2 if var > 0 else 0.0 for j in range(3)],
        }

    def own(runs: int, seed: int, **peers_kw: object) -> chiso.plans.PlanSimulation:
        return chiso.plans.simulate(
            papi if peers_kw else s, plan(), "Trà Vinh", 2024, index="papi", runs=runs, seed=seed, **peers_kw
        )

    print(
        "PAPI 2024, Trà Vinh, 3 tasks (probability × triangular share of the headroom), 2 agencies; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for runs in (10_000, 100_000, 1_000_000):
        repeat = 3 if runs <= 100_000 else 1
        t_ref, r = best_of(repeat, lambda runs=runs: reference(runs, 1))
        t_own, sim = best_of(repeat, lambda runs=runs: own(runs, 1))
        # Statistically equal: means within 5 standard errors, probabilities within 5 binomial standard errors,
        # percentiles and variance shares within what 10⁴+ runs allow.
        total = sim.outcomes["total"].to_numpy()
        se = r["total"].std() / np.sqrt(runs)  # type: ignore[union-attr]
        assert abs(total.mean() - r["total"].mean()) < 5 * np.sqrt(2) * se, "mean totals differ"  # type: ignore[union-attr]
        summary = sim.summary.row(0, named=True)
        ours_q = [summary["total_p05"], summary["total_median"], summary["total_p95"]]
        assert np.allclose(ours_q, r["quantiles"], atol=0.05), (ours_q, r["quantiles"])
        ours_p = sim.p_rank_at_most(K)["p_rank_at_most"].to_list()
        for a, b in zip(ours_p, r["p_rank"], strict=True):  # type: ignore[call-overload]
            assert abs(a - b) < 5 * np.sqrt(2 * max(b * (1 - b), 1e-4) / runs) + 1e-9, (ours_p, r["p_rank"])
        gains = sim.agencies.sort("lead_agency")["expected_gain"].to_list()
        assert np.allclose(gains, r["gains"], atol=0.02), (gains, r["gains"])
        shares = sim.tasks.sort("id")["variance_share"].to_list()
        assert np.allclose(shares, r["shares"], atol=0.02), (shares, r["shares"])
        t_peers, sim_peers = best_of(
            1, lambda runs=runs: own(runs, 1, peers="trend", target_year=2026, peer_uncertainty=True)
        )
        print(
            f"{runs:>9,} runs: numpy {t_ref:7.3f} s | chiso {t_own:7.3f} s ({t_ref / t_own:5.2f}x numpy's rate); "
            f"statistics equal; with peers' trend uncertainty {t_peers:7.3f} s "
            f"(P(rank ≤ 30) {sim_peers.p_rank_at_most(30)['p_rank_at_most'][0]:.3f} vs {ours_p[1]:.3f} held)"
        )


if __name__ == "__main__":
    main()
