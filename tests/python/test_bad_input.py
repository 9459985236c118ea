"""Bad input: each raises its specific exception, which is a ChisoError and the matching built-in, carries the
fields at fault as attributes, and names them in its message.

Spec: chiso.exceptions (class contract); shared/methodology/README.md §1.4 (scales), §1.5 (missing values are
missing, never zero), §1.9 (aliases); STYLE: "errors are first-class types with structured fields".
"""

from __future__ import annotations

import math

import chiso
import pandas as pd
import polars as pl
import pytest
from chiso import (
    ChisoError,
    DataError,
    InvalidArgumentError,
    UnknownIndexError,
    UnknownNodeError,
    UnknownProvinceError,
)

SUB_INDICES = [
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


def long_frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["province", "year", "node", "value"], orient="row")


def one(node: str = "transparency", value: float = 5.0, year: int = 2015, province: str = "Trà Vinh") -> pl.DataFrame:
    return long_frame([(province, year, node, value)])


# --- the exception hierarchy --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "builtins"),
    [
        (chiso.MethodologyError, (ValueError,)),
        (DataError, (ValueError,)),
        (UnknownNodeError, (DataError, KeyError)),
        (UnknownProvinceError, (KeyError,)),
        (UnknownIndexError, (KeyError,)),
        (InvalidArgumentError, (ValueError,)),
    ],
)
def test_exception_classes(cls: type, builtins: tuple[type, ...]) -> None:
    """chiso.exceptions: every exception derives from ChisoError and from the matching built-in."""
    assert issubclass(cls, ChisoError)
    for b in builtins:
        assert issubclass(cls, b)


def test_key_errors_print_their_message_unquoted() -> None:
    with pytest.raises(UnknownProvinceError) as info:
        chiso.find_province("Tra Vnh")
    assert str(info.value).startswith("unknown province")
    assert not str(info.value).startswith("'")


# --- frame structure ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dropped", ["province", "year"])
def test_missing_identifier_column(dropped: str) -> None:
    frame = one().drop(dropped)
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    assert type(info.value) is DataError
    assert isinstance(info.value, ValueError)
    assert repr(dropped) in str(info.value) or dropped in str(info.value)
    assert info.value.columns == frame.columns


@pytest.mark.parametrize(
    "frame",
    [
        pl.DataFrame(schema={"province": pl.String, "year": pl.Int64, "node": pl.String, "value": pl.Float64}),
        pl.DataFrame({"province": [], "year": [], "transparency": []}),
        pd.DataFrame({"province": [], "year": [], "node": [], "value": []}),
    ],
    ids=["long", "wide", "pandas"],
)
def test_empty_frame(frame) -> None:
    with pytest.raises(DataError, match="empty"):
        chiso.score("pci", frame)


def test_all_values_null() -> None:
    """Nothing to score when every cell is missing (nulls are missing values, README §1.5)."""
    frame = pl.DataFrame(
        {"province": ["Trà Vinh"], "year": [2015], "transparency": [None]},
        schema_overrides={"transparency": pl.Float64},
    )
    with pytest.raises(DataError, match="^no values to score: every value cell is empty$"):
        chiso.score("pci", frame)


def test_wide_frame_without_node_columns() -> None:
    with pytest.raises(DataError, match="node"):
        chiso.score("pci", pl.DataFrame({"province": ["Trà Vinh"], "year": [2015]}))


def test_null_province_cell() -> None:
    frame = long_frame([("Trà Vinh", 2015, "transparency", 5.0), (None, 2015, "land_access", 5.0)])
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    assert "province" in str(info.value)
    assert "row 1" in str(info.value)


def test_null_year_cell() -> None:
    frame = pl.DataFrame(
        {"province": ["Trà Vinh", "Trà Vinh"], "year": [2015, None], "node": ["a", "b"], "value": [5.0, 5.0]}
    )
    with pytest.raises(DataError, match="year"):
        chiso.score("pci", frame)


# --- dtypes -------------------------------------------------------------------------------------------------------


def test_strings_in_value_column_name_the_bad_cell() -> None:
    frame = pl.DataFrame(
        {
            "province": ["Trà Vinh", "Vĩnh Long"],
            "year": [2015, 2015],
            "node": ["transparency", "transparency"],
            "value": ["5.0", "abc"],
        }
    )
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    message = str(info.value)
    assert "'abc'" in message and "row 1" in message
    assert "Vĩnh Long" in message and "2015" in message
    assert info.value.value == "abc"
    assert info.value.column == "value"


def test_strings_in_wide_column() -> None:
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": [2015], "transparency": ["n/a"]})
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    assert "transparency" in str(info.value) and "'n/a'" in str(info.value)


def test_non_numeric_year() -> None:
    frame = pl.DataFrame(
        {"province": ["Trà Vinh"], "year": ["twenty-fifteen"], "node": ["transparency"], "value": [5.0]}
    )
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    assert "year" in str(info.value) and "'twenty-fifteen'" in str(info.value)
    assert info.value.value == "twenty-fifteen"


