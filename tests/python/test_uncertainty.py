"""Uncertainty and sensitivity analysis (issue 11 §3) against the numpy reference on the reference's own draws, and
bad arguments as typed errors naming the argument."""

from __future__ import annotations

import importlib.util
import pathlib

import chiso
import numpy as np
import polars as pl
import pytest

REFERENCE = pathlib.Path(__file__).parents[2] / "benches" / "reference"


def _reference():
    spec = importlib.util.spec_from_file_location("ua_reference", REFERENCE / "ua_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ref = _reference()
NAMES, S = ref.load(str(REFERENCE / "pci_2016_subindices.csv"))


@pytest.fixture(scope="module")
def scores() -> chiso.Scores:
    wide = pl.read_csv(REFERENCE / "pci_2016_subindices.csv")
    long = wide.unpivot(index="province", variable_name="node", value_name="value").with_columns(year=pl.lit(2016))
    return chiso.score("pci", long, edition="pci.2013")


def _order(ranks: pl.DataFrame) -> list[int]:
    return [NAMES.index(p) for p in ranks["province"].to_list()]


def test_rank_bands_and_shift_equal_the_reference_on_its_draws(scores: chiso.Scores) -> None:
    n = 20_000
    rng = np.random.default_rng(1)  # the reference's own draws (ua_reference.run, seed 1)
    factors = rng.uniform(0.75, 1.25, (n, 10))
    geometric = rng.random(n) < 0.5
    q, shift = ref.run(S, n)
    design = np.column_stack([(factors - 0.75) / 0.5, np.where(geometric, 0.25, 0.75)])
    ua = chiso.uncertainty.analyse(scores, 2016, weights=(0.75, 1.25), geometric="", design=design)
    assert ua.seed is None and ua.runs == n
    ours = ua.ranks.select("rank_p05", "rank_median", "rank_p95").to_numpy().T
    np.testing.assert_array_equal(ours, q[:, _order(ua.ranks)])
    np.testing.assert_array_equal(ua.rank_shift, shift)
    columns = [c for c in pl.read_csv(REFERENCE / "pci_2016_subindices.csv").columns if c != "province"]
    assert ua.varied == [f"weight: {c}" for c in columns] + ["aggregation: total"]


def test_seeded_runs_are_statistically_equal_to_the_reference(scores: chiso.Scores) -> None:
    _, shift = ref.run(S, 20_000)
    ua = chiso.uncertainty.analyse(scores, 2016, weights=(0.75, 1.25), geometric="", runs=20_000, seed=9)
    # Means of two independent samples of 20,000: within 4 standard errors.
    se = np.sqrt(shift.var() / shift.size + ua.rank_shift.var() / ua.rank_shift.size)
    assert abs(shift.mean() - ua.mean_rank_shift) < 4 * se
    assert ua.summary()["runs"] == 20_000 and ua.summary()["seed"] == 9


def test_sobol_indices_equal_the_reference_on_the_same_design(scores: chiso.Scores) -> None:
    n = 2000
    rng = np.random.default_rng(2)  # ua_reference.sobol's design
    a, b = rng.random((n, 11)), rng.random((n, 11))
    first, total = ref.sobol(S, n)
    si = chiso.uncertainty.sensitivity(scores, 2016, weights=(0.75, 1.25), geometric="", design=(a, b), bootstrap=300)
    np.testing.assert_allclose(si["first"].to_numpy(), first, atol=1e-12)
    np.testing.assert_allclose(si["total"].to_numpy(), total, atol=1e-12)
    assert (si["first_lower"] <= si["first"]).all() and (si["first"] <= si["first_upper"]).all()
    assert set(si["first_order_estimator"]) == {"saltelli2010"} and set(si["total_estimator"]) == {"jansen"}
    # On chiso's own seeded design the indices fall within the reference's bootstrap-free estimates ± interval.
    own = chiso.uncertainty.sensitivity(scores, 2016, weights=(0.75, 1.25), geometric="", n=n, seed=5, bootstrap=300)
    width = (si["total_upper"] - si["total_lower"]).to_numpy() + (own["total_upper"] - own["total_lower"]).to_numpy()
    assert (np.abs(own["total"].to_numpy() - total) <= width).all()


def test_rank_probabilities_and_chart(scores: chiso.Scores) -> None:
    ua = chiso.uncertainty.analyse(scores, 2016, dirichlet=50, runs=3000, seed=2)
    p = ua.p_rank_at_most([1, 10, 63])
    assert p["p_rank_le_63"].to_list() == [1.0] * 63
    assert abs(p["p_rank_le_10"].sum() - 10) < 1e-9
    assert (p["p_rank_le_1"] <= p["p_rank_le_10"]).all()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = chiso.plot.rank_bands(ua, highlight="Trà Vinh", lang="en")
    assert len(ax.collections[0].get_segments()) == 63
    assert "Dirichlet" in ax.get_title()
    plt.close(fig)
    with pytest.raises(chiso.InvalidArgumentError, match="needs the result of chiso.uncertainty.analyse") as e:
        chiso.plot.rank_bands(scores)
    assert (e.value.argument, e.value.value) == ("result", "Scores")


def test_input_noise_from_a_frame(scores: chiso.Scores) -> None:
    noise = pl.DataFrame({"province": ["Trà Vinh"], "node": ["transparency"], "lower": [5.0], "upper": [5.4]})
    ua = chiso.uncertainty.analyse(scores, 2016, input_noise=noise, runs=5000, seed=1)
    assert ua.varied == ["noise: transparency"]
    tv = ua.ranks.filter(province="Trà Vinh").row(0, named=True)
    assert tv["score_sd"] == pytest.approx(2 * 0.4 / (2 * 1.959964), rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"weights": (1.25, 0.75)}, "weights"),
        ({"weights": (0.0, 1.0)}, "weights"),
        ({"weights": (0.75, 1.25), "runs": 0}, "runs"),
        ({"weights": (0.75, 1.25), "runs": 10**9}, "runs"),
        ({}, "assumptions"),
        ({"dirichlet": -1}, "concentration"),
        ({"weights": (0.75, 1.25), "dirichlet": 5}, "dirichlet"),
        ({"geometric": "transparency"}, "geometric"),
        ({"input_noise": pl.DataFrame({"province": ["Trà Vinh"], "node": ["transparency"]})}, "input_noise"),
        (
            {"input_noise": pl.DataFrame({"province": ["Trà Vinh"], "node": ["transparency"], "se": [-1.0]})},
            "input_noise",
        ),
        (
            {"input_noise": pl.DataFrame({"province": ["Trà Vinh"], "node": ["transparency"], "se": [None]})},
            "input_noise",
        ),
        (
            {
                "input_noise": pl.DataFrame({"province": ["x"], "node": ["y"], "lower": [1.0], "upper": [2.0]}),
                "level": 2,
            },
            "level",
        ),
        ({"weights": (0.75, 1.25), "design": np.full((3, 4), 0.5)}, "design"),
        ({"weights": (0.75, 1.25), "design": np.full((3, 10), 1.5)}, "design"),
    ],
)
def test_bad_arguments(scores: chiso.Scores, kwargs: dict, argument: str) -> None:
    if argument == "level":
        kwargs["input_noise"] = kwargs["input_noise"].with_columns(
            province=pl.lit("Trà Vinh"), node=pl.lit("transparency")
        )
    with pytest.raises(chiso.InvalidArgumentError) as e:
        chiso.uncertainty.analyse(scores, 2016, **kwargs)
    if argument != "design" or "columns" not in str(e.value):
        assert e.value.argument == argument, str(e.value)


