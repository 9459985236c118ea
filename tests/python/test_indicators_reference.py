"""The indicator layer against VCCI's own workbooks (tests/reference/vcci_workbooks, verbatim copies): the bundled
raw values are the workbook's cells, and every established sub-index, rebuilt from them alone, is the workbook's
published sub-index. Independent of the dataset builder: the workbooks are read here with calamine."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import chiso
import polars as pl
import pytest

BOOKS = Path(__file__).parents[1] / "reference" / "vcci_workbooks" / "PCI"
TOL = 1e-5  # float32 cells


def key(s: str) -> str:
    s = unicodedata.normalize("NFD", s.lower()).replace("đ", "d")
    return "".join(c for c in s if c.isalnum() and unicodedata.category(c) != "Mn")


SHEETS = {
    "chiphigianhapthitruong": "entry_costs",
    "tiepcandatdai": "land_access",
    "tinhminhbach": "transparency",
    "chiphithoigian": "time_costs",
    "chiphikhongchinhthuc": "informal_charges",
    "canhtranhbinhdang": "policy_bias",
    "tinhnangdong": "proactivity",
    "dichvuhotrodn": "business_support",
    "hotrodoanhnghiep": "business_support",
    "daotaolaodong": "labor_training",
    "thietchephaply": "legal_institutions",
}


def published_sub_indices(year: int) -> pl.DataFrame:
    path = BOOKS / (f"PCI_{year}.xlsx" if year >= 2012 else f"PCI_{year}.xls")
    rows = []
    sheets = pl.read_excel(path, sheet_id=0, engine="calamine", has_header=False)
    for title, df in sheets.items():
        node = SHEETS.get(key(title))
        if node is None:
            continue
        for r in df.iter_rows():
            province, value = r[1], r[2]
            try:
                v = float(value)
                code, _ = chiso.find_province(str(province))
            except (TypeError, ValueError, chiso.UnknownProvinceError):
                continue  # header, median/min/max rows
            rows.append({"province_code": code, "node": node, "workbook": v})
    return pl.DataFrame(rows).unique(["province_code", "node"], keep="first")


@pytest.mark.parametrize("year", [2010, 2012, 2013, 2016])
def test_established_sub_indices_equal_the_workbook(year: int) -> None:
    book = published_sub_indices(year)
    codes = {name: code for code, name in zip(chiso.provinces()["code"], chiso.provinces()["name_vi"], strict=True)}
    nodes = chiso.indicators.score(year)["nodes"].with_columns(
        pl.col("province").replace_strict(codes).alias("province_code")
    )
    joined = nodes.join(book, on=["province_code", "node"], how="inner")
    assert joined.height == nodes.height  # every province and sub-index found in the workbook
    established = joined.filter((pl.col("provenance") == "derived") & pl.col("reproducible"))
    assert established.height >= 63 * 5
    gap = established.select((pl.col("value") - pl.col("workbook")).abs().max()).item()
    assert gap <= TOL