def test_fractional_year() -> None:
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": [2015.5], "node": ["transparency"], "value": [5.0]})
    with pytest.raises(DataError, match="2015.5"):
        chiso.score("pci", frame)


def test_numeric_strings_as_year_are_accepted() -> None:
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": ["2015"], "node": ["pci.2013"], "value": [60.0]})
    assert chiso.score("pci", frame).totals()["year"].to_list() == [2015]


def test_boolean_values() -> None:
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": [2015], "node": ["transparency"], "value": [True]})
    with pytest.raises(DataError, match="boolean"):
        chiso.score("pci", frame)


# --- values -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "year", "node", "value", "full_code"),
    [
        ("pci", 2015, "transparency", 12.0, "pci.2013/transparency"),  # sub-index scale 1–10 (pci.md A3)
        ("pci", 2015, "transparency", 0.5, "pci.2013/transparency"),
        ("pci", 2015, "pci.2013", 101.0, "pci.2013"),  # composite 10–100 (README §1.4)
        ("papi", 2019, "participation/civic_knowledge", -0.1, "papi.2019/participation/civic_knowledge"),
        ("papi", 2019, "participation", 10.5, "papi.2019/participation"),  # dimension 1–10 (papi.md §4)
    ],
)
def test_value_outside_scale(index: str, year: int, node: str, value: float, full_code: str) -> None:
    with pytest.raises(DataError) as info:
        chiso.score(index, one(node=node, value=value, year=year))
    err = info.value
    assert (err.province, err.year, err.node, err.value) == ("Trà Vinh", year, full_code, value)
    message = str(err)
    for part in ("Trà Vinh", str(year), full_code, f"{value:g}"):
        assert part in message, part
    assert "scale" in message


@pytest.mark.filterwarnings("ignore::chiso.MissingDataWarning")  # incomplete data on purpose
@pytest.mark.parametrize(
    ("index", "node", "value", "accepted"),
    [
        # PCI sub-index scale 1–10 is OFFICIAL (pci.md A3): no slack.
        ("pci", "transparency", 0.99, False),
        ("pci", "transparency", 10.01, False),
        # PAPI sub-dimension 1/k–10/k is DERIVED (papi.md §4): 1% of the width as slack (docs/methodology-files.md).
        ("papi", "e_governance/portal_access", 0.304, True),
        ("papi", "e_governance/portal_access", 0.302, False),
        ("papi", "e_governance/portal_access", 3.36, True),
        ("papi", "e_governance/portal_access", 3.364, False),
    ],
)
def test_scale_slack_follows_the_scale_status(index: str, node: str, value: float, accepted: bool) -> None:
    frame = one(node=node, value=value, year=2021)
    if accepted:
        assert chiso.score(index, frame).long().filter(node=node)["score"].to_list() == [value]
    else:
        with pytest.raises(DataError, match="outside the scale"):
            chiso.score(index, frame)


def test_zero_filled_papi_total_is_refused() -> None:
    """papi.md §9.1: the official workbook has a total of 0 for 2014 Bắc Giang and Đồng Tháp; that is missing, not
    zero, and is outside the 6–60 scale (papi.md §4), so it cannot slip in as data."""
    with pytest.raises(DataError) as info:
        chiso.score("papi", one(node="papi.2011", value=0.0, year=2014, province="Bắc Giang"))
    assert (info.value.node, info.value.value) == ("papi.2011", 0.0)
    assert "[6, 60]" in str(info.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values(bad: float) -> None:
    """NaN is not a missing value in chiso: a missing value is an empty (null) cell."""
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": [2015], "node": ["transparency"], "value": [bad]})
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    err = info.value
    assert (err.province, err.year, err.node) == ("Trà Vinh", 2015, "pci.2013/transparency")
    assert math.isnan(err.value) if math.isnan(bad) else err.value == bad
    assert "finite" in str(err) and "pci.2013/transparency" in str(err)


def test_nan_in_wide_frame() -> None:
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": [2015], **{s: [6.0] for s in SUB_INDICES}}).with_columns(
        pl.lit(float("nan")).alias("labor_training")
    )
    with pytest.raises(DataError, match="labor_training"):
        chiso.score("pci", frame)


def test_conflicting_duplicates() -> None:
    """The same province, year and node twice with different values — also through another spelling of the
    province and the full code of the node."""
    frame = long_frame([("Trà Vinh", 2015, "transparency", 5.0), ("tra vinh", 2015, "pci.2013/transparency", 6.0)])
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    err = info.value
    assert (err.province, err.year, err.node) == ("Trà Vinh", 2015, "pci.2013/transparency")
    message = str(err)
    assert "5" in message and "6" in message and "twice" in message


def test_exact_duplicates_are_accepted() -> None:
    frame = long_frame([("Trà Vinh", 2015, "pci.2013", 60.0)] * 3)
    totals = chiso.score("pci", frame).totals()
    assert totals.height == 1 and totals["score"][0] == 60.0


# --- names --------------------------------------------------------------------------------------------------------


