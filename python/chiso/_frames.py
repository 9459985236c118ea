"""Shaping user frames into the (province, year, node, value) columns the engine takes.

Kept in Python because it is frame plumbing (polars does it best); every check on the values themselves happens
in Rust.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import polars as pl

from .exceptions import DataError

#: Measures of published tables that are neither values to score nor published ranks (ranks are kept beside the
#: computed ones as ``published_rank``).
NOT_SCORED = ("tier", "group")

#: Columns that identify a row rather than hold a node value in a wide frame.
ID_COLUMNS = ("province", "province_code", "province_name", "year", "edition", "region")


#: What a data argument can be, said in every error about it.
WHAT_TO_PASS = (
    "pass a polars or pandas DataFrame (long: province, year, node, value; or wide: province, year, one column per "
    "node), or the path of a .csv, .parquet or .xlsx file holding such a table"
)

#: Identifier columns read as text from files: a GSO code such as "01" must not become the number 1, and an empty
#: node cell is the total ("").
_TEXT_COLUMNS = ("province", "province_code", "province_name", "node", "code", "edition", "measure", "unit")


def read_table(path: str | os.PathLike[str]) -> pl.DataFrame:
    """Read a CSV, Parquet or Excel file into a frame for :func:`chiso.score` and friends.

    Identifier columns (province, province_code, node, code, edition, measure) are read as text; an empty ``node``
    cell is the total."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"no such file: {str(p)!r}; {WHAT_TO_PASS}", path=str(p))
    suffix = p.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            header = pl.read_csv(p, n_rows=0, separator="\t" if suffix == ".tsv" else ",").columns
            overrides = {c: pl.String for c in header if c in _TEXT_COLUMNS}
            df = pl.read_csv(
                p, schema_overrides=overrides, infer_schema_length=10_000, separator="\t" if suffix == ".tsv" else ","
            )
        elif suffix in (".parquet", ".pq"):
            df = pl.read_parquet(p)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            try:
                df = pl.read_excel(p, infer_schema_length=10_000)
            except ModuleNotFoundError as exc:  # pragma: no cover - depends on the environment
                raise DataError(f"reading {p.name} needs fastexcel: pip install chiso[excel] ({exc})") from exc
            df = df.with_columns(pl.col(c).cast(pl.String) for c in df.columns if c in _TEXT_COLUMNS)
        else:
            raise DataError(f"cannot read {p.name}: unknown file type {suffix!r}; {WHAT_TO_PASS}", path=str(p))
    except DataError:
        raise
    except Exception as exc:
        raise DataError(f"cannot read {p.name} as a table: {exc}; {WHAT_TO_PASS}", path=str(p)) from exc
    if "node" in df.columns and df["node"].dtype == pl.String:
        df = df.with_columns(pl.col("node").fill_null(""))
    return df


