#!/usr/bin/env python3
"""Build the tidy, embeddable PAPI and PCI datasets of `chiso` from the raw published data.

Run from the repository root:

    python scripts/build_datasets.py   (needs polars, xlrd, openpyxl)

Inputs (read-only), relative to the repository root:
    ../shared/data/raw/...            the raw published data (see ../shared/data/README.md)
    ../shared/data/provinces.csv      GSO codes, names and aliases of the 64 provinces (63 + Ha Tay)

Outputs:
    data/papi.csv     PAPI sub-dimension scores 2011-2024
    data/pci.csv      PCI sub-index scores, composites, ranks and tiers 2005-2022
    data/SOURCES.md   provenance, licences, known defects

The script is deterministic (no clocks, no randomness, sorted output) and fails loudly (exit code 1)
whenever a province name cannot be mapped, a column header does not say what the layout assumes,
or a cross-check does not hold. It never drops rows silently.
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
import warnings
from collections import Counter, defaultdict
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import xlrd
from _common import BuildError, fail, log, norm_key, norm_text, strip_prefix

# pandas 2.x flags its xlrd engine as deprecated; xlrd is still the reader for the .xls workbooks.
warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
# openpyxl cannot read some Excel extensions of the VCCI .xlsx files (formatting only, not values).
warnings.filterwarnings("ignore", message="Unknown extension is not supported")

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT / ".." / "shared" / "data").resolve()
RAW = SHARED / "raw"
PCI_DIR = RAW / "pci_papi_mdtrinh_vietnamdata" / "PCI"
OUT = ROOT / "data"

HA_TAY = "28"  # merged into Ha Noi in 2008; only in PCI 2005-2008


class Provinces:
    def __init__(self, path: Path):
        with path.open(encoding="utf-8", newline="") as f:
            self.rows = list(csv.DictReader(f))
        if len(self.rows) != 64:
            fail(f"{path}: expected 64 provinces (63 + Ha Tay), found {len(self.rows)}")
        self.name = {r["gso_code"]: r["name_vi"] for r in self.rows}
        self.keys: dict[str, str] = {}
        for r in self.rows:
            code = r["gso_code"]
            if not re.fullmatch(r"\d\d", code):
                fail(f"provinces.csv: bad gso_code {code!r}")
            names = [r["name_vi"], r["name_ascii"]] + [a for a in r["aliases"].split("|") if a.strip()]
            for n in names:
                k = norm_key(n)
                for key in filter(None, (k, strip_prefix(k))):
                    prev = self.keys.get(key)
                    if prev is not None and prev != code:
                        fail(f"provinces.csv: key {key!r} ({n!r}) maps to both {prev} and {code}")
                    self.keys[key] = code
        # PAPI P-codes P01-P63 follow GSO order without Ha Tay (which ceased to exist in 2008).
        self.papi_order = [r["gso_code"] for r in self.rows if r["gso_code"] != HA_TAY]

    def code(self, raw_name, where: str) -> str:
        """GSO code of a province name; raises if the name cannot be mapped."""
        if raw_name is None or (isinstance(raw_name, float) and math.isnan(raw_name)):
            fail(f"{where}: empty province name")
        k = norm_key(raw_name)
        if k in self.keys:
            return self.keys[k]
        s = strip_prefix(k)
        if s is not None and s in self.keys:
            return self.keys[s]
        fail(f"{where}: cannot map province name {raw_name!r} (key {k!r}) to a GSO code")

    def is_province(self, raw_name) -> bool:
        if raw_name is None or (isinstance(raw_name, float) and math.isnan(raw_name)):
            return False
        k = norm_key(raw_name)
        return bool(k) and (k in self.keys or (strip_prefix(k) or "") in self.keys)

    def papi_code(self, pcode: str) -> str:
        m = re.fullmatch(r"P(\d\d)", pcode)
        if not m or not 1 <= int(m.group(1)) <= 63:
            fail(f"bad PAPI province code {pcode!r}")
        return self.papi_order[int(m.group(1)) - 1]


# ---------------------------------------------------------------------------------------------
# Output helpers
# ---------------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def is_blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def as_float(v, where: str) -> float:
    if is_blank(v) or isinstance(v, bool):
        fail(f"{where}: expected a number, found {v!r}")
    try:
        x = float(v)
    except (TypeError, ValueError):
        fail(f"{where}: expected a number, found {v!r}")
    if not math.isfinite(x):
        fail(f"{where}: non-finite number {v!r}")
    return x


def as_int(v, where: str) -> int:
    x = as_float(v, where)
    if x != int(x):
        fail(f"{where}: expected an integer, found {v!r}")
    return int(x)


# =============================================================================================
# PAPI
# =============================================================================================

PAPI_DIMENSIONS = {
    1: "participation",
    2: "transparency",
    3: "vertical_accountability",
    4: "control_of_corruption",
    5: "administrative_procedures",
    6: "public_service_delivery",
    7: "environmental_governance",
    8: "e_governance",
}

# papi.md 3.2/3.3: the panel's SC columns change meaning between editions, so the mapping is
# keyed by edition (i.e. by year), never by the column alone.
_PAPI_COMMON = {
    "SC11": "civic_knowledge",
    "SC12": "participation_opportunities",
    "SC13": "election_quality",
    "SC14": "voluntary_contributions",
    "SC31": "interactions",
    "SC41": "public_sector_corruption",
    "SC42": "service_delivery_corruption",
    "SC43": "equity_in_employment",
    "SC44": "willingness_to_fight_corruption",
    "SC51": "certification",
    "SC52": "construction_permits",
    "SC53": "land_use_rights",
    "SC54": "personal_procedures",
    "SC61": "public_health",
    "SC62": "primary_education",
    "SC63": "basic_infrastructure",
    "SC64": "law_and_order",
}
_PAPI_2011 = {
    **_PAPI_COMMON,
    "SC21": "poverty_lists",
    "SC22": "communal_budget",
    "SC23": "land_use_plans",
    "SC32": "peoples_inspection_boards",
    "SC33": "community_investment_boards",
}
_PAPI_2016 = {
    **_PAPI_COMMON,
    "SC21": "poverty_lists",
    "SC22": "communal_budget",
    "SC23": "land_use_plans",
    "SC32": "responsiveness",
    "SC33": "peoples_inspection_boards",
}
_PAPI_2018 = {
    **_PAPI_COMMON,
    "SC21": "access_to_information",
    "SC22": "poverty_lists",
    "SC23": "communal_budget",
    "SC24": "land_use_plans",
    "SC32": "responsiveness",
    "SC33": "access_to_justice",
    "SC71": "environmental_protection",
    "SC72": "air_quality",
    "SC73": "water_quality",
    "SC81": "portal_access",
    "SC82": "internet_access",
}
_PAPI_2019 = {**_PAPI_2018, "SC83": "e_responsiveness"}
_PAPI_2021 = {k: v for k, v in _PAPI_2019.items() if k != "SC52"}  # construction permits dropped

PAPI_EDITIONS = {  # edition -> (years, SC -> slug)
    "papi.2011": (range(2011, 2016), _PAPI_2011),
    "papi.2016": (range(2016, 2018), _PAPI_2016),
    "papi.2018": (range(2018, 2019), _PAPI_2018),
    "papi.2019": (range(2019, 2021), _PAPI_2019),
    "papi.2021": (range(2021, 2025), _PAPI_2021),
}
PAPI_EXPECTED_COUNT = {"papi.2011": 22, "papi.2016": 22, "papi.2018": 28, "papi.2019": 29, "papi.2021": 28}

# The long file's year-correct English labels, as an independent cross-check of the (year, SC)
# table above. Several wordings per slug because the 2018+ codebook rephrased some of them.
PAPI_LABEL_SLUG = {
    "Civic Knowledge": "civic_knowledge",
    "Opportunities for Participation": "participation_opportunities",
    "Opportunities for Participation in Elections": "participation_opportunities",
    "Quality of Elections": "election_quality",
    "Quality of Village Head Elections": "election_quality",
    "Voluntary Contributions": "voluntary_contributions",
    "Access to Information": "access_to_information",
    "Poverty Lists": "poverty_lists",
    "Poverty List Transparency": "poverty_lists",
    "Communal Budget and Expenditure": "communal_budget",
    "Communal Budget Transparency": "communal_budget",
    "Land-Use Plans/Price Frames": "land_use_plans",
    "Transparent Land-Use Plan/Price Frames": "land_use_plans",
    "Interactions With Local Authorities": "interactions",
    "People's Inspection Boards": "peoples_inspection_boards",
    "Community Investment Boards": "community_investment_boards",
    "Responsive to Citizen Actions": "responsiveness",
    "Governments Responsive to Citizen Appeals": "responsiveness",
    "Access to Justice Services": "access_to_justice",
    "Limits on Public Sector Corruption": "public_sector_corruption",
    "Limits on Corruption in Local Governments": "public_sector_corruption",
    "Limits on Corruption in Service Delivery": "service_delivery_corruption",
    "Equity in Employment": "equity_in_employment",
    "Equity in State Employment": "equity_in_employment",
    "Willingness to Fight Corruption": "willingness_to_fight_corruption",
    "Certification Procedures": "certification",
    "Construction Permits": "construction_permits",
    "Land-Use Rights Procedures": "land_use_rights",
    "Land Title Procedures": "land_use_rights",
    "Personal Procedures": "personal_procedures",
    "Public Health": "public_health",
    "Public Healthcare": "public_health",
    "Public Primary Education": "primary_education",
    "Primary Education": "primary_education",
    "Basic Infrastructure": "basic_infrastructure",
    "Law and Order": "law_and_order",
    "Environmental Protection": "environmental_protection",
    "Quality of Air": "air_quality",
    "Quality of Water": "water_quality",
    "Access to E-Government Portals": "portal_access",
    "Access to the Internet": "internet_access",
    "E-Responsiveness of Provincial Authorities": "e_responsiveness",
}


def papi_edition(year: int) -> tuple[str, dict[str, str]]:
    for ed, (years, table) in PAPI_EDITIONS.items():
        if year in years:
            return ed, table
    fail(f"PAPI: no edition for data year {year}")


def build_papi(prov: Provinces) -> list[list[str]]:
    path = RAW / "papi_2011_2024_subdimensions_long.csv"
    log(f"== PAPI  <- {path.relative_to(SHARED.parent)}")
    # dtype=str keeps the published value text exactly as written in the source.
    src = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    expected_cols = [
        "year",
        "province_code",
        "province",
        "dimension_no",
        "dimension",
        "subdim_col",
        "subdimension_label",
        "value",
        "label_status",
    ]
    if list(src.columns) != expected_cols:
        fail(f"PAPI: unexpected columns {list(src.columns)}")

    # P-code -> GSO code, verified against the province names printed in the file.
    pmap: dict[str, str] = {}
    for pcode, name in sorted(set(zip(src.province_code, src.province))):
        gso = prov.papi_code(pcode)
        by_name = prov.code(name, f"PAPI long file, {pcode}")
        if gso != by_name:
            fail(f"PAPI: {pcode} is GSO {gso} by position but its name {name!r} maps to {by_name}")
        if pmap.setdefault(pcode, gso) != gso:
            fail(f"PAPI: {pcode} carries two different province names")
    log(
        f"  P-codes verified against names: {len(pmap)} (P01={pmap.get('P01')}, "
        f"P54={pmap.get('P54')}, P63={pmap.get('P63')})"
    )

    rows: list[list[str]] = []
    seen: set[tuple] = set()
    for i, r in enumerate(src.itertuples(index=False), start=2):
        where = f"PAPI long file line {i}"
        year = int(r.year)
        edition, table = papi_edition(year)
        sc = r.subdim_col
        if sc not in table:
            fail(f"{where}: column {sc} has no sub-dimension in {edition} (year {year})")
        slug = table[sc]
        dim_no = int(sc[2])
        if int(r.dimension_no) != dim_no:
            fail(f"{where}: dimension_no {r.dimension_no} disagrees with column {sc}")
        if PAPI_LABEL_SLUG.get(r.subdimension_label) != slug:
            fail(f"{where}: label {r.subdimension_label!r} contradicts ({year}, {sc}) -> {slug}")
        if r.value.strip() == "":
            fail(f"{where}: empty value (the long file should only hold cells with values)")
        as_float(r.value, where)
        code = f"{edition}/{PAPI_DIMENSIONS[dim_no]}/{slug}"
        gso = pmap[r.province_code]
        key = (year, gso, code)
        if key in seen:
            fail(f"{where}: duplicate {key}")
        seen.add(key)
        rows.append([str(year), gso, code, r.value, "official_transcribed", "hnks-gh/ml-mcdm"])

    rows.sort(key=lambda x: (int(x[0]), x[1], x[2]))

    # Sub-dimension sets per year must match papi.md 3.2 exactly (22/22/28/29/28).
    by_year = defaultdict(set)
    for y, _g, code, *_ in rows:
        by_year[int(y)].add(code)
    for y in sorted(by_year):
        ed, table = papi_edition(y)
        expected = {f"{ed}/{PAPI_DIMENSIONS[int(sc[2])]}/{s}" for sc, s in table.items()}
        if by_year[y] != expected:
            fail(
                f"PAPI {y}: sub-dimension set differs from papi.md 3.2: "
                f"missing {sorted(expected - by_year[y])}, extra {sorted(by_year[y] - expected)}"
            )
        if len(expected) != PAPI_EXPECTED_COUNT[ed]:
            fail(f"PAPI {ed}: table has {len(expected)} sub-dimensions, papi.md says {PAPI_EXPECTED_COUNT[ed]}")
    log("  sub-dimensions per year: " + ", ".join(f"{y}:{len(by_year[y])}" for y in sorted(by_year)))

    verify_papi_dimensions(rows)
    return rows


def verify_papi_dimensions(rows: list[list[str]]) -> None:
    """Sub-dimensions summed per dimension, and dimensions summed per total, must reproduce the
    derived raw/papi_YYYY_dimensions.csv files (d1..d8, total) within 1e-5."""
    tol = 1e-5
    subs = defaultdict(lambda: defaultdict(list))  # (year, gso) -> dim_no -> [values]
    for y, gso, code, value, *_ in rows:
        dim_slug = code.split("/")[1]
        dim_no = next(k for k, v in PAPI_DIMENSIONS.items() if v == dim_slug)
        subs[(int(y), gso)][dim_no].append(float(value))

    checked = partial_dims = 0
    max_dim = max_tot = 0.0
    incomplete = []
    for year in range(2011, 2025):
        path = RAW / f"papi_{year}_dimensions.csv"
        d = pd.read_csv(path, dtype=str, keep_default_na=False)
        ed, table = papi_edition(year)
        k_per_dim = Counter(int(sc[2]) for sc in table)
        dims = sorted(k_per_dim)
        for r in d.itertuples(index=False):
            gso = PROVINCES.papi_code(r.province_code)
            have = subs.get((year, gso), {})
            complete = r.complete == "1"
            computed = {k: sum(have[k]) for k in dims if len(have.get(k, [])) == k_per_dim[k]}
            if complete:
                if set(computed) != set(dims):
                    fail(f"PAPI {year} {r.province_code}: flagged complete but sub-dimensions are missing")
                for k in dims:
                    diff = abs(float(getattr(r, f"d{k}")) - computed[k])
                    max_dim = max(max_dim, diff)
                    if diff > tol:
                        fail(f"PAPI {year} {r.province_code} d{k}: sum {computed[k]} vs file {getattr(r, f'd{k}')}")
                diff = abs(float(r.total) - sum(computed.values()))
                max_tot = max(max_tot, diff)
                if diff > tol:
                    fail(f"PAPI {year} {r.province_code} total: {sum(computed.values())} vs file {r.total}")
                checked += 1
            else:
                incomplete.append(f"{year} {r.province_code}/{gso}")
                if r.total.strip():
                    fail(f"PAPI {year} {r.province_code}: incomplete row carries a total")
                for k in dims:  # dimensions that can be formed must match; the others must be blank
                    cell = getattr(r, f"d{k}").strip()
                    if k in computed:
                        if not cell or abs(float(cell) - computed[k]) > tol:
                            fail(f"PAPI {year} {r.province_code} d{k}: {cell!r} vs sum {computed[k]}")
                        partial_dims += 1
                    elif cell:
                        fail(f"PAPI {year} {r.province_code} d{k}: file has {cell} but sub-dimensions are incomplete")
    log(
        f"  dimension check: {checked} complete province-years reproduce d1..dN and total "
        f"(max |diff| dimension {max_dim:.2e}, total {max_tot:.2e}); "
        f"{partial_dims} dimensions of {len(incomplete)} incomplete rows also match"
    )
    log(f"  incomplete province-years: {', '.join(incomplete)}")


# =============================================================================================
# PCI
# =============================================================================================

SUBINDICES = [
    "entry_costs",
    "land_access",
    "transparency",
    "time_costs",
    "informal_charges",
    "central_policy_implementation",
    "policy_bias",
    "proactivity",
    "business_support",
    "labor_training",
    "legal_institutions",
]

EDITION_SUBINDICES = {
    "pci.2005": [
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "central_policy_implementation",
        "policy_bias",
        "proactivity",
        "business_support",
    ],
    "pci.2006": [
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "policy_bias",
        "proactivity",
        "business_support",
        "labor_training",
        "legal_institutions",
    ],
    "pci.2009": [
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "proactivity",
        "business_support",
        "labor_training",
        "legal_institutions",
    ],
    "pci.2013": [
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "policy_bias",
        "proactivity",
        "business_support",
        "labor_training",
        "legal_institutions",
    ],
}

# pci.md A4.2. Weights in %; composite = 10 * sum(w/100 * s).
PCI_WEIGHTS = {
    "pci.2005": {
        "entry_costs": 17.0993,
        "land_access": 8.3495,
        "transparency": 16.1122,
        "time_costs": 9.6098,
        "informal_charges": 7.5490,
        "central_policy_implementation": 0.2089,
        "policy_bias": 13.1113,
        "proactivity": 16.8397,
        "business_support": 11.1107,
    },
    "pci.2006": dict(zip(EDITION_SUBINDICES["pci.2006"], [5, 5, 15, 10, 5, 5, 15, 15, 15, 10])),
    "pci.2009": dict(zip(EDITION_SUBINDICES["pci.2009"], [10, 5, 20, 15, 10, 10, 5, 20, 5])),
    "pci.2013": dict(zip(EDITION_SUBINDICES["pci.2013"], [5, 5, 20, 5, 10, 5, 5, 20, 20, 5])),
}

# pci.md A6.
TIERS = {"Rất tốt": 1, "Tốt": 2, "Khá": 3, "Trung bình": 4, "Tương đối thấp": 5, "Thấp": 6}
TIER_BY_KEY = {norm_key(k): (k, v) for k, v in TIERS.items()}

# Header keywords (after norm_text and punctuation -> space). A value column's header must match
# the keywords of exactly the slug the layout assigns to it: this catches column mix-ups.
HEADER_KW = {
    "entry_costs": ["gia nhap"],
    "land_access": ["dat dai"],
    "transparency": ["minh bach"],
    "time_costs": ["thoi gian"],
    "informal_charges": ["khong chinh thuc"],
    "central_policy_implementation": ["trung uong"],
    "policy_bias": ["dnnn", "doanh nghiep nha nuoc", "canh tranh binh dang"],
    "proactivity": ["nang dong"],
    "business_support": ["tu nhan", "kttn", "ho tro"],
    "labor_training": ["lao dong"],
    "legal_institutions": ["phap ly"],
}
EXTRA_KW = {
    "development_level": lambda h: "muc do phat trien" in h,
    "infrastructure_quality": lambda h: "chat luong co so ha tang" in h,
    "distance_to_markets": lambda h: "khoang cach" in h,
    # 2008 has two infrastructure indices; we take the complete one that includes ports and
    # airports (component group 4, "other infrastructure"), see SOURCES.md.
    "infrastructure_2008": lambda h: "gom cang san bay" in h and "khong" not in h,
    "infrastructure_csht": lambda h: "csht" in h,
    "it": lambda h: "chi so cntt" in h,
}


def pci_edition(year: int) -> str:
    if year == 2005:
        return "pci.2005"
    if 2006 <= year <= 2008:
        return "pci.2006"
    if 2009 <= year <= 2012:
        return "pci.2009"
    if 2013 <= year <= 2021:
        return "pci.2013"
    if year >= 2022:
        return "pci.2022"
    fail(f"PCI: no edition for year {year}")


def header_text(df: pd.DataFrame, col: int, first_data_row: int) -> str:
    parts = [str(df.iat[r, col]) for r in range(first_data_row) if not is_blank(df.iat[r, col])]
    return re.sub(r"[^a-z0-9]+", " ", norm_text(" ".join(parts))).strip()


def check_header(df, col: int, first: int, what: str, where: str) -> None:
    h = header_text(df, col, first)
    if what in HEADER_KW:
        matched = {s for s, kws in HEADER_KW.items() if any(k in h for k in kws)}
        ok = matched == {what}
    elif what == "composite":
        ok = ("trong so" in h or "pci 20" in h or "cuoi cung" in h) and "chua" not in h
    elif what == "rank":
        ok = ("xep hang" in h or "thu hang" in h) and "nhom" not in h
    elif what == "tier":
        ok = "nhom xep hang" in h
    elif what in EXTRA_KW:
        ok = EXTRA_KW[what](h)
    else:
        fail(f"{where}: unknown header kind {what}")
    if not ok:
        fail(f"{where}: column {col} header {h!r} does not look like {what}")


class PciYear:
    """Everything parsed from one VCCI workbook: per province, scores/ranks/tier."""

    def __init__(self, year: int):
        self.year = year
        self.edition = pci_edition(year)
        self.scores: dict[str, dict[str, float]] = defaultdict(dict)  # gso -> key -> value
        self.ranks: dict[str, dict[str, int]] = defaultdict(dict)
        self.tier: dict[str, str] = {}  # gso -> label

    def set(self, store: dict, gso: str, key: str, value, where: str) -> None:
        if key in store[gso]:
            fail(f"{where}: province {gso} appears twice for {key}")
        store[gso][key] = value

    def set_tier(self, gso: str, raw, where: str) -> None:
        k = norm_key(raw)
        if k not in TIER_BY_KEY:
            fail(f"{where}: unknown tier label {raw!r}")
        if gso in self.tier:
            fail(f"{where}: second tier for {gso}")
        self.tier[gso] = TIER_BY_KEY[k][0]


def read_sheet(year: int, sheet: str) -> pd.DataFrame:
    path = PCI_DIR / (f"PCI_{year}.xls" if year <= 2011 else f"PCI_{year}.xlsx")
    engine = "xlrd" if path.suffix == ".xls" else "openpyxl"
    # Sheets are always addressed by name, never by position (the English 'Summary' trap).
    df = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine=engine)
    df.attrs["sheet"] = sheet
    df.attrs["file"] = path.name
    return df


def where_of(df, extra: str = "") -> str:
    return f"{df.attrs['file']}[{df.attrs['sheet']}]{extra}"


def data_rows(df, prov: Provinces, name_col: int, first: int, last: int, n: int) -> range:
    """Rows first..last (0-based, inclusive) hold exactly n provinces; the rows just outside do not."""
    rows = range(first, last + 1)
    if len(rows) != n:
        fail(f"{where_of(df)}: row range gives {len(rows)} rows, expected {n}")
    for r in (first - 1, last + 1):
        if 0 <= r < len(df) and prov.is_province(df.iat[r, name_col]):
            fail(
                f"{where_of(df)}: row {r} next to the data block also holds a province "
                f"({df.iat[r, name_col]!r}); the row range is wrong"
            )
    return rows


# ---- row-per-province layouts (2005, 2006, 2007, 2009 summaries; 2009-2011 infrastructure) ----


def parse_rowwise(
    py: PciYear,
    df,
    prov,
    *,
    name_col,
    first,
    last,
    n,
    cols: dict[str, int],
    rank_col: int | None = None,
    tier_col: int | None = None,
) -> list[str]:
    """cols: key -> column, key being a sub-index slug, 'composite' or an extra's key."""
    for key, c in cols.items():
        check_header(df, c, first, key, where_of(df))
    if rank_col is not None and py.year != 2006:  # 2006's rank column has no header, see below
        check_header(df, rank_col, first, "rank", where_of(df))
    if tier_col is not None:
        check_header(df, tier_col, first, "tier", where_of(df))
    codes = []
    for r in data_rows(df, prov, name_col, first, last, n):
        w = where_of(df, f" row {r + 1}")
        gso = prov.code(df.iat[r, name_col], w)
        codes.append(gso)
        for key, c in cols.items():
            py.set(py.scores, gso, key, as_float(df.iat[r, c], f"{w} col {c}"), w)
        if rank_col is not None:
            py.set(py.ranks, gso, "composite", as_int(df.iat[r, rank_col], f"{w} rank"), w)
        if tier_col is not None:
            py.set_tier(gso, df.iat[r, tier_col], w)
    if len(set(codes)) != n:
        fail(f"{where_of(df)}: {n} rows but {len(set(codes))} distinct provinces")
    return codes


