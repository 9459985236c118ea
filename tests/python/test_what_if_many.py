"""Many what-if scenarios at once (issue 11 §1): the same values and ranks as ``what_if``, bad input as typed errors."""

from __future__ import annotations

import functools

import chiso
import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NODES = ["e_governance/portal_access", "e_governance/internet_access", "transparency/land_use_plans"]


@pytest.fixture(scope="module")
def papi() -> chiso.Scores:
    return chiso.score("papi", chiso.datasets.papi().filter(year=2024))


def test_equals_what_if(papi: chiso.Scores) -> None:
    shares = np.random.default_rng(1).random((25, 3))
    many = chiso.project.what_if_many(
        papi, 2024, "Trà Vinh", nodes=NODES, op="headroom", values=shares, output=["", "e_governance"]
    )
    assert many.height == 50
    changes = pl.DataFrame(
        {
            "scenario": [f"{s:03}" for s in range(25) for _ in NODES],
            "province": ["Trà Vinh"] * 75,
            "node": NODES * 25,
            "op": ["headroom"] * 75,
            "value": shares.ravel().tolist(),
        }
    )
    one = chiso.project.what_if(papi, 2024, changes).filter(pl.col("node").is_in(["", "e_governance"]))
    one = one.with_columns(pl.col("scenario").cast(pl.Int64)).sort("scenario", "node")
    many = many.sort("scenario", "node")
    np.testing.assert_allclose(many["value"].to_numpy(), one["value"].to_numpy(), atol=1e-12)
    for column in ("rank", "rank_within", "base_rank", "rank_change"):
        assert many[column].to_list() == one[column].to_list(), column
    assert set(many["status"]) == {"projected"} and set(many["peers"]) == {"held"}


def test_peers_trend_and_given(papi: chiso.Scores) -> None:
    given = pl.DataFrame({"province": ["Vĩnh Long"], "node": [""], "value": [60.0]})
    out = chiso.project.what_if_many(
        papi, 2024, "Trà Vinh", nodes=NODES[0], op="set", values=[1.0, 2.0], peers="given", peer_values=given
    )
    assert out["peers"][0] == "user values (1 cells)"
    with pytest.raises(chiso.InvalidArgumentError, match="peers='trend' needs target_year") as e:
        chiso.project.what_if_many(papi, 2024, "Trà Vinh", nodes=NODES[0], op="set", values=[1.0], peers="trend")
    assert e.value.argument == "target_year"


#: Calls that differ in every argument a kept preparation depends on: province, nodes, ops, outputs, peers.
CALLS = [
    {"province": "Trà Vinh", "nodes": NODES, "op": "headroom"},
    {"province": "Trà Vinh", "nodes": NODES[:2], "op": "headroom"},
    {"province": "Trà Vinh", "nodes": NODES, "op": ["headroom", "headroom", "set"]},
    {"province": "Trà Vinh", "nodes": NODES, "op": "headroom", "output": ["", "transparency"]},
    {"province": "Bến Tre", "nodes": NODES, "op": "headroom"},
    {"province": "tra vinh", "nodes": NODES, "op": "headroom"},
    {
        "province": "Trà Vinh",
        "nodes": NODES,
        "op": "headroom",
        "peers": "given",
        "peer_values": pl.DataFrame({"province": ["Vĩnh Long"], "node": [""], "value": [60.0]}),
    },
]


def values_for(call: int) -> np.ndarray:
    return np.random.default_rng(call).random((20, len(CALLS[call]["nodes"])))


@functools.cache
def fresh_answer(call: int) -> pl.DataFrame:
    """The answer of a Scores object that has kept nothing (a new one per call)."""
    fresh = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    return chiso.project.what_if_many(fresh, 2024, values=values_for(call), **CALLS[call])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(st.tuples(st.sampled_from(range(len(CALLS))), st.integers(1, 20)), min_size=1, max_size=10))
