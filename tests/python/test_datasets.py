"""The bundled datasets (chiso.datasets): shape, types, keys, provenance, and agreement with the raw sources.

Spec: shared/data/README.md §1 (summary), §2.1 (PAPI panel), §2.4–2.6 (PCI workbooks, composites, 2020 ranking),
§4 (what to embed: never zero-fill, keep a provenance field); pci.md A6 (tiers).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import chiso
import polars as pl
import pytest

SCHEMA = {
    "province_code": pl.String,
    "province": pl.String,
    "year": pl.Int64,
    "edition": pl.String,
    "node": pl.String,
    "code": pl.String,
    "measure": pl.String,
    "value": pl.Float64,
    "label": pl.String,
    "provenance": pl.String,
    "source": pl.String,
    "unit": pl.String,
    "note": pl.String,
    "primary": pl.Boolean,
}
#: pci.md A6: VCCI's six tiers, best first.
TIERS = {1: "Rất tốt", 2: "Tốt", 3: "Khá", 4: "Trung bình", 5: "Tương đối thấp", 6: "Thấp"}


@pytest.fixture(scope="module")
def registry() -> pl.DataFrame:
    return chiso.provinces()


@pytest.mark.parametrize("name", ["pci", "papi"])
def test_schema(name: str) -> None:
    df = getattr(chiso.datasets, name)()
    assert dict(df.schema) == SCHEMA
    assert df.null_count().select(pl.exclude("label", "note")).sum_horizontal().item() == 0


def test_row_counts(pci_data: pl.DataFrame, papi_data: pl.DataFrame) -> None:
    """data/README.md §2.1: the PAPI panel has 21,891 sub-dimension rows."""
    assert papi_data.height == 21_891
    # 14,982 from VCCI's workbooks, the composite panel and the 2020 ranking; 48 scattered published 2022–2024
    # composites and ranks (issue 9 §2: the latest values the shared data holds); 203 from VCCI's province pages
    # 2017–2022 (19 province-years × 10 sub-indices, 13 ranks).
    assert pci_data.height == 14_982 + 48 + 203


@pytest.mark.parametrize("name", ["pci", "papi"])
def test_keys(name: str, registry: pl.DataFrame) -> None:
    """Every row has a known GSO code whose registry name is the row's name, and the edition in force that year."""
    df = getattr(chiso.datasets, name)()
    names = dict(zip(registry["code"], registry["name_vi"], strict=True))
    pairs = df.select("province_code", "province").unique()
    assert set(pairs["province_code"]) <= set(names)
    for code, province in pairs.iter_rows():
        assert names[code] == province
    for year, edition in df.select("year", "edition").unique().iter_rows():
        assert chiso.methodology(name, year=year).code == edition
    # One vocabulary (issue 9 §6): `node` is the path below the edition root, `code` the full code.
    assert (df["code"].str.starts_with(df["edition"])).all()
    full = df.select(
        pl.when(pl.col("node") == "").then(pl.col("edition")).otherwise(pl.col("edition") + "/" + pl.col("node"))
    ).to_series()
    assert (df["code"] == full).all()


@pytest.mark.parametrize("name", ["pci", "papi"])
def test_provenance_values(name: str) -> None:
    """data/README.md §4: a provenance field on every value (official / third-party transcription)."""
    df = getattr(chiso.datasets, name)()
    assert set(df["provenance"].unique()) <= {"official", "official_transcribed", "press"}
    # Press figures carry their page's URL (PCI 2022–2024 from pci_2022_2024_published_scores.csv).
    assert df.filter(provenance="press")["source"].str.starts_with("http").all()
    assert df["source"].null_count() == 0 and (df["source"].str.len_chars() > 0).all()


def test_papi_provenance_and_level(papi_data: pl.DataFrame) -> None:
    """data/README.md §2.1: published sub-dimension scores via a verified third-party panel."""
    assert papi_data["provenance"].unique().to_list() == ["official_transcribed"]
    assert papi_data["measure"].unique().to_list() == ["score"]
    assert (papi_data["code"].str.count_matches("/") == 2).all(), "sub-dimension level only"


