"""Methodologies: the built-in editions, their trees and provenance, user variants and user files.

Spec: shared/methodology/README.md §1.1–1.5; pci.md A2 (editions), A3 (tree), A4 (weights); papi.md §2–§4;
docs/methodology-files.md (file format and load-time checks).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import chiso
import polars as pl
import pytest
from chiso import MethodologyError

TREE_COLUMNS = [
    "code",
    "path",
    "parent",
    "depth",
    "kind",
    "name_en",
    "name_vi",
    "scored",
    "aggregation",
    "inputs",
    "k",
    "aggregation_status",
    "weight",
    "weight_status",
    "max_points",
    "max_points_status",
    "scale_min",
    "scale_max",
    "scale_status",
    "source",
    "note",
]
PCI_EDITIONS = ["pci.2005", "pci.2006", "pci.2009", "pci.2013", "pci.2022"]
PAPI_EDITIONS = ["papi.2011", "papi.2016", "papi.2018", "papi.2019", "papi.2021"]

#: pci.md A4.2 and A4.3, weights in % (None = sub-index absent from the edition).
SPEC_WEIGHTS = {
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
    "pci.2006": {
        "entry_costs": 5,
        "land_access": 5,
        "transparency": 15,
        "time_costs": 10,
        "informal_charges": 5,
        "policy_bias": 5,
        "proactivity": 15,
        "business_support": 15,
        "labor_training": 15,
        "legal_institutions": 10,
    },
    "pci.2009": {
        "entry_costs": 10,
        "land_access": 5,
        "transparency": 20,
        "time_costs": 15,
        "informal_charges": 10,
        "proactivity": 10,
        "business_support": 5,
        "labor_training": 20,
        "legal_institutions": 5,
    },
    "pci.2013": {
        "entry_costs": 5,
        "land_access": 5,
        "transparency": 20,
        "time_costs": 5,
        "informal_charges": 10,
        "policy_bias": 5,
        "proactivity": 5,
        "business_support": 20,
        "labor_training": 20,
        "legal_institutions": 5,
    },
    "pci.2022": {
        "entry_costs": 5,
        "land_access": 10,
        "transparency": 5,
        "time_costs": 5,
        "informal_charges": 15,
        "policy_bias": 10,
        "proactivity": 15,
        "business_support": 15,
        "labor_training": 10,
        "legal_institutions": 10,
    },
}
#: papi.md §3.2 "count" row.
SUB_DIMENSION_COUNT = {"papi.2011": 22, "papi.2016": 22, "papi.2018": 28, "papi.2019": 29, "papi.2021": 28}


# --- editions and boundaries --------------------------------------------------------------------------------------


def test_pci_2021_is_scored_with_the_2013_edition() -> None:
    """pci.md A2/A4.2: the 2013 weights reproduce the published 2021 rows, so 2021 stays in pci.2013."""
    assert chiso.methodology("pci", year=2021).code == "pci.2013"


@pytest.mark.parametrize(
    ("index", "before", "after", "old", "new"),
    [
        # pci.md A2 / README §1.7 "Known breaks": PCI 2006, 2009, 2013, 2022
        ("pci", 2005, 2006, "pci.2005", "pci.2006"),
        ("pci", 2008, 2009, "pci.2006", "pci.2009"),
        ("pci", 2012, 2013, "pci.2009", "pci.2013"),
        ("pci", 2021, 2022, "pci.2013", "pci.2022"),
        # papi.md §2: PAPI 2016, 2018, 2019, 2021
        ("papi", 2015, 2016, "papi.2011", "papi.2016"),
        ("papi", 2017, 2018, "papi.2016", "papi.2018"),
        ("papi", 2018, 2019, "papi.2018", "papi.2019"),
        ("papi", 2020, 2021, "papi.2019", "papi.2021"),
    ],
)
def test_edition_boundaries(index: str, before: int, after: int, old: str, new: str) -> None:
    m_old, m_new = chiso.methodology(index, year=before), chiso.methodology(index, year=after)
    assert (m_old.code, m_new.code) == (old, new)
    assert m_old.last_year == before and m_new.first_year == after
    assert m_old.covers(before) and not m_old.covers(after)
    assert m_new.covers(after) and not m_new.covers(before)
    assert m_old.index == m_new.index == index


def test_latest_editions_cover_the_latest_data_years() -> None:
    """pci.md A2: pci.2022 governs 2022–2024 (pci.2025 is UNKNOWN); papi.md §2: papi.2021 governs 2021–2024."""
    for index, code in (("pci", "pci.2022"), ("papi", "papi.2021")):
        m = chiso.methodology(index, year=2024)
        assert m.code == code
        assert all(m.covers(y) for y in range(m.first_year, 2025))
        assert m.last_year is None or m.last_year >= 2024


def test_methodology_lookups() -> None:
    """chiso.methodology(index) is the latest edition; ``edition=`` takes a full code or the year part."""
    assert chiso.methodology("pci").code == "pci.2022"
    assert chiso.methodology("papi").code == "papi.2021"
    assert chiso.methodology("pci", edition="pci.2009").code == "pci.2009"
    assert chiso.methodology("pci", edition="2009").code == "pci.2009"
    with pytest.raises(chiso.UnknownIndexError, match="pci.2009 \\(2009–2012\\)") as e:
        chiso.methodology("pci", edition="pci.2010")
    assert (e.value.index, e.value.edition) == ("pci", "pci.2010")
    with pytest.raises(chiso.UnknownIndexError, match="known indices: par, sipas, papi, pci, pgi, ict, dti") as e:
        chiso.methodology("xyz")
    assert e.value.index == "xyz"
    with pytest.raises(chiso.UnknownIndexError) as info:
        chiso.methodology("papi", year=2010)
    assert info.value.year == 2010


def test_indices_lists_every_edition() -> None:
    info = chiso.indices()
    # Seven index ids, in the steering committee's order; editions oldest first within each.
    assert info["index"].unique(maintain_order=True).to_list() == ["par", "sipas", "papi", "pci", "pgi", "ict", "dti"]
    assert info.filter(index="papi")["edition"].to_list() == PAPI_EDITIONS
    assert info.filter(index="pci")["edition"].to_list() == PCI_EDITIONS
    assert set(info["status"]) <= {"official", "derived", "unknown", "user_supplied"}
    for column in (
        "index",
        "edition",
        "first_year",
        "last_year",
        "status",
        "name_en",
        "name_vi",
        "publisher",
        "publisher_en",
        "publisher_vi",
        "lead_department_en",
        "lead_department_vi",
        "n_nodes",
    ):
        assert column in info.columns
    for row in info.iter_rows(named=True):
        m = chiso.methodology(row["index"], edition=row["edition"])
        assert (m.first_year, m.last_year, m.status) == (row["first_year"], row["last_year"], row["status"])
        assert m.tree().height == row["n_nodes"]
    # README overview table: lead departments are data per index.
    lead = dict(info.select("index", "lead_department_vi").unique().iter_rows())
    assert lead == {
        "par": "Sở Nội vụ",
        "sipas": "Sở Nội vụ",
        "papi": "Sở Nội vụ",
        "pci": "Sở Kế hoạch và Đầu tư",
        "pgi": "Sở Kế hoạch và Đầu tư",
        "ict": "Sở Thông tin và Truyền thông",
        "dti": "Sở Thông tin và Truyền thông",
    }
    # Editions tile the years without gaps or overlaps.
    for index in ("pci", "papi"):
        rows = info.filter(index=index).sort("first_year")
        for prev, nxt in pairwise(rows.iter_rows(named=True)):
            assert prev["last_year"] + 1 == nxt["first_year"]


# --- trees --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("edition", PCI_EDITIONS + PAPI_EDITIONS)
def test_tree_columns_and_structure(edition: str) -> None:
    m = chiso.methodology(edition.split(".")[0], edition=edition)
    tree = m.tree()
    assert tree.columns == TREE_COLUMNS
    root = tree.row(0, named=True)
    assert (root["code"], root["path"], root["parent"], root["depth"], root["kind"]) == (edition, "", None, 0, "total")
    assert tree["code"].is_unique().all()
    for row in tree.slice(1).iter_rows(named=True):
        assert row["code"] == f"{edition}/{row['path']}"
        assert row["parent"] == row["code"].rsplit("/", 1)[0]
        assert row["depth"] == row["path"].count("/") + 1
    assert tree["name_en"].null_count() == 0


@pytest.mark.parametrize("edition", PCI_EDITIONS)
def test_pci_weights_match_the_spec(edition: str) -> None:
    """pci.md A4.2/A4.3: weights per edition; they sum to 100 except pci.2005 (99.9904, an unconstrained fit)."""
    tree = chiso.methodology("pci", edition=edition).tree()
    root = tree.row(0, named=True)
    assert root["aggregation"] == "WMEAN"
    scored = tree.filter(depth=1, scored=True)
    assert dict(zip(scored["path"], scored["weight"], strict=True)) == pytest.approx(SPEC_WEIGHTS[edition])
    expected_sum = 99.9904 if edition == "pci.2005" else 100.0
    assert scored["weight"].sum() == pytest.approx(expected_sum, abs=1e-9)
    # README §1.4: PCI sub-indices on 1–10; composite up to 100.
    assert scored["scale_min"].unique().to_list() == [1.0]
    assert scored["scale_max"].unique().to_list() == [10.0]
    assert root["scale_max"] == pytest.approx(expected_sum)
    # Every scored sub-index has a DERIVED weight (pci.md A9: all weight sets are DERIVED).
    assert scored["weight_status"].unique().to_list() == ["derived"]


def test_pci_unscored_nodes() -> None:
    """pci.md A3: published but not scored — 2005 initial conditions; 2008–2011 infrastructure; 2008 IT."""
    unscored = {
        e: sorted(chiso.methodology("pci", edition=e).tree().filter(scored=False)["path"].to_list())
        for e in PCI_EDITIONS
    }
    assert unscored == {
        "pci.2005": ["development_level", "distance_to_markets", "infrastructure_quality"],
        "pci.2006": ["infrastructure", "it"],
        "pci.2009": ["infrastructure"],
        "pci.2013": [],
        "pci.2022": [],
    }


def test_pci_sub_index_lists_per_edition() -> None:
    """pci.md A3: labour and legal from 2006; central policies 2005 only; policy bias absent 2009–2012."""

    def paths(e: str) -> set[str]:
        return set(chiso.methodology("pci", edition=e).tree().filter(depth=1, scored=True)["path"].to_list())

    assert "labor_training" not in paths("pci.2005") and "legal_institutions" not in paths("pci.2005")
    assert "central_policy_implementation" in paths("pci.2005")
    assert all("central_policy_implementation" not in paths(e) for e in PCI_EDITIONS[1:])
    assert "policy_bias" not in paths("pci.2009")
    assert paths("pci.2006") == paths("pci.2013") == paths("pci.2022")


@pytest.mark.parametrize("edition", PAPI_EDITIONS)
def test_papi_trees(edition: str) -> None:
    """papi.md §2–§4: SUM everywhere; dimension 1–10; sub-dimension 1/k–10/k; total 6–60 / 8–80."""
    tree = chiso.methodology("papi", edition=edition).tree()
    dims = tree.filter(depth=1)
    subs = tree.filter(depth=2)
    n_dims = 6 if edition in ("papi.2011", "papi.2016") else 8
    assert dims.height == n_dims
    assert subs.height == SUB_DIMENSION_COUNT[edition]
    assert tree.filter(pl.col("depth") < 2)["aggregation"].unique().to_list() == ["SUM"]
    root = tree.row(0, named=True)
    assert (root["scale_min"], root["scale_max"]) == (n_dims, 10 * n_dims)
    assert dims["scale_min"].unique().to_list() == [1.0] and dims["scale_max"].unique().to_list() == [10.0]
    for dim in dims["code"]:
        children = subs.filter(parent=dim)
        k = children.height
        assert children["scale_min"].to_list() == pytest.approx([1 / k] * k)
        assert children["scale_max"].to_list() == pytest.approx([10 / k] * k)
    assert tree["weight"].null_count() == tree.height, "PAPI is an unweighted sum (papi.md §4)"


def test_papi_sub_dimension_changes() -> None:
    """papi.md §3.2: 2018 e_governance has 2 sub-dimensions, 2019 adds e_responsiveness, 2021 drops
    construction_permits (administrative_procedures: 3)."""

    def children(edition: str, dim: str) -> list[str]:
        t = chiso.methodology("papi", edition=edition).tree()
        return t.filter(parent=f"{edition}/{dim}")["path"].to_list()

    assert children("papi.2018", "e_governance") == ["e_governance/portal_access", "e_governance/internet_access"]
    assert len(children("papi.2019", "e_governance")) == 3
    assert "administrative_procedures/construction_permits" in children("papi.2019", "administrative_procedures")
    assert children("papi.2021", "administrative_procedures") == [
        "administrative_procedures/certification",
        "administrative_procedures/land_use_rights",
        "administrative_procedures/personal_procedures",
    ]
    assert "vertical_accountability/community_investment_boards" in children("papi.2011", "vertical_accountability")
    assert "vertical_accountability/responsiveness" in children("papi.2016", "vertical_accountability")


def test_provenance_labels() -> None:
    """pci.md A4.3: pci.2022 weights are DERIVED (fitted, not published); A6: ranks on unrounded scores."""
    m = chiso.methodology("pci", year=2022)
    assert m.status == "derived"
    tree = m.tree()
    assert tree.filter(depth=1)["weight_status"].unique().to_list() == ["derived"]
    assert tree.row(0, named=True)["aggregation_status"] == "official"  # weighted mean, max 100: OFFICIAL (A9)
    for e in PCI_EDITIONS:
        pm = chiso.methodology("pci", edition=e)
        assert pm.status == "derived"
        assert pm.rank_precision is None
        assert pm.display_decimals == 2
    # papi.md §8: dimension/total SUM OFFICIAL; sub-dimension ranges DERIVED.
    papi = chiso.methodology("papi", year=2021)
    assert papi.status == "derived"
    assert papi.tree().filter(pl.col("depth") < 2)["aggregation_status"].unique().to_list() == ["official"]


def test_methodology_repr_and_metadata() -> None:
    m = chiso.methodology("papi", year=2018)
    assert "papi.2018" in repr(m)
    assert m.name_en and m.name_vi
    assert m.origin.endswith("papi.2018.toml")


# --- with_weights -------------------------------------------------------------------------------------------------

EXAMPLE = {
    "entry_costs": 7.0,
    "land_access": 6.0,
    "transparency": 6.5,
    "time_costs": 7.5,
    "informal_charges": 6.0,
    "policy_bias": 5.5,
    "proactivity": 6.5,
    "business_support": 6.0,
    "labor_training": 6.2,
    "legal_institutions": 7.0,
}


def composite(m: chiso.Methodology, values: dict[str, float], year: int = 2015) -> float:
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": [year], **{k: [v] for k, v in values.items()}})
    return chiso.score(m, frame).totals()["score"][0]


def test_with_weights_variant() -> None:
    """README §1.8/A4.3: the user can override weights; the variant is labelled as the user's."""
    base = chiso.methodology("pci", year=2016)
    variant = base.with_weights({"transparency": 10, "pci.2013/business_support": 30})
    assert variant.code == "pci.2013+user"
    assert variant.status == "user_supplied"
    tree = variant.tree()
    w = dict(zip(tree["path"], tree["weight"], strict=True))
    assert (w["transparency"], w["business_support"], w["labor_training"]) == (10, 30, 20)
    status = dict(zip(tree["path"], tree["weight_status"], strict=True))
    assert (status["transparency"], status["business_support"], status["labor_training"]) == (
        "user_supplied",
        "user_supplied",
        "derived",
    )
    # the built-in edition is unchanged
    assert base.code == "pci.2013"
    assert dict(zip(base.tree()["path"], base.tree()["weight"], strict=True))["transparency"] == 20


