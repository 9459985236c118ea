"""Assembling result frames from the columns the extension hands over (``Scores.long()`` and friends).

The extension passes small tables of units (province-years) and nodes, and per-slot columns that index into
them; polars gathers the strings, so no string is created per slot in Python.
"""

from __future__ import annotations

from typing import Any

import polars as pl

_SLOT_SCHEMA = {
    "unit": pl.UInt32,
    "node": pl.UInt32,
    "score": pl.Float64,
    "input": pl.Float64,
    "rank": pl.UInt32,
    "n_ranked": pl.UInt32,
    "rank_within": pl.UInt32,
    "n_field": pl.UInt32,
    "full_field": pl.Boolean,
    "published_rank": pl.UInt32,
    "group": pl.UInt32,
    "origin": pl.UInt32,
    "provenance": pl.String,
    "missing_children": pl.List(pl.String),
}


def _joined(cols: dict[str, Any]) -> pl.DataFrame:
    slots = pl.DataFrame(cols["slots"], schema=_SLOT_SCHEMA)
    units: pl.DataFrame = cols["units"]
    nodes: pl.DataFrame = cols["nodes"]
    labels = pl.Series("group", cols["group_labels"], dtype=pl.String)
    origins = pl.Series("origin", cols["origin_labels"], dtype=pl.String)
    return pl.concat(
        [
            units[slots["unit"]],
            nodes.drop("edition")[slots["node"]],
            slots.select(
                "score",
                "input",
                pl.col("rank").cast(pl.Int64),
                pl.col("rank_within").cast(pl.Int64),
                pl.col("n_ranked").cast(pl.Int64),
                pl.col("n_field").cast(pl.Int64),
                pl.when(pl.col("full_field"))
                .then(pl.lit("full_field"))
                .otherwise(pl.lit("partial_field"))
                .alias("field_status"),
                pl.col("published_rank").cast(pl.Int64),
                pl.col("group"),
                pl.col("origin"),
                "provenance",
                pl.col("missing_children").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            ).with_columns(
                pl.col("group").map_batches(lambda s: labels.gather(s), return_dtype=pl.String),
                pl.col("origin").map_batches(lambda s: origins.gather(s), return_dtype=pl.String),
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
