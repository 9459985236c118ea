"""Assembling row-per-record frames (projections, scenarios) from the extension's typed column buffers: numbers as
little-endian buffers (NaN = null for floats and nullable integers), strings as a table of distinct values and a
``uint32`` index per row, so that no Python object is made per value (``src/python/columns.rs``). A column with
one value in every row is a :class:`Constant`: materialised for a small frame (cheapest there), a polars literal
for a large one (kept as one value: ten million rows of a province name cost nothing)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import polars as pl

#: Bytes per row of each kind of column buffer.
_WIDTH = {"float": 8, "opt_int": 8, "int": 8, "bool": 1, "str": 4}
#: Above this many rows a constant column is a polars literal rather than a materialised series.
_MATERIALISE_UP_TO = 1 << 16


class Constant(NamedTuple):
    """A column holding ``value`` (of polars type ``dtype``) in every row."""

    name: str
    value: Any
    dtype: Any


def columns_frame(columns: list[pl.Series | Constant], rows: int) -> pl.DataFrame:
    """The frame of ``columns`` in order, ``rows`` long."""
    if rows <= _MATERIALISE_UP_TO or all(isinstance(c, Constant) for c in columns):
        # (A frame of constants only has no series to give its height: it is materialised too.)
        return pl.DataFrame(
            [
                pl.Series(c.name, [c.value], dtype=c.dtype).new_from_index(0, rows) if isinstance(c, Constant) else c
                for c in columns
            ]
        )
    series = [c for c in columns if not isinstance(c, Constant)]
    return pl.DataFrame(series).select(
        pl.lit(c.value, dtype=c.dtype).alias(c.name) if isinstance(c, Constant) else pl.col(c.name) for c in columns
    )


def _column(name: str, kind: str, buffer: bytes, labels: list[str | None] | None) -> pl.Series | Constant:
    if kind == "float":
        return pl.Series(name, np.frombuffer(buffer, dtype="<f8"), nan_to_null=True)
    if kind == "opt_int":
        return pl.Series(name, np.frombuffer(buffer, dtype="<f8"), nan_to_null=True).cast(pl.Int64)
    if kind == "int":
        return pl.Series(name, np.frombuffer(buffer, dtype="<i8"))
    if kind == "bool":
        return pl.Series(name, np.frombuffer(buffer, dtype=np.uint8).view(np.bool_))
    table = labels or []
    if len(table) == 1:
        return Constant(name, table[0], pl.String)
    return pl.Series(name, table, dtype=pl.String).gather(np.frombuffer(buffer, dtype="<u4"))


def frame(columns: list[tuple[str, str, bytes, list[str | None] | None]]) -> pl.DataFrame:
    """The frame of ``columns``: (name, kind, buffer, labels) in order, kind one of float, opt_int, int, bool, str."""
    _, kind, buffer, _ = columns[0]
    rows = len(buffer) // _WIDTH[kind]
    return columns_frame([_column(*c) for c in columns], rows)