def test_scoring_with_a_variant_changes_the_composite_as_expected() -> None:
    """20 points of weight move from transparency (6.5) to business support (6.0)... and back with labor (6.2)."""
    base = chiso.methodology("pci", year=2016)
    variant = base.with_weights({"transparency": 10, "business_support": 30})
    # Δ = 10 · (−10 · 6.5 + 10 · 6.0) / 100 = −0.5
    assert composite(base, EXAMPLE) == pytest.approx(63.15)
    assert composite(variant, EXAMPLE) == pytest.approx(62.65)
    totals = chiso.score(
        variant, pl.DataFrame({"province": ["Trà Vinh"], "year": [2015], **{k: [v] for k, v in EXAMPLE.items()}})
    ).totals()
    assert totals["edition"].to_list() == ["pci.2013+user"]
    assert totals["provenance"].to_list() == ["user_supplied"]


def test_variant_scores_bundled_data_keyed_by_the_base_edition(pci_data: pl.DataFrame) -> None:
    """pci.md A7 (re-weighted deltas) and README §1.8 (what-if): a user who changes the weights scores the bundled
    data with the variant. The dataset's node codes are the base edition's (``pci.2013/...``); a ``+user`` variant of
    pci.2013 has the same tree and must accept them."""
    variant = chiso.methodology("pci", year=2016).with_weights({"transparency": 10, "business_support": 30})
    scores = chiso.score(variant, pci_data.filter(year=2016))
    assert scores.totals().height == 63
    assert scores.totals()["score"].null_count() == 0