def test_papi_no_zero_filled_provinces(papi_data: pl.DataFrame) -> None:
    """papi.md §9.1 / data/README.md §2.1: 2014 Bắc Giang (24) and Đồng Tháp (87) are missing, not zero."""
    assert papi_data.filter(year=2014, province_code="24").is_empty()
    assert papi_data.filter(year=2014, province_code="87").is_empty()
    assert papi_data.filter(year=2014)["province_code"].n_unique() == 61
    assert papi_data["value"].min() > 0


@pytest.mark.parametrize(
    ("year", "provinces", "sub_dimensions"),
    # data/README.md §2.1 "Provinces and sub-dimensions per year"
    [
        (2011, 63, 22),
        (2014, 61, 22),
        (2017, 63, 22),
        (2018, 63, 28),
        (2019, 63, 29),
        (2021, 60, 28),
        (2022, 63, 28),
        (2023, 61, 28),
        (2024, 61, 28),
    ],
)
def test_papi_coverage(papi_data: pl.DataFrame, year: int, provinces: int, sub_dimensions: int) -> None:
    rows = papi_data.filter(year=year)
    assert rows["province_code"].n_unique() == provinces
    assert rows["node"].n_unique() == sub_dimensions


def test_papi_values_within_sub_dimension_scales(papi_data: pl.DataFrame) -> None:
    """papi.md §4: each sub-dimension is on 1/k–10/k, a DERIVED range; docs/methodology-files.md: a derived scale is
    checked with 1% of its width as slack (two published cells sit just below 1/3: 0.3317, 0.3324)."""
    outside = 0
    for edition in papi_data["edition"].unique():
        tree = chiso.methodology("papi", edition=edition).tree().select("code", "scale_min", "scale_max")
        joined = papi_data.filter(edition=edition).join(tree, on="code", how="left")
        assert joined["scale_min"].null_count() == 0, f"{edition}: node not in the edition"
        slack = (joined["scale_max"] - joined["scale_min"]) * 0.01
        assert (joined["value"] >= joined["scale_min"] - slack).all(), edition
        assert (joined["value"] <= joined["scale_max"] + slack).all(), edition
        outside += ((joined["value"] < joined["scale_min"]) | (joined["value"] > joined["scale_max"])).sum()
    assert outside == 2


def test_pci_coverage(pci_data: pl.DataFrame) -> None:
    """pci.md A1/A8: 42 provinces in 2005, 64 with Hà Tây 2006–2008, 63 from 2009; composites only 2017–2022; from
    2023 the scattered published values (VCCI prints only the top 30). Hà Tây is one of the 42 of 2005 and absent
    from 2009 (merged into Hà Nội, README §1.9)."""
    per_year = dict(pci_data.group_by("year").agg(pl.col("province_code").n_unique()).iter_rows())
    assert per_year == {2005: 42, 2006: 64, 2007: 64, 2008: 64, **{y: 63 for y in range(2009, 2023)}, 2023: 8, 2024: 12}
    assert pci_data.filter(province_code="28")["year"].unique().sort().to_list() == [2005, 2006, 2007, 2008]
    composite_only = pci_data.filter(pl.col("year") >= 2017, measure="score")
    # Sub-indices after 2016 only from VCCI's province pages (four provinces).
    pages = composite_only.filter(pl.col("node") != "")
    assert set(pages["source"].str.extract(r"provinces/([a-z-]+)").unique()) == {
        "ninh-thuan",
        "quang-tri",
        "soc-trang",
        "vinh-phuc",
    }
    composite_only = composite_only.filter(node="")
    counts = dict(composite_only.group_by("year").len().iter_rows())
    assert counts == {**{y: 63 for y in range(2017, 2023)}, 2023: 6, 2024: 12}


def test_pci_ranks_are_a_permutation(pci_data: pl.DataFrame) -> None:
    """VCCI's composite ranks are unique 1..N (A6: VCCI breaks ties on unrounded scores)."""
    # The years VCCI's full rank table is bundled (workbooks 2005–2016, the 2020 ranking page).
    ranks = pci_data.filter(
        pl.col("measure") == "rank", pl.col("node") == "", pl.col("year").is_in([*range(2005, 2017), 2020])
    )
    for year, group in ranks.group_by("year"):
        n = group.height
        assert sorted(group["value"].cast(pl.Int64).to_list()) == list(range(1, n + 1)), year


