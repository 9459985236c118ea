#!/usr/bin/env python3
"""Build chiso's PCI indicator layers from VCCI's workbooks 2005-2016 (a dev tool, run from the repository root).

    python scripts/build_pci_indicators.py      (needs numpy, openpyxl, xlrd)

Inputs (read-only): tests/reference/vcci_workbooks/PCI/PCI_2005.xls ... PCI_2016.xlsx (verbatim copies, else
../shared/data/raw/pci_papi_mdtrinh_vietnamdata/PCI/), one sheet per sub-index, and ../shared/data/provinces.csv.
2009-2016: one row per province, VCCI's variable codes in the third row (2011-2016) or the second (2009-2010;
de-accented into slugs), the sub-index score first, then its raw indicators. 2005-2008 (read_year_early): no
variable codes; labels and survey references in header rows; one row per province (2005: 42 provinces; 2006-2007:
64 with Ha Tay, 2007's sub-index in a ranked block of its own) or, in 2008, a ranked (province, value) pair of
columns per indicator; intermediate aspect scores between the indicators and the sub-index are recognised by
their header and not read as indicators; indicator codes are the survey question (g1, b4_1_2) or a slug of the
label; units are read from the labels (early_unit).

Outputs:
    data/pci_indicators.csv                      year, gso_code, sub_index, indicator, value (raw, as published)
    data/pci_indicators_SOURCES.md               provenance, licence, the rule established per year, and the
                                                 workbook defects met while reading
    methodologies/pci/indicators/<edition>.<year>.toml   one indicator layer per data year (format:
                                                 docs/methodology-files.md, "Indicator layers")

How each sub-index is built is established per year from the workbook itself, never assumed:

1. Least squares of the published sub-index on its raw indicators and a constant over the 63 provinces. Where the
   largest residual is at the workbook's float32 precision (<= 1e-5) the sub-index IS an affine function of the
   indicators that year: rule status "derived".
2. That affine map is written as a goalposts normalisation of each indicator onto 1-10 (bounds = the year's
   observed worst and best province, direction = sign of the coefficient), an effective weight and an intercept.
   The split between VCCI's own weights and goalposts is not identifiable from one year (the coefficients stay
   fixed across years while the observed ranges change, i.e. VCCI's bounds are not the year's min-max; see the
   note written into each file), so the weights are "effective" weights on the observed range, DERIVED.
3. A sub-index that is not affine over all provinces is tried once more without the provinces at the maximum of a
   top-coded count (the trade-fair count is printed as at most 20 in 2014-2016). If the rest is exact, the rule is
   "derived" with those provinces listed as not reproducible from the printed value; otherwise the rule is
   "unknown" and the file carries the least-squares coefficients with their largest residual.

The script is deterministic and fails loudly (exit 1) on any province, code or unit it cannot resolve.
"""

from __future__ import annotations

import csv
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import xlrd
from _common import BuildError, fail, log, norm_key, norm_text, strip_prefix

warnings.filterwarnings("ignore", message="Unknown extension is not supported")

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT / ".." / "shared" / "data").resolve()
# The workbooks copied into the repository (tests/reference/, verbatim), else the shared raw-data folder.
_IN_REPO = ROOT / "tests" / "reference" / "vcci_workbooks" / "PCI"
PCI_DIR = _IN_REPO if _IN_REPO.is_dir() else SHARED / "raw" / "pci_papi_mdtrinh_vietnamdata" / "PCI"
OUT_CSV = ROOT / "data" / "pci_indicators.csv"
OUT_DIR = ROOT / "methodologies" / "pci" / "indicators"
OUT_SOURCES = ROOT / "data" / "pci_indicators_SOURCES.md"
EARLY_YEARS = (2005, 2006, 2007, 2008)
YEARS = (*EARLY_YEARS, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016)
EXACT = 1e-5  # the workbooks store float32 values (about 7 significant digits)

# Sheet name (matching key: no accents, case or spaces) -> sub-index slug (pci.md A3). "Co so ha tang"
# (infrastructure, 2009-2011) is published but not scored, and not read.
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


def edition_of(year: int) -> str:
    if year == 2005:
        return "pci.2005"
    if year < 2009:
        return "pci.2006"
    return "pci.2009" if year < 2013 else "pci.2013"