def test_weights_that_do_not_sum() -> None:
    with pytest.raises(MethodologyError) as info:
        chiso.methodology("pci", year=2016).with_weights({"transparency": 10})
    err = info.value
    assert isinstance(err, ValueError)
    assert err.node == "pci.2013+user"
    assert "90" in str(err) and "100" in str(err) and "pci.2013" in str(err)


def test_rescale_sum_accepts_weights_that_do_not_sum() -> None:
    """With ``rescale_sum=True`` the declared total follows the new weights: k · Σ w·s / Σ w over 90 points."""
    variant = chiso.methodology("pci", year=2016).with_weights({"transparency": 10}, rescale_sum=True)
    w = {**{k: v for k, v in zip(variant.tree()["path"], variant.tree()["weight"], strict=True) if k}}
    expected = 10 * sum(w[k] * v for k, v in EXAMPLE.items()) / sum(w.values())
    assert sum(w.values()) == 90
    assert composite(variant, EXAMPLE) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("weights", "fragment"),
    [
        ({"nonexistent": 5}, 'with_weights: node "nonexistent" is not in edition pci.2013'),
        ({"pci.2022/transparency": 20}, 'with_weights: node "pci.2022/transparency" is not in edition pci.2013'),
        (
            {"transparency": -5, "business_support": 45},
            "with_weights: weight -5 for pci.2013/transparency must be a finite number from 0 to 1e12",
        ),
        (
            {"transparency": float("nan")},
            "with_weights: weight NaN for pci.2013/transparency must be a finite number from 0 to 1e12",
        ),
        ({"pci.2013": 100}, "with_weights: pci.2013 is the root and has no weight"),
    ],
)
def test_with_weights_rejects_bad_weights(weights: dict, fragment: str) -> None:
    with pytest.raises(chiso.InvalidArgumentError) as info:
        chiso.methodology("pci", year=2016).with_weights(weights)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == fragment