# ---- (province, value) pair layouts (2008, 2010-2016 summaries; 2008 infrastructure/IT) ----


def parse_pairs(
    py: PciYear,
    df,
    prov,
    *,
    first,
    last,
    n,
    pairs: dict[str, tuple[int, int]],
    order_col: int = 0,
    rank_positions: bool = True,
    rank_pair: tuple[int, int] | None = None,
    tier_pair: tuple[int, int] | None = None,
    aligned: dict[str, int] | None = None,
    aligned_name_col: int | None = None,
) -> None:
    """Each (province col, value col) pair is sorted on its own: join by province name within the
    pair; the row's 'Thứ tự' (order_col) is the rank on that column, which VCCI prints.

    aligned: columns that share a pair's province column (2013-2016: composite rank and tier sit
    next to the composite pair), given as kind -> column.
    """
    rows = data_rows(df, prov, pairs[next(iter(pairs))][0], first, last, n)
    # 'Thứ tự' must be 1..n down the rows: then row position = rank.
    order = [as_int(df.iat[r, order_col], where_of(df, f" row {r + 1} order")) for r in rows]
    if order != list(range(1, n + 1)):
        fail(f"{where_of(df)}: order column is not 1..{n}")
    ties = []
    province_sets = []
    for key, (pc, vc) in pairs.items():
        check_header(df, vc, first, key, where_of(df))
        gsos = []
        prev = None
        for pos, r in enumerate(rows, start=1):
            w = where_of(df, f" row {r + 1} col {vc}")
            gso = prov.code(df.iat[r, pc], w)
            v = as_float(df.iat[r, vc], w)
            if prev is not None and v > prev:
                fail(f"{w}: pair {key} is not sorted descending ({v} after {prev})")
            if prev is not None and v == prev:
                ties.append(f"{key} pos {pos}")
            prev = v
            py.set(py.scores, gso, key, v, w)
            if rank_positions:
                py.set(py.ranks, gso, key, pos, w)
            gsos.append(gso)
        if len(set(gsos)) != n:
            fail(f"{where_of(df)}: pair {key} has {len(set(gsos))} distinct provinces, expected {n}")
        province_sets.append(frozenset(gsos))
    if len(set(province_sets)) != 1:
        fail(f"{where_of(df)}: the pairs do not list the same provinces")
    if ties:
        log(f"  note {py.year}: equal values inside a sorted pair (rank = printed position): {ties}")
    if rank_pair is not None:
        check_header(df, rank_pair[1], first, "rank", where_of(df))
        for r in rows:
            w = where_of(df, f" row {r + 1} rank pair")
            gso = prov.code(df.iat[r, rank_pair[0]], w)
            rank = as_int(df.iat[r, rank_pair[1]], w)
            if py.ranks[gso].get("composite") != rank:
                fail(f"{w}: printed rank {rank} != position {py.ranks[gso].get('composite')} in the PCI pair")
    if tier_pair is not None:
        check_header(df, tier_pair[1], first, "tier", where_of(df))
        for r in rows:
            w = where_of(df, f" row {r + 1} tier pair")
            py.set_tier(prov.code(df.iat[r, tier_pair[0]], w), df.iat[r, tier_pair[1]], w)
    if aligned:
        for kind, c in aligned.items():
            check_header(df, c, first, kind, where_of(df))
            for r in rows:
                w = where_of(df, f" row {r + 1} col {c}")
                gso = prov.code(df.iat[r, aligned_name_col], w)
                if kind == "rank":
                    rank = as_int(df.iat[r, c], w)
                    if py.ranks[gso].get("composite") != rank:
                        fail(f"{w}: printed rank {rank} != position in the PCI pair")
                elif kind == "tier":
                    py.set_tier(gso, df.iat[r, c], w)
    check_highlight(py, df, prov, last, pairs)


