"""The indicator layer serves an index other than the PCI: PAR INDEX criteria (points against maxima) on the real
edition ``par.2024``, scored, explained and what-if'd from raw criterion points, with points above a criterion's
maximum or below zero refused by name.

The area codes and the maxima 9.5 / 13 / 10.5 / 15 / 16.5 are the edition file's (par_index.md §5). The criterion
codes, the criterion maxima, the maxima of the three areas the spec does not know (11, 11.5, 13: together 35.5) and
every province's points are INVENTED for this test: no criterion-level PAR data is published for every province.
"""

from __future__ import annotations

import chiso
import polars as pl
import pytest

CRITERIA = [
    ("steering", "c1", 5.0),
    ("steering", "c2", 4.5),
    ("institutions", "c1", 11.0),
    ("procedures", "c1", 7.0),
    ("procedures", "c2", 6.0),
    ("apparatus", "c1", 10.5),
    ("civil_service", "c1", 15.0),
    ("public_finance", "c1", 11.5),
    ("digital_government", "c1", 13.0),
    ("impact", "c1", 16.5),
]

LAYER = (
    '[layer]\nedition = "par.2024"\nstatus = "user_supplied"\n'
    + "".join(f'\n[[node]]\nnode = "{a}"\nrule_status = "official"\n' for a in dict.fromkeys(c[0] for c in CRITERIA))
    + "".join(
        f'\n[[indicator]]\nnode = "{a}/{c}"\nunit = "points"\ndirection = "higher_is_better"\nweight = 1.0\n'
        f'normalise = {{ method = "goalposts", lower = 0.0, upper = {m}, range = [0.0, {m}] }}\n'
        for a, c, m in CRITERIA
    )
)

# Invented points, in CRITERIA's order.
POINTS = {
    "Trà Vinh": [4.5, 4.0, 10.2, 6.5, 5.6, 9.8, 13.5, 9.9, 11.3, 12.7],
    "Vĩnh Long": [5.0, 4.5, 10.0, 6.0, 5.0, 9.0, 14.0, 10.5, 12.0, 13.0],
    "Bến Tre": [3.5, 3.0, 9.0, 5.5, 5.5, 8.5, 12.0, 9.0, 10.0, 14.0],
}


def frame(points: dict[str, list[float]] = POINTS) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {"province": p, "indicator": f"{a}/{c}", "value": v}
            for p, values in points.items()
            for (a, c, _), v in zip(CRITERIA, values, strict=True)
        ]
    )


def test_par_criteria_score_areas_and_total_by_hand() -> None:
    s = chiso.indicators.score(2024, data=frame(), toml=LAYER)
    nodes = s["nodes"].filter(province="Trà Vinh")
    assert nodes.filter(node="steering")["value"].item() == pytest.approx(4.5 + 4.0)
    assert nodes.filter(node="procedures")["value"].item() == pytest.approx(6.5 + 5.6)
    totals = dict(s["totals"].select("province", "composite").iter_rows())
    assert totals == pytest.approx({"Trà Vinh": 88.0, "Vĩnh Long": 89.0, "Bến Tre": 80.0})
    # Three of the 63 provinces MOHA ranks: no rank, the rank among the three given.
    tv = s["totals"].filter(province="Trà Vinh").row(0, named=True)
    assert (tv["rank"], tv["rank_within"], tv["n_field"], tv["field_status"]) == (None, 2, 63, "partial_field")
    # The layer's own index is used (its owner is PAR's lead department, not the PCI's).
    ex = chiso.indicators.explain("Trà Vinh", 2024, data=frame(), toml=LAYER)
    c1 = ex.filter(indicator="steering/c1").row(0, named=True)
    assert (c1["raw"], c1["unit"], c1["best_value"], c1["best_province"]) == (4.5, "points", 5.0, "Vĩnh Long")
    assert c1["composite_points_lost"] == pytest.approx(0.5)
    assert c1["owner"] == "Department of Home Affairs"


def test_par_criterion_what_if() -> None:
    w = chiso.indicators.what_if("Trà Vinh", 2024, {"steering/c1": 5.0}, data=frame(), toml=LAYER)
    assert w["composite_base"] == pytest.approx(88.0)
    assert w["composite"] == pytest.approx(88.5)
    assert w["nodes"].filter(node="steering")["value"].item() == pytest.approx(9.0)
    row = w["indicators"].row(0, named=True)
    assert (row["indicator"], row["bound_moved"], row["beyond_bounds"]) == ("steering/c1", False, False)


@pytest.mark.parametrize(
    ("province", "position", "value"),
    [("Trà Vinh", 0, 5.5), ("Bến Tre", 6, -1.0)],
    ids=["above_maximum", "negative"],
)
def test_par_points_outside_the_criterion_are_refused_by_name(province: str, position: int, value: float) -> None:
    points = {p: list(v) for p, v in POINTS.items()}
    points[province][position] = value
    with pytest.raises(chiso.IndicatorValueError) as e:
        chiso.indicators.score(2024, data=frame(points), toml=LAYER)
    a, c, _ = CRITERIA[position]
    assert (e.value.province, e.value.year, e.value.node, e.value.value) == (
        province,
        2024,
        f"par.2024/{a}/{c}",
        value,
    )


def test_par_layer_needs_data_and_its_own_index() -> None:
    with pytest.raises(chiso.ChisoError, match="no bundled indicator data for par.2024"):
        chiso.indicators.score(2024, toml=LAYER)
    with pytest.raises(chiso.DataError, match="edition par.2024"):
        chiso.indicators.score(2024, "pci", data=frame(), toml=LAYER)