def test_pci_tiers(pci_data: pl.DataFrame) -> None:
    """pci.md A6: tiers are published per province in 2005, 2007 and 2010–2016, with the six VCCI labels."""
    tiers = pci_data.filter(measure="tier")
    assert tiers["year"].unique().sort().to_list() == [2005, 2007, *range(2010, 2017)]
    for value, label in tiers.select("value", "label").unique().iter_rows():
        assert TIERS[int(value)] == label
    # better tiers have higher composites within a year
    scores = pci_data.filter(measure="score", node="").select("province_code", "year", pl.col("value").alias("score"))
    joined = tiers.join(scores, on=["province_code", "year"])
    for year, group in joined.group_by("year"):
        by_tier = (
            group.group_by("value")
            .agg(pl.col("score").min().alias("lo"), pl.col("score").max().alias("hi"))
            .sort("value")
        )
        assert (by_tier["lo"].head(-1) >= by_tier["hi"].tail(-1).to_numpy()).all(), year


def test_pci_sub_indices_within_scale(pci_data: pl.DataFrame) -> None:
    sub = pci_data.filter(measure="score").filter(pl.col("node") != "")
    scored = []
    for edition in sub["edition"].unique():
        tree = chiso.methodology("pci", edition=edition).tree().filter(scored=True, depth=1)
        scored += tree["code"].to_list()
    values = sub.filter(pl.col("code").is_in(scored))["value"]
    assert values.min() >= 1.0 and values.max() <= 10.0


def test_pci_2020_matches_official_ranking(pci_data: pl.DataFrame, reference_dir: Path) -> None:
    """data/README.md §2.6: the official 2020 composites and ranks are embedded."""
    ref = pl.read_csv(reference_dir / "pci" / "pci_2020_ranking.csv")
    ref = ref.with_columns(pl.Series("code", chiso.province_codes(ref["province"].to_list())))
    bundled = pci_data.filter(year=2020, code="pci.2013")
    scores = dict(zip(*bundled.filter(measure="score").select("province_code", "value"), strict=True))
    ranks = dict(zip(*bundled.filter(measure="rank").select("province_code", "value"), strict=True))
    assert ref.height == len(scores) == len(ranks) == 63
    for code, pci, rank in ref.select("code", "pci", "rank").iter_rows():
        assert scores[code] == pytest.approx(pci, abs=1e-9)
        assert ranks[code] == rank


def test_pci_2017_2022_match_the_composite_panel(pci_data: pl.DataFrame, reference_dir: Path) -> None:
    """data/README.md §2.5: composites 2016–2022 from the verified panel (2016 comes from VCCI's workbook)."""
    ref = pl.read_csv(reference_dir / "pci" / "pci_2016_2022_composite.csv").filter(pl.col("year") >= 2017)
    ref = ref.with_columns(pl.Series("code", chiso.province_codes(ref["province"].to_list())))
    bundled = pci_data.filter(pl.col("year").is_between(2017, 2022), measure="score", node="")
    joined = ref.join(bundled, left_on=["code", "year"], right_on=["province_code", "year"], how="full", coalesce=True)
    assert joined.height == ref.height == 6 * 63
    assert ((joined["pci"] - joined["value"]).abs() < 1e-9).all()


def test_pci_2016_workbook_composites_round_to_the_panel(pci_data: pl.DataFrame, reference_dir: Path) -> None:
    ref = pl.read_csv(reference_dir / "pci" / "pci_2016_2022_composite.csv").filter(year=2016)
    ref = ref.with_columns(pl.Series("code", chiso.province_codes(ref["province"].to_list())))
    bundled = pci_data.filter(year=2016, measure="score", code="pci.2013")
    joined = ref.join(bundled, left_on="code", right_on="province_code")
    assert joined.height == 63
    assert ((joined["pci"] - joined["value"]).abs() <= 0.005 + 1e-6).all()