def check_highlight(py: PciYear, df, prov, last: int, pairs) -> None:
    """Below the data, each paired sheet repeats one province's row ("Hà Nội", "Yên Bái", ...) with
    its printed rank per column on the next row. Cross-check both against what we parsed."""
    for r in range(last + 1, len(df) - 1):
        name = df.iat[r, 1]
        if prov.is_province(name):
            gso = prov.code(name, where_of(df, f" row {r + 1}"))
            for key, (_pc, vc) in pairs.items():
                v = as_float(df.iat[r, vc], where_of(df, f" highlight row {r + 1} col {vc}"))
                rk = as_int(df.iat[r + 1, vc], where_of(df, f" highlight rank row {r + 2} col {vc}"))
                if v != py.scores[gso][key] or rk != py.ranks[gso].get(key, rk):
                    fail(
                        f"{where_of(df)}: highlighted {name} {key}: {v}/#{rk} vs parsed "
                        f"{py.scores[gso][key]}/#{py.ranks[gso].get(key)}"
                    )
            return
    fail(f"{where_of(df)}: no highlighted province row found below the data")


# ---- per-year parsers (column numbers are 0-based; PCI_Import.csv gives them 1-based) ----


def parse_2005(prov) -> PciYear:
    py = PciYear(2005)
    s = read_sheet(2005, "Bảng tóm tắt chỉ số")
    parse_rowwise(
        py,
        s,
        prov,
        name_col=0,
        first=2,
        last=43,
        n=42,
        cols={
            "development_level": 2,
            "infrastructure_quality": 3,
            "distance_to_markets": 4,
            "entry_costs": 5,
            "land_access": 6,
            "transparency": 7,
            "time_costs": 8,
            "informal_charges": 9,
            "central_policy_implementation": 10,
            "policy_bias": 11,
            "proactivity": 12,
            "business_support": 13,
            "composite": 14,
        },
    )
    # The rank sheet prints the rank and, in a merged column without header, the tier groups.
    rk = read_sheet(2005, "Xếp hạng theo chỉ số PCI")
    check_header(rk, 2, 1, "rank", where_of(rk))
    rows = data_rows(rk, prov, 0, 1, 42, 42)
    merged = (
        xlrd.open_workbook(str(PCI_DIR / "PCI_2005.xls"), formatting_info=True)
        .sheet_by_name("Xếp hạng theo chỉ số PCI")
        .merged_cells
    )
    tier_ranges = sorted((r0, r1) for r0, r1, c0, c1 in merged if (c0, c1) == (3, 4))
    covered = [r for r0, r1 in tier_ranges for r in range(r0, r1)]
    if covered != list(rows):
        fail(f"{where_of(rk)}: merged tier cells do not cover the data rows exactly: {tier_ranges}")
    for r0, r1 in tier_ranges:
        label = rk.iat[r0, 3]
        for r in range(r0, r1):
            w = where_of(rk, f" row {r + 1}")
            gso = prov.code(rk.iat[r, 0], w)
            if as_float(rk.iat[r, 1], w) != py.scores[gso]["composite"]:
                fail(f"{w}: composite differs between the rank sheet and the summary sheet")
            py.set(py.ranks, gso, "composite", as_int(rk.iat[r, 2], w), w)
            py.set_tier(gso, label, w)
    return py