def test_bad_sensitivity_arguments(scores: chiso.Scores) -> None:
    with pytest.raises(chiso.InvalidArgumentError) as e:
        chiso.uncertainty.sensitivity(scores, 2016, weights=(0.75, 1.25), n=10**8)
    assert e.value.argument == "n" and "limit" in str(e.value)
    with pytest.raises(chiso.InvalidArgumentError) as e:
        chiso.uncertainty.sensitivity(scores, 2016, weights=(0.75, 1.25), output="rank")
    assert e.value.argument == "province"
    with pytest.raises(chiso.InvalidArgumentError) as e:
        chiso.uncertainty.sensitivity(scores, 2016, weights=(0.75, 1.25), first_order="sobol")  # type: ignore[arg-type]
    assert e.value.argument == "first_order"
    with pytest.raises(chiso.ArgumentRangeError) as e:
        chiso.uncertainty.sensitivity(scores, 2016, weights=(0.75, 1.25), bootstrap=10**6)
    assert (e.value.argument, e.value.value, e.value.accepted) == ("bootstrap", 10**6, (0, 10_000))
    with pytest.raises(chiso.UnknownProvinceError) as e:
        chiso.uncertainty.sensitivity(scores, 2016, weights=(0.75, 1.25), output="score", province="Atlantis")
    assert (e.value.province, e.value.suggestions) == ("Atlantis", [])


def test_rank_outlook_refuses_zero_draws() -> None:
    s = chiso.score("pci", chiso.datasets.pci().filter(pl.col("year").is_between(2016, 2020)))
    with pytest.raises(chiso.InvalidArgumentError) as e:
        s.rank_outlook(2021, draws=0)
    assert "draws" in str(e.value)
