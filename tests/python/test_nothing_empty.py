"""Issue 9 §6: nothing silently empty — every result has rows or raises a typed error saying why; the bundled data
of every index score out of the box; ``score`` takes file paths; ``node`` means one thing in every frame."""

from __future__ import annotations

import warnings
from pathlib import Path

import chiso
import matplotlib  # a test dependency installed by the Makefile: never skipped
import polars as pl
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def pci() -> chiso.Scores:
    return chiso.score("pci", chiso.datasets.pci())


# --- empty answers become errors that say why ---------------------------------------------------------------------


def test_decompose_of_composites_only_says_why(pci: chiso.Scores) -> None:
    """The bundled PCI 2021 and 2022 hold only composites for Trà Vinh: the split needs sub-indices in both years."""
    with pytest.raises(chiso.EmptyResultError, match=r"no value of \"entry_costs\".*in 2021.*sub-indices") as err:
        pci.decompose(2021, 2022, provinces=["Trà Vinh"])
    assert err.value.what == "decompose(2021, 2022)"
    assert isinstance(err.value, chiso.DataError)


def test_weight_split_2021_2022_on_bundled_data(pci: chiso.Scores) -> None:
    """The README's promise, on the bundled data that support it: VCCI's province pages publish the 2021 and 2022
    sub-indices of Ninh Thuận and Quảng Trị, so their change across the 2022 re-weighting splits into a score part
    and a weights part (both DERIVED) that add up to the change of the published composites' recomputation."""
    d = pci.decompose(2021, 2022, nodes=[""])
    assert sorted(d["province"].unique().to_list()) == ["Ninh Thuận", "Quảng Trị"]
    assert set(d["part"]) == {"score", "weights"}
    assert set(d["provenance"]) == {"derived"}
    change = pci.compare(2021, 2022, provinces=["Ninh Thuận", "Quảng Trị"], nodes=[""])
    for province, delta in change.select("province", "delta").iter_rows():
        assert d.filter(province=province)["contribution"].sum() == pytest.approx(delta, abs=1e-9)


def test_decompose_of_a_leaf_says_why(pci: chiso.Scores) -> None:
    with pytest.raises(chiso.EmptyResultError, match="no children"):
        pci.decompose(2015, 2016, nodes=["transparency"])


def test_decompose_with_data_still_has_rows(pci: chiso.Scores) -> None:
    assert pci.decompose(2015, 2016, provinces=["Trà Vinh"], nodes=[""]).height == 10


def test_waterfall_says_why(pci: chiso.Scores) -> None:
    with pytest.raises(chiso.EmptyResultError, match="sub-indices"):
        chiso.plot.waterfall(pci, "Trà Vinh", 2021, 2022)


def test_profile_is_never_a_blank_chart(pci: chiso.Scores) -> None:
    """PCI 2022 has no sub-index values: no blank chart, an error naming the level and what to pass."""
    with pytest.raises(chiso.EmptyResultError, match="no value at level 1") as err:
        chiso.plot.profile(pci, "Trà Vinh", 2022)
    assert "entry_costs" in str(err.value)
    fig, _ = chiso.plot.profile(pci, "Trà Vinh", 2016)  # a year with sub-indices still plots
    matplotlib.pyplot.close(fig)


def test_a_dropped_column_is_not_silent() -> None:
    """A wide PCI 2016 frame without its transparency column: every total is missing, and a warning says which
    column and what to do (the result still says it per row in missing_children)."""
    data = chiso.datasets.pci().filter(year=2016, measure="score").filter(pl.col("node") != "")
    wide = data.pivot(on="node", index=["province_code", "year"], values="value").drop("transparency")
    with pytest.warns(chiso.MissingDataWarning, match=r"pci\.2013/transparency has no value in any of them"):
        scores = chiso.score("pci", wide)
    totals = scores.totals()
    assert totals["score"].null_count() == totals.height == 63
    assert all("pci.2013/transparency" in m for m in totals["missing_children"].to_list())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chiso.score("pci", data.pivot(on="node", index=["province_code", "year"], values="value"))


# --- the bundled data of every index score out of the box ---------------------------------------------------------


@pytest.mark.parametrize("index", ["par", "sipas", "papi", "pci", "pgi", "ict", "dti"])
def test_bundled_data_score_out_of_the_box(index: str) -> None:
    data = getattr(chiso.datasets, index)()
    totals = chiso.score(index, data).totals()
    assert totals.height > 0
    assert totals["score"].drop_nulls().len() > 0 or totals["published_rank"].drop_nulls().len() > 0