def test_with_weights_on_an_unweighted_rule() -> None:
    """PAPI sums are unweighted (papi.md §4): a weight there makes no sense."""
    with pytest.raises(chiso.InvalidArgumentError) as info:
        chiso.methodology("papi", year=2021).with_weights({"participation": 2})
    assert str(info.value) == (
        "with_weights: the parent of papi.2021/participation (papi.2021) aggregates by SUM, which takes no weights"
    )


# --- methodology files --------------------------------------------------------------------------------------------

HEAD = """
[edition]
code = "x.2020"
first_year = 2020
name_en = "X"
name_vi = "X"
status = "official"
"""
GOOD = (
    HEAD
    + """
[[node]]
code = "x.2020"
kind = "total"
name_en = "T"
scale = [10.0, 100.0]
aggregation = "WMEAN"
k = 10.0
weights_sum = 100.0

[[node]]
code = "x.2020/a"
kind = "sub-index"
name_en = "A"
scale = [1.0, 10.0]
weight = 40.0

[[node]]
code = "x.2020/b"
kind = "sub-index"
name_en = "B"
scale = [1.0, 10.0]
weight = 60.0
"""
)
SUM_FILE = (
    HEAD
    + """
[[node]]
code = "x.2020"
kind = "total"
name_en = "T"
max_points = 100.0
aggregation = "SUM"

[[node]]
code = "x.2020/a"
kind = "area"
name_en = "A"
max_points = 30.0

[[node]]
code = "x.2020/b"
kind = "area"
name_en = "B"
max_points = 60.0
"""
)
EXTRA_NODE = """
[[node]]
code = "{code}"
{parent}kind = "sub-index"
name_en = "{code}"
scored = false
"""


