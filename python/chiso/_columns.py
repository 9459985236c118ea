"""Assembling a row-per-record frame (projections) from the extension's typed column buffers: numbers as
little-endian buffers (NaN = null for floats and nullable integers), strings as a table of distinct values and a
``uint32`` index per row, so that no Python object is made per value (``src/python/columns.rs``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl


def _column(name: str, kind: str, buffer: bytes, labels: list[str | None] | None) -> pl.Series:
    if kind == "float":
        return pl.Series(name, np.frombuffer(buffer, dtype="<f8"), nan_to_null=True)
    if kind == "opt_int":
        return pl.Series(name, np.frombuffer(buffer, dtype="<f8"), nan_to_null=True).cast(pl.Int64)
    if kind == "int":
        return pl.Series(name, np.frombuffer(buffer, dtype="<i8"))
    if kind == "bool":
        return pl.Series(name, np.frombuffer(buffer, dtype=np.uint8).view(np.bool_))
    table = pl.Series(name, labels, dtype=pl.String)
    index = np.frombuffer(buffer, dtype="<u4")
    if len(table) == 1:
        return table.new_from_index(0, len(index))
    return table.gather(index)


def frame(columns: list[tuple[str, str, bytes, list[str | None] | None]]) -> pl.DataFrame:
    """The frame of ``columns``: (name, kind, buffer, labels) in order, kind one of float, opt_int, int, bool, str."""
    return pl.DataFrame([_column(*c) for c in columns])


__all__: list[Any] = []
