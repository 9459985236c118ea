"""Assembling result frames from the columns the extension hands over (``Scores.long()`` and friends).

The extension passes small tables of units (province-years) and nodes, and per-slot columns that index into
them; polars gathers the strings, so no string is created per slot in Python.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

#: Per-slot columns arrive as little-endian buffers (numpy dtypes); null is NaN for scores, 0 for ranks (a rank
#: starts at 1), 2**32-1 for indices into label tables.
_SLOT_DTYPES = {
    "unit": "<u4",
    "node": "<u4",
    "score": "<f8",
    "input": "<f8",
    "rank": "<u4",
    "n_ranked": "<u4",
    "rank_within": "<u4",
    "n_field": "<u4",
    "full_field": "u1",
    "published_rank": "<u4",
    "group": "<u4",
    "origin": "u1",
    "provenance": "<u4",
}
_NO_LABEL = 2**32 - 1
_EMPTY = pl.lit([], dtype=pl.List(pl.String))


def _slots(raw: dict[str, Any]) -> pl.DataFrame:
    slots = pl.DataFrame({name: np.frombuffer(raw[name], dtype=dtype) for name, dtype in _SLOT_DTYPES.items()})
    missing_at = np.frombuffer(raw["missing_at"], dtype="<u4")
    if len(missing_at) == 0:
        return slots.with_columns(_EMPTY.alias("missing_children"))
    # Missing children are given only for the slots that have some.
    missing = pl.DataFrame(
        {"slot": missing_at, "missing_children": raw["missing_children"]},
        schema={"slot": pl.UInt32, "missing_children": pl.List(pl.String)},
    )
    return (
        slots.with_row_index("slot")
        .join(missing, on="slot", how="left", maintain_order="left")
        .drop("slot")
        .with_columns(pl.col("missing_children").fill_null(_EMPTY))
    )


def _labelled(column: str, labels: list[str], nullable: bool = True) -> pl.Expr:
    table = pl.Series(column, labels, dtype=pl.String)
    index = pl.when(pl.col(column) != _NO_LABEL).then(pl.col(column)) if nullable else pl.col(column)
    return index.map_batches(lambda s: table.gather(s), return_dtype=pl.String).alias(column)


def _joined(cols: dict[str, Any]) -> pl.DataFrame:
    slots = _slots(cols["slots"])
    units: pl.DataFrame = cols["units"]
    nodes: pl.DataFrame = cols["nodes"]

    def rank(column: str) -> pl.Expr:
        return pl.when(pl.col(column) > 0).then(pl.col(column).cast(pl.Int64)).alias(column)

    return pl.concat(
        [
            units[slots["unit"]],
            nodes.drop("edition")[slots["node"]],
            slots.select(
                pl.col("score").fill_nan(None),
                pl.col("input").fill_nan(None),
                rank("rank"),
                rank("rank_within"),
                pl.col("n_ranked").cast(pl.Int64),
                pl.col("n_field").cast(pl.Int64),
                pl.when(pl.col("full_field") != 0)
                .then(pl.lit("full_field"))
                .otherwise(pl.lit("partial_field"))
                .alias("field_status"),
                rank("published_rank"),
                _labelled("group", cols["group_labels"]),
                _labelled("origin", cols["origin_labels"], nullable=False),
                _labelled("provenance", cols["provenance_labels"]),
                "missing_children",
            ),
        ],
        how="horizontal",
    )


_LONG = [
    "province_code",
    "province",
    "year",
    "edition",
    "node",
    "code",
    "depth",
    "kind",
    "scored",
    "score",
    "max",
    "rank",
    "rank_within",
    "n_ranked",
    "n_field",
    "field_status",
    "published_rank",
    "rank_status",
    "group",
    "origin",
    "provenance",
    "input",
    "missing_children",
]
_TOTALS = [
    "province_code",
    "province",
    "year",
    "edition",
    "score",
    "rank",
    "rank_within",
    "n_ranked",
    "n_field",
    "field_status",
    "published_rank",
    "rank_status",
    "group",
    "origin",
    "provenance",
    "input",
    "missing_children",
]


def long(cols: dict[str, Any]) -> pl.DataFrame:
    return _joined(cols).select(_LONG)


def totals(cols: dict[str, Any]) -> pl.DataFrame:
    return _joined(cols).select(_TOTALS)


def wide(cols: dict[str, Any], value: str) -> pl.DataFrame:
    df = _joined(cols).with_columns(pl.when(pl.col("node") == "").then(pl.lit("total")).otherwise("node").alias("node"))
    index = ["province_code", "province", "year", "edition"]
    if df.height == 0:
        return df.select(index)
    return df.pivot(on="node", index=index, values=value, maintain_order=True)