def test_load_methodology_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    for arg in (path, str(path)):
        m = chiso.load_methodology(arg)
        assert (m.code, m.index, m.first_year, m.last_year) == ("x.2020", "x", 2020, None)
        assert m.status == "user_supplied"
        assert m.origin == str(path)
        assert m.tree()["code"].to_list() == ["x.2020", "x.2020/a", "x.2020/b"]
    frame = pl.DataFrame(
        {"province": ["Trà Vinh", "Vĩnh Long"], "year": [2020, 2020], "a": [5.0, 6.0], "b": [7.0, 8.0]}
    )
    totals = chiso.score(chiso.load_methodology(path), frame).totals().sort("province")
    assert totals["score"].to_list() == [pytest.approx(62.0), pytest.approx(72.0)]
    assert totals["rank"].to_list() == [2, 1]


def test_builtin_file_loads_to_the_same_tree(repo_root: Path) -> None:
    """docs/methodology-files.md: the built-in files are ordinary methodology files."""
    path = repo_root / "methodologies" / "pci" / "pci.2013.toml"
    loaded = chiso.load_methodology(path)
    builtin = chiso.methodology("pci", edition="pci.2013")
    assert loaded.code == builtin.code
    assert loaded.tree().equals(builtin.tree())


def test_load_methodology_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace("weight = 60.0", "weight = 50.0"), encoding="utf-8")
    with pytest.raises(MethodologyError) as info:
        chiso.load_methodology(path)
    assert info.value.file == str(path) and str(path) in str(info.value)
    with pytest.raises(MethodologyError) as info:
        chiso.load_methodology(tmp_path / "missing.toml")
    assert "missing.toml" in str(info.value)


