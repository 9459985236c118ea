"""The fast path of ``chiso.score`` (README "Architecture notes"): frames built in Rust and handed to polars as Arrow
buffers, wide frames laid end to end and unstacked in Rust, built-in editions compiled once per process. Each is
checked against what it replaces: a frame polars builds from Python values, the long form of the same data, and a
methodology compiled afresh."""

from __future__ import annotations

import math
import re
from pathlib import Path

import chiso
import numpy as np
import polars as pl
import pytest
from chiso import _chiso
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

SCHEMA = {
    "strings": pl.String,
    "ints": pl.Int64,
    "floats": pl.Float64,
    "bools": pl.Boolean,
    "lists": pl.List(pl.String),
}

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@st.composite
def columns(draw: st.DrawFn) -> dict[str, list]:
    n = draw(st.integers(0, 40))
    return {
        "strings": draw(st.lists(st.none() | text, min_size=n, max_size=n)),
        "ints": draw(st.lists(st.none() | st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)),
        "floats": draw(st.lists(st.none() | st.floats(allow_nan=True), min_size=n, max_size=n)),
        "bools": draw(st.lists(st.none() | st.booleans(), min_size=n, max_size=n)),
        "lists": draw(st.lists(st.lists(text, max_size=4), min_size=n, max_size=n)),
    }


@settings(max_examples=200, deadline=None)
@given(columns())
def test_a_frame_through_arrow_buffers_equals_the_frame_polars_builds(data: dict[str, list]) -> None:
    ours = _chiso._frame_sample(**data)
    expected = pl.DataFrame(data, schema=SCHEMA)
    assert_frame_equal(ours, expected)
    # NaN is a value, null is no value: the two never swap.
    for got, want in zip(ours["floats"].to_list(), data["floats"], strict=True):
        assert (got is None) == (want is None)
        if want is not None:
            assert (math.isnan(got) and math.isnan(want)) or got == want


def test_text_beside_and_beyond_twelve_bytes_survives() -> None:
    # utf8_view keeps strings up to 12 bytes inside the view and longer ones in the data buffer.
    names = ["", "a" * 12, "a" * 13, "Thừa Thiên Huế", "Hà Nội", None, "x" * 1000]
    out = _chiso._frame_sample(names, [None] * 7, [None] * 7, [None] * 7, [[n or ""] for n in names])
    assert out["strings"].to_list() == names
    assert out["lists"].to_list() == [[n or ""] for n in names]


def test_columns_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match="ints"):
        _chiso._frame_sample(["a"], [], [1.0], [True], [[]])


def _papi_2018_wide() -> pl.DataFrame:
    long = chiso.datasets.papi().filter(year=2018, measure="score")
    return long.pivot(on="node", index=["province", "year"], values="value")


def test_a_wide_frame_scores_as_its_long_form() -> None:
    wide = _papi_2018_wide()
    # Some provinces lack sub-dimensions in 2018: empty cells, skipped in both forms.
    assert wide.null_count().sum_horizontal()[0] > 0
    long = wide.unpivot(index=["province", "year"], variable_name="node", value_name="value").drop_nulls("value")
    a, b = chiso.score("papi", wide), chiso.score("papi", long)
    assert_frame_equal(a.long(), b.long())
    assert_frame_equal(a.totals(), b.totals())
    assert_frame_equal(a.wide(level=1), b.wide(level=1))


def test_totals_are_the_long_view_at_the_root() -> None:
    s = chiso.score("papi", _papi_2018_wide())
    totals = s.totals()
    root = s.long().filter(depth=0).select(totals.columns)
    assert_frame_equal(totals, root)
    # Missing totals carry null scores and ranks and name their missing children; labels stay labels.
    missing = totals.filter(origin="missing")
    assert missing.height > 0
    assert missing["score"].null_count() == missing.height and missing["rank"].null_count() == missing.height
    assert all(len(m) > 0 for m in missing["missing_children"].to_list())
    assert set(totals["field_status"]) == {"partial_field"}


