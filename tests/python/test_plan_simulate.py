"""Plan outcomes as probabilities (issue 11 §2) from Python: chiso.plans.simulate on PCI 2016, whose composite is
10 · Σ w·s / Σ w with transparency weighing 20 and informal charges 10 (Σ w = 100): one point of transparency is
two points of the total. Expected values come from those weights and the distributions' formulas."""

from __future__ import annotations

import math
from typing import Any

import chiso
import polars as pl
import pytest
from chiso.plans import load_plan, simulate


@pytest.fixture(scope="module")
def pci() -> chiso.Scores:
    return chiso.score("pci", chiso.datasets.pci().filter(year=2016))


def plan(**extra: list[Any]) -> pl.DataFrame:
    n = len(next(iter(extra.values()))) if extra else 1
    base: dict[str, list[Any]] = {
        "id": [f"T{i + 1}" for i in range(n)],
        "index": ["pci"] * n,
        "node": ["transparency", "informal_charges", "entry_costs"][:n],
        "title": ["t"] * n,
        "lead_agency": ["Sở Tài chính", "Thanh tra tỉnh", "Sở Tư pháp"][:n],
        "deadline": ["2017-06-30"] * n,
        "status": ["planned"] * n,
        "effect_op": ["add"] * n,
        "effect_value": [1.0] * n,
    }
    base.update(extra)
    return load_plan(pl.DataFrame(base))


def test_probability_of_delivery_within_a_binomial_bound(pci: chiso.Scores) -> None:
    n, p = 20_000, 0.3
    sim = simulate(pci, plan(probability=[p]), "Trà Vinh", 2016, index="pci", runs=n, seed=3)
    base = sim.summary["base_total"].item()
    gains = (sim.outcomes["total"] - base).to_numpy()
    delivered = ((gains - 2.0) ** 2 < 1e-18).sum()
    assert delivered + (gains**2 < 1e-18).sum() == n
    assert abs(delivered / n - p) < 5 * math.sqrt(p * (1 - p) / n)
    assert sim.runs == n and sim.seed == 3 and sim.varied == ["T1 delivers (p = 0.3)"]
    # P(rank ≤ the base rank) is 1; the outcomes' ranks are the publisher's (PCI 2016 ranks all 63).
    base_rank = sim.summary["base_rank"].item()
    assert sim.p_rank_at_most(base_rank)["p_rank_at_most"].item() == 1.0
    assert sim.outcomes["rank"].null_count() == 0


def test_triangular_mean_and_agency_gains(pci: chiso.Scores) -> None:
    n = 40_000
    sim = simulate(
        pci,
        plan(probability=[0.5, 1.0], effect_min=[None, 0.0], effect_mode=[None, 0.5], effect_max=[None, 2.0]),
        "Trà Vinh",
        2016,
        index="pci",
        runs=n,
        seed=11,
    )
    gains = dict(sim.agencies.select("lead_agency", "expected_gain").rows())
    # Transparency: 2 points × p = 0.5; informal charges: 1 point × triangular mean (0 + 0.5 + 2) / 3.
    assert abs(gains["Sở Tài chính"] - 1.0) < 5 * math.sqrt(4 * 0.25 / n)
    tri_sd = math.sqrt((0 + 0.25 + 4 - 0 - 0 - 1) / 18)
    assert abs(gains["Thanh tra tỉnh"] - 2.5 / 3) < 5 * tri_sd / math.sqrt(n)
    total_gain = sim.summary["total_mean"].item() - sim.summary["base_total"].item()
    assert total_gain == pytest.approx(gains["Sở Tài chính"] + gains["Thanh tra tỉnh"], abs=1e-9)
    # Variance shares: 4 · 0.25 = 1 against tri variance 3.25 / 18.
    shares = dict(sim.tasks.select("id", "variance_share").rows())
    tri_var = 3.25 / 18
    assert shares["T1"] == pytest.approx(1 / (1 + tri_var), abs=0.01)
    assert shares["T2"] == pytest.approx(tri_var / (1 + tri_var), abs=0.01)
    row = sim.summary.row(0, named=True)
    assert row["total_p05"] <= row["total_median"] <= row["total_p95"]
    assert row["rank_p05"] <= row["rank_median"] <= row["rank_p95"] <= row["base_rank"]
    assert row["status"] == "projected" and row["peers"] == "held"