def test_methodology_from_toml_text() -> None:
    m = chiso.methodology_from_toml(GOOD, name="good.toml")
    assert m.code == "x.2020" and m.origin == "good.toml"
    assert m.status == "user_supplied", "a user's file is labelled as the user's (README §1.3 status)"
    m_sum = chiso.methodology_from_toml(SUM_FILE.replace("max_points = 100.0", "max_points = 90.0"))
    assert m_sum.tree()["max_points"].to_list() == [90.0, 30.0, 60.0]


@pytest.mark.parametrize(
    ("name", "text", "node", "fragments"),
    [
        ("duplicate", GOOD + EXTRA_NODE.format(code="x.2020/a", parent=""), "x.2020/a", ["duplicate"]),
        (
            "unknown_parent",
            GOOD.replace('code = "x.2020/b"', 'code = "x.2020/b"\nparent = "x.2020/zz"'),
            "x.2020/b",
            ["x.2020/zz"],
        ),
        (
            "cycle",
            GOOD
            + EXTRA_NODE.format(code="x.2020/c", parent='parent = "x.2020/d"\n')
            + EXTRA_NODE.format(code="x.2020/d", parent='parent = "x.2020/c"\n'),
            None,
            ["cycle"],
        ),
        ("weights", GOOD.replace("weight = 60.0", "weight = 50.0"), "x.2020", ["90", "weights_sum = 100"]),
        ("maxima", SUM_FILE, "x.2020", ["100", "90"]),
        ("rule", GOOD.replace('aggregation = "WMEAN"', 'aggregation = "GEOMEAN"'), "x.2020", ["GEOMEAN", "SUM"]),
        ("scale", GOOD.replace("scale = [10.0, 100.0]", "scale = [0.0, 100.0]"), "x.2020", ["k = 10"]),
        ("status", GOOD.replace("weight = 40.0", 'weight = 40.0\nweight_status = "guessed"'), "x.2020/a", ["guessed"]),
        ("slug", GOOD.replace("x.2020/a", "x.2020/Bad Slug"), "x.2020/Bad Slug", ["snake_case"]),
        ("syntax", "this is [not toml", None, ["TOML"]),
    ],
)
def test_methodology_file_errors(name: str, text: str, node: str | None, fragments: list[str]) -> None:
    """docs/methodology-files.md "What loading checks": each failure is a MethodologyError (a ValueError) naming
    the file, the node and the value."""
    with pytest.raises(MethodologyError) as info:
        chiso.methodology_from_toml(text, name=f"{name}.toml")
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, chiso.ChisoError)
    assert err.file == f"{name}.toml"
    message = str(err)
    assert f"{name}.toml" in message
    if node is not None:
        assert err.node == node
        assert node in message
    elif name == "cycle":
        assert err.node in ("x.2020/c", "x.2020/d") and err.node in message
    for fragment in fragments:
        assert fragment in message, fragment


