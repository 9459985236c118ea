"""Frames cross the Python boundary as byte buffers (README "Architecture notes"): malformed buffers are typed
errors, and nulls survive the sentinels used for them."""

from __future__ import annotations

import chiso
import numpy as np
import polars as pl
import pytest
from chiso import _chiso

SUBS = ["participation", "transparency", "vertical_accountability"]


def test_a_buffer_that_is_not_whole_values_is_refused() -> None:
    idx = np.zeros(1, dtype="<u4").tobytes()
    years = np.array([2018], dtype="<i8").tobytes()
    with pytest.raises(chiso.InvalidArgumentError, match="values") as err:
        _chiso._score("papi", ["Trà Vinh"], idx, years, ["participation"], idx, b"\x00" * 7)
    assert err.value.argument == "values"
    with pytest.raises(chiso.InvalidArgumentError, match="years"):
        _chiso._score("papi", ["Trà Vinh"], idx, years[:5], ["participation"], idx, np.zeros(1).tobytes())


def test_columns_of_different_lengths_are_refused() -> None:
    idx = np.zeros(2, dtype="<u4").tobytes()
    years = np.array([2018], dtype="<i8").tobytes()
    with pytest.raises(chiso.DataError, match="differ in length"):
        _chiso._score("papi", ["Trà Vinh"], idx, years, ["participation"], idx, np.zeros(2).tobytes())


def test_nulls_and_labels_survive_the_buffers() -> None:
    data = chiso.datasets.papi().filter(year=2018)
    s = chiso.score("papi", data)
    long = s.long()
    # Same rows, nulls and labels as the totals view.
    totals = s.totals()
    assert totals.height == long.filter(depth=0).height
    row = long.filter(province="Quảng Ninh", depth=0).row(0, named=True)
    assert row["score"] is None and row["origin"] == "missing" and row["rank"] is None
    assert row["missing_children"] == ["papi.2018/transparency", "papi.2018/control_of_corruption"]
    full = long.filter(province="Trà Vinh", depth=0).row(0, named=True)
    assert full["score"] is not None and full["missing_children"] == [] and full["origin"] == "computed"
    assert long["origin"].null_count() == 0
    assert long.schema["rank"] == pl.Int64 and long.schema["missing_children"] == pl.List(pl.String)
    # Every computed value has the provenance of its method; a null score is never NaN.
    assert long.filter(origin="computed")["provenance"].null_count() == 0
    assert set(long["provenance"].drop_nulls()) <= {"official", "derived", "user-supplied", "unknown"}
    assert long["score"].is_nan().sum() == 0