# --- file paths -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_score_accepts_paths(tmp_path: Path, suffix: str) -> None:
    """The issue's CSV gave "found ['column_0']". A path to a CSV, Parquet or Excel file is read; GSO codes such as
    "01" stay text and an empty node cell is the total."""
    frame = chiso.datasets.pci().filter(year=2016, measure="score").select("province_code", "year", "node", "value")
    path = tmp_path / f"pci2016{suffix}"
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_excel(path)
    from_file = chiso.score("pci", path).totals()
    from_str = chiso.score("pci", str(path)).totals()
    direct = chiso.score("pci", frame).totals()
    assert from_file.equals(from_str)
    # Excel stores 15 significant digits: the inputs come back within a hair of the frame's.
    exact = ["province_code", "year", "score", "rank", "n_ranked", "n_field", "field_status", "origin"]
    assert from_file.select(exact).equals(direct.select(exact)) or suffix == ".xlsx"
    assert ((from_file["input"] - direct["input"]).abs() < 1e-9).all()
    assert ((from_file["score"] - direct["score"]).abs() < 1e-9).all()
    assert from_file.filter(province_code="01").height == 1


def test_score_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(chiso.DataError, match=r"no such file.*\.csv, \.parquet or \.xlsx"):
        chiso.score("pci", tmp_path / "missing.csv")
    odd = tmp_path / "scores.json"
    odd.write_text("{}", encoding="utf-8")
    with pytest.raises(chiso.DataError, match=r"unknown file type '\.json'.*polars or pandas DataFrame"):
        chiso.score("pci", odd)
    with pytest.raises(chiso.DataError, match="polars or pandas DataFrame"):
        chiso.score("pci", 42)


# --- one vocabulary: node is the path below the edition root everywhere -------------------------------------------


def test_node_means_the_path_in_every_frame() -> None:
    papi = chiso.score("papi", chiso.datasets.papi().filter(pl.col("year").is_in([2023, 2024])))
    path = "control_of_corruption"
    frames = {
        "long": papi.long().filter(year=2024, province="Trà Vinh"),
        "dataset": chiso.datasets.papi().filter(year=2024, province="Trà Vinh"),
        "compare": papi.compare(2023, 2024, provinces=["Trà Vinh"]),
        "what_if": chiso.project.what_if(
            papi, 2024, pl.DataFrame({"province": ["Trà Vinh"], "node": [path], "op": ["add"], "value": [0.1]})
        ),
        "points_lost": papi.points_lost("Trà Vinh", 2024),
        "trajectory": papi.trajectory("Trà Vinh", path),
        "compare_published": chiso.score("pci", chiso.datasets.pci().filter(year=2016)).compare_published(),
    }
    for name, frame in frames.items():
        nodes = frame["node"].unique().to_list()
        assert not any(n.startswith(("papi.", "pci.")) for n in nodes), (name, nodes[:3])
        if name not in ("dataset", "trajectory", "compare_published"):
            assert "" in nodes and path in nodes, name
    decompose = papi.decompose(2023, 2024, provinces=["Trà Vinh"])
    assert "" in decompose["parent"].to_list() and path in decompose["child"].to_list()
    long = frames["long"]
    assert (long.filter(node=path)["code"] == f"papi.2021/{path}").all()
    assert "path" not in long.columns
    # A frame chiso returned scores again as it is (its `code` column names the edition).
    again = chiso.score("papi", long.filter(depth=2).select("province", "year", "node", "code", value="score"))
    assert again.totals()["score"][0] == pytest.approx(long.filter(depth=0)["score"][0])


def test_ranked_bars_never_blank_and_say_partial_fields(pci: chiso.Scores) -> None:
    """No value at the node that year: an error, not an empty chart. A partial field (PCI 2024: 12 of 63 published
    composites) says how many in the title."""
    with pytest.raises(chiso.EmptyResultError, match="no province has a value at 'transparency' in 2023"):
        chiso.plot.ranked_bars(pci, 2023, highlight="Trà Vinh", node="transparency")
    fig, ax = chiso.plot.ranked_bars(pci, 2024, highlight="Trà Vinh")
    assert len(ax.patches) == 12 and "(12 trong 63 tỉnh được xếp hạng)" in ax.get_title()
    matplotlib.pyplot.close(fig)
    fig, ax = chiso.plot.ranked_bars(pci, 2024, highlight="Trà Vinh", lang="en")
    assert "(12 of the 63 provinces ranked)" in ax.get_title()
    matplotlib.pyplot.close(fig)
    fig, ax = chiso.plot.ranked_bars(pci, 2016, highlight="Trà Vinh")
    assert "trong 63" not in ax.get_title()
    matplotlib.pyplot.close(fig)


def test_notebook_display_shows_the_field_or_the_published_rank() -> None:
    pgi = chiso.score("pgi", chiso.datasets.pgi())
    page = pgi._repr_html_()
    assert "1 (published)" in page and "1/1" not in page