RANKED = """
[edition]
code = "x.2020"
first_year = 2020
name_en = "X"
name_vi = "X"
status = "official"
display_decimals = 2

[ranking]
precision = 2
status = "official"

[groups]
method = "quartiles"
percentile = "linear"
labels = ["a", "b", "c", "d"]
status = "official"
method_status = "derived"

[[node]]
code = "x.2020"
kind = "total"
name_en = "T"
scale = [0.0, 1.0]
"""


def test_ranking_precision_and_groups_from_a_file() -> None:
    """README §1.6: ranks compare values rounded to the declared precision (DTI's published ties: 15th, 15th, 17th);
    groups: ≥ P75, [P50, P75), [P25, P50), < P25, lower-inclusive, with the file's labels."""
    m = chiso.methodology_from_toml(RANKED, name="ranked.toml")
    assert m.rank_precision == 2
    frame = pl.DataFrame(
        {
            "province": ["Trà Vinh", "Vĩnh Long", "Cà Mau", "Bến Tre", "An Giang"],
            "year": [2020] * 5,
            "x.2020": [0.81, 0.804, 0.801, 0.79, 0.5],
        }
    )
    totals = chiso.score(m, frame).totals()
    got = {r["province"]: (r["rank"], r["group"]) for r in totals.iter_rows(named=True)}
    # 0.804 and 0.801 are both 0.80 at 2 decimals: they share 2nd and the next is 4th.
    # Percentiles (linear) of the five: P25 = 0.79, P50 = 0.801, P75 = 0.804.
    assert got == {
        "Trà Vinh": (1, "a"),
        "Vĩnh Long": (2, "a"),
        "Cà Mau": (2, "b"),
        "Bến Tre": (4, "c"),
        "An Giang": (5, "d"),
    }
    assert totals["rank_status"].unique().to_list() == ["official"]