def test_papi_matches_the_raw_long_file(papi_data: pl.DataFrame, reference_dir: Path) -> None:
    """data/README.md §2.1: the embedded PAPI dataset is the long panel mapped to slugs and GSO codes."""
    ref = pl.read_csv(reference_dir / "papi" / "papi_2011_2024_subdimensions_long.csv")
    assert ref.height == papi_data.height
    ref_totals = ref.group_by("year", "province_code").agg(pl.col("value").sum())
    ref_totals = ref_totals.with_columns(pl.Series("code", chiso.province_codes(ref_totals["province_code"].to_list())))
    ours = papi_data.group_by("year", "province_code").agg(pl.col("value").sum().alias("ours"))
    joined = ref_totals.join(
        ours, left_on=["year", "code"], right_on=["year", "province_code"], how="full", coalesce=True
    )
    assert joined.height == ref_totals.height
    assert ((joined["value"] - joined["ours"]).abs() < 1e-9).all()


def test_sources_text() -> None:
    """chiso.datasets.sources(): the sources and licences of the bundled data travel with the package."""
    text = chiso.datasets.sources()
    assert "hnks-gh/ml-mcdm" in text
    assert "MIT" in text


OTHER = ["par", "sipas", "dti", "ict", "pgi"]


@pytest.mark.parametrize("name", OTHER)
def test_other_indices(name: str) -> None:
    """Issue 3: every value the spec quotes, long format, canonical codes, provenance and source URL per row."""
    df = getattr(chiso.datasets, name)()
    assert dict(df.schema) == SCHEMA
    assert df.height > 0
    assert df["source"].str.starts_with("http").all()
    assert set(df["provenance"]) <= {"official", "press", "derived"}
    assert set(df["unit"]) <= {"province", "unit_2025", "national"}
    # A view (e.g. dti.2024:pillars) is an edition of its own in chiso's model.
    assert (df["edition"] == df["code"].str.split("/").list.get(0)).all()
    assert (df["edition"].str.split(".").list.get(0) == name).all()
    provinces = df.filter(pl.col("unit") == "province")["province_code"]
    assert provinces.str.contains(r"^\d{2}$").all()
    assert (df.filter(pl.col("unit") == "national")["province_code"] == "VN").all()


def test_conflicting_values_are_kept_side_by_side() -> None:
    """data/SOURCES_other_indices.md: Hải Phòng's PAR 2023 is published as 91.87 and 91.81."""
    rows = chiso.datasets.par().filter(province="Hải Phòng", year=2023, measure="pct")
    assert sorted(rows["value"].to_list()) == [91.81, 91.87]
    assert rows["source"].n_unique() == 2


def test_dti_2024_member_mean() -> None:
    """README §1.5 MEMBER_MEAN (DTI, OFFICIAL): the 2025 unit Đà Nẵng is the mean of Đà Nẵng and Quảng Nam."""
    d = chiso.datasets.dti().filter(year=2024, code="dti.2024", measure="score")
    unit = d.filter(province_code="N48")["value"][0]
    members = d.filter(pl.col("province_code").is_in(["48", "49"]))["value"]
    assert members.len() == 2
    assert abs(unit - members.mean()) < 0.5e-4


def test_dti_2024_units_from_the_63_provinces() -> None:
    """README §1.5 MEMBER_MEAN (OFFICIAL for DTI): every published 2024 unit value that has all its members among
    the published provinces equals their mean, to the published 4 decimals."""
    d = chiso.datasets.dti().filter(year=2024, code="dti.2024", measure="score")
    provinces = d.filter(unit="province").select("province", "year", "node", "value")
    merged = chiso.to_units_2025(provinces.with_columns(node=pl.lit("")), "dti")
    published = d.filter(unit="unit_2025").select("province_code", pl.col("value").alias("published"))
    both = merged.join(published, on="province_code")
    assert both.height >= 1
    assert ((both["value"] - both["published"]).abs() <= 0.5e-4 + 0.5e-4).all()
    assert set(merged["provenance"]) == {"official"}