def parse_2006(prov) -> PciYear:
    py = PciYear(2006)
    s = read_sheet(2006, "PCI Tóm tắt")
    parse_rowwise(
        py,
        s,
        prov,
        name_col=1,
        first=2,
        last=65,
        n=64,
        cols={
            "entry_costs": 2,
            "land_access": 3,
            "transparency": 4,
            "time_costs": 5,
            "informal_charges": 6,
            "policy_bias": 7,
            "proactivity": 8,
            "business_support": 9,
            "labor_training": 10,
            "legal_institutions": 11,
            "composite": 12,
        },
        rank_col=0,
    )
    # Column 0 has no header; it is the rank: 1..64 down a sheet sorted by the weighted PCI.
    by_score = sorted(py.scores, key=lambda g: -py.scores[g]["composite"])
    if [py.ranks[g]["composite"] for g in by_score] != list(range(1, 65)):
        fail("PCI_2006: column 0 is not the rank of the weighted PCI")
    return py


def parse_2007(prov) -> PciYear:
    py = PciYear(2007)
    s = read_sheet(2007, "Tóm tắt các chỉ số PCI ")
    parse_rowwise(
        py,
        s,
        prov,
        name_col=0,
        first=1,
        last=64,
        n=64,
        cols={
            "entry_costs": 4,
            "land_access": 5,
            "transparency": 6,
            "time_costs": 7,
            "informal_charges": 8,
            "policy_bias": 9,
            "proactivity": 10,
            "business_support": 11,
            "labor_training": 12,
            "legal_institutions": 13,
            "composite": 15,
        },  # 14 = unweighted
        rank_col=1,
        tier_col=3,
    )
    return py


def parse_2008(prov) -> PciYear:
    py = PciYear(2008)
    s = read_sheet(2008, "Tổng hợp")
    keys = [
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "policy_bias",
        "proactivity",
        "business_support",
        "labor_training",
        "legal_institutions",
    ]
    pairs = {k: (1 + 2 * i, 2 + 2 * i) for i, k in enumerate(keys)}
    pairs["composite"] = (23, 24)  # (21, 22) is the unweighted PCI
    parse_pairs(py, s, prov, first=2, last=65, n=64, pairs=pairs)
    infra = read_sheet(2008, "Cơ sở hạ tầng")
    parse_pairs(py, infra, prov, first=3, last=66, n=64, pairs={"infrastructure_2008": (43, 44)})
    it = read_sheet(2008, "Công nghệ thông tin")
    parse_pairs(py, it, prov, first=2, last=65, n=64, pairs={"it": (13, 14)})
    for g in py.scores:  # rename the header-check keys to the node slugs
        if "infrastructure_2008" in py.scores[g]:
            py.scores[g]["infrastructure"] = py.scores[g].pop("infrastructure_2008")
            py.ranks[g]["infrastructure"] = py.ranks[g].pop("infrastructure_2008")
    return py


SUB_2009 = [
    "entry_costs",
    "land_access",
    "transparency",
    "time_costs",
    "informal_charges",
    "proactivity",
    "business_support",
    "labor_training",
    "legal_institutions",
]


