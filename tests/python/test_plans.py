"""Plans (issue 5): tasks with expected effects → projected score and rank, gains per agency, uncovered losses,
overdue tasks; the example plan is illustrative and loads."""

from __future__ import annotations

import datetime as dt

import chiso
import polars as pl
import pytest
from chiso import plans


@pytest.fixture(scope="module")
def scores() -> chiso.Scores:
    return chiso.score("pci", chiso.datasets.pci().filter(year=2016))


@pytest.fixture(scope="module")
def plan() -> pl.DataFrame:
    return plans.load_plan(
        pl.DataFrame(
            {
                "id": ["A", "B", "C"],
                "index": ["pci"] * 3,
                "node": ["transparency", "labor_training", "entry_costs"],
                "title": ["Publish plans", "Vocational training", "One-stop shop"],
                "lead_agency": [
                    "Department of Planning and Investment",
                    "Department of Labour",
                    "Department of Planning and Investment",
                ],
                "deadline": ["2025-03-31", "2025-12-31", "2025-06-30"],
                "status": ["done", "planned", "in_progress"],
                "effect_op": ["add", "headroom", "set"],
                "effect_value": [0.5, 0.25, 9.0],
            }
        )
    )


def test_all_and_done_tasks(scores: chiso.Scores, plan: pl.DataFrame) -> None:
    everything = plans.project_plan(scores, plan, "Trà Vinh", 2016, index="pci").filter(node="")
    done = plans.project_plan(scores, plan, "Trà Vinh", 2016, index="pci", tasks="done").filter(node="")
    assert done["delta"][0] == pytest.approx(0.5 * 2.0)  # transparency weighs 20%: 2 composite points per point
    assert everything["delta"][0] > done["delta"][0]
    assert everything["rank"][0] <= done["rank"][0] <= done["base_rank"][0]
    subset = plans.project_plan(scores, plan, "Trà Vinh", 2016, index="pci", tasks=["A"]).filter(node="")
    assert subset["delta"][0] == pytest.approx(done["delta"][0])


def test_gains_by_agency(scores: chiso.Scores, plan: pl.DataFrame) -> None:
    gains = plans.gains_by_agency(scores, plan, "Trà Vinh", 2016, index="pci")
    assert set(gains["lead_agency"]) == {"Department of Planning and Investment", "Department of Labour"}
    assert gains.filter(lead_agency="Department of Planning and Investment")["n_tasks"][0] == 2
    assert (gains["total_gain"] > 0).all()


def test_uncovered_losses_and_owners(scores: chiso.Scores, plan: pl.DataFrame) -> None:
    out = plans.uncovered(scores, plan, "Trà Vinh", 2016, index="pci")
    covered = set(out.filter("covered_by_plan")["node"])
    assert covered == {"transparency", "labor_training", "entry_costs"}
    assert set(out["owner"]) == {"Department of Planning and Investment"}
    mapping = pl.DataFrame({"node": ["labor_training"], "agency": ["Department of Labour"]})
    out = plans.uncovered(scores, plan, "Trà Vinh", 2016, index="pci", mapping=mapping)
    assert out.filter(node="labor_training")["owner"][0] == "Department of Labour"
    assert out.filter(node="transparency")["owner"][0] == "Department of Planning and Investment"


def test_overdue(plan: pl.DataFrame) -> None:
    assert plans.overdue(plan, dt.date(2025, 7, 1))["id"].to_list() == ["C"]
    assert plans.overdue(plan, dt.date(2026, 1, 1))["id"].to_list() == ["B", "C"]


def test_example_plan_is_illustrative() -> None:
    example = plans.example_plan()
    assert example.filter(index="par").height == 7 and example.filter(index="dti").height == 5
    assert example["note"].str.contains("ILLUSTRATIVE").all()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda df: df.drop("lead_agency"), "missing column"),
        (lambda df: df.with_columns(status=pl.lit("maybe")), "status"),
        (lambda df: df.with_columns(effect_op=pl.lit("double")), "effect_op"),
        (lambda df: df.with_columns(deadline=pl.lit("31/12/2025")), "deadline"),
        (lambda df: df.with_columns(id=pl.lit("A")), "repeat"),
    ],
)
def test_bad_plans(plan: pl.DataFrame, change, match: str) -> None:  # type: ignore[no-untyped-def]
    raw = plan.with_columns(pl.col("deadline").cast(pl.String))
    with pytest.raises(chiso.DataError, match=match):
        plans.load_plan(change(raw))


def test_plan_from_excel_and_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    example = plans.example_plan()
    example.write_excel(tmp_path / "plan.xlsx")
    example.write_csv(tmp_path / "plan.csv")
    for path in (tmp_path / "plan.xlsx", tmp_path / "plan.csv"):
        again = plans.load_plan(path)
        assert again.select("id", "node", "deadline").equals(example.select("id", "node", "deadline"))