def test_unknown_node_with_suggestion() -> None:
    with pytest.raises(UnknownNodeError) as info:
        chiso.score("pci", one(node="transparncy"))
    err = info.value
    assert isinstance(err, KeyError) and isinstance(err, DataError) and isinstance(err, ChisoError)
    assert (err.node, err.edition, err.province, err.year) == ("transparncy", "pci.2013", "Trà Vinh", 2015)
    assert err.suggestions == ["transparency"]
    assert '"transparncy"' in str(err) and "pci.2013" in str(err) and '"transparency"' in str(err)


def test_unknown_wide_column() -> None:
    frame = pl.DataFrame({"province": ["Trà Vinh"], "year": [2015], "transparency": [5.0], "gdp": [1.0]})
    with pytest.raises(UnknownNodeError) as info:
        chiso.score("pci", frame)
    assert info.value.node == "gdp"


def test_node_of_another_edition_says_which_edition_scores_the_year() -> None:
    """README §1.2: codes carry the edition; pci.2013/transparency does not exist in data year 2022 (pci.2022)."""
    with pytest.raises(UnknownNodeError) as info:
        chiso.score("pci", one(node="pci.2013/transparency", year=2022))
    err = info.value
    assert (err.node, err.edition, err.year) == ("pci.2013/transparency", "pci.2022", 2022)
    assert "transparency" in err.suggestions
    message = str(err)
    assert "2022 is scored with pci.2022" in message
    assert "pci.2013 is another edition" in message


def test_papi_node_of_another_edition() -> None:
    """papi.md §3.2: construction permits were dropped from 2021 (papi.2021)."""
    with pytest.raises(UnknownNodeError) as info:
        chiso.score("papi", one(node="administrative_procedures/construction_permits", value=1.0, year=2021))
    assert info.value.edition == "papi.2021"


def test_unknown_province_with_suggestion() -> None:
    with pytest.raises(UnknownProvinceError) as info:
        chiso.score("pci", one(province="Tra Vnh"))
    err = info.value
    assert isinstance(err, KeyError) and isinstance(err, ChisoError)
    assert err.province == "Tra Vnh"
    assert "Trà Vinh" in err.suggestions
    assert '"Tra Vnh"' in str(err) and "Trà Vinh" in str(err)


def test_unknown_index() -> None:
    with pytest.raises(UnknownIndexError) as info:
        chiso.score("xyz", one())
    err = info.value
    assert isinstance(err, KeyError)
    assert err.index == "xyz"
    assert '"xyz"' in str(err) and "pci" in str(err) and "papi" in str(err)


@pytest.mark.parametrize(("index", "year"), [("papi", 2010), ("pci", 2004)])
def test_year_no_edition_covers(index: str, year: int) -> None:
    """papi.md §2: PAPI starts with data year 2011; pci.md A2: PCI with 2005."""
    with pytest.raises(UnknownIndexError) as info:
        chiso.score(index, one(node="transparency", year=year))
    err = info.value
    assert (err.index, err.year) == (index, year)
    assert str(year) in str(err) and f"{index}.20" in str(err)


def test_unknown_edition() -> None:
    with pytest.raises(UnknownIndexError) as info:
        chiso.score("pci", one(), edition="pci.2014")
    assert info.value.edition == "pci.2014"
    assert "pci.2013" in str(info.value), "the message lists the known editions"


def test_edition_of_another_index_is_refused() -> None:
    """Scoring index "pci" with a PAPI edition would score PCI data with PAPI's tree (its ``transparency``
    dimension happens to share the slug). The index and the edition disagree: that must be an error."""
    with pytest.raises((InvalidArgumentError, UnknownIndexError)) as info:
        chiso.score("pci", one(node="transparency", value=5.0), edition="papi.2011")
    assert "papi.2011" in str(info.value) and "pci" in str(info.value)


# --- options ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "value"), [("missing", "zero"), ("missing", "drop"), ("prefer", "input")])
def test_invalid_option(option: str, value: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        chiso.score("pci", one(), **{option: value})
    assert isinstance(info.value, ValueError)
    assert f'{option}="{value}"' in str(info.value)


# --- provinces that did not exist ---------------------------------------------------------------------------------


def test_ha_tay_after_its_merger_is_refused() -> None:
    """README §1.9: Hà Tây merged into Hà Nội in 2008; the registry gives it data years up to 2008
    (chiso.provinces() ``last_year``). A Hà Tây value for data year 2015 cannot be real data, and ranking it
    would put 64 units in the 63-province geography of 2008–2024."""
    assert chiso.provinces().filter(code="28")["last_year"].to_list() == [2008]
    frame = long_frame([("Hà Tây", 2015, "pci.2013", 60.0), ("Hà Nội", 2015, "pci.2013", 61.0)])
    with pytest.raises(DataError) as info:
        chiso.score("pci", frame)
    assert "Hà Tây" in str(info.value) and "2015" in str(info.value)


def test_ha_tay_in_its_own_years_is_accepted() -> None:
    frame = long_frame([("Hà Tây", 2007, "pci.2006", 60.0), ("Hà Nội", 2007, "pci.2006", 61.0)])
    assert chiso.score("pci", frame).totals()["province_code"].sort().to_list() == ["01", "28"]
