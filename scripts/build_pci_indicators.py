#!/usr/bin/env python3
"""Build chiso's PCI indicator layers from VCCI's workbooks 2009-2016 (a dev tool, run from the repository root).

    python scripts/build_pci_indicators.py      (needs numpy, openpyxl)

Inputs (read-only): ../shared/data/raw/pci_papi_mdtrinh_vietnamdata/PCI/PCI_2009.xls ... PCI_2016.xlsx, one sheet
per sub-index with one row per province and VCCI's variable codes in the third row (2011-2016) or the second
(2009-2010; de-accented into slugs), the sub-index score first, then its raw indicators; and
../shared/data/provinces.csv. 2005-2008 are not read: their sheets are ranked blocks per indicator or carry survey
references instead of variable codes.

Outputs:
    data/pci_indicators.csv                      year, gso_code, sub_index, indicator, value (raw, as published)
    data/pci_indicators_SOURCES.md               provenance, licence, and the rule established per year
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
YEARS = (2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016)
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
    return "pci.2009" if year < 2013 else "pci.2013"


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
    if float(np.nanmin(values)) >= 0.0 and top <= 1.0:
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


def fit(y: np.ndarray, X: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    A = np.c_[X, np.ones(len(y))]
    coef = np.linalg.lstsq(A[keep], y[keep], rcond=None)[0]
    resid = A @ coef - y
    return coef, float(np.abs(resid[keep]).max()), resid


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def num(x: float) -> str:
    return repr(float(x))


def layer(year: int, sheets: dict[str, dict]) -> tuple[str, list[str]]:
    lines = [
        f"# Generated by scripts/build_pci_indicators.py from VCCI's PCI_{year} workbook: do not edit by hand.",
        "[layer]",
        f'edition = "{edition_of(year)}"',
        f"year = {year}",
        'status = "derived"',
        f'source = "VCCI PCI_{year} workbook (github mdtrinh/vietnamdata, CC0), one sheet per sub-index"',
        "note = "
        + toml_str(
            "Each rule is established from this workbook alone by least squares of the published sub-index on its "
            "raw indicators over the 63 provinces. Exact rules are written as goalposts on the year's observed "
            "worst and best province, an effective weight and an intercept; VCCI's own split into indicator "
            "weights and bounds is not identifiable from one year (its coefficients stay fixed across 2013-2016 "
            "while the observed ranges change, so its bounds are not the year's min-max but wider, apparently "
            "pooled over years). An edit beyond the observed range is therefore extrapolated on the fixed "
            "goalposts and flagged."
        ),
        "",
    ]
    report = []
    for slug, d in sheets.items():
        y, X, codes, labels = d["y"], d["X"], d["codes"], d["labels"]
        # A province with a missing raw value cannot be scored by any rule from the printed values.
        keep = ~np.isnan(X).any(axis=1)
        missing = [d["gso"][i] for i in np.where(~keep)[0]]
        coef, res, _ = fit(y, np.nan_to_num(X), keep)
        status, note, excluded = "derived", f"affine in the raw indicators over all {int(keep.sum())} provinces", []
        if missing:
            note += f" with every raw value printed ({len(missing)} province(s) have a blank cell: not reproducible)"
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
            unit, possible = unit_of(code, labels[j], x, where)
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

Generated by `scripts/build_pci_indicators.py` (do not edit by hand) from VCCI's PCI workbooks 2009-2016
(`PCI_2009.xls` ... `PCI_2016.xlsx`, one sheet per sub-index, VCCI's variable codes in a header row), obtained
through the R package `vietnamdata` (github.com/mdtrinh/vietnamdata, CC0; originally pcivietnam.org downloads).
The figures belong to VCCI (Phong Thuong mai va Cong nghiep Viet Nam) with USAID; cite them as the source.

- `pci_indicators.csv`: year, GSO code, sub-index slug, VCCI variable code, raw value exactly as the workbook stores
  it (float32, shares as 0-1 fractions, days, months, hours, counts, scores); a blank cell has no row. Provenance:
  official. 63 provinces x 8 years (2009-2016), 66-113 indicators a year.
- `methodologies/pci/indicators/<edition>.<year>.toml`: the rule of each sub-index, established per year from the
  same workbook (method in the script's docstring). Provenance: DERIVED where established, UNKNOWN otherwise
  (Labour Training in every year; also Transparency and Business Support 2009-2012, Time Costs and Entry Costs
  2009 - the 2009 time-cost sheet lacks an item printed in 2010-2012).
- Some published raw values are impossible for their unit (negative months or percentages in 2011-2012,
  apparently imputed); they are kept as published and named in the indicator's note.
- Units are read from the Vietnamese labels (e.g. "so ngay" = days, "%" with values <= 1 = share); directions
  from the sign of each indicator's coefficient in the established rule.
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
            sheets = read_year(year, keys)
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
        OUT_SOURCES.write_text(SOURCES_HEAD + "\n".join(f"    {r}" for r in reports) + "\n", encoding="utf-8")
        log(
            f"wrote {OUT_CSV.relative_to(ROOT)} ({len(rows)} rows) and {len(YEARS)} layers in {OUT_DIR.relative_to(ROOT)}"
        )
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