def parse_infrastructure_csht(py: PciYear, prov, first: int, last: int) -> None:
    """2009-2011 'Co so ha tang' sheets: one row per province, index in column 2."""
    s = read_sheet(py.year, "Co so ha tang")
    parse_rowwise(py, s, prov, name_col=1, first=first, last=last, n=63, cols={"infrastructure_csht": 2})
    for g in py.scores:
        if "infrastructure_csht" in py.scores[g]:
            py.scores[g]["infrastructure"] = py.scores[g].pop("infrastructure_csht")


def parse_2009(prov) -> PciYear:
    py = PciYear(2009)
    s = read_sheet(2009, "Tong Hop")
    cols = {k: 3 + i for i, k in enumerate(SUB_2009)}
    cols["composite"] = 12
    parse_rowwise(py, s, prov, name_col=2, first=3, last=65, n=63, cols=cols, rank_col=1)
    parse_infrastructure_csht(py, prov, first=2, last=64)
    return py


def parse_2010_2012(year: int, prov) -> PciYear:
    py = PciYear(year)
    s = read_sheet(year, "Tong hop")
    pairs = {k: (1 + 2 * i, 2 + 2 * i) for i, k in enumerate(SUB_2009)}
    if year == 2010:  # 2010 also prints the unweighted PCI in pair (19, 20)
        pairs["composite"] = (21, 22)
        rank_pair, tier_pair = (23, 24), (25, 26)
    else:
        pairs["composite"] = (19, 20)
        rank_pair, tier_pair = (21, 22), (23, 24)
    parse_pairs(py, s, prov, first=1, last=63, n=63, pairs=pairs, rank_pair=rank_pair, tier_pair=tier_pair)
    if year <= 2011:
        parse_infrastructure_csht(py, prov, first=3, last=65)
    return py


def parse_2013_2016(year: int, prov) -> PciYear:
    py = PciYear(year)
    # Summary_VN only: the English 'Summary' sheets of 2014-2016 hold 2013 data.
    s = read_sheet(year, "Summary_VN")
    pairs = {k: (1 + 2 * i, 2 + 2 * i) for i, k in enumerate(EDITION_SUBINDICES["pci.2013"])}
    pairs["composite"] = (21, 22)
    parse_pairs(py, s, prov, first=1, last=63, n=63, pairs=pairs, aligned={"rank": 23, "tier": 24}, aligned_name_col=21)
    return py


def parse_workbooks(prov) -> dict[int, PciYear]:
    out = {
        2005: parse_2005(prov),
        2006: parse_2006(prov),
        2007: parse_2007(prov),
        2008: parse_2008(prov),
        2009: parse_2009(prov),
    }
    for y in (2010, 2011, 2012):
        out[y] = parse_2010_2012(y, prov)
    for y in (2013, 2014, 2015, 2016):
        out[y] = parse_2013_2016(y, prov)
    return out


EXTRAS_BY_YEAR = {
    2005: ["development_level", "infrastructure_quality", "distance_to_markets"],
    2008: ["infrastructure", "it"],
    2009: ["infrastructure"],
    2010: ["infrastructure"],
    2011: ["infrastructure"],
}
EXPECTED_N = {2005: 42, 2006: 64, 2007: 64, 2008: 64}


def check_workbook_year(py: PciYear) -> None:
    """Completeness: every province has every sub-index of its edition, the composite, the extras
    of that year, a rank, and (where printed) a tier; Ha Tay only in 2005-2008."""
    n = EXPECTED_N.get(py.year, 63)
    if len(py.scores) != n:
        fail(f"PCI {py.year}: {len(py.scores)} provinces, expected {n}")
    if (HA_TAY in py.scores) != (py.year <= 2008):
        fail(f"PCI {py.year}: Ha Tay presence is wrong")
    want = set(EDITION_SUBINDICES[py.edition]) | {"composite"} | set(EXTRAS_BY_YEAR.get(py.year, []))
    for g, d in py.scores.items():
        if set(d) != want:
            fail(f"PCI {py.year} {g}: keys {sorted(d)} != expected {sorted(want)}")
        for k, v in d.items():
            if k in SUBINDICES and not 0.0 < v <= 10.5:
                fail(f"PCI {py.year} {g} {k}: sub-index {v} outside the 1-10 scale")
            if k == "composite" and not 10.0 <= v <= 100.0:
                fail(f"PCI {py.year} {g}: composite {v} outside 10-100")
        if "composite" not in py.ranks[g]:
            fail(f"PCI {py.year} {g}: no composite rank")
    ranks = sorted(py.ranks[g]["composite"] for g in py.scores)
    if ranks != list(range(1, n + 1)):
        fail(f"PCI {py.year}: composite ranks are not 1..{n}")
    if py.year in (2005, 2007) or py.year >= 2010:
        if set(py.tier) != set(py.scores):
            fail(f"PCI {py.year}: tiers missing for {sorted(set(py.scores) - set(py.tier))}")
        # Tiers are groups of consecutive ranks, best tier first.
        seq = [TIERS[py.tier[g]] for g in sorted(py.scores, key=lambda g: py.ranks[g]["composite"])]
        if seq != sorted(seq):
            fail(f"PCI {py.year}: tiers are not monotone in rank")
    elif py.tier:
        fail(f"PCI {py.year}: unexpected tiers")


def pci_rows_from_workbook(py: PciYear) -> list[list[str]]:
    rows = []
    src = f"vcci_workbook_{py.year}"
    for g in py.scores:
        for key, v in py.scores[g].items():
            code = py.edition if key == "composite" else f"{py.edition}/{key}"
            rows.append([str(py.year), g, code, "score", repr(float(v)), "", "official", src])
        for key, rk in py.ranks[g].items():
            code = py.edition if key == "composite" else f"{py.edition}/{key}"
            rows.append([str(py.year), g, code, "rank", str(int(rk)), "", "official", src])
        if g in py.tier:
            label = py.tier[g]
            rows.append([str(py.year), g, py.edition, "tier", str(TIERS[label]), label, "official", src])
    return rows


def verify_weights(books: dict[int, PciYear]) -> dict[int, float]:
    """max |published composite - 10 * sum(w/100 * s)| per year (pci.md A4.2)."""
    log("  weight check: max |published composite - 10*sum(w_i/100*s_i)| (pci.md A4.2)")
    out = {}
    for y, py in sorted(books.items()):
        w = PCI_WEIGHTS[py.edition]
        worst, worst_g = -1.0, None
        for g, d in py.scores.items():
            comp = 10 * sum(wi / 100 * d[k] for k, wi in w.items())
            diff = abs(d["composite"] - comp)
            if diff > worst:
                worst, worst_g = diff, g
        out[y] = worst
        signed = sorted(d["composite"] - 10 * sum(wi / 100 * d[k] for k, wi in w.items()) for d in py.scores.values())
        note = ""
        if y == 2011:  # pci.md A4.2: published 2011 composites exceed the weighted sum by 0.00-0.55
            note = (
                f"; signed residuals {signed[0]:+.4f}..{signed[-1]:+.4f}, "
                f"mean {sum(signed) / len(signed):+.4f}, {sum(abs(x) < 0.005 for x in signed)} within 0.005"
            )
            if signed[0] < -0.005:
                note += "   <-- a negative 2011 residual is unexpected"
        if y == 2005:  # non-round weights; Tien Giang's composite is stored at 2 decimals (55.89)
            second = sorted((abs(x) for x in signed), reverse=True)[1]
            note = f"; second largest {second:.6f}"
        flag = ""
        if y not in (2005, 2011) and worst > 0.001:
            flag = "   <-- MISMATCH: check the column layout"
        log(f"    {y} {py.edition}: {worst:.6f} (worst {worst_g} {PROVINCES.name[worst_g]}){note}{flag}")
        if flag:
            fail(f"PCI {y}: weighted composite not reproduced (max residual {worst})")
    return out


def verify_against_package(books: dict[int, PciYear], prov: Provinces) -> None:
    """Independent parse of the same workbooks by the vietnamdata package (not embedded: 50 blank
    province names in 2013). Every value it has for a named province must equal ours."""
    path = RAW / "pci_papi_mdtrinh_vietnamdata" / "pci_2005_2016_package_clean.csv"
    pk = pd.read_csv(path)
    cols = {
        "pci_entry": "entry_costs",
        "pci_land": "land_access",
        "pci_transparency": "transparency",
        "pci_time": "time_costs",
        "pci_informal": "informal_charges",
        "pci_implement": "central_policy_implementation",
        "pci_bias": "policy_bias",
        "pci_proactive": "proactivity",
        "pci_support": "business_support",
        "pci_labor": "labor_training",
        "pci_legal": "legal_institutions",
        "pci_weighted": "composite",
    }  # pci_unweighted is unreliable (README 2.4) and not used
    n = blank = 0
    for i, r in enumerate(pk.itertuples(index=False), start=2):
        if is_blank(r.prov):
            blank += 1
            continue
        g = prov.code(r.prov, f"{path.name} line {i}")
        for c, key in cols.items():
            v = getattr(r, c)
            if is_blank(v):
                continue
            ours = books[int(r.year)].scores[g].get(key)
            if ours is None or abs(ours - float(v)) > 1e-4:
                fail(f"{path.name} line {i}: {r.year} {r.prov} {key} = {v}, ours {ours}")
            n += 1
    log(
        f"  package cross-check: {n} values equal ours (|diff| <= 1e-4); "
        f"{blank} package rows skipped for a blank province name"
    )