def test_groups_and_published_ranks_cross_as_labels_and_nulls() -> None:
    s = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    t = s.totals()
    assert set(t["group"].drop_nulls()) <= {"highest", "high_average", "low_average", "lowest"}
    assert t["group"].null_count() < t.height
    assert t["provenance"].drop_nulls().len() > 0


def test_a_wide_frame_with_a_nan_names_the_cell() -> None:
    wide = _papi_2018_wide().head(3)
    col = wide.columns[2]
    wide = wide.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(float("nan")).otherwise(pl.col(col)).alias(col))
    with pytest.raises(chiso.DataError, match=wide["province"][1]):
        chiso.score("papi", wide)


def test_a_wide_frame_without_any_value_is_refused() -> None:
    wide = pl.DataFrame({"province": ["Trà Vinh"], "year": [2018], "participation": [None]}, strict=False)
    with pytest.raises(chiso.DataError, match="every value cell is empty"):
        chiso.score("papi", wide)


def test_unstacked_columns_of_the_wrong_size_are_refused() -> None:
    years = np.array([2018, 2018], dtype="<i8").tobytes()
    with pytest.raises(chiso.InvalidArgumentError, match="values"):
        _chiso._score("papi", ["Trà Vinh", "Vĩnh Long"], None, years, ["participation"], None, np.zeros(3).tobytes())
    with pytest.raises(chiso.InvalidArgumentError, match="present"):
        _chiso._score(
            "papi",
            ["Trà Vinh", "Vĩnh Long"],
            None,
            years,
            ["participation"],
            None,
            np.ones(2).tobytes(),
            present=b"\x01",
        )


def test_a_derived_methodology_is_never_served_the_cached_builtin() -> None:
    data = chiso.datasets.pci().filter(year=2016)
    builtin = chiso.methodology("pci", 2016)
    first = chiso.score(builtin, data).totals()
    by_index = chiso.score("pci", data).totals()  # the built-in edition, compiled once per process
    mine = builtin.with_weights({"transparency": 10, "entry_costs": 0}, rescale_sum=True)
    derived = chiso.score(mine, data).totals()
    assert not derived["score"].equals(first["score"])
    # The user's weights apply on every call; the built-in is unchanged after them.
    assert_frame_equal(chiso.score(mine, data).totals(), derived)
    assert_frame_equal(chiso.score("pci", data).totals(), by_index)
    assert_frame_equal(chiso.score(builtin, data).totals(), first)
    assert_frame_equal(first, by_index)


def test_a_user_file_with_a_builtin_code_is_scored_by_its_own_weights() -> None:
    # The same code as the built-in edition, other weights: a cache keyed by code would serve the built-in plan.
    path = Path(__file__).parents[2] / "methodologies" / "pci" / "pci.2013.toml"
    text = path.read_text(encoding="utf-8")
    weights = list(re.finditer(r"^weight = ([0-9.]+)$", text, flags=re.M))
    a, b = next((x, y) for x in weights for y in weights if x.group(1) != y.group(1))
    swapped = list(text)
    for m, value in ((b, a.group(1)), (a, b.group(1))):  # the later match first, so offsets stay valid
        swapped[m.start(1) : m.end(1)] = value
    mine = chiso.methodology_from_toml("".join(swapped), name="swapped.toml")
    builtin = chiso.methodology("pci", edition="pci.2013")
    assert mine.code == builtin.code
    data = chiso.datasets.pci().filter(year=2016)
    ours = chiso.score(mine, data).totals()
    theirs = chiso.score("pci", data).totals()
    assert not ours["score"].equals(theirs["score"])
    # Recomputed by hand from the sub-indices with the swapped weights: the user's file, not the cached plan.
    subs = chiso.score(mine, data).long().filter(depth=1, province="Trà Vinh")
    tree = mine.tree().filter(depth=1).select(pl.col("code"), "weight")
    joined = subs.join(tree, on="code")
    expected = 10 * (joined["score"] * joined["weight"]).sum() / joined["weight"].sum()
    assert ours.filter(province="Trà Vinh")["score"][0] == pytest.approx(expected, abs=1e-9)