def test_units_2025_refused_without_a_rule() -> None:
    rows = pl.DataFrame({"province": ["Trà Vinh"], "year": [2024], "node": [""], "value": [60.0]})
    with pytest.raises(chiso.InvalidArgumentError, match="no published rule"):
        chiso.to_units_2025(rows, "pci")
    out = chiso.to_units_2025(
        pl.DataFrame(
            {"province": ["83", "84", "86"], "year": [2024] * 3, "node": [""] * 3, "value": [60.0, 62.0, 64.0]}
        ),
        "pci",
        rule="member_mean",
    )
    assert out.rows() == [("N86", "Vĩnh Long", 2024, "", 62.0, "user_supplied")]


@pytest.mark.parametrize("name", OTHER)
def test_other_indices_score_their_published_data(name: str) -> None:
    """Issue 9 §6: each index scores its bundled published data out of the box. Conflicting published values
    resolve to the primary source's figure (the documented default, data/SOURCES_other_indices.md); the
    alternatives stay in the dataset (``primary`` false) and are refused only if given together."""
    data = getattr(chiso.datasets, name)()
    scores = chiso.score(name, data)
    if name == "par":
        with pytest.raises(chiso.DataError, match="given twice"):
            chiso.score(name, data.drop("primary"))
        hp = scores.totals().filter(province="Hải Phòng", year=2023)
        assert hp["score"].to_list() == [91.87]
        alternative = data.filter(province="Hải Phòng", year=2023, measure="pct", primary=False).drop("primary")
        assert chiso.score(name, alternative).totals()["score"].to_list() == [91.81]
    data = data.filter("primary")
    totals = scores.totals()
    assert totals.height > 0
    published = data.filter(pl.col("measure").is_in(["score", "pct", "points", "ratio"]), pl.col("unit") != "national")
    roots = published.filter(pl.col("node") == "")
    for row in roots.iter_rows(named=True):
        mine = totals.filter(province_code=row["province_code"], year=row["year"])
        if mine.height and mine["origin"][0] == "input":
            assert mine["score"][0] == pytest.approx(row["value"])


NOTICE = Path(__file__).parents[2] / "NOTICE.md"


def test_notice_counts_every_bundled_row_by_provenance() -> None:
    """NOTICE.md's provenance counts, read from the bundled CSV files themselves (not through chiso)."""
    counts: Counter[str] = Counter()
    indicator_rows = -1
    for path in sorted((Path(__file__).parents[2] / "data").glob("*.csv")):
        if path.stem.startswith("provinces"):
            continue
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        if path.stem == "pci_indicators":
            # Raw indicators: every row is a workbook cell; the file's provenance is stated once, in its SOURCES.
            indicator_rows = len(rows)
            continue
        counts.update(row["provenance"] for row in rows)
    text = " ".join(NOTICE.read_text(encoding="utf-8").split())
    stated = {
        label: int(number.replace(",", ""))
        for number, label in re.findall(r"([\d,]+) (?:are )?`(official|official_transcribed|press|derived)`", text)
    }
    assert stated == dict(counts), f"NOTICE.md says {stated}, the data hold {dict(counts)}"
    total = re.search(r"Of the ([\d,]+) bundled rows", text)
    assert total and int(total.group(1).replace(",", "")) == sum(counts.values())
    raw = re.search(r"the ([\d,]+) raw PCI indicator rows", text)
    assert raw and int(raw.group(1).replace(",", "")) == indicator_rows
    sources = (Path(__file__).parents[2] / "data" / "pci_indicators_SOURCES.md").read_text(encoding="utf-8")
    assert "Provenance:\n  official." in sources or "Provenance: official." in " ".join(sources.split())


def test_every_row_of_the_bundled_files_is_loaded(pci_data: pl.DataFrame, papi_data: pl.DataFrame) -> None:
    """The row counts of test_row_counts, derived from the bundled CSV files with the csv module (not through
    chiso's loader): nothing is dropped or duplicated on loading."""
    data = Path(__file__).parents[2] / "data"
    for name, frame in [("pci", pci_data), ("papi", papi_data)]:
        with (data / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            assert frame.height == sum(1 for _ in csv.DictReader(f)), name