def verify_workbook_ranks(books: dict[int, PciYear]) -> None:
    """VCCI ranks on unrounded composites: our descending order must equal the printed rank
    (ties, e.g. 2011's 2-decimal composites, are reported, not failed)."""
    for y, py in sorted(books.items()):
        order = sorted(py.scores, key=lambda g: (-py.scores[g]["composite"], py.ranks[g]["composite"]))
        bad = [g for i, g in enumerate(order, 1) if py.ranks[g]["composite"] != i]
        comps = Counter(py.scores[g]["composite"] for g in py.scores)
        ties = sum(1 for c in comps.values() if c > 1)
        if bad:
            fail(f"PCI {y}: printed ranks disagree with the composite order for {bad}")
        if ties:
            log(f"  note {y}: {ties} group(s) of equal composites; printed ranks break them")


def round2(x: float, mode) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=mode)


def build_pci(prov: Provinces) -> list[list[str]]:
    log(f"== PCI  <- {PCI_DIR.relative_to(SHARED.parent)}/PCI_2005.xls ... PCI_2016.xlsx")
    books = parse_workbooks(prov)
    rows: list[list[str]] = []
    for y, py in sorted(books.items()):
        check_workbook_year(py)
        rows += pci_rows_from_workbook(py)
    verify_workbook_ranks(books)
    verify_weights(books)
    verify_against_package(books, prov)

    # ---- Source B: third-party panel of composites 2016-2022 ----
    path_b = RAW / "pci_2016_2022_composite.csv"
    log(f"== PCI  <- {path_b.relative_to(SHARED.parent)}")
    panel = pd.read_csv(path_b, dtype=str, keep_default_na=False)
    pan: dict[int, dict[str, str]] = defaultdict(dict)
    for i, r in enumerate(panel.itertuples(index=False), start=2):
        w = f"{path_b.name} line {i}"
        g = prov.code(r.province, w)
        # The source's own ASCII code must agree with the full name.
        if prov.code(r.source_code, w + " source_code") != g:
            fail(f"{w}: source_code {r.source_code!r} and province {r.province!r} disagree")
        as_float(r.pci, w)
        if g in pan[int(r.year)]:
            fail(f"{w}: duplicate province")
        pan[int(r.year)][g] = r.pci
    for y in range(2016, 2023):
        if len(pan[y]) != 63 or HA_TAY in pan[y]:
            fail(f"{path_b.name}: {y} has {len(pan[y])} provinces, expected 63")
    for y in (2017, 2018, 2019, 2021, 2022):
        for g, v in pan[y].items():
            rows.append([str(y), g, pci_edition(y), "score", v, "", "official_transcribed", "tnguyentranphuoc_panel"])

    # The panel's 2016 values must be the workbook composites rounded to 2 decimals.
    wb16 = books[2016].scores
    mism = []
    for g, v in sorted(pan[2016].items()):
        x = wb16[g]["composite"]
        p = Decimal(v)
        if p != round2(x, ROUND_HALF_UP) and p != round2(x, ROUND_HALF_EVEN):
            mism.append(f"{g} {prov.name[g]}: panel {v} vs workbook {x!r}")
    log(
        f"  2016 panel vs workbook composite rounded to 2 dp: "
        f"{63 - len(mism)}/63 agree" + ("" if not mism else "; MISMATCHES: " + "; ".join(mism))
    )

    # ---- Source C: official 2020 ranking ----
    path_c = RAW / "pci_2020_ranking.csv"
    log(f"== PCI  <- {path_c.relative_to(SHARED.parent)}")
    rk = pd.read_csv(path_c, dtype=str, keep_default_na=False)
    seen = {}
    for i, r in enumerate(rk.itertuples(index=False), start=2):
        w = f"{path_c.name} line {i}"
        if r.year != "2020":
            fail(f"{w}: year {r.year}")
        g = prov.code(r.province, w)
        if g in seen:
            fail(f"{w}: duplicate province")
        seen[g] = (r.pci, as_int(r.rank, w))
        as_float(r.pci, w)
        rows.append(["2020", g, "pci.2013", "score", r.pci, "", "official", "vcci_ranking_2020"])
        rows.append(["2020", g, "pci.2013", "rank", str(int(r.rank)), "", "official", "vcci_ranking_2020"])
    if len(seen) != 63 or sorted(v[1] for v in seen.values()) != list(range(1, 64)):
        fail(f"{path_c.name}: expected 63 provinces with ranks 1..63")
    order = sorted(seen, key=lambda g: seen[g][1])
    if any(float(seen[a][0]) < float(seen[b][0]) for a, b in zip(order, order[1:])):
        fail(f"{path_c.name}: ranks are not in descending score order")
    mism20 = [
        f"{g}: panel {pan[2020][g]} vs ranking {seen[g][0]}"
        for g in sorted(seen)
        if Decimal(pan[2020][g]) != Decimal(seen[g][0])
    ]
    if mism20:
        fail("2020 panel and official ranking disagree: " + "; ".join(mism20))
    log("  2020 panel composites equal the official ranking for 63/63 provinces")

    # ---- Source D: scattered published composites and ranks 2022-2024 (press and VCCI pages, one URL per row) ----
    # VCCI publishes only the top 30 from 2023 (pci.md A1): these are the latest values the shared data holds. A
    # 2022 composite equal to the panel's is the same published number (the panel row stays); one that differs
    # would be a conflict and stops the build. Ranks are VCCI's, among all 63 (pci.md A6).
    path_d = RAW / "pci_2022_2024_published_scores.csv"
    log(f"== PCI  <- {path_d.relative_to(SHARED.parent)}")
    pub = pd.read_csv(path_d, dtype=str, keep_default_na=False)
    n_scores = n_ranks = 0
    for i, r in enumerate(pub.itertuples(index=False), start=2):
        w = f"{path_d.name} line {i}"
        y = int(r.year)
        if y not in (2022, 2023, 2024):
            fail(f"{w}: year {r.year}")
        g = prov.code(r.province, w)
        # The URL without the remark some rows carry after it ("(provincial report; ...)").
        url = r.source_url.split(" ")[0]
        if not url.startswith(("http://", "https://")):
            fail(f"{w}: source {r.source_url!r} is not a URL")
        if not is_blank(r.pci):
            as_float(r.pci, w)
            if y == 2022:
                if Decimal(pan[2022][g]) != Decimal(r.pci):
                    fail(f"{w}: published {r.pci} vs panel {pan[2022][g]} for {g}: a conflict to resolve")
            else:
                rows.append([str(y), g, pci_edition(y), "score", r.pci, "", "press", url])
                n_scores += 1
        if not is_blank(r.rank):
            rank = as_int(r.rank, w)
            if not 1 <= rank <= 63:
                fail(f"{w}: rank {rank} outside 1..63")
            rows.append([str(y), g, pci_edition(y), "rank", str(rank), "", "press", url])
            n_ranks += 1
    log(f"  {n_scores} composites (2023-2024) and {n_ranks} ranks (2022-2024) added; 2022 composites equal the panel")

    # ---- Source E: Trà Vinh's published PCI ranks not in the files above (2017, 2021) ----
    # From the seed province's compiled series; its DERIVED rows (2018-2019 ranks among tied 2-decimal composites,
    # the 2023 composite obtained by subtraction) are not published values and are left out.
    path_e = RAW / "tra_vinh_pci_pgi_papi.csv"
    log(f"== PCI  <- {path_e.relative_to(SHARED.parent)} (published ranks only)")
    tv = pd.read_csv(path_e, dtype=str, keep_default_na=False)
    have = {(r[0], r[1], r[3]) for r in rows}
    for i, r in enumerate(tv.itertuples(index=False), start=2):
        if r.index != "PCI" or r.measure != "pci_rank" or "DERIVED" in r.note:
            continue
        w = f"{path_e.name} line {i}"
        y = int(r.year)
        if (r.year, "84", "rank") in have:
            continue
        if y < 2017 or not r.source.startswith(("http://", "https://")):
            fail(f"{w}: unexpected Trà Vinh PCI rank row ({r.year}, {r.source})")
        rows.append([r.year, "84", pci_edition(y), "rank", str(as_int(r.value, w)), "", "press", r.source])
        log(f"  Trà Vinh {r.year} rank {r.value} ({r.source})")

    # ---- Source F: VCCI's province pages, 2017-2022 (sub-indices, composite, rank; URL per row) ----
    # The only sub-index values published after the 2016 workbook (four provinces). Years the workbooks cover
    # (2005-2016) are left out: there the workbooks win (data/README.md §2.7 defect 2). A page's composite must equal
    # the bundled one and its rank any bundled rank (else the build stops on a conflict); new ranks are added.
    path_f = RAW / "pci_province_histories_pcivietnam_pages.csv"
    log(f"== PCI  <- {path_f.relative_to(SHARED.parent)} (2017-2022 rows)")
    pages = pd.read_csv(path_f, dtype=str, keep_default_na=False)
    subs = ["entry_costs", "land_access", "transparency", "time_costs", "informal_charges", "policy_bias"]
    subs += ["proactivity", "business_support", "labor_training", "legal_institutions"]
    have = {(r[0], r[1], r[2], r[3]): r[4] for r in rows}
    n_pages = 0
    for i, r in enumerate(pages.itertuples(index=False), start=2):
        y = int(r.year)
        if y < 2017:
            continue
        w = f"{path_f.name} line {i}"
        g = prov.code(r.province, w)
        ed = pci_edition(y)
        if not r.source_url.startswith("https://pcivietnam.vn/"):
            fail(f"{w}: source {r.source_url!r} is not a VCCI page")
        composite = have.get((str(y), g, ed, "score"))
        if composite is None or Decimal(composite) != Decimal(r.pci):
            fail(f"{w}: page composite {r.pci} vs bundled {composite}: a conflict to resolve")
        rank = have.get((str(y), g, ed, "rank"))
        if rank is not None and int(rank) != as_int(r.rank, w):
            fail(f"{w}: page rank {r.rank} vs bundled {rank}: a conflict to resolve")
        if rank is None:
            rows.append([str(y), g, ed, "rank", str(as_int(r.rank, w)), "", "official", r.source_url])
        for sub in subs:
            v = getattr(r, sub)
            as_float(v, w)
            if not 1.0 <= float(v) <= 10.0:
                fail(f"{w}: {sub} {v} outside 1-10")
            rows.append([str(y), g, f"{ed}/{sub}", "score", v, "", "official", r.source_url])
        n_pages += 1
    log(f"  {n_pages} province-years of sub-indices 2017-2022 added; their composites and ranks agree")

    rows.sort(key=lambda x: (int(x[0]), x[1], x[2], x[3]))
    keys = [(r[0], r[1], r[2], r[3]) for r in rows]
    if len(keys) != len(set(keys)):
        fail("pci.csv: duplicate (year, gso_code, code, measure)")
    return rows