# 2005-2008: sheet name (matching key) -> sub-index slug of the pci.2005 / pci.2006 editions (pci.md A3). The 2008
# sheets "Co so ha tang" and "Cong nghe thong tin" are published but not scored, and not read.
EARLY_SHEETS = {
    "chiphigianhapthitruong": "entry_costs",
    "cpgianhapthitruong": "entry_costs",
    "tiepcandatdai": "land_access",
    "tinhminhbach": "transparency",
    "chiphithoigian": "time_costs",
    "cpthoigian": "time_costs",
    "chiphikhongchinhthuc": "informal_charges",
    "cpkhongchinhthuc": "informal_charges",
    "thuchiencscuatrunguong": "central_policy_implementation",
    "uudaidnnn": "policy_bias",
    "uudaidoivoidnnn": "policy_bias",
    "tinhnangdong": "proactivity",
    "chinhsachptkttn": "business_support",
    "csptkvkttn": "business_support",
    "phattrienkttn": "business_support",
    "daotaolaodong": "labor_training",
    "thietchephaply": "legal_institutions",
}

# The 2005 workbook names its intermediate columns (aspects, soft- and hard-data scores, computed by VCCI from the
# columns before them) without a marker: they are listed by label. Later years mark them in a header cell
# ("Khia canh", "Mang 4.1", "Nhom chi tieu thanh phan", "... du lieu mem / cung").
AGGREGATE_LABELS_2005 = {
    norm_key(s)
    for s in (
        "Điểm dữ liệu mềm",
        "Điểm dữ liệu cứng",
        "Thời gian để giải quyết thủ tục hành chính",
        "Thanh tra",
        "Khả năng tiếp cận thông tin",
        "Tính công bằng trong tiếp cận thông tin",
        "Tính ổn định và dự đoán trước được",
        "Tính cởi mở",
        "Ưu đãi DNNN - dữ liệu mềm",
        "Ưu đãi DNNN - dữ liệu cứng",
    )
}


def early_unit(label: str, values: np.ndarray) -> tuple[str, list[float] | None, str]:
    """Unit, possible range and a note for a 2005-2008 indicator, from its Vietnamese label and values. These
    workbooks print survey shares as 0-100 percentages (2005-2006) or 0-1 fractions (2007-2008), often without a
    "%" in the label; per-capita counts, prices, factor scores and percentage changes have no unit of chiso's, and
    are kept on their own scale (unit "score", unchecked), the note saying what they are."""
    t = norm_text(label)
    low, top = float(np.nanmin(values)), float(np.nanmax(values))
    own = "score", None
    if "giam" in t and low >= 0.0 and top <= 100.0:
        # "Days / inspections reduced since the Enterprise Law": the share of firms saying so, not a duration.
        return ("share", [0.0, 1.0], "") if top <= 1.0 else ("pct", [0.0, 100.0], "")
    if re.search(r"\(1: rat cao den 5|5\s*=\s*rat", t):
        return "score", [1.0, 5.0], ""
    if re.search(
        r"% thay doi|ty trong|tren 1000 dan|tren 10\.000|tren 100\.000|gia dat|log tu nhien|du no|kcn du kien", t
    ) or ("chat luong chinh sach kcn" in t):
        return (*own, "unit: kept on its own scale as printed (a ratio, price, rate per inhabitants or log)")
    if t.startswith("ty le") and low >= 0.0 and top <= 100.0:
        return ("share", [0.0, 1.0], "") if top <= 1.0 else ("pct", [0.0, 100.0], "")
    if low < 0.0:
        return (*own, "unit: a factor score of survey items (negative values possible), kept on its own scale")
    if re.search(r"\(ngay\)|so ngay|thoi gian cho|thoi gian dang ky|thoi gian tim|thoi gian dam phan", t):
        return "days", None, ""
    if "so gio" in t:
        return "hours", None, ""
    if "thang" in t and "so thang" in t:
        return "months", None, ""
    if re.search(r"so cuoc|so lan|so luong giay|so luong hoi cho|so vu", t):
        return "count", None, ""
    if "diem" in t or "website" in t or "trang web" in t:
        return (*own, "unit: VCCI's score of the province's website")
    if top <= 1.0:
        return "share", [0.0, 1.0], "" if "%" in label or "ty le" in t else "unit inferred: every value lies in [0, 1]"
    if top <= 100.0:
        note = "" if "%" in label or "ty le" in t else "unit inferred: a share of firms printed as a percentage"
        return "pct", [0.0, 100.0], note
    return (*own, "unit not stated by the label: kept on its own scale")


