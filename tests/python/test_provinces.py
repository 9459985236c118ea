"""The province registry: 63 provinces + Hà Tây, GSO codes, regions, and the alias table.

Spec: shared/methodology/README.md §1.9 (geography, canonical id = 2-digit GSO code, P-codes, spellings);
shared/data/provinces_SOURCES.md (regions 14/11/14/5/6/13, Hà Tây code 28, aliases); data/README.md §3.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import chiso
import polars as pl
import pytest

COLUMNS = [
    "code",
    "name_vi",
    "name_ascii",
    "kind",
    "region",
    "papi_code",
    "aliases",
    "merged_2025_into",
    "first_year",
    "last_year",
    "geography",
    "members",
]
#: provinces_SOURCES.md [S5]: the GSO's six socio-economic regions over the 63 provinces.
REGION_COUNTS = {
    "Trung du và miền núi phía Bắc": 14,
    "Đồng bằng sông Hồng": 11,
    "Bắc Trung Bộ và duyên hải miền Trung": 14,
    "Tây Nguyên": 5,
    "Đông Nam Bộ": 6,
    "Đồng bằng sông Cửu Long": 13,
}


@pytest.fixture(scope="module")
def registry() -> pl.DataFrame:
    return chiso.provinces()


def test_registry_shape(registry: pl.DataFrame) -> None:
    """provinces_SOURCES.md: 64 rows, the 63 units of 2008–2025 plus Hà Tây (code 28)."""
    assert registry.height == 64
    assert registry.columns == COLUMNS
    assert registry["code"].is_unique().all()
    assert registry["code"].str.contains(r"^\d{2}$").all()
    assert registry.schema["aliases"] == pl.List(pl.String)
    assert registry["name_vi"].is_unique().all()


def test_ha_tay(registry: pl.DataFrame) -> None:
    """README §1.9 / provinces_SOURCES.md [S6]: Hà Tây, code 28, merged into Hà Nội in 2008; no PAPI code."""
    row = registry.filter(code="28").row(0, named=True)
    assert row["name_vi"] == "Hà Tây"
    assert row["papi_code"] is None
    assert row["merged_2025_into"] == "Hà Nội"
    assert row["region"] == "Đồng bằng sông Hồng"
    assert row["last_year"] == 2008


def test_region_counts(registry: pl.DataFrame) -> None:
    counts = dict(registry.filter(pl.col("code") != "28").group_by("region").len().iter_rows())
    assert counts == REGION_COUNTS


def test_five_centrally_run_cities(registry: pl.DataFrame) -> None:
    """provinces_SOURCES.md ``kind``: five cities in the 63-unit system; Thừa Thiên Huế stays a province."""
    cities = sorted(registry.filter(kind="city")["name_vi"].to_list())
    assert cities == sorted(["Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"])
    assert registry.filter(code="46")["kind"].to_list() == ["province"]


def test_papi_codes_follow_gso_order(registry: pl.DataFrame) -> None:
    """README §1.9: P01–P63 follow GSO order (P01 Hà Nội 01, P15 Bắc Giang 24, P54 Trà Vinh 84, P63 Cà Mau 96)."""
    current = registry.filter(pl.col("code") != "28").sort("code")
    assert current["papi_code"].to_list() == [f"P{i:02d}" for i in range(1, 64)]
    for p, code in [("P01", "01"), ("P15", "24"), ("P54", "84"), ("P63", "96")]:
        assert chiso.find_province(p)[0] == code


def test_registry_matches_the_reference_table(registry: pl.DataFrame, reference_dir: Path) -> None:
    """tests/reference/provinces.csv (the researched table) is what the registry holds."""
    ref = pl.read_csv(reference_dir / "provinces.csv", schema_overrides={"gso_code": pl.String})
    joined = ref.join(registry, left_on="gso_code", right_on="code", how="full", coalesce=True)
    assert joined.height == 64
    for ref_col, col in [
        ("name_vi", "name_vi_right"),
        ("name_ascii", "name_ascii_right"),
        ("kind", "kind_right"),
        ("region", "region_right"),
        ("merged_2025_into", "merged_2025_into_right"),
    ]:
        bad = joined.filter(pl.col(ref_col) != pl.col(col))
        assert bad.is_empty(), (ref_col, bad.select("gso_code", ref_col, col))


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        # README §1.9 / data/README.md §3: spellings seen in the data
        ("TP.HCM", "79"),
        ("TP. Hồ Chí Minh", "79"),
        ("Ho Chi Minh City", "79"),
        ("Tp.HCM", "79"),
        ("HCMC", "79"),
        ("BRVT", "77"),
        ("Bà Rịa-Vũng Tàu", "77"),
        ("Ba Ria - Vung Tau", "77"),
        ("TT-Huế", "46"),
        ("TT- Huế", "46"),
        ("Thừa Thiên-Huế", "46"),
        ("Thua Thien Hue", "46"),
        ("tra vinh", "84"),
        ("TRÀ VINH", "84"),
        (unicodedata.normalize("NFD", "Trà Vinh"), "84"),
        ("P54", "84"),
        ("84", "84"),
        ("Tỉnh Trà Vinh", "84"),
        ("  Trà  Vinh ", "84"),
        ("Hanoi", "01"),
        ("Ha Noi", "01"),
        ("Bắc Cạn", "06"),
        ("Đắc Lắk", "66"),
        ("ĐNANG", "48"),
        ("Da Nang", "48"),
        ("Haải Dương", "30"),  # typo in PCI_2005.xls (provinces_SOURCES.md)
        ("Quàng Ngãi", "51"),
        ("Hà Tây", "28"),
    ],
)
def test_find_province_spellings(spelling: str, code: str) -> None:
    """Matched ignoring case, accents and punctuation (chiso.score docs; provinces_SOURCES.md matching key)."""
    got_code, name = chiso.find_province(spelling)
    assert got_code == code
    assert name == chiso.provinces().filter(code=code)["name_vi"][0]


def test_every_registry_spelling_resolves_to_its_own_row(registry: pl.DataFrame) -> None:
    """provinces_SOURCES.md: every spelling resolves to exactly one row; no key is shared by two rows."""
    for row in registry.iter_rows(named=True):
        spellings = [row["code"], row["name_vi"], row["name_ascii"], *row["aliases"]]
        if row["papi_code"]:
            spellings.append(row["papi_code"])
        for s in spellings:
            assert chiso.find_province(s)[0] == row["code"], s
            assert chiso.find_province(s.upper())[0] == row["code"], s
            assert chiso.find_province(unicodedata.normalize("NFD", s))[0] == row["code"], s


def test_province_codes_in_bulk() -> None:
    assert chiso.province_codes(["Trà Vinh", "P01", "TP.HCM", "28"]) == ["84", "01", "79", "28"]
    with pytest.raises(chiso.UnknownProvinceError) as info:
        chiso.province_codes(["Trà Vinh", "Atlantis"])
    assert info.value.province == "Atlantis"


@pytest.mark.parametrize("name", ["Tra Vnh", "Tra Vinhh", "tra-vin"])
def test_unknown_province_suggests(name: str) -> None:
    with pytest.raises(chiso.UnknownProvinceError) as info:
        chiso.find_province(name)
    err = info.value
    assert isinstance(err, KeyError)
    assert err.province == name
    assert "Trà Vinh" in err.suggestions
    assert "Trà Vinh" in str(err)


@pytest.mark.parametrize("name", ["P64", "P00", "00", "99", "", "Atlantis"])
def test_not_a_province(name: str) -> None:
    with pytest.raises(chiso.UnknownProvinceError, match=f'unknown province "{name}"') as e:
        chiso.find_province(name)
    assert e.value.province == name


def test_units_2025() -> None:
    """provinces_2025.csv (Resolution 202/2025/QH15): 34 units, every pre-merger province in exactly one; the
    ids are chiso's ("N" + the seat province's GSO code), since the spec gives no codes for them."""
    units = chiso.provinces("units_2025")
    assert units.height == 34
    assert units["code"].is_unique().all() and units["code"].str.contains(r"^N\d{2}$").all()
    members = units["members"].explode()
    assert members.len() == 63 and members.is_unique().all()
    assert set(units.filter(name_vi="Vĩnh Long")["members"][0]) == {"83", "84", "86"}
    # From data year 2024: DTI 2024 was published on both maps (README §1.9).
    assert (units["first_year"] == 2024).all()
    assert chiso.provinces("all").height == 98


def test_name_means_the_unit_of_its_year() -> None:
    """A name shared by both maps means the pre-merger province up to 2024 and the 2025 unit from 2025."""
    import polars as pl

    frame = pl.DataFrame(
        {"province": ["Vĩnh Long", "Vĩnh Long"], "year": [2024, 2025], "node": ["", ""], "value": [60.0, 61.0]}
    )
    codes = chiso.score("pci", frame, edition="pci.2022").totals().sort("year")["province_code"].to_list()
    assert codes == ["86", "N86"]