# =============================================================================================
# SOURCES.md
# =============================================================================================

MIT_TEXT = """MIT License

Copyright (c) 2026 Son Hoang

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE."""


def counts_table(rows: list[list[str]], with_measure: bool) -> str:
    per = defaultdict(Counter)
    provs = defaultdict(set)
    for r in rows:
        per[int(r[0])][r[3] if with_measure else "rows"] += 1
        provs[int(r[0])].add(r[1])
    if with_measure:
        lines = ["| Year | Provinces | score | rank | tier | Rows |", "|---|---|---|---|---|---|"]
        for y in sorted(per):
            c = per[y]
            lines.append(f"| {y} | {len(provs[y])} | {c['score']} | {c['rank']} | {c['tier']} | {sum(c.values())} |")
    else:
        lines = ["| Year | Provinces | Rows |", "|---|---|---|"]
        for y in sorted(per):
            lines.append(f"| {y} | {len(provs[y])} | {per[y]['rows']} |")
    return "\n".join(lines)


def write_sources(papi_rows, pci_rows) -> None:
    text = f"""# Sources of the embedded datasets

`papi.csv`, `pci.csv` and this file are generated by `scripts/build_datasets.py` from the raw
published data in `../shared/data/raw/` (described in `../shared/data/README.md`). Do not edit them
by hand: change the script and run it again from the repository root:

    python scripts/build_datasets.py   (needs polars, xlrd, openpyxl)

Province keys are 2-character GSO codes (`01` Hà Nội … `96` Cà Mau; `28` Hà Tây, PCI 2005–2008
only), mapped from every source's spelling through `../shared/data/provinces.csv` (names, ASCII
names, aliases). The build fails if any name does not map; no row is dropped.

## Provenance values

| `provenance` | Meaning |
|---|---|
| `official` | read from the publisher's own file or page (VCCI workbooks, VCCI 2020 ranking page) |
| `official_transcribed` | published values taken from a third-party transcription (a research panel on GitHub), checked against published figures |
| `press` | a newspaper, provincial or VCCI province page quoting VCCI's figure; `source` is that page's URL |

Nothing in these files is DERIVED: no recomputed dimension, composite, rank or tier. Missing cells
stay missing (no zero-fill).

## `papi.csv` — PAPI sub-dimension scores, 2011–2024

Columns: `year,gso_code,code,value,provenance,source`

- `code`: edition + path, e.g. `papi.2011/participation/civic_knowledge`. Editions by data year:
  2011–2015 `papi.2011`, 2016–2017 `papi.2016`, 2018 `papi.2018`, 2019–2020 `papi.2019`,
  2021–2024 `papi.2021`. Dimension and sub-dimension slugs as in `methodology/papi.md` §3.1–3.2
  (22/22/28/29/28 sub-dimensions per edition). The panel's column codes (SC21…SC33) change meaning
  between years; they were mapped by (year, column) as in `methodology/papi.md` §3.3.
- `value`: the published sub-dimension score on the 1/k–10/k scale, written exactly as in the
  source text. A dimension is the sum of its sub-dimensions; the total is the sum of the dimensions.
  The build checks that these sums reproduce `raw/papi_YYYY_dimensions.csv` within 1e-5.
- `provenance` `official_transcribed`; `source` `hnks-gh/ml-mcdm`.
- Rows only where the source has a value.

{counts_table(papi_rows, False)}

Source key `hnks-gh/ml-mcdm`: the PAPI sub-dimension panel of github.com/hnks-gh/ml-mcdm
(snapshot HEAD `d165721`, data last changed in commit `035ed01`; identical files in
`hnks-gh/ifs-mcdm-automl-xai`), reshaped to long form with year-correct labels as
`raw/papi_2011_2024_subdimensions_long.csv`. Licence: MIT (notice below). 2011–2016 values equal the
official workbook `PAPI_2011-2016.xlsx` (papi.org.vn, via github `mdtrinh/vietnamdata`) to < 1e-5;
later years were spot-checked against PAPI reports and press figures.

Known defects carried over:

1. Missing provinces (no rows): 2014 Bắc Giang (24), Đồng Tháp (87) — blank in the official
   workbook too; 2021 Quảng Ninh (22), Bắc Giang (24), Bắc Ninh (27) — not checked against the
   report; 2023 Quảng Ninh (22), Bình Dương (74) — confirmed absent in the 2023 report; 2024
   Vĩnh Phúc (26), Tiền Giang (82) — not checked.
2. Partial provinces: 2018 Quảng Ninh and Đồng Tháp (transparency and control of corruption
   missing); 2022 Bắc Giang (participation, transparency, control of corruption, administrative
   procedures missing) and Bắc Ninh (transparency, vertical accountability, control of corruption,
   e-governance missing). Their totals cannot be formed.
3. The panel repository's own codebook labels are right only for 2018+; before 2018 the column
   meanings differ (handled by the mapping above). 2017 column meanings are assumed equal to 2016's
   and were not verified independently. The order of the four transparency sub-dimensions for
   2018+ rests on the panel's codebook only (the sums are verified).
4. Vietnamese names of the sub-dimensions introduced in 2018 are unknown.

## `pci.csv` — PCI sub-indices, composites, ranks and tiers, 2005–2022

Columns: `year,gso_code,code,measure,value,label,provenance,source`

- `code`: the edition code is the composite (`pci.2005`, `pci.2006` for 2006–2008, `pci.2009` for
  2009–2012, `pci.2013` for 2013–2021, `pci.2022` for 2022+); sub-indices are
  `<edition>/<slug>` with the slugs of `methodology/pci.md` A3. `policy_bias` is SOE bias in
  2005–2008 and equal competition from 2013 (absent 2009–2012); `business_support` is
  private-sector development policy in 2005–2008.
- Unscored published extras (not part of the composite): `pci.2005/development_level`,
  `pci.2005/infrastructure_quality`, `pci.2005/distance_to_markets` (2005 initial conditions);
  `pci.2006/infrastructure` and `pci.2006/it` (2008); `pci.2009/infrastructure` (2009–2011).
  Their scales differ: the 2008 infrastructure and IT indices and the 2010–2011 infrastructure
  index are on a 0–100 scale, the 2009 infrastructure index and the 2005 initial conditions on
  about 1–10. For 2008 the workbook prints two infrastructure indices; the file holds the one
  *including* ports and airports ("Chỉ số Cơ sở hạ tầng (gồm cảng, sân bay)"), the complete index
  with all four component groups, not the variant without them.
- `measure`: `score` (sub-index, composite or extra value); `rank` (as printed: the composite rank
  1–N; in the 2008 and 2010–2016 summary sheets each (province, score) column pair is sorted on its
  own and its printed order is the rank on that sub-index or extra); `tier` (the published
  "Nhóm xếp hạng": `value` = order 1–6 — 1 Rất tốt, 2 Tốt, 3 Khá, 4 Trung bình, 5 Tương đối thấp,
  6 Thấp — and `label` = the Vietnamese label). `label` is empty for other measures.
- `value`: workbook values at full precision as stored (Python `repr` of the stored double: about
  7 significant digits in most years, float32 numbers written out with 15–17 digits in 2014–2016,
  2 decimals for the 2011 composite); panel and ranking values as written in their CSV (2 decimals).
- The composite is VCCI's weighted PCI. The unweighted sums printed in 2007, 2008 and 2010 are not
  included.

{counts_table(pci_rows, True)}

Source keys:

| `source` | Years | Origin | Licence | `provenance` |
|---|---|---|---|---|
| `vcci_workbook_YYYY` | 2005–2016 | VCCI's published PCI workbooks `PCI_YYYY.xls(x)` (originally pcivietnam.org downloads), copied from the R package github.com/mdtrinh/vietnamdata (Minh D. Trinh), HEAD `be581b8`, `data-raw/PCI/`. Summary sheets: 2005 `Bảng tóm tắt chỉ số` + rank sheet `Xếp hạng theo chỉ số PCI`; 2006 `PCI Tóm tắt`; 2007 `Tóm tắt các chỉ số PCI`; 2008 `Tổng hợp` + `Cơ sở hạ tầng` + `Công nghệ thông tin`; 2009–2012 `Tong Hop`/`Tong hop` + `Co so ha tang` (2009–2011); 2013–2016 `Summary_VN` (never the English `Summary` sheets of 2014–2016, which hold 2013 data) | package CC0; figures © VCCI/USAID, attribution required | `official` |
| `tnguyentranphuoc_panel` | 2017, 2018, 2019, 2021, 2022 (composite only) | column `pci` of `Dataset.dta` in github.com/tnguyentranphuoc-commits/ENTREPRENEURSHIP-INVESTMENT-AND-REGIONAL-ECONOMIC-DEVELOPMENT-IN-VIETNAM-A-PANEL-APPROACH, extracted as `raw/pci_2016_2022_composite.csv` (float32 rounded back to 2 decimals). 73/73 spot checks against published values match. The panel's ranks are not used (ties not broken) | MIT, as stated in that repository's README (no LICENSE file or copyright line was recorded); figures © VCCI/USAID | `official_transcribed` |
| `vcci_ranking_2020` | 2020 (composite score and official rank) | VCCI ranking page https://pcivietnam.vn/bang-xep-hang?cpi_cat_id=PCI_Score&region_id=0&year=2020, as `raw/pci_2020_ranking.csv` | VCCI web content; attribute to VCCI/USAID | `official` |
| a VCCI province page URL | 2017–2022 sub-indices and ranks of Ninh Thuận, Quảng Trị, Sóc Trăng and Vĩnh Phúc (VCCI's province pages, as `raw/pci_province_histories_pcivietnam_pages.csv`; their composites equal the panel's, checked by the build; the pages' 2006–2016 rows are left out, the workbooks win there) | VCCI web content; attribute to VCCI/USAID | `official` |
| a URL | 2022 ranks, 2023–2024 composites and ranks (scattered: VCCI publishes only the top 30 from 2023), as `raw/pci_2022_2024_published_scores.csv`; Trà Vinh's 2017 and 2021 ranks from `raw/tra_vinh_pci_pgi_papi.csv` (its DERIVED rows left out) | facts quoted from the press; figures © VCCI/USAID | `press` |

Cross-checks run by the build: every column header matches the sub-index the layout assigns to it;
each printed composite rank equals the order of the full-precision composites; the provinces
highlighted below each paired summary sheet repeat the parsed values and ranks; the composites are
reproduced by the weights of `methodology/pci.md` A4.2 (within 1e-5 for 2006–2010 and 2012–2016,
values being stored with about 7 significant digits; 0.004 for 2005; up to 0.55 for 2011); the
panel's 2016 composites equal the workbook composites rounded to 2 decimals; the panel's 2020
composites equal the official 2020 ranking.

Known defects carried over:

1. 2011: the workbook stores the composite at 2 decimals, and the published composites exceed the
   2009–2012 weighted sum by 0.00–0.55 points (unexplained; kept as published).
2. 2005: the composite is reproduced only by non-round least-squares weights (max residual ≈ 0.004);
   Tiền Giang's 2005 composite is stored as 55.89 (2 decimals) in both 2005 sheets.
3. 2005 tiers come from the merged group cells of the rank sheet (no "Nhóm xếp hạng" header there);
   2006, 2008 and 2009 workbooks print no tier, so none is given for those years.
4. 2006's composite rank is the sheet's unlabelled first column (1–64 down a sheet sorted by the
   weighted PCI).
5. 2017–2022 carry composites for every province, at 2 decimals, from a third-party panel; sub-indices
   only for the four provinces whose VCCI page lists them (Ninh Thuận and Quảng Trị 2017–2022, Sóc Trăng
   2017–2020, Vĩnh Phúc 2017, 2018, 2020), at 2 decimals, so a composite recomputed from them differs
   from the published one by rounding (within ±0.025); ranks only where published (2020 in full, a few
   provinces otherwise; VCCI ranks on unrounded scores, so ranks cannot be recovered exactly from 2
   decimals).
6. 2022 composites are under the new `pci.2022` weights. From PCI 2023 VCCI publishes only the top
   30 provinces; the 2023–2024 values are the scattered published ones (a few provinces each year), so
   chiso computes no rank for those years and shows the published rank. The 2022 published composites
   of `raw/pci_2022_2024_published_scores.csv` equal the panel's (checked by the build); only their
   ranks are added.

## Attribution

- **PCI** (Provincial Competitiveness Index, Chỉ số Năng lực cạnh tranh cấp tỉnh): published by
  VCCI (Vietnam Chamber of Commerce and Industry, Phòng Thương mại và Công nghiệp Việt Nam) with
  USAID. https://pcivietnam.vn. Their terms of use were not recorded; cite VCCI/USAID as the source.
- **PAPI** (Provincial Governance and Public Administration Performance Index, Chỉ số Hiệu quả
  Quản trị và Hành chính công cấp tỉnh): published by CECODES, VFF-CRT, Real-Time Analytics and
  UNDP Viet Nam. https://papi.org.vn. Their terms of use were not recorded; cite them as the source.

## Licence notices

### github.com/hnks-gh/ml-mcdm (PAPI panel; source key `hnks-gh/ml-mcdm`)

The LICENSE file was not copied with the data; the copyright line is the one recorded in
`../shared/data/README.md`, and the text below is the standard MIT licence text.

```
{MIT_TEXT}
```

### github.com/tnguyentranphuoc-commits/ENTREPRENEURSHIP-INVESTMENT-AND-REGIONAL-ECONOMIC-DEVELOPMENT-IN-VIETNAM-A-PANEL-APPROACH (source key `tnguyentranphuoc_panel`)

The repository's README states "License: MIT". No LICENSE file or copyright holder line was
recorded; add the repository's notice here if one is found.

### github.com/mdtrinh/vietnamdata (VCCI workbooks)

CC0 (package DESCRIPTION: "License: CC0"); no notice required. The figures remain VCCI's.
"""
    (OUT / "SOURCES.md").write_text(text, encoding="utf-8")