def to_polars(data: Any) -> pl.DataFrame:
    """Accept a polars DataFrame or LazyFrame, a pandas DataFrame, a path to a CSV, Parquet or Excel file, or
    anything ``pl.DataFrame`` takes as a table."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, (str, os.PathLike)):
        return read_table(data)
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    module = type(data).__module__
    if module.startswith("pandas"):
        return _from_pandas(data)
    if isinstance(data, (bytes, int, float)) or data is None:
        raise DataError(f"cannot read a {type(data).__name__} as a table; {WHAT_TO_PASS}")
    try:
        return pl.DataFrame(data)
    except Exception as exc:
        raise DataError(f"cannot read the data as a table ({type(data).__name__}): {exc}; {WHAT_TO_PASS}") from exc


def _from_pandas(data: Any) -> pl.DataFrame:
    """A pandas frame as polars; a column pandas/pyarrow cannot convert is named, with what is wrong in it."""
    columns = [str(c) for c in getattr(data, "columns", [])]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise DataError(f"the pandas frame repeats column name(s) {repeated}; give each column once", columns=repeated)
    try:
        return pl.from_pandas(data, include_index=False)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DataError(f"converting a pandas DataFrame needs pyarrow: {exc}") from exc
    except Exception as exc:
        # Find the column at fault: convert one at a time.
        for name in data.columns:
            try:
                pl.from_pandas(data[[name]], include_index=False)
            except Exception as column_exc:
                raise DataError(
                    f"column {name!r} cannot be read ({type(column_exc).__name__}: {column_exc}); "
                    "give it one type (numbers, or text) per column",
                    column=str(name),
                ) from column_exc
        raise DataError(f"the pandas frame cannot be read: {type(exc).__name__}: {exc}") from exc


#: Nested or opaque dtypes, which hold no single value per cell.
def _nested(dtype: pl.DataType) -> bool:
    return dtype.is_nested() or dtype == pl.Object


def _context(df: pl.DataFrame, row: int, province: str) -> str:
    parts = []
    if province in df.columns:
        parts.append(str(df[province][row]))
    if "year" in df.columns:
        parts.append(str(df["year"][row]))
    return ", ".join(parts)


def _numeric(df: pl.DataFrame, column: str, province: str) -> pl.Series:
    s = df[column]
    if _nested(s.dtype):
        raise DataError(f"column {column!r} has dtype {s.dtype}; a value is one number per cell", column=column)
    if s.dtype.is_numeric() or s.dtype == pl.Null:
        return s.cast(pl.Float64)
    if s.dtype == pl.Boolean:
        raise DataError(f"column {column!r} holds booleans; scores must be numbers")
    # Name the first cell that is not a number, with its province and year.
    as_num = s.cast(pl.Float64, strict=False)
    bad = (as_num.is_null() & s.is_not_null()).arg_true()
    if len(bad) > 0:
        i = int(bad[0])
        raise DataError(
            f"column {column!r} has dtype {s.dtype} and holds {s[i]!r} at row {i} ({_context(df, i, province)}), "
            "which is not a number",
            column=column,
            value=s[i],
        )
    raise DataError(f"column {column!r} has dtype {s.dtype}; cast it to a numeric type", column=column)


def _years(df: pl.DataFrame) -> pl.Series:
    s = df["year"]
    if s.null_count() > 0:
        i = int(s.is_null().arg_true()[0])
        raise DataError(f"column 'year' is empty at row {i}", column="year")
    if s.dtype.is_integer():
        return s.cast(pl.Int64)
    if _nested(s.dtype) or s.dtype == pl.Boolean:
        raise DataError(f"column 'year' has dtype {s.dtype}; a year is one whole number per cell", column="year")
    if s.dtype.is_float():
        bad = ~s.is_finite() | (s != s.round(0))
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(f"column 'year' holds {s[i]} at row {i}, which is not a whole year", column="year")
        s = s.cast(pl.Int64, strict=False)
    as_int = s.cast(pl.Int64, strict=False)
    if as_int.null_count() > 0:
        i = int(as_int.is_null().arg_true()[0])
        raise DataError(
            f"column 'year' has dtype {s.dtype} and holds {s[i]!r} at row {i}, which is not a year",
            column="year",
            value=s[i],
        )
    out_of_range = (as_int < -(2**31)) | (as_int > 2**31 - 1)
    if out_of_range.any():
        i = int(out_of_range.arg_true()[0])
        raise DataError(f"column 'year' holds {as_int[i]} at row {i}, which is not a year", column="year")
    return as_int


def _province_names(df: pl.DataFrame, column: str) -> pl.Series:
    """Province names or codes as text. A float code column (pandas makes one whenever a cell is missing) holds
    integral codes: 1.0 is code 1 (Hà Nội), never the text "1.0"; a fraction is no code."""
    s = df[column]
    if _nested(s.dtype) or s.dtype == pl.Boolean:
        raise DataError(f"column {column!r} has dtype {s.dtype}; give names or GSO codes", column=column)
    if s.dtype.is_float():
        bad = ~s.is_finite() | (s != s.round(0))
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(
                f"column {column!r} holds {s[i]} at row {i}, which is not a province code (a whole number)",
                column=column,
                value=s[i],
            )
        s = s.cast(pl.Int64)
    return s.cast(pl.String)


class Factored(NamedTuple):
    """Observations as columns for ``chiso._chiso._score``, in one of two shapes (Rust resolves each distinct
    province name and node once):

    * long: ``province_names`` distinct, ``province_idx`` one index per observation, ``years``, ``node_idx`` and
      ``values`` one per observation;
    * wide: ``province_idx`` None and ``province_names`` one name per row of the frame, ``years`` one per row,
      ``node_idx`` None and ``values`` the node columns laid end to end (column-major, one block of rows per
      name in ``node_names``), ``present`` (one byte per value, 0 = an empty cell) where some cell is empty.

    Index, year and value columns are little-endian uint32 / int64 / float64 buffers: they cross into Rust as one
    copy each, without a Python object per value."""

    province_names: list[str]
    province_idx: bytes | None
    years: bytes
    node_names: list[str]
    node_idx: bytes | None
    values: bytes
    measure_names: list[str] | None = None
    measure_idx: bytes | None = None
    present: bytes | None = None


def _buffer(s: pl.Series, dtype: type[pl.DataType]) -> bytes:
    """The values of a null-free column as little-endian bytes of `dtype`."""
    return s.cast(dtype).to_numpy().astype(_NUMPY[dtype], copy=False).tobytes()


_NUMPY: dict[type[pl.DataType], str] = {pl.UInt32: "<u4", pl.Int64: "<i8", pl.Float64: "<f8"}


def _factor(s: pl.Series) -> tuple[list[str], pl.Series]:
    return s.unique().sort().to_list(), (s.rank("dense") - 1).cast(pl.UInt32)


def _factored(
    province: pl.Series, years: pl.Series, nodes: pl.Series, values: pl.Series, measures: pl.Series | None = None
) -> Factored:
    keep = values.is_not_null()  # a null cell is a missing value, not an observation
    if not keep.all():
        province, years, nodes, values = (
            province.filter(keep),
            years.filter(keep),
            nodes.filter(keep),
            values.filter(keep),
        )
        measures = measures.filter(keep) if measures is not None else None
    if values.len() == 0:
        raise DataError("no values to score: every value cell is empty")
    province_names, province_idx = _factor(province)
    node_names, node_idx = _factor(nodes)
    measure_names, measure_idx = _factor(measures) if measures is not None else (None, None)
    return Factored(
        province_names,
        _buffer(province_idx, pl.UInt32),
        _buffer(years, pl.Int64),
        node_names,
        _buffer(node_idx, pl.UInt32),
        _buffer(values, pl.Float64),
        measure_names,
        _buffer(measure_idx, pl.UInt32) if measure_idx is not None else None,
    )


def observations(data: Any) -> Factored:
    """Long (province, year, node, value) or wide (province, year, one column per node) → factored columns."""
    df = to_polars(data)
    if df.height == 0:
        raise DataError("the data frame is empty: nothing to score")
    province = "province_code" if "province_code" in df.columns else "province"
    missing = [c for c in (province, "year") if c not in df.columns]
    if missing:
        raise DataError(
            f"missing column(s) {missing}; chiso needs 'province' and 'year' (found {df.columns}): {WHAT_TO_PASS}",
            columns=df.columns,
        )
    if df[province].null_count() > 0:
        i = int(df[province].is_null().arg_true()[0])
        raise DataError(f"column {province!r} is empty at row {i}", column=province)
    if "unit" in df.columns and df["unit"].dtype == pl.String:
        # National figures (averages, the national index) of published tables belong to no province. An empty unit
        # cell is neither: an error naming the row, never a silently dropped row.
        if df["unit"].null_count() > 0:
            i = int(df["unit"].is_null().arg_true()[0])
            raise DataError(f"column 'unit' is empty at row {i} ({_context(df, i, province)})", column="unit")
        df = df.filter(pl.col("unit") != "national")
        if df.height == 0:
            raise DataError("only national figures in the data: nothing to score per province")
    if "primary" in df.columns and df["primary"].dtype == pl.Boolean:
        # Conflicting published values (chiso.datasets): the primary source's figure is scored, the documented
        # default; the alternatives stay in the frame (filter on ``primary`` and drop the column to score one).
        if df["primary"].null_count() > 0:
            i = int(df["primary"].is_null().arg_true()[0])
            raise DataError(f"column 'primary' is empty at row {i} ({_context(df, i, province)})", column="primary")
        df = df.filter(pl.col("primary"))
    if "node" in df.columns and "value" in df.columns:
        measures = None
        if "measure" in df.columns:
            # Published tables carry tiers and groups beside values; those are not scored, and ranks are kept as
            # published ranks. Values may be given as score (the node's own scale), points, ratio or pct (README
            # §1.2) and are converted. An empty measure cell is an error naming the row (it would otherwise drop
            # out of the filter without a word).
            if _nested(df["measure"].dtype):
                raise DataError(f"column 'measure' has dtype {df['measure'].dtype}", column="measure")
            if df["measure"].null_count() > 0:
                i = int(df["measure"].is_null().arg_true()[0])
                raise DataError(
                    f"column 'measure' is empty at row {i} ({_context(df, i, province)}); use score, points, ratio, "
                    "pct (or rank, tier, group for published rows)",
                    column="measure",
                )
            df = df.filter(~pl.col("measure").cast(pl.String).is_in(list(NOT_SCORED)))
            if df.height == 0:
                raise DataError("no rows with a value measure (score, points, ratio, pct) to score")
            measures = df["measure"].cast(pl.String)
        values = _numeric(df, "value", province)
        # `node` is the path below the edition root; a `code` column (the full code, as in chiso's own frames and
        # datasets) names the edition too, so it wins where present.
        node_column = "code" if "code" in df.columns and df["code"].dtype == pl.String else "node"
        if _nested(df[node_column].dtype):
            raise DataError(
                f"column {node_column!r} has dtype {df[node_column].dtype}; give node codes or paths",
                column=node_column,
            )
        nodes = df[node_column].cast(pl.String)
        if nodes.null_count() > 0:
            i = int(nodes.is_null().arg_true()[0])
            raise DataError(
                f"column {node_column!r} is empty at row {i} ({_context(df, i, province)})", column=node_column
            )
        return _factored(_province_names(df, province), _years(df), nodes, values, measures)
    value_columns = [c for c in df.columns if c not in ID_COLUMNS]
    if not value_columns:
        raise DataError(
            "no node columns: give a long frame (province, year, node, value) or a wide one "
            f"(province, year, one column per node); found {df.columns}"
        )
    # Wide: the node columns laid end to end as one buffer; Rust factors the provinces (one name per row) and
    # skips the empty cells, so no per-value frame is built here.
    provinces = _province_names(df, province).to_list()
    years = _years(df)
    columns = [_numeric(df, c, province) for c in value_columns]
    empty = [c.null_count() for c in columns]
    if sum(empty) == df.height * len(columns):
        raise DataError("no values to score: every value cell is empty")
    values = np.concatenate([c.to_numpy() for c in columns]).astype("<f8", copy=False)
    present = (
        np.concatenate([c.is_not_null().to_numpy() for c in columns]).astype("u1").tobytes() if any(empty) else None
    )
    return Factored(
        provinces,
        None,
        _buffer(years, pl.Int64),
        value_columns,
        None,
        values.tobytes(),
        present=present,
    )
