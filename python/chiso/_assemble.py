"""Shaping the frames the extension builds (``Scores.long()`` and ``totals()`` arrive whole, through the Arrow
PyCapsule protocol; see ``src/python/arrow.rs``) into the views that need polars' own operations."""

from __future__ import annotations

import polars as pl


def wide(long: pl.DataFrame, value: str) -> pl.DataFrame:
    """One row per province and year, one column per node (``total`` for the root) holding ``value``."""
    df = long.with_columns(pl.when(pl.col("node") == "").then(pl.lit("total")).otherwise("node").alias("node"))
    index = ["province_code", "province", "year", "edition"]
    if df.height == 0:
        return df.select(index)
    return df.pivot(on="node", index=index, values=value, maintain_order=True)
