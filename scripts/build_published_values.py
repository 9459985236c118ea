#!/usr/bin/env python3
"""Build the published-value datasets of `chiso` for PAR INDEX, SIPAS, DTI, the ICT Index and PGI.

Run from the repository root:

    /work/venv/bin/python scripts/build_published_values.py      (standard library only)

Inputs (read-only), relative to the repository root:
    ../shared/data/provinces.csv                       GSO codes, names, aliases, 2025 merger and seat
    ../shared/data/provinces_2025.csv                  the 34 units of 2025 and their member provinces
    ../shared/data/raw/pgi_2022_2024_published_scores.csv   (cross-checked against the PGI table below)
    ../shared/data/raw/tra_vinh_pci_pgi_papi.csv            (PGI rows; cross-checked likewise)

Outputs:
    data/par.csv, data/sipas.csv, data/dti.csv, data/ict.csv, data/pgi.csv
    data/SOURCES_other_indices.md

Every number below was transcribed BY HAND from the specification files in ../shared/methodology/
(par_index.md, sipas.md, dti.md, ict_index.md, pci.md Part B) and from the two raw PGI files, one
literal entry per published number. Nothing is parsed out of the markdown. The spec deliberately
withholds its validation values ("No validation value is reproduced here"); those are NOT added here.

Three kinds of entries need a word:
  * URL titles. Four ranks are read from the title of a page that the spec lists in its Sources
    section (index, data year and rank all stated in the title). Their note says so.
  * Source URLs. Where the spec names the outlet but not the URL, or gives only a topic-level list of
    links, the note says whether the URL was checked to print the number ("url verified") or is the
    spec's Sources link for that topic ("url not pinned").
  * Conflicts. Where the spec lists two published values for the same cell, both rows are written,
    each with its own source and a note "conflicts with ...". Nothing is resolved.

Columns of every CSV:
    year,province_code,unit,node,measure,value,label,provenance,source_url,note

`label` is used for PAR groups (none transcribed so far) and, on national rows, to say which national
figure the row is, because several different national figures share one node:
    average        the published average over provinces (PAR, DTI) or the national satisfaction
                   average (SIPAS), as the spec calls it
    national       a national figure that is not described as an average (DTI's national index;
                   SIPAS national element/content figures)
    provincial_min / provincial_max   the published lowest / highest provincial value, where the
                   spec does not say which province it is

The script is deterministic (no clock, no randomness, sorted output) and fails loudly (exit code 1)
on an unknown province or unit name, an unknown node, a node whose edition does not govern the year,
a value that is not a number, an undeclared duplicate, or a raw PGI row that is not transcribed.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from _common import BuildError, fail, log, norm_key, strip_prefix

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT / ".." / "shared").resolve()
DATA_SHARED = SHARED / "data"
RAW = DATA_SHARED / "raw"
OUT = ROOT / "data"

COLUMNS = [
    "year",
    "province_code",
    "unit",
    "node",
    "measure",
    "value",
    "label",
    "provenance",
    "source_url",
    "note",
    "primary",
]
MEASURES = {"score", "points", "ratio", "pct", "rank", "group"}
PROVENANCES = {"official", "press", "derived"}
LABELS_NATIONAL = {"average", "national", "provincial_min", "provincial_max"}
CONFLICT_MARK = "conflicts with"


class Geography:
    """GSO codes of the 63 (+ Hà Tây) provinces and "N" + seat code of the 34 units of 2025."""

    def __init__(self) -> None:
        with (DATA_SHARED / "provinces.csv").open(encoding="utf-8", newline="") as f:
            self.rows = list(csv.DictReader(f))
        if len(self.rows) != 64:
            fail(f"provinces.csv: expected 64 rows (63 + Hà Tây), found {len(self.rows)}")
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

        # 2025 units: name -> member codes (provinces_2025.csv) and seat (provinces.csv).
        with (DATA_SHARED / "provinces_2025.csv").open(encoding="utf-8", newline="") as f:
            units = list(csv.DictReader(f))
        if len(units) != 34:
            fail(f"provinces_2025.csv: expected 34 units, found {len(units)}")
        self.unit_keys: dict[str, str] = {}  # key -> unit name_vi
        self.unit_members: dict[str, set[str]] = {}
        for u in units:
            self.unit_members[u["name_vi"]] = set(u["member_gso_codes"].split("|"))
            for n in (u["name_vi"], u["name_ascii"]):
                k = norm_key(n)
                for key in filter(None, (k, strip_prefix(k))):
                    self.unit_keys[key] = u["name_vi"]
        self.unit_code: dict[str, str] = {}
        for unit, members in self.unit_members.items():
            seats = {r["merged_2025_seat"] for r in self.rows if r["merged_2025_into"] == unit}
            if len(seats) != 1:
                fail(f"2025 unit {unit!r}: expected one seat in provinces.csv, found {sorted(seats)}")
            seat_code = self.province(seats.pop(), f"seat of {unit}")
            if seat_code not in members:
                fail(f"2025 unit {unit!r}: seat {seat_code} is not one of its members {sorted(members)}")
            into = {r["gso_code"] for r in self.rows if r["merged_2025_into"] == unit} - {"28"}
            if into != members:
                fail(
                    f"2025 unit {unit!r}: provinces.csv members {sorted(into)} != provinces_2025.csv {sorted(members)}"
                )
            self.unit_code[unit] = "N" + seat_code

    def province(self, raw: str, where: str) -> str:
        k = norm_key(raw)
        if k in self.keys:
            return self.keys[k]
        s = strip_prefix(k)
        if s is not None and s in self.keys:
            return self.keys[s]
        fail(f"{where}: cannot map province name {raw!r} (key {k!r}) to a GSO code")

    def unit(self, raw: str, where: str) -> str:
        k = norm_key(raw)
        name = self.unit_keys.get(k) or self.unit_keys.get(strip_prefix(k) or "")
        if name is None:
            fail(f"{where}: cannot map 2025 unit name {raw!r} (key {k!r})")
        return self.unit_code[name]


# =============================================================================================
# Editions and node codes (from the spec files; README §1.2 code scheme)
# =============================================================================================

# Edition in force per data year (spec edition tables).
EDITIONS: dict[str, list[tuple[str, range]]] = {
    "par": [  # par_index.md §2
        ("par.2012", range(2012, 2016)),
        ("par.2016", range(2016, 2017)),
        ("par.2017", range(2017, 2018)),
        ("par.2018", range(2018, 2019)),
        ("par.2019", range(2019, 2020)),
        ("par.2020", range(2020, 2022)),
        ("par.2022", range(2022, 2024)),
        ("par.2024", range(2024, 2100)),
    ],
    "sipas": [  # sipas.md §2
        ("sipas.2015", range(2015, 2016)),
        ("sipas.2017", range(2017, 2022)),
        ("sipas.2022", range(2022, 2023)),
        ("sipas.2023", range(2023, 2027)),
    ],
    "dti": [  # dti.md §2
        ("dti.2020", range(2020, 2021)),
        ("dti.2021", range(2021, 2024)),
        ("dti.2024", range(2024, 2025)),
        ("dti.2025", range(2025, 2026)),
    ],
    "ict": [  # ict_index.md §2 (no 2021 edition)
        ("ict.2005", range(2005, 2016)),
        ("ict.2016", [2016, 2017, 2018, 2019, 2020, 2022, 2023]),
    ],
    "pgi": [("pgi.2022", range(2022, 2025))],  # pci.md B2
}

_PAR_AREAS_2022 = [
    "steering",
    "institutions",
    "procedures",
    "apparatus",
    "civil_service",
    "public_finance",
    "digital_government",
    "impact",
]
_PAR_BLOCKS = ["appraisal", "socioeconomic_impact", "sipas", "leader_survey"]
_SIPAS_ELEMENTS = ["access", "procedures", "civil_servants", "results", "feedback"]
_DTI_FOUNDATION = [
    "digital_awareness",
    "digital_institutions",
    "digital_infrastructure",
    "digital_workforce",
    "cybersecurity",
    "smart_city",
]
_DTI_ACTIVITY = ["digital_government_activity", "digital_economy_activity", "digital_society_activity"]
_DTI_PILLARS = ["digital_government", "digital_economy", "digital_society"]
_DTI2020_INDICATORS = [
    "awareness",
    "institutions",
    "infrastructure",
    "data",
    "activities",
    "cybersecurity",
    "workforce",
]


def _nodes() -> set[str]:
    n: set[str] = set()
    # PAR (par_index.md §3-§6)
    n |= {"par.2012", "par.2016", "par.2018", "par.2019", "par.2020", "par.2017", "par.2022", "par.2024"}
    n |= {
        f"par.2017/{a}"
        for a in [
            "steering",
            "legal_documents",
            "procedures",
            "apparatus",
            "civil_servants",
            "public_finance",
            "modernisation",
            "impact",
        ]
    }
    for e in ("par.2022", "par.2024"):
        n |= {f"{e}/{a}" for a in _PAR_AREAS_2022} | {f"{e}:blocks"} | {f"{e}:blocks/{b}" for b in _PAR_BLOCKS}
    n |= {"par.2012:blocks", "par.2012:blocks/appraisal", "par.2012:blocks/survey", "par.2020:blocks"}
    n |= {f"par.2020:blocks/{b}" for b in _PAR_BLOCKS}
    # SIPAS (sipas.md §3)
    n |= {"sipas.2015", "sipas.2017", "sipas.2022", "sipas.2023"}
    n |= {f"sipas.2017/{e}" for e in _SIPAS_ELEMENTS}
    n |= {f"sipas.2017/{e}/{c}" for e in _SIPAS_ELEMENTS for c in ("perception", "satisfaction", "expectation")}
    n |= {
        "sipas.2023/perception",
        "sipas.2023/satisfaction",
        "sipas.2023/satisfaction/policy",
        "sipas.2023/satisfaction/services",
        "sipas.2023/needs",
    }
    n |= {f"sipas.2023/satisfaction/services/{e}" for e in _SIPAS_ELEMENTS}
    # DTI (dti.md §3-§5)
    n |= {"dti.2020"} | {f"dti.2020/{p}" for p in _DTI_PILLARS}
    n |= {f"dti.2020/{p}/{i}" for p in _DTI_PILLARS for i in _DTI2020_INDICATORS}
    for e in ("dti.2021", "dti.2024"):
        n |= {e, f"{e}/foundation", f"{e}/activity", f"{e}:pillars"}
        n |= {f"{e}/foundation/{i}" for i in _DTI_FOUNDATION} | {f"{e}/activity/{i}" for i in _DTI_ACTIVITY}
        n |= {f"{e}:pillars/{p}" for p in _DTI_PILLARS}
    n.discard("dti.2024/foundation/smart_city")  # not listed for 2024
    # ICT (ict_index.md §3-§4)
    n |= {
        "ict.2016",
        "ict.2016/technical_infrastructure",
        "ict.2016/human_resources",
        "ict.2016/it_application",
        "ict.2016/it_application/internal_use",
        "ict.2016/it_application/online_public_services",
        "ict.2016/it_industry",
    }
    n |= {"ict.2005"} | {
        f"ict.2005/{c}"
        for c in [
            "technical_infrastructure",
            "human_resources",
            "it_application",
            "it_production_business",
            "policy_environment",
        ]
    }
    # PGI (pci.md B2)
    n |= {"pgi.2022"} | {
        f"pgi.2022/{s}" for s in ["pollution_climate", "environmental_compliance", "green_leadership", "green_support"]
    }
    return n


NODES = _nodes()
CODE_RE = re.compile(r"^(par|sipas|papi|pci|pgi|ict|dti)\.(\d{4})(:[a-z0-9_]+)?(/[a-z0-9_]+)*$")


def edition_of(node: str) -> str:
    m = CODE_RE.match(node)
    if not m:
        fail(f"node {node!r} does not follow the code scheme")
    return f"{m.group(1)}.{m.group(2)}"


# =============================================================================================
# Source URLs (every URL appears in the spec's Sources sections or inline, in the raw PGI files, or
# is marked in the row notes as located by the transcriber)
# =============================================================================================

# --- PAR (par_index.md §13) ---
PAR_TIMELINE = (
    "https://www.danangbus.vn/tin-tuc/tin-tuc/cac-chi-so-par-index-papi-sipas-va-nhung-dieu-can-biet-5402.html"
)
PAR_GROUPS_2018 = "https://viet-jo.com/news/social/190528080825.html"
PAR_GROUPS_2019 = "https://baotayninh.vn/thoi-su-chinh-tri/cai_cach_hanh_chinh/"
PAR_2021 = "https://en.vietnamplus.vn/public-administration-reform-index-2021-ministry-of-justice-claims-top-spot/229610.vnp"  # listed in sipas.md §9
PAR_YOY_2023 = (
    "https://diaocthoibao.com/thai-nguyen-lien-tuc-giu-vi-tri-cao-tren-bang-xep-hang-cai-cach-hanh-chinh.html"
)
PAR_GROUPS_2024 = "https://baomoi.net.vn/hai-tinh-nao-co-chi-so-cai-cach-hanh-chinh-cao-nhat-c51908021.epi"
# located by the transcriber (the spec names the outlets, not the URLs):
PAR_DNHN_2023 = "https://en.doanhnghiephoinhap.vn/hai-phong-ranks-2nd-out-of-63-provinces-and-cities-in-the-par-index-with-91-81.html"
PAR_VNA_2023_COPY = "https://shipbolt.vn/blog/2024/04/17/quang-ninh-tops-country-s-public-administrative-reform-index/"

# --- SIPAS (sipas.md §9) ---
SIPAS_2018_REPORT = "https://text.123docz.net/document/6053174-bao-cao-chi-so-hai-long-cua-ng-oi-dan-to-chuc-doi-voi-su-phuc-vu-cua-co-quan-hanh-chinh-nha-n-oc-nam-2018-sipas-2018.htm"
SIPAS_2019 = (
    "https://vietnamnet.vn/en/politics/public-administration-reform-index-2019-to-be-released-on-may-19-641956.html"
)
SIPAS_2020 = (
    "https://m.hanoitimes.vn/public-satisfaction-for-performance-of-administrative-units-at-85-survey-317840.html"
)
SIPAS_2023 = "https://en.vietnamplus.vn/satisfaction-of-administrative-services-improves/284704.vnp"
SIPAS_2024_LAODONG = "https://news.laodong.vn/thoi-su/5-tinh-thap-nhat-ve-chi-so-hai-long-cua-nguoi-dan-voi-co-quan-hanh-chinh-1487593.ldo"
SIPAS_2024_VNA = "https://vietnam.vnanet.vn/english/tin-van/over-90-of-citizens-report-no-difficulties-from-civil-servants-392158.html"

# --- DTI (dti.md §11) ---
DTI_2020 = "https://phapluatmoitruong.vn/buc-tranh-tong-the-ve-chuyen-doi-so-o-viet-nam-nam-2020/"
DTI_2021_BACNINH = "https://skhdt.bacninh.gov.vn/news/-/details/57283/bac-ninh-chi-so-anh-gia-chuyen-oi-so-dti-nam-2021-ung-thu-4-trong-ca-nuoc-41052774"
DTI_2021_HUE = "http://tapchisonghuong.com.vn/tin-tuc/p1/c12/n31636/Thua-Thien-Hue-xep-thu-2-toan-quoc-ve-Chi-so-chuye-n-do-i-so-DTI-nam-2021.html"
DTI_2022_TRAVINH = "https://travinh.gov.vn/1426/37932/73050/691291/chuyen-doi-so/danh-gia-muc-do-chuyen-doi-so-nam-2022-tra-vinh-xep-hang-25-63-tinh-thanh-pho"
DTI_2023_BAOMOI = "https://baomoi.net.vn/da-nang-tiep-tuc-dan-dau-ca-nuoc-ve-chuyen-doi-so-c51417541.epi"
DTI_2023_NGUOIHANOI = "https://nguoihanoi.vn/ha-noi-xep-thu-6-ve-chi-so-chuyen-doi-so-cap-tinh-89443.html"
DTI_2024_VNNET = "https://vietnamnet.vn/ha-noi-hue-hai-phong-dan-dau-ve-chuyen-doi-so-2455309.html"
DTI_2024_VNECONOMY = "https://en.vneconomy.vn/hcm-city-leads-2024-digital-transformation-index.htm"
DTI_2024_VTC = "https://vtcnews.vn/ha-noi-dan-dau-ca-nuoc-ve-chi-so-chuyen-doi-so-cao-bang-dung-cuoi-bang-ar972306.html"
DTI_2024_BAODANANG_MIRROR = "https://demo1022.hasontech.vn/?p=3843"  # mirror of en.baodanang.vn (dti.md §11)
# located by the transcriber (the spec names the outlet or gives no URL):
DTI_2023_BAODANANG_EN = (
    "https://baodanang.vn/english/business/202502/da-nangs-efforts-in-comprehensive-digital-transformation-4000609"
)
DTI_2024_HANOITIMES = (
    "https://hanoitimes.vn/hanoi-leads-vietnam-s-2024-digital-transformation-index-with-top-performance.882551.html"
)
DTI_2024_BAOKHANHHOA = "https://news.baokhanhhoa.vn/society/202511/driving-dti-progress-d4815fe"

# --- ICT (ict_index.md §10) ---
ICT_2016_BAODANANG = (
    "http://baodanang.vn/channel/5418/201703/da-nang-tiep-tuc-dung-dau-chi-so-viet-nam-ict-index-2544998/"
)
ICT_2016_VTV = "https://vtv.vn/cong-nghe/lam-dong-dung-dau-ve-chi-so-ha-tang-cong-nghe-thong-tin-20170523125401625.htm"
ICT_2018_VIETTIMES = (
    "https://viettimes.vn/da-nang-tiep-tuc-dung-dau-bang-chi-so-vietnam-ict-index-nam-2018-post88770.html"
)
ICT_2019_CAND = "https://amp.cand.com.vn/Su-kien-Binh-luan-thoi-su/Da-Nang-dung-dau-bang-xep-hang-Viet-Nam-ICT-Index-11-nam-lien-tiep-i533493/"
ICT_2022_GIAODUC = "https://giaoduc.net.vn/quang-ninh-xep-hang-3-trong-bang-xep-hang-ict-index-2022-post238135.gd"
ICT_2023_VIETNAMVN = "https://vietnam.vn/en/da-nang-giu-quan-quan-bang-xep-hang-ict-index-14-nam-lien-tiep"
# located by the transcriber (the spec says "Tiền Giang's portal"):
ICT_2018_TIENGIANG = "http://en.tiengiang.gov.vn/newsdetail/-/asset_publisher/content/tien-giang-province-tops-vietnam-ict-index-for-4-consecutive-years"

# --- PGI (pci.md Part B; data/raw/pgi_2022_2024_published_scores.csv; data/raw/tra_vinh_pci_pgi_papi.csv) ---
PGI_2022_TRAVINH = "https://caungang.travinh.gov.vn/1433/38342/71837/689756/economy/tra-vinh-s-determination-to-enhance-and-elevate-pci-and-pgi-in-2023"
PGI_2023_NKS = "https://online.nks.vn/infographic/chi-so-xanh-cap-tinh-cua-63-dia-phuong-2024-40069304.html"
PGI_2024_VIETNAMVN = "https://www.vietnam.vn/ja/hai-duong-lot-top-15-tinh-thanh-pho-co-ket-qua-tot-nhat-ve-chi-so-xanh"

# Short tags appended to notes about the URL.
U_VER = "url verified to print this number"
U_TOPIC = "url not pinned: spec Sources link for this topic; the spec does not tie the number to one URL"
U_LOC = "url located by the transcriber (not in the spec)"
U_TITLE = "value read from the title of this spec-cited page (index, data year and rank in the title); not quoted in the spec text"


# =============================================================================================
# Transcribed values
# =============================================================================================


@dataclass(frozen=True)
class Entry:
    year: int
    geo: tuple[str, str | None]  # ("province", name) | ("unit_2025", name) | ("national", None)
    node: str
    measure: str
    value: str  # the number text exactly as the spec prints it
    source_url: str
    note: str
    provenance: str = "press"
    label: str = ""


def P(name: str) -> tuple[str, str]:
    return ("province", name)


def U(name: str) -> tuple[str, str]:
    return ("unit_2025", name)


VN = ("national", None)


# ---------------------------------------------------------------------------------------------
# PAR INDEX — par_index.md §9 (averages table), §12 (data-quality issues 1 and 2)
# Totals are published as "%" (= points out of 100); measure `pct` as published.
# ---------------------------------------------------------------------------------------------
# fmt: off
PAR: list[Entry] = [
    # §9 "Published provincial averages (OFFICIAL unless marked)"
    Entry(2013, VN, "par.2012", "pct", "77.56", PAR_TIMELINE,
          f"spec par_index.md §9 averages table; provincial average 2013; {U_TOPIC}", label="average"),
    Entry(2016, VN, "par.2016", "pct", "74.64", PAR_TIMELINE,
          f"spec par_index.md §9 averages table; provincial average 2016; {U_TOPIC}", label="average"),
    Entry(2018, VN, "par.2018", "pct", "76.92", PAR_GROUPS_2018,
          f"spec par_index.md §9 averages table; provincial average 2018; {U_TOPIC}", label="average"),
    Entry(2019, VN, "par.2019", "pct", "81.15", PAR_GROUPS_2019,
          f"spec par_index.md §9 averages table; provincial average 2019; {U_TOPIC}", label="average"),
    Entry(2021, VN, "par.2020", "pct", "86.37", PAR_2021,
          f"spec par_index.md §9 averages table; provincial average 2021, published with +2.65 vs 2020; {U_TOPIC}",
          label="average"),
    Entry(2022, VN, "par.2022", "pct", "84.79", PAR_YOY_2023,
          "spec par_index.md §9 averages table marks it DERIVED: 86.98 - 2.19 (2023 average minus its published "
          "change); provincial average 2022 not found as a published figure; source_url = the 2023 figures' source",
          provenance="derived", label="average"),
    Entry(2023, VN, "par.2022", "pct", "86.98", PAR_YOY_2023,
          f"spec par_index.md §9 averages table; provincial average 2023, published with +2.19 vs 2022; {U_TOPIC}",
          label="average"),
    Entry(2024, VN, "par.2024", "pct", "88.37", PAR_GROUPS_2024,
          f"spec par_index.md §9 averages table; provincial average 2024, published with +1.39 vs 2023; {U_VER}",
          label="average"),
    # §12 issue 1: Hải Phòng 2023 — two published values, both kept
    Entry(2023, P("Hải Phòng"), "par.2022", "pct", "91.87", PAR_VNA_2023_COPY,
          "spec par_index.md §12 issue 1; Hải Phòng 2023 as reported by VNA and VGP; conflicts with 91.81 "
          f"(doanhnghiephoinhap); Hải Phòng's 2024 value 96.17 with +4.30 points also implies 91.87; "
          f"url: copy of the VNA English report, {U_LOC}"),
    Entry(2023, P("Hải Phòng"), "par.2022", "pct", "91.81", PAR_DNHN_2023,
          "spec par_index.md §12 issue 1; Hải Phòng 2023 as reported by doanhnghiephoinhap; conflicts with 91.87 "
          f"(VNA, VGP); {U_LOC}; {U_VER}"),
    Entry(2024, P("Hải Phòng"), "par.2024", "pct", "96.17", PAR_GROUPS_2024,
          f"spec par_index.md §12 issue 1; Hải Phòng 2024, published with +4.30 points vs 2023; {U_VER}"),
    # §12 issue 2: bottom province of 2023
    Entry(2023, P("An Giang"), "par.2022", "pct", "81.32", PAR_VNA_2023_COPY,
          "spec par_index.md §12 issue 2; An Giang 2023, reported by VNA as the bottom province; conflicts with "
          "en.baochinhphu.vn, which names Bình Thuận and Sóc Trăng as the bottom (no values given); "
          f"url: copy of the VNA English report, {U_LOC}"),
    Entry(2023, P("An Giang"), "par.2022", "rank", "63", PAR_VNA_2023_COPY,
          "spec par_index.md §12 issue 2; An Giang 'at the bottom' of the 63 provinces in 2023 (VNA), i.e. rank 63; "
          "conflicts with en.baochinhphu.vn, which names Bình Thuận and Sóc Trăng as the bottom; "
          f"url: copy of the VNA English report, {U_LOC}"),
]

# ---------------------------------------------------------------------------------------------
# SIPAS — sipas.md §4 (2023 elements, 2024 contents), §5 (national averages table and ranges)
# ---------------------------------------------------------------------------------------------
SIPAS: list[Entry] = [
    # §5 "Published national averages (OFFICIAL)"
    Entry(2017, VN, "sipas.2017", "pct", "81", SIPAS_2018_REPORT,
          "spec sipas.md §5 table ('≈ 81 (rounded in source)') and §8: the 2017 national average is published only "
          f"as '81%'; {U_TOPIC}", label="average"),
    Entry(2017, VN, "sipas.2017", "pct", "67.70", SIPAS_2018_REPORT,
          f"spec sipas.md §5 table, 'Provincial range' row: min 67.70 (province not named in the spec); {U_TOPIC}",
          label="provincial_min"),
    Entry(2018, VN, "sipas.2017", "pct", "82.99", SIPAS_2018_REPORT,
          f"spec sipas.md §5 table; national average 2018; MOHA's SIPAS 2018 report (third-party document copy); "
          f"{U_TOPIC}", provenance="official", label="average"),
    Entry(2019, VN, "sipas.2017", "pct", "84.45", SIPAS_2019,
          f"spec sipas.md §5 table; national average 2019; {U_TOPIC}", label="average"),
    Entry(2020, VN, "sipas.2017", "pct", "85.48", SIPAS_2020,
          f"spec sipas.md §5 table and text (85.48 in 2020); national average 2020; {U_TOPIC}", label="average"),
    Entry(2020, VN, "sipas.2017", "pct", "75.68", SIPAS_2020,
          f"spec sipas.md §5 table, 'Provincial range' row: min 75.68 (province not named in the spec); {U_TOPIC}",
          label="provincial_min"),
    Entry(2022, VN, "sipas.2022", "pct", "80.08", SIPAS_2023,
          f"spec sipas.md §5 table and text; national average 2022 (quoted in the 2023 release); {U_VER}",
          label="average"),
    Entry(2023, VN, "sipas.2023", "pct", "82.66", SIPAS_2023,
          f"spec sipas.md §5 table and text; national average 2023, published with +2.58 vs 2022; {U_VER}",
          label="average"),
    # §4 2023 national element figures, in the order access, procedures, civil servants, results, feedback
    Entry(2023, VN, "sipas.2023/satisfaction/services/access", "pct", "83.00", SIPAS_2023,
          "spec sipas.md §4 (five element figures 83.00, 83.02, 83.12, 83.03, 82.27) and §3.3 (2023 published all 5 "
          f"nationally); access to services; element order confirmed in the source; {U_VER} (printed there as 83%)",
          label="national"),
    Entry(2023, VN, "sipas.2023/satisfaction/services/procedures", "pct", "83.02", SIPAS_2023,
          f"spec sipas.md §4 five element figures; administrative procedures; {U_VER}", label="national"),
    Entry(2023, VN, "sipas.2023/satisfaction/services/civil_servants", "pct", "83.12", SIPAS_2023,
          f"spec sipas.md §4 five element figures; civil servants handling the case; {U_VER}", label="national"),
    Entry(2023, VN, "sipas.2023/satisfaction/services/results", "pct", "83.03", SIPAS_2023,
          f"spec sipas.md §4 five element figures; service results; {U_VER}", label="national"),
    Entry(2023, VN, "sipas.2023/satisfaction/services/feedback", "pct", "82.27", SIPAS_2023,
          f"spec sipas.md §4 five element figures; receiving and handling feedback (complaint settlement); {U_VER}",
          label="national"),
    # §5 table, 2023 'Provincial range' 75.03–90.61: the cited release names the two provinces
    Entry(2023, P("Quảng Ninh"), "sipas.2023", "pct", "90.61", SIPAS_2023,
          "spec sipas.md §5 table, 2023 'Provincial range' 75.03–90.61 (maximum); the spec does not name the "
          f"province, the cited release does: Quảng Ninh topped the SIPAS 2023 ranking; {U_VER}"),
    Entry(2023, P("Quảng Ninh"), "sipas.2023", "rank", "1", SIPAS_2023,
          "spec sipas.md §5 table, 2023 provincial maximum 90.61; the cited release says Quảng Ninh 'topped the "
          f"SIPAS rankings'; {U_VER}"),
    Entry(2023, P("Bắc Kạn"), "sipas.2023", "pct", "75.03", SIPAS_2023,
          "spec sipas.md §5 table, 2023 'Provincial range' 75.03–90.61 (minimum); the spec does not name the "
          f"province, the cited release does: Bắc Kạn was at the bottom; {U_VER}"),
    Entry(2023, P("Bắc Kạn"), "sipas.2023", "rank", "63", SIPAS_2023,
          "spec sipas.md §5 table, 2023 provincial minimum 75.03; the cited release says Bắc Kạn was 'at the "
          f"bottom' of the 63 provinces; {U_VER}"),
    # 2024
    Entry(2024, VN, "sipas.2023", "pct", "83.94", SIPAS_2024_LAODONG,
          f"spec sipas.md §4-§5; national average 2024, published with +1.28 vs 2023; {U_LOC}; {U_VER}",
          label="average"),
    Entry(2024, VN, "sipas.2023/satisfaction/policy", "pct", "83.84", SIPAS_2024_VNA,
          f"spec sipas.md §4 (2024: policy 83.84 and services 84.09); national figure; {U_TOPIC}", label="national"),
    Entry(2024, VN, "sipas.2023/satisfaction/services", "pct", "84.09", SIPAS_2024_VNA,
          f"spec sipas.md §4 (2024: policy 83.84 and services 84.09); national figure; {U_TOPIC}", label="national"),
    Entry(2024, VN, "sipas.2023/satisfaction/policy", "pct", "78.16", SIPAS_2024_VNA,
          f"spec sipas.md §5 table, 2024 'Provincial range': policy 78.16–90.59 (minimum; province not named); {U_TOPIC}",
          label="provincial_min"),
    Entry(2024, VN, "sipas.2023/satisfaction/policy", "pct", "90.59", SIPAS_2024_VNA,
          f"spec sipas.md §5 table, 2024 'Provincial range': policy 78.16–90.59 (maximum; province not named); {U_TOPIC}",
          label="provincial_max"),
    Entry(2024, VN, "sipas.2023/satisfaction/services", "pct", "78.18", SIPAS_2024_VNA,
          f"spec sipas.md §5 table, 2024 'Provincial range': services 78.18–92.00 (minimum; province not named); {U_TOPIC}",
          label="provincial_min"),
    Entry(2024, VN, "sipas.2023/satisfaction/services", "pct", "92.00", SIPAS_2024_VNA,
          f"spec sipas.md §5 table, 2024 'Provincial range': services 78.18–92.00 (maximum; province not named); {U_TOPIC}",
          label="provincial_max"),
]

# ---------------------------------------------------------------------------------------------
# DTI — dti.md §5 (2024 aggregates and examples), §7 (averages table), §10 (issues 1 and 4), §11 (titles)
# Values are published on 0–1 to 4 decimals: measure `score`.
# ---------------------------------------------------------------------------------------------
DTI: list[Entry] = [
    # §7 "Published provincial averages"
    Entry(2020, VN, "dti.2020", "score", "0.3026", DTI_2020,
          f"spec dti.md §7 averages table; provincial average DTI 2020; {U_TOPIC}", label="average"),
    Entry(2021, VN, "dti.2021", "score", "0.4014", DTI_2021_BACNINH,
          f"spec dti.md §7 averages table; provincial average DTI 2021; {U_TOPIC}", label="average"),
    Entry(2022, VN, "dti.2021", "score", "0.5786", DTI_2023_BAOMOI,
          "spec dti.md §7 averages table and §10 issue 1; provincial average DTI 2022 as attributed by the spec to "
          "baodanang; conflicts with 0.5763; the spec prefers 0.5786 (DERIVED: consistent with the published +17.2% "
          f"for 2023); {U_TOPIC}", label="average"),
    Entry(2022, VN, "dti.2021", "score", "0.5763", DTI_2023_BAODANANG_EN,
          "spec dti.md §7 averages table and §10 issue 1 ('another article', a mirror); provincial average DTI 2022; "
          "conflicts with 0.5786; NB the located baodanang English page (Feb 2025) prints 0.5763, so the spec's "
          f"attribution of the two values may be swapped; {U_LOC}; {U_VER}", label="average"),
    Entry(2023, VN, "dti.2021", "score", "0.6783", DTI_2023_BAODANANG_EN,
          f"spec dti.md §7 averages table and text; provincial average DTI 2023, published with +17.2%; {U_LOC}; {U_VER}",
          label="average"),
    Entry(2024, VN, "dti.2024", "score", "0.6961", DTI_2024_BAODANANG_MIRROR,
          "spec dti.md §5 and §7; provincial average DTI 2024, published with +2.6%; whether it is taken over the 63 "
          f"provinces or the 34 units is UNKNOWN (spec); {U_VER}", label="average"),
    Entry(2024, VN, "dti.2024", "score", "0.7955", DTI_2024_BAODANANG_MIRROR,
          "spec dti.md §5; national DTI 2024 (the national index, not a provincial average), published with +8.6%; "
          f"{U_VER}", label="national"),
    Entry(2024, VN, "dti.2024:pillars/digital_government", "score", "0.7582", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 'pillar averages'; provincial-level digital government pillar 2024, +4.7%; {U_VER}",
          label="average"),
    Entry(2024, VN, "dti.2024:pillars/digital_economy", "score", "0.7723", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 'pillar averages'; provincial-level digital economy pillar 2024, +13.3%; {U_VER}",
          label="average"),
    Entry(2024, VN, "dti.2024:pillars/digital_society", "score", "0.7692", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 'pillar averages'; provincial-level digital society pillar 2024, +13.4%; {U_VER}",
          label="average"),
    # §5 examples on the 34-unit basis (ranks 1–34)
    Entry(2024, U("Hà Nội"), "dti.2024", "score", "0.8241", DTI_2024_HANOITIMES,
          f"spec dti.md §5 examples, 34-unit basis; Hà Nội (2025 unit) 2024; {U_LOC}; {U_VER}"),
    Entry(2024, U("Hà Nội"), "dti.2024", "rank", "1", DTI_2024_HANOITIMES,
          f"spec dti.md §5 examples, 34-unit basis (rank among 34); Hà Nội 2024; {U_LOC}; {U_VER}"),
    Entry(2024, U("Huế"), "dti.2024", "score", "0.7951", DTI_2024_VNNET,
          f"spec dti.md §5 examples, 34-unit basis; Huế 2024; {U_TOPIC}"),
    Entry(2024, U("Huế"), "dti.2024", "rank", "2", DTI_2024_VNNET,
          f"spec dti.md §5 examples, 34-unit basis (rank among 34); Huế 2024; {U_TOPIC}"),
    Entry(2024, U("Hải Phòng"), "dti.2024", "score", "0.7857", DTI_2024_VNNET,
          f"spec dti.md §5 examples, 34-unit basis; Hải Phòng (2025 unit: Hải Phòng + Hải Dương) 2024; {U_TOPIC}"),
    Entry(2024, U("Hải Phòng"), "dti.2024", "rank", "3", DTI_2024_VNNET,
          f"spec dti.md §5 examples, 34-unit basis (rank among 34); Hải Phòng (2025 unit) 2024; {U_TOPIC}"),
    Entry(2024, U("TP. Hồ Chí Minh"), "dti.2024", "score", "0.7770", DTI_2024_VNNET,
          "spec dti.md §5 examples, 34-unit basis; TP. Hồ Chí Minh (2025 unit: HCMC + Bình Dương + Bà Rịa - Vũng Tàu) "
          f"2024; {U_TOPIC}"),
    Entry(2024, U("TP. Hồ Chí Minh"), "dti.2024", "rank", "4", DTI_2024_VNNET,
          f"spec dti.md §5 examples, 34-unit basis (rank among 34); TP. Hồ Chí Minh (2025 unit) 2024; {U_TOPIC}"),
    Entry(2024, U("Khánh Hòa"), "dti.2024", "score", "0.7071", DTI_2024_BAOKHANHHOA,
          f"spec dti.md §5 examples, 34-unit basis; Khánh Hòa (2025 unit: Khánh Hòa + Ninh Thuận) 2024; {U_LOC}; {U_VER}"),
    Entry(2024, U("Khánh Hòa"), "dti.2024", "rank", "16", DTI_2024_BAOKHANHHOA,
          f"spec dti.md §5 examples, 34-unit basis (rank among 34); Khánh Hòa (2025 unit) 2024; {U_LOC}; {U_VER}"),
    Entry(2024, U("Đà Nẵng"), "dti.2024", "score", "0.7069", DTI_2024_BAODANANG_MIRROR,
          "spec dti.md §5 examples, 34-unit basis; Đà Nẵng (2025 unit: Đà Nẵng + Quảng Nam) 2024; MEMBER_MEAN of the "
          f"pre-merger Đà Nẵng 0.8335 and Quảng Nam 0.5803; {U_VER}"),
    Entry(2024, U("Đà Nẵng"), "dti.2024", "rank", "17", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 examples, 34-unit basis (rank among 34); Đà Nẵng (2025 unit) 2024; {U_VER}"),
    Entry(2024, U("Cao Bằng"), "dti.2024", "rank", "34", DTI_2024_VTC,
          "spec dti.md §5 examples, 34-unit basis: 'Cao Bằng last', i.e. rank 34 of 34; Cao Bằng (2025 unit, "
          "unchanged) 2024; url: the page title says Cao Bằng is last"),
    # §5 examples on the 63-province basis (ranks 1–63)
    Entry(2024, P("TP. Hồ Chí Minh"), "dti.2024", "rank", "1", DTI_2024_VNECONOMY,
          f"spec dti.md §5 examples, 63-province basis (rank among 63); TP. Hồ Chí Minh (pre-merger) 2024; {U_VER}"),
    Entry(2024, P("Đà Nẵng"), "dti.2024", "score", "0.8335", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 examples, 63-province basis; Đà Nẵng (pre-merger) 2024; {U_VER}"),
    Entry(2024, P("Đà Nẵng"), "dti.2024", "rank", "2", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 examples, 63-province basis (rank among 63); Đà Nẵng (pre-merger) 2024; {U_VER}"),
    Entry(2024, P("Quảng Nam"), "dti.2024", "score", "0.5803", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 examples, 63-province basis; Quảng Nam (pre-merger) 2024; {U_VER}"),
    Entry(2024, P("Quảng Nam"), "dti.2024", "rank", "57", DTI_2024_BAODANANG_MIRROR,
          f"spec dti.md §5 examples, 63-province basis (rank among 63); Quảng Nam (pre-merger) 2024; {U_VER}"),
    # §10 issue 4: Hà Nội's 2023 rank
    Entry(2023, P("Hà Nội"), "dti.2021", "rank", "6", DTI_2023_NGUOIHANOI,
          "spec dti.md §10 issue 4 ('6th in 2023 (other sources)'); Hà Nội 2023, rank among 63; conflicts with 5 "
          "(Hanoi Times: 'rose four ranks from fifth'); url title also says 6th"),
    Entry(2023, P("Hà Nội"), "dti.2021", "rank", "5", DTI_2024_HANOITIMES,
          "spec dti.md §10 issue 4; Hanoi Times on DTI 2024: Hà Nội 'rose four ranks from fifth' (2023 rank 5); "
          "conflicts with 6 (nguoihanoi and others); the spec suggests the 5 may be 2023 recomputed on the 34-unit "
          f"basis; {U_LOC}; {U_VER}"),
    # Ranks stated in the titles of spec-cited pages (dti.md §11)
    Entry(2021, P("Bắc Ninh"), "dti.2021", "rank", "4", DTI_2021_BACNINH,
          f"spec dti.md §11 Sources (pillar membership); Bắc Ninh DTI 2021 'đứng thứ 4 trong cả nước'; {U_TITLE}"),
    Entry(2021, P("Thừa Thiên Huế"), "dti.2021", "rank", "2", DTI_2021_HUE,
          f"spec dti.md §11 Sources (pillar membership); Thừa Thiên Huế DTI 2021 'xếp thứ 2 toàn quốc'; {U_TITLE}"),
    Entry(2022, P("Trà Vinh"), "dti.2021", "rank", "25", DTI_2022_TRAVINH,
          f"spec dti.md §11 Sources (2022 pillars); Trà Vinh DTI 2022 'xếp hạng 25/63'; {U_TITLE}"),
]

# ---------------------------------------------------------------------------------------------
# ICT Index — ict_index.md §5 (component and total table, counter-checks), §9 issue 2 (2018 order)
# Values on 0–1 (4 decimals; the press sometimes gives 2): measure `score`. Ministry rows are out of scope.
# ---------------------------------------------------------------------------------------------
ICT: list[Entry] = [
    # Đà Nẵng 2016 (2-dp inputs)
    Entry(2016, P("Đà Nẵng"), "ict.2016", "score", "0.8321", ICT_2016_VTV,
          "spec ict_index.md §5 table; Đà Nẵng 2016 published total; the located baodanang article prints the total "
          f"as 0.83; {U_TOPIC}"),
    Entry(2016, P("Đà Nẵng"), "ict.2016/technical_infrastructure", "score", "0.84", ICT_2016_BAODANANG,
          f"spec ict_index.md §5 table; Đà Nẵng 2016 HTKT (2-dp input); {U_VER}"),
    Entry(2016, P("Đà Nẵng"), "ict.2016/human_resources", "score", "0.76", ICT_2016_BAODANANG,
          f"spec ict_index.md §5 table; Đà Nẵng 2016 HTNL (2-dp input); {U_VER}"),
    Entry(2016, P("Đà Nẵng"), "ict.2016/it_application", "score", "0.89", ICT_2016_BAODANANG,
          f"spec ict_index.md §5 table; Đà Nẵng 2016 UD (2-dp input); {U_VER}"),
    # 2018 order (§9 issue 2): viettimes vs Tiền Giang's portal
    Entry(2018, P("Đà Nẵng"), "ict.2016", "rank", "1", ICT_2018_VIETTIMES,
          "spec ict_index.md §9 issue 2; Đà Nẵng 1st in 2018 (viettimes; the Tiền Giang portal also lists Đà Nẵng "
          f"first); {U_VER}"),
    Entry(2018, P("TP. Hồ Chí Minh"), "ict.2016", "rank", "2", ICT_2018_VIETTIMES,
          "spec ict_index.md §9 issue 2; HCMC 2nd in 2018 (viettimes); conflicts with the Tiền Giang portal, which "
          f"puts Đà Nẵng, TT-Huế, Quảng Ninh and BR-VT ahead of Tiền Giang (5th); {U_VER}"),
    Entry(2018, P("Hà Nội"), "ict.2016", "rank", "3", ICT_2018_VIETTIMES,
          "spec ict_index.md §9 issue 2; Hà Nội 3rd in 2018 (viettimes); conflicts with the Tiền Giang portal, which "
          f"puts Đà Nẵng, TT-Huế, Quảng Ninh and BR-VT ahead of Tiền Giang (5th); {U_VER}"),
    Entry(2018, P("Tiền Giang"), "ict.2016", "rank", "5", ICT_2018_TIENGIANG,
          "spec ict_index.md §9 issue 2; Tiền Giang 5th of 63 in 2018 'after Đà Nẵng, TT-Huế, Quảng Ninh and BR-VT' "
          f"(Tiền Giang's portal); conflicts with viettimes' order (Đà Nẵng 1, HCMC 2, Hà Nội 3); {U_LOC}; {U_VER}"),
    # Đà Nẵng 2019
    Entry(2019, P("Đà Nẵng"), "ict.2016", "score", "0.8654", ICT_2019_CAND,
          f"spec ict_index.md §5 table; Đà Nẵng 2019 published total; {U_TOPIC}"),
    Entry(2019, P("Đà Nẵng"), "ict.2016/technical_infrastructure", "score", "0.7925", ICT_2019_CAND,
          f"spec ict_index.md §5 table; Đà Nẵng 2019 HTKT; {U_TOPIC}"),
    Entry(2019, P("Đà Nẵng"), "ict.2016/human_resources", "score", "0.9538", ICT_2019_CAND,
          f"spec ict_index.md §5 table; Đà Nẵng 2019 HTNL; {U_TOPIC}"),
    Entry(2019, P("Đà Nẵng"), "ict.2016/it_application", "score", "0.85", ICT_2019_CAND,
          f"spec ict_index.md §5 table; Đà Nẵng 2019 UD (printed with 2 decimals); {U_TOPIC}"),
    Entry(2019, P("Đà Nẵng"), "ict.2016/it_application/online_public_services", "score", "0.7", ICT_2019_CAND,
          "spec ict_index.md §5 counter-checks; Đà Nẵng 2019 online public services (DVCTT), part of UD, not a fourth "
          f"component; {U_TOPIC}"),
    # Quảng Ninh 2022 (2-dp inputs)
    Entry(2022, P("Quảng Ninh"), "ict.2016", "score", "0.6706", ICT_2022_GIAODUC,
          f"spec ict_index.md §5 table; Quảng Ninh 2022 published total; {U_TOPIC}"),
    Entry(2022, P("Quảng Ninh"), "ict.2016/technical_infrastructure", "score", "0.70", ICT_2022_GIAODUC,
          f"spec ict_index.md §5 table; Quảng Ninh 2022 HTKT (2-dp input); {U_TOPIC}"),
    Entry(2022, P("Quảng Ninh"), "ict.2016/human_resources", "score", "0.56", ICT_2022_GIAODUC,
          f"spec ict_index.md §5 table; Quảng Ninh 2022 HTNL (2-dp input); {U_TOPIC}"),
    Entry(2022, P("Quảng Ninh"), "ict.2016/it_application", "score", "0.75", ICT_2022_GIAODUC,
          f"spec ict_index.md §5 table; Quảng Ninh 2022 UD (2-dp input); {U_TOPIC}"),
    Entry(2022, P("Quảng Ninh"), "ict.2016", "rank", "3", ICT_2022_GIAODUC,
          f"spec ict_index.md §10 Sources (no 2021 edition); Quảng Ninh 'xếp hạng 3 ... ICT Index 2022'; {U_TITLE}"),
    # Đà Nẵng 2023
    Entry(2023, P("Đà Nẵng"), "ict.2016", "score", "0.8485", ICT_2023_VIETNAMVN,
          f"spec ict_index.md §5 table; Đà Nẵng 2023 published total; {U_VER}"),
    Entry(2023, P("Đà Nẵng"), "ict.2016/technical_infrastructure", "score", "0.7908", ICT_2023_VIETNAMVN,
          f"spec ict_index.md §5 table; Đà Nẵng 2023 HTKT; {U_VER}"),
    Entry(2023, P("Đà Nẵng"), "ict.2016/human_resources", "score", "0.7892", ICT_2023_VIETNAMVN,
          f"spec ict_index.md §5 table; Đà Nẵng 2023 HTNL; {U_VER}"),
    Entry(2023, P("Đà Nẵng"), "ict.2016/it_application", "score", "0.9655", ICT_2023_VIETNAMVN,
          f"spec ict_index.md §5 table; Đà Nẵng 2023 UD; {U_VER}"),
    Entry(2023, P("Đà Nẵng"), "ict.2016/it_application/internal_use", "score", "1.0", ICT_2023_VIETNAMVN,
          f"spec ict_index.md §5 counter-checks; Đà Nẵng 2023 internal IT use in state agencies; {U_VER} (printed there as 1)"),
    Entry(2023, P("Đà Nẵng"), "ict.2016/it_application/online_public_services", "score", "0.9474", ICT_2023_VIETNAMVN,
          f"spec ict_index.md §5 counter-checks; Đà Nẵng 2023 online public services (DVCTT); {U_VER}"),
]

# ---------------------------------------------------------------------------------------------
# PGI — pci.md B3 and data/raw/pgi_2022_2024_published_scores.csv (+ Trà Vinh rows of
# data/raw/tra_vinh_pci_pgi_papi.csv). The spec labels these values OFFICIAL (VCCI's); the sources are
# press and provincial pages, hence provenance `press`. Total = sum of 4 sub-indices: measure `score`.
# ---------------------------------------------------------------------------------------------
_PGI_RAW = "raw/pgi_2022_2024_published_scores.csv"
PGI: list[Entry] = [
    Entry(2022, P("Trà Vinh"), "pgi.2022", "score", "17.67", PGI_2022_TRAVINH,
          f"spec pci.md B3 (2022: Trà Vinh 17.67, 1st; 'highest PGI nationwide'); also in {_PGI_RAW} and "
          "raw/tra_vinh_pci_pgi_papi.csv (pgi_total)"),
    Entry(2022, P("Trà Vinh"), "pgi.2022", "rank", "1", PGI_2022_TRAVINH,
          f"spec pci.md B3; Trà Vinh 2022; also in {_PGI_RAW} and raw/tra_vinh_pci_pgi_papi.csv (pgi_rank)"),
    Entry(2023, P("Quảng Ninh"), "pgi.2022", "score", "26.00", PGI_2023_NKS,
          f"spec pci.md B2-B3 (printed 26.00); {_PGI_RAW} prints 26; data year 2023 (the infographic's URL says 2024, "
          "its publication year); the jump from 17.67 (2022) suggests a scale change, see pci.md B2"),
    Entry(2023, P("Quảng Ninh"), "pgi.2022", "rank", "1", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2023, P("Đà Nẵng"), "pgi.2022", "score", "25.66", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2023, P("Đà Nẵng"), "pgi.2022", "rank", "2", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2023, P("Đồng Nai"), "pgi.2022", "score", "24.71", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2023, P("Đồng Nai"), "pgi.2022", "rank", "3", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2023, P("Hưng Yên"), "pgi.2022", "score", "24.59", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2023, P("Hưng Yên"), "pgi.2022", "rank", "4", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2023, P("TP. Hồ Chí Minh"), "pgi.2022", "score", "24.2", PGI_2023_NKS,
          f"spec pci.md B3 (printed with one decimal, 24.2); {_PGI_RAW}"),
    Entry(2023, P("TP. Hồ Chí Minh"), "pgi.2022", "rank", "5", PGI_2023_NKS, f"spec pci.md B3; {_PGI_RAW}"),
    Entry(2024, P("Hải Phòng"), "pgi.2022", "rank", "1", PGI_2024_VIETNAMVN,
          f"spec pci.md B3 (2024 top 5, ranks without scores); {_PGI_RAW}"),
    Entry(2024, P("Vĩnh Long"), "pgi.2022", "rank", "2", PGI_2024_VIETNAMVN,
          f"spec pci.md B3 (2024 top 5, ranks without scores); pre-merger province Vĩnh Long; {_PGI_RAW}"),
    Entry(2024, P("Hà Nam"), "pgi.2022", "rank", "3", PGI_2024_VIETNAMVN,
          f"spec pci.md B3 (2024 top 5, ranks without scores); {_PGI_RAW}"),
    Entry(2024, P("Bắc Ninh"), "pgi.2022", "rank", "4", PGI_2024_VIETNAMVN,
          f"spec pci.md B3 (2024 top 5, ranks without scores); pre-merger province Bắc Ninh; {_PGI_RAW}"),
    Entry(2024, P("Bình Dương"), "pgi.2022", "rank", "5", PGI_2024_VIETNAMVN,
          f"spec pci.md B3 (2024 top 5, ranks without scores); {_PGI_RAW}"),
    Entry(2024, P("Hải Dương"), "pgi.2022", "score", "26.34", PGI_2024_VIETNAMVN,
          f"spec pci.md B3 (Hải Dương 26.34, 13th); {_PGI_RAW}"),
    Entry(2024, P("Hải Dương"), "pgi.2022", "rank", "13", PGI_2024_VIETNAMVN,
          f"spec pci.md B3 (Hải Dương 26.34, 13th); {_PGI_RAW}"),
]

# fmt: on

DATASETS: dict[str, list[Entry]] = {"par": PAR, "sipas": SIPAS, "dti": DTI, "ict": ICT, "pgi": PGI}


# =============================================================================================
# Build and checks
# =============================================================================================


def to_row(index: str, e: Entry, geo: Geography) -> dict[str, str]:
    where = f"{index} {e.year} {e.node} {e.geo} {e.measure}"
    if not e.node.startswith(index + "."):
        fail(f"{where}: node of another index")
    if e.node not in NODES:
        fail(f"{where}: node {e.node!r} is not defined in the spec")
    ed = edition_of(e.node)
    governing = [code for code, years in EDITIONS[index] if e.year in years]
    if governing != [ed]:
        fail(f"{where}: edition {ed} does not govern data year {e.year} (in force: {governing})")
    if e.measure not in MEASURES:
        fail(f"{where}: bad measure {e.measure!r}")
    if e.provenance not in PROVENANCES:
        fail(f"{where}: bad provenance {e.provenance!r}")
    if not re.fullmatch(r"-?\d+(\.\d+)?", e.value):
        fail(f"{where}: value {e.value!r} is not a plain number")
    if e.measure == "rank" and not re.fullmatch(r"[1-9]\d*", e.value):
        fail(f"{where}: rank {e.value!r} is not a positive integer")
    if not e.source_url.startswith(("http://", "https://")):
        fail(f"{where}: source_url {e.source_url!r} is not a URL")
    if not e.note.strip():
        fail(f"{where}: empty note")
    kind, name = e.geo
    if kind == "province":
        code = geo.province(name, where)
        if code == "28":
            fail(f"{where}: Hà Tây has no values in these indices")
    elif kind == "unit_2025":
        code = geo.unit(name, where)
        if not (index == "dti" and e.year >= 2024):
            fail(f"{where}: 2025 units only for DTI 2024+")
    elif kind == "national":
        code = "VN"
        if e.label not in LABELS_NATIONAL:
            fail(f"{where}: national rows need a label in {sorted(LABELS_NATIONAL)}")
    else:
        fail(f"{where}: bad geography kind {kind!r}")
    if kind != "national":
        if e.measure == "group":
            if not e.label:
                fail(f"{where}: group row without label")
        elif e.label:
            fail(f"{where}: label on a non-group provincial row")
    # bounds per scale
    v = Decimal(e.value)
    if e.measure == "pct" and not (0 <= v <= 100):
        fail(f"{where}: pct out of 0–100")
    if index in ("dti", "ict") and e.measure == "score" and not (0 <= v <= 1):
        fail(f"{where}: {index} score out of 0–1")
    if e.measure == "rank":
        n = 34 if kind == "unit_2025" else 63
        if v > n:
            fail(f"{where}: rank {v} > {n}")
    return {
        "year": str(e.year),
        "province_code": code,
        "unit": kind if kind != "national" else "national",
        "node": e.node,
        "measure": e.measure,
        "value": e.value,
        "label": e.label,
        "provenance": e.provenance,
        "source_url": e.source_url,
        "note": e.note,
        "primary": "true",
    }


#: The value scoring uses where published values conflict (issue 9 §6: the data of every index must score out of
#: the box, by a documented default, with the alternatives kept). The default is the primary publisher's figure,
#: or the outlet closest to it; the reason is written into SOURCES_other_indices.md. Key: (index, year, node,
#: province_code, measure, label) as in check_duplicates.
PRIMARY: dict[tuple[str, str, str, str, str, str], tuple[str, str]] = {
    ("par", "2023", "par.2022", "31", "pct", ""): (
        "91.87",
        "VNA and the Government portal (VGP) report MOHA's figure; Hải Phòng's 2024 value 96.17 at +4.30 points "
        "also implies 91.87 (par_index.md §12 issue 1)",
    ),
    ("dti", "2022", "dti.2021", "VN", "score", "average"): (
        "0.5786",
        "the value the specification prefers: consistent with the published +17.2% for 2023 (dti.md §10 issue 1)",
    ),
    ("dti", "2023", "dti.2021", "01", "rank", ""): (
        "6",
        "the rank among the 63 provinces reported by several outlets; the 5 may be 2023 recomputed on the 34-unit "
        "basis (dti.md §10 issue 4)",
    ),
}


def check_duplicates(index: str, rows: list[dict[str, str]]) -> list[tuple]:
    """Same cell twice: allowed only as a declared conflict (different values, both notes say so), with its primary
    value declared in PRIMARY; every row gets ``primary`` = true, except the alternatives of a conflict."""
    cells: dict[tuple, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        cells[(r["year"], r["node"], r["province_code"], r["measure"], r["label"])].append(r)
    conflicts = []
    for key, rs in sorted(cells.items()):
        if len(rs) == 1:
            continue
        values = [Decimal(r["value"]) for r in rs]
        if len(set(values)) != len(values):
            fail(f"{index}: duplicate value for cell {key}: {[r['value'] for r in rs]}")
        for r in rs:
            if CONFLICT_MARK not in r["note"]:
                fail(f"{index}: cell {key} has several values but a note lacks '{CONFLICT_MARK}': {r['note']!r}")
        chosen = PRIMARY.get((index, *key))
        if chosen is None or chosen[0] not in [r["value"] for r in rs]:
            fail(f"{index}: cell {key} has conflicting values {[r['value'] for r in rs]} and no primary in PRIMARY")
        for r in rs:
            r["primary"] = "true" if r["value"] == chosen[0] else "false"
        conflicts.append((index, key, [r["value"] for r in rs]))
    for key in PRIMARY:
        if key[0] == index and key[1:] not in cells:
            fail(f"{index}: PRIMARY names cell {key[1:]}, which has no rows")
    return conflicts


def check_raw_pgi(geo: Geography, rows: list[dict[str, str]]) -> None:
    """Every PGI value in the two raw files is transcribed, with the same number and source URL."""
    have = {(r["year"], r["province_code"], r["measure"]): r for r in rows}

    def expect(year: str, code: str, measure: str, value: str, url: str, where: str) -> None:
        r = have.get((year, code, measure))
        if r is None:
            fail(f"{where}: raw PGI value not transcribed: {year} {code} {measure} {value}")
        if Decimal(r["value"]) != Decimal(value):
            fail(f"{where}: raw {value} != transcribed {r['value']} ({year} {code} {measure})")
        if r["source_url"] != url:
            fail(f"{where}: raw source {url} != transcribed {r['source_url']}")

    n = 0
    with (RAW / "pgi_2022_2024_published_scores.csv").open(encoding="utf-8", newline="") as f:
        for i, rr in enumerate(csv.DictReader(f), start=2):
            where = f"pgi_2022_2024_published_scores.csv line {i}"
            code = geo.province(rr["province"], where)
            if rr["pgi"].strip():
                expect(rr["year"], code, "score", rr["pgi"], rr["source_url"], where)
                n += 1
            if rr["rank"].strip():
                expect(rr["year"], code, "rank", rr["rank"], rr["source_url"], where)
                n += 1
    with (RAW / "tra_vinh_pci_pgi_papi.csv").open(encoding="utf-8", newline="") as f:
        for i, rr in enumerate(csv.DictReader(f), start=2):
            if rr["index"] != "PGI":
                continue
            where = f"tra_vinh_pci_pgi_papi.csv line {i}"
            measure = {"pgi_total": "score", "pgi_rank": "rank"}.get(rr["measure"])
            if measure is None:
                fail(f"{where}: unexpected PGI measure {rr['measure']!r}")
            expect(rr["year"], "84", measure, rr["value"], rr["source"], where)
            n += 1
    if sum(1 for r in rows) != len(have):
        fail("pgi: duplicate (year, province, measure) cells")
    log(f"  raw PGI cross-check: {n} raw values all transcribed")


def cross_checks(rows_by_index: dict[str, list[dict[str, str]]]) -> list[str]:
    """Arithmetic checks on published parts and wholes (reported; mismatches are reported, not fixed)."""
    out: list[str] = []

    def val(index: str, year: int, code: str, node: str, measure: str = "score") -> Decimal | None:
        hits = [
            r
            for r in rows_by_index[index]
            if r["year"] == str(year) and r["province_code"] == code and r["node"] == node and r["measure"] == measure
        ]
        return Decimal(hits[0]["value"]) if len(hits) == 1 else None

    # ICT 2016+: total = MEAN of the three components (ict_index.md §5), README §1.5 tolerance.
    for year, code in [(2016, "48"), (2019, "48"), (2022, "22"), (2023, "48")]:
        comps = [
            val("ict", year, code, f"ict.2016/{c}")
            for c in ("technical_infrastructure", "human_resources", "it_application")
        ]
        total = val("ict", year, code, "ict.2016")
        if None in comps or total is None:
            fail(f"ict cross-check {year} {code}: missing part")
        # README §1.5 rule 3: 0.5·10^-d_out + Σ_c |∂v/∂v_c| · 0.5·10^-d_c, with ∂v/∂v_c = 1/3
        d_out = -total.as_tuple().exponent
        tol = Decimal("0.5") * Decimal(10) ** -d_out + sum(
            Decimal("0.5") * Decimal(10) ** c.as_tuple().exponent / 3 for c in comps
        )
        mean = sum(comps) / 3
        ok = abs(mean - total) <= tol
        out.append(
            f"ICT {year} {code}: mean of components {mean:.5f} vs total {total} "
            f"(tolerance {tol:.5f}) -> {'ok' if ok else 'MISMATCH'}"
        )
        if not ok:
            fail(out[-1])
    # DTI 2024: merged unit = MEMBER_MEAN of members (dti.md §5); Đà Nẵng unit = mean(48, 49).
    unit = val("dti", 2024, "N48", "dti.2024")
    members = [val("dti", 2024, c, "dti.2024") for c in ("48", "49")]
    if unit is None or None in members:
        fail("dti cross-check: missing Đà Nẵng unit or members")
    mean = sum(members) / 2
    ok = abs(mean - unit) <= Decimal("0.00005") + Decimal("0.00005")
    out.append(
        f"DTI 2024 N48 (Đà Nẵng unit): mean of 48 and 49 = {mean} vs published {unit} -> {'ok' if ok else 'MISMATCH'}"
    )
    if not ok:
        fail(out[-1])
    # Observations that are not rules (the spec's DERIVED counter-checks), reported only.
    el = [val("sipas", 2023, "VN", f"sipas.2023/satisfaction/services/{e}", "pct") for e in _SIPAS_ELEMENTS]
    out.append(
        f"SIPAS 2023 national: mean of the 5 elements {sum(el) / 5:.3f} vs overall "
        f"{val('sipas', 2023, 'VN', 'sipas.2023', 'pct')} (OPAQUE; not expected to match)"
    )
    ud = [val("ict", 2023, "48", f"ict.2016/it_application/{s}") for s in ("internal_use", "online_public_services")]
    out.append(
        f"ICT 2023 48: mean of UD's two sub-parts {sum(ud) / 2:.4f} vs UD "
        f"{val('ict', 2023, '48', 'ict.2016/it_application')} (OPAQUE; not expected to match)"
    )
    return out


def sort_key(r: dict[str, str]) -> tuple:
    return (
        int(r["year"]),
        r["node"],
        r["province_code"],
        r["measure"],
        r["label"],
        Decimal(r["value"]),
        r["source_url"],
    )


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    path.write_text(buf.getvalue(), encoding="utf-8")


# =============================================================================================
# SOURCES_other_indices.md
# =============================================================================================

PUBLISHERS = {
    "par": "Ministry of Home Affairs (Bộ Nội vụ, MOHA), for the Government's Steering Committee for Administrative Reform",
    "sipas": "Ministry of Home Affairs (MOHA), with the Vietnam Fatherland Front and the Veterans Association (2024 also Vietnam Post)",
    "dti": "Ministry of Information and Communications (MIC) for data years 2020–2023; Ministry of Science and Technology (MoST) for 2024",
    "ict": "Vietnam Association for Information Processing (VAIP) with the Ministry of Information and Communications (MIC)",
    "pgi": "VCCI (Vietnam Chamber of Commerce and Industry) with USAID",
}
TITLES = {
    "par": "PAR INDEX (Chỉ số cải cách hành chính)",
    "sipas": "SIPAS (Chỉ số hài lòng về sự phục vụ hành chính)",
    "dti": "DTI, provincial Digital Transformation Index (Chỉ số đánh giá chuyển đổi số cấp tỉnh)",
    "ict": "Vietnam ICT Index (Chỉ số sẵn sàng cho phát triển và ứng dụng CNTT-TT)",
    "pgi": "PGI, Provincial Green Index (Chỉ số Xanh cấp tỉnh)",
}
SPEC = {"par": "par_index.md", "sipas": "sipas.md", "dti": "dti.md", "ict": "ict_index.md", "pgi": "pci.md Part B"}

WHAT = {
    "par": [
        "National rows (`VN`, label `average`): the published provincial averages of par_index.md §9 for 2013, "
        "2016, 2018, 2019, 2021, 2023 and 2024, plus the spec's DERIVED 2022 average (86.98 − 2.19 = 84.79, "
        "provenance `derived`).",
        "Province rows: the 2023 and 2024 totals of par_index.md §12 (Hải Phòng 2023 twice, 2024; An Giang 2023 "
        "value and bottom rank).",
        "Totals are published as % (equal to points out of 100), so the measure is `pct`. Node = the edition in "
        "force for the data year (par_index.md §2): 2013 → `par.2012`, 2016 → `par.2016`, 2018 → `par.2018`, "
        "2019 → `par.2019`, 2021 → `par.2020`, 2022–2023 → `par.2022`, 2024 → `par.2024`.",
        "No area or block values: the spec withholds them (the 2020 top-10 blocks and the one 2023 provincial "
        "report are described but not quoted).",
    ],
    "sipas": [
        "National rows: the national averages of sipas.md §5 (2017–2020, 2022–2024; 2021 was not found), the five "
        "2023 element figures and the two 2024 content figures of sipas.md §4 (label `national`), and the provincial "
        "minima/maxima of the §5 'Provincial range' row (labels `provincial_min` / `provincial_max`).",
        "Province rows: the 2023 range 75.03–90.61, attributed to Bắc Kạn (minimum, bottom) and Quảng Ninh "
        "(maximum, top) by the spec-cited 2023 release.",
        "2023 elements are coded `sipas.2023/satisfaction/services/<element>` (sipas.md §3.3). The 2017 average is "
        "published only as '81' and is written so.",
    ],
    "dti": [
        "National rows: provincial averages 2020–2024 (dti.md §7; two conflicting 2022 values), the 2024 national "
        "DTI (label `national`) and the 2024 pillar averages (dti.md §5).",
        "2024 on two geographies (dti.md §5): six 2025 units with value and rank among 34 and Cao Bằng last "
        "(`unit_2025`, id `N` + seat GSO code), and three pre-merger provinces with rank among 63 (TP. Hồ Chí Minh "
        "1st; Đà Nẵng and Quảng Nam with values, whose mean is the published Đà Nẵng unit value).",
        "Ranks: Hà Nội 2023 (two conflicting published ranks, dti.md §10 issue 4) and three ranks stated in the "
        "titles of spec-cited pages (Bắc Ninh 2021, Thừa Thiên Huế 2021, Trà Vinh 2022).",
        "No main-indicator or pillar values per province: the spec withholds the five fully published 2022 rows "
        "and the 2020 pillar values.",
    ],
    "ict": [
        "Province rows: the total and the three components for Đà Nẵng 2016, 2019, 2023 and Quảng Ninh 2022 "
        "(ict_index.md §5), the UD sub-parts quoted in the counter-checks (Đà Nẵng 2019 online public services; "
        "Đà Nẵng 2023 internal use and online public services), the 2018 ranks of §9 issue 2, and Quảng Ninh's 2022 "
        "rank from a spec-cited page title.",
        "Ministry rows of §5 (Ministry of Natural Resources and Environment, Vietnam Academy of Science and "
        "Technology, Ministry of Culture, Sports and Tourism) are out of scope (provincial block only) and not "
        "written.",
    ],
    "pgi": [
        "Province rows: every PGI total and rank in pci.md B3, which are also the rows of "
        "`../shared/data/raw/pgi_2022_2024_published_scores.csv` and the PGI rows of "
        "`../shared/data/raw/tra_vinh_pci_pgi_papi.csv` (Trà Vinh 2022: 17.67, 1st). The build checks that every "
        "raw value is transcribed with the same number and URL.",
        "No sub-index values were found (pci.md B3). Quảng Ninh 2023 is written as the spec prints it (26.00); the "
        "raw file has 26.",
    ],
}

ISSUES = {
    "par": [
        "Hải Phòng 2023: 91.87 (VNA, VGP) vs 91.81 (doanhnghiephoinhap). Both rows are kept, each noted "
        "'conflicts with'. Hải Phòng's 2024 value 96.17 with +4.30 points implies 91.87.",
        "Bottom province of 2023: An Giang 81.32 (VNA) vs 'Bình Thuận and Sóc Trăng' (en.baochinhphu.vn, no values). "
        "An Giang's value and rank 63 are kept with that note; no rank is invented for the other two.",
        "One provincial 2023 report prints four block values whose sum is 1.00 point higher than its printed total, "
        "and its 2024 '+1.42' implies yet another 2023 value (par_index.md §12 issue 3). The values are withheld by "
        "the spec and are not in this file.",
        "The 2023 regional averages quoted in a 2024 article differ from the 2023 release for three regions "
        "(§12 issue 4; values not quoted, regions are not units of this file).",
        "The 2022 average (84.79) is not a published figure: the spec DERIVES it as 86.98 − 2.19.",
    ],
    "sipas": [
        "The 2023 overall (82.66) is not the mean of the five element figures (82.888), and the 2024 overall (83.94) "
        "is not the mean of policy and services (83.965) (sipas.md §4, DERIVED). SIPAS aggregation is OPAQUE: the "
        "rows are inputs, not a sum.",
        "The 2017 national average is published only as '81%'. The 2021 national average was not found.",
        "Data years 2021→2022 and 2022→2023 straddle design breaks (sipas.md §5): deltas are cross-edition.",
    ],
    "dti": [
        "Provincial average 2022: 0.5786 (attributed by the spec to baodanang) vs 0.5763 ('a mirror of another "
        "article'). Both rows are kept. The spec prefers 0.5786 because 0.6783/0.5786 = 1.172 matches the published "
        "+17.2%. Note: the baodanang English page located for the 2023 average prints 0.5763 as the 2022 value, so "
        "the spec's attribution may be swapped.",
        "Hà Nội 2023 rank: 6 (nguoihanoi and other sources) vs 5 (Hanoi Times: 'rose four ranks from fifth'). The 5 "
        "may be 2023 recomputed on the 34-unit basis. Both rows are kept (province rows).",
        "Whether the 2024 provincial average 0.6961 is over the 63 provinces or the 34 units is UNKNOWN.",
        "2024 structure: 8 vs 7 main indicators (dti.md §10 issue 3; no values involved).",
        "One 2023 article's pillar changes since 2020 contradict the 2020 pillar values (§10 issue 2; values not "
        "quoted).",
    ],
    "ict": [
        "2018 order: Đà Nẵng 1, HCMC 2, Hà Nội 3 (viettimes) vs the Tiền Giang portal ('5th after Đà Nẵng, TT-Huế, "
        "Quảng Ninh and BR-VT'). All four published ranks are kept; the rows of HCMC, Hà Nội and Tiền Giang say "
        "'conflicts with'. No rank is invented for TT-Huế, Quảng Ninh or BR-VT.",
        "Đà Nẵng 2016 and Quảng Ninh 2022 components are printed with 2 decimals; their means (0.830, 0.670) match "
        "the 4-decimal totals (0.8321, 0.6706) only within the 2-decimal tolerance. The located baodanang article "
        "prints Đà Nẵng's 2016 total as 0.83.",
        "IT application is not the mean of its two sub-parts (Đà Nẵng 2023: 1.0 and 0.9474 average 0.9737, UD "
        "0.9655); its aggregation is OPAQUE.",
        "A 2023 release lists a province at 0.664 in 4th place after one at 0.6514 in 3rd (§9 issue 3; provinces not "
        "named, not in this file). The Ministry of Culture, Sports and Tourism 2022 row does not average to its total "
        "(out of scope).",
    ],
    "pgi": [
        "The top score jumps from 17.67 (2022) to 26.00 (2023): probably a scale or indicator change from 2023, not "
        "confirmed (pci.md B2). Compare 2022 with later years as cross-edition-suspect.",
        "2024: five ranks without scores (Hải Phòng, Vĩnh Long, Hà Nam, Bắc Ninh, Bình Dương).",
    ],
}

NOT_TRANSCRIBED = [
    "Values the spec describes but withholds: DTI 2022 main indicators of the top 5 and pillars of one province "
    "(dti.md §4.3), DTI 2020 pillar values of 10 provinces (§3), PAR 2020 blocks of the top 10 and a 2023 "
    "provincial block report (par_index.md §6, §12), DTI 2022 full rank list (§8).",
    "Numbers without a province: PAR 2019 'one province at 80.05 reported in group B'; SIPAS 2023 per-province "
    "change '+4.21 pp and +5 ranks'; ICT 2023 '0.664 in 4th after 0.6514 in 3rd'; DTI 2022 'two provinces sharing "
    "15th place'; PAR and SIPAS counts of provinces per group or that rose/fell.",
    "Deltas (they have no measure in this scheme) are kept in the notes of the level rows they accompany.",
    "Ranks that a spec-cited page title suggests but whose data year the title does not state (e.g. Lạng Sơn 16th "
    "and Bến Tre 31st in DTI, Hà Nội 3rd in PAR, Đà Nẵng first in the ICT Index, Lâm Đồng first on ICT technical "
    "infrastructure).",
    "Ministry-level rows (PAR, ICT): out of scope.",
]


def sources_md(rows_by_index: dict[str, list[dict[str, str]]], checks: list[str], conflicts: list[tuple]) -> str:
    L: list[str] = []
    a = L.append
    a("# Sources of the published-value datasets for PAR INDEX, SIPAS, DTI, the ICT Index and PGI")
    a("")
    a("`par.csv`, `sipas.csv`, `dti.csv`, `ict.csv`, `pgi.csv` and this file are generated by")
    a("`scripts/build_published_values.py`. Do not edit them by hand: change the literal tables in the script and")
    a("run it again from the repository root:")
    a("")
    a("    /work/venv/bin/python scripts/build_published_values.py   (standard library only)")
    a("")
    a("The values were transcribed by hand, one entry per published number, from the specification files in")
    a("`../shared/methodology/` (`par_index.md`, `sipas.md`, `dti.md`, `ict_index.md`, `pci.md` Part B) and from")
    a("`../shared/data/raw/pgi_2022_2024_published_scores.csv` and the PGI rows of")
    a("`../shared/data/raw/tra_vinh_pci_pgi_papi.csv`. Each row carries the spec section it comes from in `note`.")
    a("They are scattered published figures (top and bottom provinces, a few named provinces, national averages),")
    a("not full 63-province tables; use them as fixtures and for display, not as a complete dataset.")
    a("")
    a("**The data belong to the publishers**: MOHA for PAR INDEX and SIPAS; MIC (2020–2023) and MoST (2024) for DTI;")
    a("VAIP and MIC for the ICT Index; VCCI with USAID for PGI. They are facts quoted from the publishers' releases,")
    a("mostly as reported by the press; cite the publisher and the row's `source_url`.")
    a("")
    a("## Columns")
    a("")
    a("`year,province_code,unit,node,measure,value,label,provenance,source_url,note`")
    a("")
    a("| Column | Meaning |")
    a("|---|---|")
    a("| `year` | data year (not publication year; methodology README §1.1) |")
    a(
        "| `province_code` | 2-digit GSO code of one of the 63 provinces; `N` + the GSO code of the seat province for a 2025 unit (e.g. `N48` Đà Nẵng, `N46` Huế); `VN` for national figures |"
    )
    a("| `unit` | `province`, `unit_2025` or `national` |")
    a(
        "| `node` | full node code (methodology README §1.2): index, the edition in force for the data year, optional view and path, e.g. `dti.2024:pillars/digital_government`, `ict.2016/human_resources` |"
    )
    a(
        "| `measure` | `score`, `points`, `ratio`, `pct`, `rank` or `group`, as published (PAR and SIPAS totals: `pct`; DTI, ICT, PGI values: `score`) |"
    )
    a(
        "| `value` | the number text exactly as the spec prints it (printed decimals kept: `0.70`, `26.00`, `24.2`, `81`) |"
    )
    a(
        "| `label` | group label on group rows (none yet); on `VN` rows which national figure: `average`, `national`, `provincial_min`, `provincial_max` |"
    )
    a("| `provenance` | see below |")
    a("| `source_url` | one URL per row |")
    a("| `note` | spec file and section, province and year, conflicts, and how the URL relates to the number |")
    a("| `primary` | `true` for the value scoring uses; `false` for the alternatives of a conflicting cell (below) |")
    a("")
    a("Ranks are within the row's geography: 1–63 for `province` rows, 1–34 for `unit_2025` rows.")
    a("Rows are sorted by year, node, province_code, measure.")
    a("")
    a("## Provenance values")
    a("")
    a("| `provenance` | Meaning |")
    a("|---|---|")
    a(
        "| `official` | the publisher's own page, report or decision (here only MOHA's SIPAS 2018 report, via a document-sharing copy) |"
    )
    a(
        "| `press` | a newspaper, news agency or provincial/district government page quoting the publisher. The spec labels most of these figures OFFICIAL (the publisher's numbers); `press` records the kind of page they were read from |"
    )
    a("| `derived` | the spec marks the figure DERIVED (computed by the spec's authors): only the PAR 2022 average |")
    a("")
    a("Notes on the URL of each row:")
    a("")
    a(f'- "{U_VER}": the page (in a stored copy) was checked to print the number.')
    a(f'- "{U_TOPIC}".')
    a(f'- "{U_LOC}": the spec names the outlet (e.g. Hanoi Times, doanhnghiephoinhap, Tiền Giang\'s portal) but')
    a("  gives no URL, or gives none for the figure.")
    a(f'- "{U_TITLE}".')
    a("")
    for index in DATASETS:
        rows = rows_by_index[index]
        a(f"## `{index}.csv` — {TITLES[index]}")
        a("")
        a(
            f"Publisher: {PUBLISHERS[index]}. Spec: `../shared/methodology/{SPEC[index].split(' ')[0]}`"
            + (" Part B" if index == "pgi" else "")
            + f". {len(rows)} rows."
        )
        a("")
        for w in WHAT[index]:
            a(f"- {w}")
        a("")
        years = sorted({int(r["year"]) for r in rows})
        measures = sorted({r["measure"] for r in rows})
        cnt = Counter((int(r["year"]), r["measure"]) for r in rows)
        units = Counter((int(r["year"]), r["unit"]) for r in rows)
        a("| Year | " + " | ".join(measures) + " | province | unit_2025 | national | total |")
        a("|---|" + "---|" * (len(measures) + 4))
        for y in years:
            a(
                f"| {y} | "
                + " | ".join(str(cnt.get((y, m), 0)) for m in measures)
                + f" | {units.get((y, 'province'), 0)} | {units.get((y, 'unit_2025'), 0)} | "
                f"{units.get((y, 'national'), 0)} | {sum(cnt.get((y, m), 0) for m in measures)} |"
            )
        a("")
        prov = Counter(r["provenance"] for r in rows)
        a("Provenance: " + ", ".join(f"`{k}` {prov[k]}" for k in sorted(prov)) + ".")
        a("")
        a("Known inconsistencies (kept, not reconciled):")
        a("")
        for s in ISSUES[index]:
            a(f"- {s}")
        a("")
        a("Sources (URLs used in this file):")
        a("")
        for u in sorted({r["source_url"] for r in rows}):
            a(f"- {u}")
        a("")
    a("## Cells with conflicting published values")
    a("")
    a("Every row is kept. `chiso.score` uses the `primary` value of each cell, the documented default: the")
    a("publisher's figure or the outlet closest to it, for the reason given. To score an alternative, filter the")
    a("rows you want and drop the `primary` column.")
    a("")
    a("| File | Year | Node | Code | Measure | Values | Primary | Why |")
    a("|---|---|---|---|---|---|---|---|")
    for index, key, values in conflicts:
        year, node, code, measure, _label = key
        value, why = PRIMARY[(index, *key)]
        a(f"| `{index}.csv` | {year} | `{node}` | {code} | {measure} | {' vs '.join(values)} | {value} | {why} |")
    a("")
    a("The ICT 2018 ranks (viettimes vs the Tiền Giang portal) conflict across provinces rather than within one")
    a("cell; their notes say so.")
    a("")
    a("## Arithmetic checks run by the build")
    a("")
    for c in checks:
        a(f"- {c}")
    a("")
    a("## Not transcribed")
    a("")
    for s in NOT_TRANSCRIBED:
        a(f"- {s}")
    a("")
    return "\n".join(L)


def main() -> int:
    try:
        geo = Geography()
        rows_by_index: dict[str, list[dict[str, str]]] = {}
        conflicts: list[tuple] = []
        for index, entries in DATASETS.items():
            rows = sorted((to_row(index, e, geo) for e in entries), key=sort_key)
            conflicts += check_duplicates(index, rows)
            rows_by_index[index] = rows
        check_raw_pgi(geo, rows_by_index["pgi"])
        checks = cross_checks(rows_by_index)
        for index, rows in rows_by_index.items():
            write_csv(OUT / f"{index}.csv", rows)
            log(f"  data/{index}.csv: {len(rows)} rows")
        (OUT / "SOURCES_other_indices.md").write_text(sources_md(rows_by_index, checks, conflicts), encoding="utf-8")
        log("  data/SOURCES_other_indices.md written")
        for c in checks:
            log(f"  check: {c}")
        for index, key, values in conflicts:
            log(f"  conflict kept: {index} {key} {values}")
    except BuildError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
