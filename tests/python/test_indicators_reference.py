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


@pytest.mark.parametrize("year", [2005, 2006, 2007, 2008])
def test_workbooks_2005_2008_established_sub_indices(year: int) -> None:
    """The early workbooks (no variable codes; 2008 in ranked blocks per indicator): every established sub-index is
    rebuilt from the raw indicators to the workbook's precision (2005-2006 store float64, 2007-2008 7 digits)."""
    nodes = chiso.indicators.score(year)["nodes"]
    assert nodes["province"].n_unique() == (42 if year == 2005 else 64)  # 2006-2008 with Hà Tây
    established = nodes.filter((pl.col("provenance") == "derived") & pl.col("reproducible"))
    gap = established.select((pl.col("value") - pl.col("published")).abs().max()).item()
    assert gap <= (1e-9 if year <= 2006 else TOL)
    unknown = sorted(nodes.filter(provenance="unknown")["node"].unique())
    assert unknown == (["land_access"] if year == 2008 else [])


def test_ranked_blocks_of_2008_are_the_bundled_raw_values() -> None:
    """PCI 2008 prints each indicator as its own ranked (province, value) block: read here independently (calamine),
    every block of the time-cost sheet whose header names a survey question equals the bundled values."""
    df = pl.read_excel(BOOKS / "PCI_2008.xls", sheet_name="Chi phí thời gian", engine="calamine", has_header=False)
    bundled = chiso.indicators.data(2008).filter(node="time_costs")
    cols = df.columns
    checked = 0
    for c in range(1, len(cols) - 1, 2):
        ref = str(df[2, cols[c + 1]] or "")
        if not ref.startswith("Câu hỏi điều tra PCI:"):
            continue
        code = ref.split(":")[1].strip().lower().replace(".", "_")
        for r in range(3, 67):
            province, value = df[r, cols[c]], df[r, cols[c + 1]]
            if province is None or value is None:
                continue
            row = bundled.filter(indicator=f"time_costs/{code}", province_code=chiso.find_province(str(province))[0])
            assert row.height == 1 and row["value"][0] == pytest.approx(float(value), abs=1e-12), (code, province)
            checked += 1
    assert checked == 5 * 64


def test_rows_of_2006_are_the_bundled_raw_values() -> None:
    """PCI 2006 prints one row per province, ranked by the sub-index; the tax-inspection hours of every province."""
    df = pl.read_excel(BOOKS / "PCI_2006.xls", sheet_name="CP thời gian", engine="calamine", has_header=False)
    bundled = chiso.indicators.data(2006).filter(indicator="time_costs/so_gio_lam_viec_voi_thanh_tra_thue_so_tr")
    by_code = dict(zip(bundled["province_code"], bundled["value"], strict=True))
    cols = df.columns
    assert str(df[0, cols[6]]).startswith("Số giờ làm việc với thanh tra thuế")
    rows = [(df[r, cols[1]], df[r, cols[6]]) for r in range(1, 65)]
    assert len(rows) == 64 == len(by_code)
    for province, hours in rows:
        assert by_code[chiso.find_province(str(province))[0]] == pytest.approx(float(hours), abs=1e-12)