def test_seeded_and_reproducible(pci: chiso.Scores) -> None:
    p = plan(probability=[0.6], effect_min=[0.0], effect_mode=[1.0], effect_max=[1.5])
    a = simulate(pci, p, "Trà Vinh", 2016, index="pci", runs=3000, seed=5)
    b = simulate(pci, p, "Trà Vinh", 2016, index="pci", runs=3000, seed=5)
    c = simulate(pci, p, "Trà Vinh", 2016, index="pci", runs=3000, seed=6)
    assert a.outcomes.equals(b.outcomes) and a.summary.equals(b.summary)
    assert not a.outcomes.equals(c.outcomes)


def test_partial_field_ranks_within_only() -> None:
    few = chiso.score(
        "pci",
        chiso.datasets.pci().filter(year=2016).filter(pl.col("province").is_in(["Trà Vinh", "Bến Tre", "Vĩnh Long"])),
    )
    sim = simulate(few, plan(probability=[0.5]), "Trà Vinh", 2016, index="pci", runs=200, seed=1)
    row = sim.summary.row(0, named=True)
    assert row["base_rank"] is None and row["rank_median"] is None and row["rank_within_median"] is not None
    p = sim.p_rank_at_most(3)
    assert p["p_rank_at_most"].item() is None and p["p_rank_within_at_most"].item() == 1.0
    assert sim.outcomes["rank"].null_count() == 200


def test_peers_by_trend_are_recorded() -> None:
    pci = chiso.score("pci", chiso.datasets.pci())
    sim = simulate(
        pci, plan(probability=[0.5]), "Trà Vinh", 2016, index="pci", runs=100, peers="trend", target_year=2017
    )
    assert "trend" in sim.summary["peers"].item()


@pytest.mark.parametrize(
    ("extra", "kwargs", "argument"),
    [
        ({"probability": [1.5]}, {}, "probability"),
        ({"probability": [-0.1]}, {}, "probability"),
        ({"effect_min": [2.0], "effect_mode": [1.0], "effect_max": [3.0]}, {}, "effect_min/effect_mode/effect_max"),
        ({"effect_min": [0.0], "effect_mode": [1.0], "effect_max": [None]}, {}, "effect_min/effect_mode/effect_max"),
        ({}, {"runs": 0}, "runs"),
        ({}, {"runs": 10**9}, "runs"),
        ({}, {"seed": -1}, "seed"),
        ({}, {"peers": "trend"}, "target_year"),
    ],
)
def test_bad_input_names_the_argument(
    pci: chiso.Scores, extra: dict[str, list[Any]], kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(chiso.InvalidArgumentError) as info:
        simulate(pci, plan(**extra) if extra else plan(), "Trà Vinh", 2016, index="pci", **kwargs)
    assert getattr(info.value, "argument", None) == argument
    if argument == "runs" and kwargs["runs"] > 1:
        assert "1000000" in str(info.value)


def test_peers_with_their_trend_uncertainty() -> None:
    """Peers moved by their trend and drawn from its prediction per run: the same seed gives the same totals as
    fixed peers (the tasks' draws do not move), a spread of ranks instead of one, and ``varied`` says what was drawn."""
    pci = chiso.score("pci", chiso.datasets.pci().filter(pl.col("year").is_between(2012, 2016)))
    kwargs: dict[str, Any] = {"index": "pci", "runs": 4000, "seed": 5, "peers": "trend", "target_year": 2018}
    fixed = simulate(pci, plan(), "Trà Vinh", 2016, **kwargs)
    drawn = simulate(pci, plan(), "Trà Vinh", 2016, peer_uncertainty=True, **kwargs)
    assert fixed.outcomes["total"].to_list() == drawn.outcomes["total"].to_list()
    assert fixed.outcomes["rank_within"].n_unique() == 1
    assert drawn.outcomes["rank_within"].n_unique() > 3
    assert drawn.summary["peers"][0] == fixed.summary["peers"][0]
    assert any("Student t" in v for v in drawn.varied)


@pytest.mark.parametrize(
    ("kwargs", "argument"), [({}, "peer_uncertainty"), ({"peer_uncertainty": 1}, "peer_uncertainty")]
)
def test_peer_uncertainty_needs_trend_peers_and_a_bool(
    pci: chiso.Scores, kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(chiso.InvalidArgumentError) as e:
        simulate(pci, plan(), "Trà Vinh", 2016, index="pci", runs=10, **{"peer_uncertainty": True, **kwargs})
    assert e.value.argument == argument