# =============================================================================================

PROVINCES: Provinces


def main() -> int:
    global PROVINCES
    try:
        PROVINCES = Provinces(SHARED / "provinces.csv")
        papi_rows = build_papi(PROVINCES)
        pci_rows = build_pci(PROVINCES)
    except BuildError as e:
        print(f"\nBUILD FAILED: {e}", file=sys.stderr)
        return 1

    OUT.mkdir(exist_ok=True)
    write_csv(OUT / "papi.csv", ["year", "gso_code", "code", "value", "provenance", "source"], papi_rows)
    write_csv(
        OUT / "pci.csv", ["year", "gso_code", "code", "measure", "value", "label", "provenance", "source"], pci_rows
    )
    write_sources(papi_rows, pci_rows)

    log("== Summary")
    for name, rows, mcol in (("papi.csv", papi_rows, None), ("pci.csv", pci_rows, 3)):
        per_year = Counter(int(r[0]) for r in rows)
        provs = defaultdict(set)
        for r in rows:
            provs[int(r[0])].add(r[1])
        log(f"  data/{name}: {len(rows)} rows")
        for y in sorted(per_year):
            extra = ""
            if mcol is not None:
                m = Counter(r[mcol] for r in rows if int(r[0]) == y)
                extra = "  (" + ", ".join(f"{k} {m[k]}" for k in sorted(m)) + ")"
            log(f"    {y}: {len(provs[y])} provinces, {per_year[y]} rows{extra}")
    log("  data/SOURCES.md written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