def test_a_kept_preparation_never_answers_another_call(papi: chiso.Scores, sequence: list[tuple[int, int]]) -> None:
    """``what_if_many`` keeps its last preparation on the Scores object: whatever the order of calls, each answer
    is the one a Scores object that kept nothing gives."""
    for call, scenarios in sequence:
        kept = chiso.project.what_if_many(papi, 2024, values=values_for(call)[:scenarios], **CALLS[call])
        expected = fresh_answer(call).filter(pl.col("scenario") < scenarios)
        assert kept.equals(expected), (call, scenarios)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"op": "headroom", "values": [1.5]}, "values"),
        ({"op": "add", "values": [float("nan")]}, "values"),
        ({"op": "grow", "values": [1.0]}, "op"),
        ({"op": "add", "values": np.ones((2, 2))}, "values"),
        ({"op": "add", "values": [1.0], "output": "nowhere"}, "output"),
        ({"op": "add", "values": []}, "scenarios"),
    ],
)
def test_bad_input(papi: chiso.Scores, kwargs: dict, argument: str) -> None:
    with pytest.raises(chiso.InvalidArgumentError) as e:
        chiso.project.what_if_many(papi, 2024, "Trà Vinh", nodes=NODES[0], **kwargs)
    assert e.value.argument == argument


@pytest.mark.parametrize("bad_row", [0, 7, 8, 13, 19])
def test_a_bad_value_anywhere_is_named_by_its_row(papi: chiso.Scores, bad_row: int) -> None:
    """Values are checked eight rows at a time, then the rest: a refused value in either part names its row."""
    shares = np.full((20, 2), 0.5)
    shares[bad_row, 1] = 1.25
    with pytest.raises(chiso.InvalidArgumentError, match=f"scenario {bad_row}, node e_governance/internet_access"):
        chiso.project.what_if_many(papi, 2024, "Trà Vinh", nodes=NODES[:2], op="headroom", values=shares)


def test_large_and_small_frames_alike(papi: chiso.Scores) -> None:
    """Past 65,536 rows the per-scenario constants are polars literals rather than materialised columns: the same
    schema, and the same rows as the same scenarios in a small call."""
    shares = np.random.default_rng(4).random((70_000, 3))
    big = chiso.project.what_if_many(papi, 2024, "Trà Vinh", nodes=NODES, op="headroom", values=shares)
    small = chiso.project.what_if_many(papi, 2024, "Trà Vinh", nodes=NODES, op="headroom", values=shares[-5:])
    assert big.schema == small.schema
    tail = big.tail(5).with_columns(pl.col("scenario") - 69_995)
    assert tail.equals(small)
    assert big["province"].unique().to_list() == ["Trà Vinh"] and big["status"].null_count() == 0


@pytest.mark.parametrize("scenarios", [5, 70_000])
@pytest.mark.parametrize(
    "columns",
    [
        ["scenario", "value", "rank"],
        ["rank", "value"],
        ["status", "node", "scenario"],
        ["province"],
        "value",
        list(reversed(chiso.project.SCENARIO_COLUMNS)),
    ],
)
def test_columns_are_the_full_frames_selected(papi: chiso.Scores, scenarios: int, columns: str | list[str]) -> None:
    """``columns`` returns exactly ``select(columns)`` of the full frame, small (Arrow) and large (buffers) alike, with
    two output nodes per scenario, a frame of constants only included."""
    shares = np.random.default_rng(5).random((scenarios, 3))
    common = {"nodes": NODES, "op": "headroom", "values": shares, "output": ["", "e_governance"]}
    full = chiso.project.what_if_many(papi, 2024, "Trà Vinh", **common)
    assert tuple(full.columns) == chiso.project.SCENARIO_COLUMNS
    part = chiso.project.what_if_many(papi, 2024, "Trà Vinh", columns=columns, **common)
    assert part.equals(full.select(columns)) and part.height == 2 * scenarios


@pytest.mark.parametrize(
    ("columns", "message"),
    [([], "at least one"), (["valu"], "valu: no such column"), (["value", "value"], "value: asked for twice")],
)
def test_bad_columns_are_named(papi: chiso.Scores, columns: list[str], message: str) -> None:
    with pytest.raises(chiso.InvalidArgumentError, match=message) as e:
        chiso.project.what_if_many(papi, 2024, "Trà Vinh", nodes=NODES[0], op="add", values=[1.0], columns=columns)
    assert e.value.argument == "columns"


def test_threads_sharing_a_scores_object_get_their_own_answers(papi: chiso.Scores) -> None:
    """Calls from several threads on one Scores object (the GIL released while they evaluate) each get the answer of
    their own arguments, whichever preparation another thread kept last."""
    from concurrent.futures import ThreadPoolExecutor

    order = [i % len(CALLS) for i in range(4 * len(CALLS))]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda call: chiso.project.what_if_many(papi, 2024, values=values_for(call), **CALLS[call]), order)
        )
    for call, answer in zip(order, answers, strict=True):
        assert answer.equals(fresh_answer(call)), call