def slug(code: str) -> str:
    """VCCI's variable code as a node slug: kept where it is already ASCII (2011-2016), else de-accented (2009-2010
    codes such as 'cchcc1_năng lực' -> 'cchcc1_nang_luc')."""
    code = str(code).strip()
    if re.fullmatch(r"[A-Za-z0-9_]+", code):
        return code
    return re.sub(r"[^a-z0-9_]+", "_", norm_text(code)).strip("_")


def workbook_rows(year: int) -> dict[str, list[tuple]]:
    """Every sheet of a year's workbook as rows of values (xlsx from 2012, xls before)."""
    path = PCI_DIR / (f"PCI_{year}.xlsx" if year >= 2012 else f"PCI_{year}.xls")
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    book = xlrd.open_workbook(path)
    return {
        sh.name: [tuple(None if c == "" else c for c in sh.row_values(i)) for i in range(sh.nrows)]
        for sh in book.sheets()
    }


def provinces() -> dict[str, str]:
    keys: dict[str, str] = {}
    with (SHARED / "provinces.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            for n in [r["name_vi"], r["name_ascii"], *[a for a in r["aliases"].split("|") if a.strip()]]:
                k = norm_key(n)
                for key in filter(None, (k, strip_prefix(k))):
                    keys[key] = r["gso_code"]
    return keys


def gso(keys: dict[str, str], name: str, where: str) -> str:
    k = norm_key(name)
    code = keys.get(k) or keys.get(strip_prefix(k) or "")
    if code is None:
        fail(f"{where}: cannot map province {name!r}")
    return code


def unit_of(code: str, label: str, values: np.ndarray, where: str) -> tuple[str, list[float] | None]:
    """Unit and possible range of an indicator, from its Vietnamese label and its values (fails if unresolved).
    A label without a unit cue whose values all lie in [0, 1] is a share of firms (the survey's perception
    items); the layer notes that the unit was inferred."""
    text = label.lower()
    top = float(np.nanmax(values))
    low = float(np.nanmin(values))
    if "số ngày" in text or "thời gian chờ" in text:
        return "days", None
    if "số tháng" in text:
        return "months", None
    if "số giờ" in text:
        return "hours", None
    if "số cuộc" in text or "số hội chợ" in text:
        return "count", None
    if "trên 100" in text:
        return "count_per_100_firms", None
    if "1: rất cao đến 5" in text:
        return "score", [1.0, 5.0]
    if text.startswith("tiếp cận tài liệu") or text.startswith("tính minh bạch của các tài liệu"):
        return "score", [1.0, 5.0]  # PCI's document-access scale (1 = impossible ... 5 = very easy)
    if "điểm số" in text or text.startswith("độ mở"):
        return "score", [0.0, 100.0]
    if "%" in text or "tỉ lệ" in text or "tỷ lệ" in text:
        return ("share", [0.0, 1.0]) if top <= 1.0 else ("pct", [0.0, 100.0])
    if text.startswith("số ") or text.startswith("tổng số"):
        return "count", None
    if low >= 0.0 and top <= 1.0:
        return "share?", [0.0, 1.0]
    fail(f"{where}: no unit for indicator {code!r} ({label!r})")
    raise AssertionError  # unreachable


def named(codes: tuple, labels: tuple, i: int) -> bool:
    label = labels[i] if i < len(labels) else None
    return bool(str(codes[i] or "").strip() or str(label or "").strip())


def has_values(rows: list[tuple], i: int) -> bool:
    return any(isinstance(r[i], (int, float)) for r in rows[:63] if i < len(r))


def read_year(year: int, keys: dict[str, str]) -> dict[str, dict]:
    out = {}
    for title, rows in workbook_rows(year).items():
        if norm_key(title) not in SHEETS:
            continue
        # The variable codes are in the third row (2011-2016: the sub-index's code starts with "sub") or, in
        # 2009-2010, in the second (Vietnamese-style codes, e.g. "chỉ số 4_chi phí thời gian").
        code_row = 2 if str(rows[2][2] or "").startswith("sub") else 1
        labels, codes = rows[0], rows[code_row]

        # A column with a label and values but no code (2009-2010: the last time-cost item) is an indicator too;
        # it is named after its label.
        cols = [i for i in range(2, len(codes)) if named(codes, labels, i) and has_values(rows[code_row + 1 :], i)]
        data = []
        for r in rows[code_row + 1 :]:
            if r[0] is None or r[1] is None:
                if data:
                    break
                continue
            data.append(r)
        if len(data) != 63:
            fail(f"PCI_{year}/{title}: expected 63 province rows, found {len(data)}")
        where = f"PCI_{year}/{title}"
        X = np.array([[np.nan if r[i] is None else float(r[i]) for i in cols] for r in data])
        if np.isnan(X[:, 0]).any():
            fail(f"{where}: a province without its published sub-index")
        first = str(codes[cols[0]])
        if not (first.startswith("sub") or norm_text(first).startswith("chi so")):
            fail(f"{where}: first code {first!r} is not the sub-index")
        out[SHEETS[norm_key(title)]] = {
            "codes": [
                slug(codes[i]) if str(codes[i] or "").strip() else slug(str(labels[i]))[:40].strip("_")
                for i in cols[1:]
            ],
            "labels": [re.sub(r"\s+", " ", str(labels[i] or "")).strip() for i in cols[1:]],
            "gso": [gso(keys, r[1], where) for r in data],
            "y": X[:, 0],
            "X": X[:, 1:],
            "where": where,
        }
    expected = set(SHEETS.values()) - ({"policy_bias"} if year < 2013 else set())
    if set(out) != expected:
        fail(f"PCI_{year}: sub-index sheets {sorted(out)} instead of {sorted(expected)}")
    return out


def _early_kind(header: list[str]) -> str:
    """'sub' (the sub-index), 'agg' (an intermediate score VCCI computed from the columns before it) or 'raw'."""
    t = norm_text(" | ".join(header))
    label = norm_text(max(header, key=len)) if header else ""
    if re.search(r"diem chi so|chi so thanh phan \d+:", t):
        return "sub"
    if (
        "khia canh" in t
        or re.search(r"\bmang \d", t)
        or re.search(r"nhom (cac )?chi tieu", t)
        or re.search(r"du lieu (mem|cung)$", label)
        or any(norm_key(h) in AGGREGATE_LABELS_2005 for h in header)
    ):
        return "agg"
    return "raw"


def _early_code(header: list[str], label: str) -> str:
    """The survey question a column reports ('Cau hoi dieu tra PCI: G1' -> g1, '2005: E/2' -> e_2), else its label."""
    ref = None
    for h in header:
        if h == label:
            continue
        m = re.match(r"(?i)c[aâ]u h[oỏ]i [đd]i[eề]u tra pcis?\s*:\s*(.+)", h)
        if m:
            ref = m.group(1)
        elif re.fullmatch(r"[A-Z][0-9A-Za-z_./;+ -]{0,19}", h):
            ref = h
    text = ref if ref is not None else label
    return re.sub(r"[^a-z0-9]+", "_", norm_text(text)).strip("_")[:40].strip("_")


DEFECTS: list[str] = []  # workbook defects met while reading, written into the SOURCES file


def _published_early() -> dict[tuple[int, str], dict[str, float]]:
    """(year, sub-index) -> GSO -> the published sub-index 2005-2008 as bundled (data/pci.csv, built by
    scripts/build_datasets.py from the workbooks' summary sheets)."""
    out: dict[tuple[int, str], dict[str, float]] = {}
    with (ROOT / "data" / "pci.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["measure"] == "score" and int(r["year"]) in EARLY_YEARS and r["code"].count("/") == 1:
                out.setdefault((int(r["year"]), r["code"].split("/")[1]), {})[r["gso_code"]] = float(r["value"])
    return out


PUBLISHED_EARLY = _published_early()


def read_year_early(year: int, keys: dict[str, str]) -> dict[str, dict]:
    """A 2005-2008 workbook: per sub-index sheet, its raw indicators and published sub-index, by province.

    The layouts differ by year: one row per province (2005 alphabetical, 2006 ranked by the sub-index, 2007 with the
    sub-index in a ranked (province, value) block of its own) or, in 2008, a ranked (province, value) pair of
    columns per indicator. Every value column is therefore read against the nearest province-name column to its
    left, over that column's contiguous run of province names (a highlighted province repeated below a block and
    the MIN/MAX rows end the run). Columns are told apart by their header cells (_early_kind)."""
    out = {}
    for title, rows in workbook_rows(year).items():
        if norm_key(title) not in EARLY_SHEETS:
            continue
        where = f"PCI_{year}/{title}"
        ncol = max(len(r) for r in rows)
        rows = [tuple(r) + (None,) * (ncol - len(r)) for r in rows]

        def code_of(v: object) -> str | None:
            if not isinstance(v, str) or not v.strip():
                return None
            k = norm_key(v)
            return keys.get(k) or keys.get(strip_prefix(k) or "")

        name_cols = [c for c in range(ncol) if sum(code_of(r[c]) is not None for r in rows) >= 30]
        if not name_cols:
            fail(f"{where}: no province-name column")
        sub, raws = None, []
        for c in range(ncol):
            left = [n for n in name_cols if n < c]
            if c in name_cols or not left:
                continue
            nc = left[-1]
            start = next(i for i, r in enumerate(rows) if code_of(r[nc]))
            end = start
            while end < len(rows) and code_of(rows[end][nc]):
                end += 1
            run = [(code_of(r[nc]), r[c]) for r in rows[start:end]]
            values = {g: float(v) for g, v in run if isinstance(v, (int, float))}
            if len(values) < 30:
                continue
            header = [re.sub(r"\s+", " ", str(r[c] or "")).strip() for r in rows[:start]]
            header = [h for h in header if h]
            kind = _early_kind(header)
            twice = sorted({g for g, _ in run if [x for x, _ in run].count(g) > 1})
            if twice:
                # A ranked block that names a province twice (2008's entry-cost sheet: Gia Lai twice in every
                # block, another province not at all): which value is whose cannot be told, so neither is read.
                for g in twice:
                    values.pop(g, None)
                if kind == "sub":
                    DEFECTS.append(
                        f"{where}: every ranked block names GSO {', '.join(twice)} twice and omits one province; "
                        "the values of both rows are not read (the rule is fitted without those two provinces)"
                    )
            if kind == "sub":
                if sub is not None:
                    fail(f"{where}: two sub-index columns")
                sub = values
            elif kind == "raw":
                # The label is the longest header cell that is not the survey reference.
                source = r"(cau hoi|dieu tra|du lieu cung|so lieu|tong cuc|bo |toa an|phan tich|b\d)"
                texts = [h for h in header if not re.match(source, norm_text(h))] or header
                label = max(texts, key=len)
                raws.append((_early_code(header, label), label, values))
        if sub is None:
            fail(f"{where}: no sub-index column")
        # The sub-index fitted is the published one (data/pci.csv, from the workbook's summary sheet, which chiso
        # scores); the sheet's own sub-index column is checked against it, and a disagreement reported.
        provinces_ = sorted(sub)
        published = PUBLISHED_EARLY.get((year, EARLY_SHEETS[norm_key(title)]), {})
        if missing_pub := [g for g in provinces_ if g not in published]:
            fail(f"{where}: no published sub-index in data/pci.csv for {missing_pub}")
        gaps = [abs(sub[g] - published[g]) for g in provinces_]
        off = [g for g, gap in zip(provinces_, gaps, strict=True) if gap > EXACT]
        if off:
            DEFECTS.append(
                f"{where}: the sheet's own sub-index column differs from the published sub-index (summary sheet, "
                f"bundled in data/pci.csv) for {len(off)} of {len(provinces_)} provinces (largest gap "
                f"{max(gaps):.4f}); the published one is fitted"
            )
        sub = {g: published[g] for g in provinces_}
        codes = [r[0] for r in raws]
        for i, code in enumerate(codes):  # two columns of one survey question (e.g. C4 > 1 and > 3 months)
            if codes[:i].count(code):
                codes[i] = f"{code}_{codes[:i].count(code) + 1}"
        out[EARLY_SHEETS[norm_key(title)]] = {
            "codes": codes,
            "labels": [r[1] for r in raws],
            "gso": provinces_,
            "y": np.array([sub[g] for g in provinces_]),
            "X": np.array([[r[2].get(g, np.nan) for r in raws] for g in provinces_]),
            "where": where,
        }
    expected = {"pci.2005": 9, "pci.2006": 10}[edition_of(year)]
    if len(out) != expected:
        fail(f"PCI_{year}: {len(out)} sub-index sheets read ({sorted(out)}), expected {expected}")
    return out


def fit(y: np.ndarray, X: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    A = np.c_[X, np.ones(len(y))]
    coef = np.linalg.lstsq(A[keep], y[keep], rcond=None)[0]
    resid = A @ coef - y
    return coef, float(np.abs(resid[keep]).max()), resid


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(x: float) -> str:
    return repr(float(x))


def layer_note(year: int, n: int) -> str:
    note = (
        "Each rule is established from this workbook alone by least squares of the published sub-index on its "
        f"raw indicators over the {n} provinces. Exact rules are written as goalposts on the year's observed "
        "worst and best province, an effective weight and an intercept; VCCI's own split into indicator "
    )
    if year in EARLY_YEARS:
        return note + (
            "weights and bounds is not identifiable from one year (this workbook prints intermediate aspect scores "
            "between the indicators and the sub-index; they are not read as indicators). An edit beyond the "
            "observed range is extrapolated on the fixed goalposts and flagged."
        )
    return note + (
        "weights and bounds is not identifiable from one year (its coefficients stay fixed across 2013-2016 "
        "while the observed ranges change, so its bounds are not the year's min-max but wider, apparently "
        "pooled over years). An edit beyond the observed range is therefore extrapolated on the fixed "
        "goalposts and flagged."
    )


def layer(year: int, sheets: dict[str, dict]) -> tuple[str, list[str]]:
    lines = [
        f"# Generated by scripts/build_pci_indicators.py from VCCI's PCI_{year} workbook: do not edit by hand.",
        "[layer]",
        f'edition = "{edition_of(year)}"',
        f"year = {year}",
        'status = "derived"',
        f'source = "VCCI PCI_{year} workbook (github mdtrinh/vietnamdata, CC0), one sheet per sub-index"',
        "note = " + toml_str(layer_note(year, len(next(iter(sheets.values()))["gso"]))),
        "",
    ]
    report = []
    field = sorted({g for d in sheets.values() for g in d["gso"]})
    for slug, d in sheets.items():
        y, X, codes, labels = d["y"], d["X"], d["codes"], d["labels"]
        # A province with a missing raw value cannot be scored by any rule from the printed values; nor can one
        # whose values the sheet does not give at all (a defect listed in the SOURCES file).
        keep = ~np.isnan(X).any(axis=1)
        absent = [g for g in field if g not in d["gso"]]
        missing = [d["gso"][i] for i in np.where(~keep)[0]] + absent
        coef, res, _ = fit(y, np.nan_to_num(X), keep)
        status, note, excluded = "derived", f"affine in the raw indicators over all {int(keep.sum())} provinces", []
        if len(missing) > len(absent):
            note += (
                f" with every raw value printed ({len(missing) - len(absent)} province(s) have a blank cell: "
                "not reproducible)"
            )
        if absent:
            note += (
                f"; the sheet gives no usable values for {len(absent)} province(s) of the field (GSO "
                + ", ".join(absent)
                + ": a workbook defect, see data/pci_indicators_SOURCES.md): not reproducible"
            )
        if res > EXACT:
            # A top-coded count: retry without the provinces at its printed maximum.
            for j, code in enumerate(codes):
                if "fair" not in code:
                    continue
                cap = np.nanmax(X[:, j])
                k2 = keep & (np.nan_to_num(X[:, j]) < cap)
                c2, r2, rs2 = fit(y, np.nan_to_num(X), k2)
                out = ~k2 & keep
                if r2 <= EXACT and out.any():
                    excluded = [d["gso"][i] for i in np.where(out)[0]]
                    note = (
                        f"affine in the raw indicators over the {int(k2.sum())} provinces whose {code} is below "
                        f"{cap:g}; the workbook prints {code} as {cap:g} for the other {len(excluded)} "
                        "(top-coded), whose sub-index VCCI computed from an uncensored count: not reproducible "
                        "from the printed value (largest gap "
                        f"{np.abs(rs2[out]).max():.4f})"
                    )
                    coef, res, keep = c2, r2, k2
                    break
            if res > EXACT:
                status = "unknown"
                note = (
                    "NOT established: no affine function of the printed raw indicators reproduces this sub-index "
                    "(least-squares fit written below as an approximation, largest residual "
                    f"{res:.4f} over {int(keep.sum())} provinces); VCCI's rule for it is UNKNOWN"
                )
        lines += [
            "[[sub_index]]",
            f'node = "{slug}"',
            f'rule_status = "{status}"',
            f"max_residual = {res:.3g}",
            f"intercept = {num(0.0)}",  # replaced below once the goalposts are known
            "note = " + toml_str(note),
        ]
        if excluded or missing:
            lines.append("not_reproducible = [" + ", ".join(f'"{g}"' for g in sorted(excluded + missing)) + "]")
        lines.append("")
        intercept = coef[-1]
        for j, code in enumerate(codes):
            x = X[:, j]
            where = f"{d['where']}/{code}"
            if year in EARLY_YEARS:
                unit, possible, unit_note = early_unit(labels[j], x)
            else:
                unit, possible = unit_of(code, labels[j], x, where)
                unit_note = ""
            inferred = unit.endswith("?")
            unit = unit.rstrip("?")
            lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
            c = float(coef[j])
            if hi - lo <= 0:
                fail(f"{where}: constant across provinces")
            scale = abs(c) * (hi - lo)
            if scale < 1e-6:
                # A coefficient at numerical zero: the indicator is printed but not counted.
                weight, direction = 0.0, "higher_is_better"
            else:
                weight = scale / 9.0
                direction = "higher_is_better" if c > 0 else "lower_is_better"
                worst = lo if c > 0 else hi
                intercept -= weight - c * worst
            lines += [
                "[[indicator]]",
                f'node = "{slug}/{code}"',
                "name_vi = " + toml_str(labels[j]),
                f'unit = "{unit}"',
            ]
            # A published value its unit cannot take (a negative duration): kept as published, because VCCI's
            # sub-index was computed from it, with the possible range widened to it and a note naming it.
            natural = possible if possible is not None else [0.0, None] if unit != "score" else [None, None]
            odd = [
                (d["gso"][i], float(x[i]))
                for i in range(len(x))
                if not np.isnan(x[i])
                and ((natural[0] is not None and x[i] < natural[0]) or (natural[1] is not None and x[i] > natural[1]))
            ]
            if odd:
                lo_p = min([v for _, v in odd] + [natural[0] if natural[0] is not None else 0.0])
                hi_p = max([v for _, v in odd] + [natural[1] if natural[1] is not None else float("inf")])
                possible = [lo_p, hi_p]
            if possible is not None:
                lines.append(f"possible = [{num(possible[0])}, {num(possible[1])}]")
            lines += [
                f'direction = "{direction}"',
                f"weight = {num(weight)}",
                f'weight_status = "{"derived" if status == "derived" else "unknown"}"',
                f'normalise = {{ method = "goalposts", lower = {num(lo)}, upper = {num(hi)}, '
                f'range = [1.0, 10.0], status = "derived" }}',
            ]
            notes = []
            if weight == 0.0:
                notes.append("coefficient 0 in the fit: printed in the workbook but not counted")
            if inferred:
                notes.append("unit inferred: the label states none and every value lies in [0, 1]")
            if unit_note:
                notes.append(unit_note)
            if odd:
                notes.append(
                    "the workbook holds values this unit cannot take ("
                    + ", ".join(f"GSO {g}: {v:g}" for g, v in odd)
                    + "), apparently imputed; kept as published (the sub-index was computed from them) and the "
                    "possible range widened to include them"
                )
            if notes:
                lines.append("note = " + toml_str("; ".join(notes)))
            lines.append("")
        # Patch the intercept line of this sub-index.
        idx = max(i for i, ln in enumerate(lines) if ln == f'node = "{slug}"')
        lines[idx + 3] = f"intercept = {num(intercept)}"
        report.append(
            f"{year} {slug:20s} {status:8s} max residual {res:.2e}  not reproducible: "
            f"{len(excluded)} top-coded, {len(missing)} blank"
        )
    return "\n".join(lines) + "\n", report


SOURCES_HEAD = """# Sources of `pci_indicators.csv` and the PCI indicator layers

Generated by `scripts/build_pci_indicators.py` (do not edit by hand) from VCCI's PCI workbooks 2005-2016
(`PCI_2005.xls` ... `PCI_2016.xlsx`, one sheet per sub-index), obtained through the R package `vietnamdata`
(github.com/mdtrinh/vietnamdata, CC0; originally pcivietnam.org downloads); verbatim copies with their SHA-256 in
`tests/reference/vcci_workbooks/`. The figures belong to VCCI (Phong Thuong mai va Cong nghiep Viet Nam) with
USAID; cite them as the source.

- `pci_indicators.csv`: year, GSO code, sub-index slug, indicator code, raw value exactly as the workbook stores
  it (2005-2006 and 2009-2016: float64 or float32 as stored; 2007-2008: 7 significant digits; shares as 0-1
  fractions or 0-100 percentages as printed, days, months, hours, counts, scores); a blank cell has no row.
  Provenance: official. 2005: 42 provinces; 2006-2008: 64 (with Ha Tay); 2009-2016: 63.
- Indicator codes: VCCI's variable codes 2009-2016; 2005-2008 print none, so the code is the survey question the
  column reports (`g1`, `b4_1_2`, `e_2`) where a header names one, else a slug of the Vietnamese label. The
  intermediate aspect scores these workbooks print between indicators and sub-index ("Khia canh", "Mang 4.1",
  "Nhom chi tieu thanh phan", soft/hard-data scores) are VCCI's computations, not indicators, and are not read.
- `methodologies/pci/indicators/<edition>.<year>.toml`: the rule of each sub-index, established per year from the
  same workbook (method in the script's docstring). Provenance: DERIVED where established, UNKNOWN otherwise.
  2005-2007: every sub-index is an affine function of its printed indicators (2005-2006 to about 1e-12, 2007 to
  the 7 printed digits). 2008: all but Land Access, whose aspect 2.1 is not affine in the four indicators printed
  under it (every province off, largest 0.17: the aspect uses something not printed). The sub-index fitted is
  always the published one (the summary sheet, as bundled in `data/pci.csv`); 2008's Policy Bias sheet prints a
  sub-index column that differs from it for every province, while the published one is exact in the sheet's
  indicators (listed below with the other defects). 2009-2016: Labour Training in every year; also Transparency and Business Support 2009-2012, Time Costs
  and Entry Costs 2009 (the 2009 time-cost sheet lacks an item printed in 2010-2012).
- Some published raw values are impossible for their unit (negative months or percentages in 2011-2012,
  apparently imputed); they are kept as published and named in the indicator's note.
- Units are read from the Vietnamese labels (e.g. "so ngay" = days, "%" with values <= 1 = share); indicators of
  2005-2008 with no unit of chiso's (rates per inhabitants, prices, logs, factor scores, percentage changes) are
  kept on their own scale (unit `score`, unchecked) with a note saying what they are. Directions come from the
  sign of each indicator's coefficient in the rule.
- Known defect: from 2014 the workbook prints the trade-fair count (`trade_fair_avg`) as at most 20; the
  sub-index of the provinces at 20 was computed by VCCI from an uncensored value and is not reproducible from the
  printed one (listed per year as `not_reproducible` in the layer).

Rule established per year (largest residual of the sub-index over the provinces it is stated for; the workbook's
precision is about 1e-6):

"""


def main() -> int:
    try:
        keys = provinces()
        rows = []
        reports = []
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for year in YEARS:
            sheets = read_year_early(year, keys) if year in EARLY_YEARS else read_year(year, keys)
            for slug, d in sheets.items():
                for i, g in enumerate(d["gso"]):
                    for j, code in enumerate(d["codes"]):
                        if not np.isnan(d["X"][i, j]):  # a blank cell stays missing (no row)
                            rows.append([str(year), g, slug, code, repr(float(d["X"][i, j]))])
            text, report = layer(year, sheets)
            (OUT_DIR / f"{edition_of(year)}.{year}.toml").write_text(text, encoding="utf-8")
            for r in report:
                log(r)
            reports += report
        rows.sort(key=lambda r: (int(r[0]), r[1], r[2], r[3]))
        with OUT_CSV.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["year", "gso_code", "sub_index", "indicator", "value"])
            w.writerows(rows)
        defects = "".join(f"\n- {d}" for d in DEFECTS)
        OUT_SOURCES.write_text(
            SOURCES_HEAD
            + "\n".join(f"    {r}" for r in reports)
            + "\n"
            + ("\nWorkbook defects met while reading (values not read):\n" + defects + "\n" if DEFECTS else ""),
            encoding="utf-8",
        )
        log(
            f"wrote {OUT_CSV.relative_to(ROOT)} ({len(rows)} rows) and {len(YEARS)} layers in {OUT_DIR.relative_to(ROOT)}"
        )
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
