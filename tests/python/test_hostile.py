"""Hostile input, generated (issue 10): frames (long and wide, polars and pandas), mutations of every shipped
methodology file, and hostile values for every argument of every public function. The property is one: the call
returns a correct result or raises a :class:`chiso.ChisoError` subclass — no other exception, no crash, no hang.
A result never ranks a non-finite value.

Hangs: each example has a deadline far above any call's normal time (a few seconds for the slowest report) and
far below the time of the unbounded searches this suite was written against (10–17 s for a 10 MB name).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import os
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import chiso
import pandas as pd
import polars as pl
import pytest
from chiso import ChisoError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
#: Examples per property: sized for CI; raise it for a deeper run (CHISO_HOSTILE_EXAMPLES=2000 pytest …).
EXAMPLES = int(os.environ.get("CHISO_HOSTILE_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=10),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


class Long(str):
    """A long string that prints short in failure reports."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} chars {str.__repr__(self[:8])}…>"


#: Values no argument expects: wrong types, integers beyond every Rust type, non-finite floats, huge strings.
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([-1, 0, 2**31, 2**32 - 1, 2**63, 2**64, 10**12]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -0.0]),
    st.text(max_size=20),
    st.sampled_from(["", Long("x" * 200_000), Long("ệ" * 50_000), "1.0", "1.5", "../../etc/passwd", "\x00"]),
    st.lists(st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.floats(), st.text(max_size=3)), max_size=3),
    st.just(b"bytes"),
    st.just(object()),
    st.just(pl.DataFrame()),
)


def outcome(call: Callable[[], Any]) -> Any:
    """The call's result, or the ChisoError it raised; any other exception fails the test."""
    try:
        return call()
    except ChisoError as exc:
        assert str(exc), "a chiso error says what is wrong"
        return exc


def assert_honest(result: Any) -> None:
    if isinstance(result, chiso.Scores):
        totals = result.long().filter(pl.col("rank").is_not_null())
        assert totals["score"].is_finite().all(), "a rank on a non-finite value"


# --- frames -------------------------------------------------------------------------------------------------------

NAMES = ["Trà Vinh", "tra vinh", "84", "P54", "Hà Nội", "Vĩnh Long", "1.0", "nowhere", ""]
PATHS = sorted(
    {p for index in ("pci", "papi", "par", "dti") for p in chiso.methodology(index).tree()["path"].to_list()}
)


def column(kind: str, n: int) -> st.SearchStrategy[list[Any]]:
    """A homogeneous column (polars needs one type per column) of one of several kinds, nulls included."""
    cells: dict[str, st.SearchStrategy[Any]] = {
        "name": st.sampled_from(NAMES),
        "int": st.integers(min_value=-(2**40), max_value=2**40) | st.sampled_from([2011, 2016, 2023, 2024, 2025]),
        "year": st.sampled_from([2011, 2015, 2016, 2021, 2023, 2024, 2025, 1900, 2**31]),
        "float": st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1.0, 2.0, 5.5, 84.0, 2016.0]),
        "score": st.floats(min_value=0, max_value=100) | st.sampled_from([1e308, math.nan, math.inf]),
        "text": st.text(max_size=8),
        "path": st.sampled_from(PATHS),
        "measure": st.sampled_from(["score", "points", "ratio", "pct", "rank", "junk"]),
        "unit": st.sampled_from(["province", "national"]),
        "list": st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=2),
    }
    return st.lists(st.one_of(st.none(), cells[kind]) if kind != "list" else cells[kind], min_size=n, max_size=n)


@st.composite
def frames(draw: st.DrawFn) -> Any:
    n = draw(st.integers(min_value=0, max_value=12))
    data: dict[str, list[Any]] = {
        "province": draw(column(draw(st.sampled_from(["name", "name", "int", "float", "text"])), n)),
        "year": draw(column(draw(st.sampled_from(["year", "year", "int", "float", "text"])), n)),
    }
    if draw(st.booleans()):  # long
        data["node"] = draw(column(draw(st.sampled_from(["path", "path", "text"])), n))
        data["value"] = draw(column(draw(st.sampled_from(["score", "score", "float", "text", "list"])), n))
        if draw(st.booleans()):
            data["measure"] = draw(column("measure", n))
    else:  # wide
        for path in draw(st.lists(st.sampled_from([p for p in PATHS if p]), min_size=1, max_size=4, unique=True)):
            data[path] = draw(column(draw(st.sampled_from(["score", "score", "float", "text"])), n))
    if draw(st.booleans()):
        data["unit"] = draw(column("unit", n))
    if draw(st.booleans()):
        frame = pd.DataFrame(data)
        if draw(st.booleans()) and len(frame.columns) > 2:  # duplicate column names
            frame.columns = [*frame.columns[:-1], frame.columns[0]]
        return frame
    try:
        return pl.DataFrame(data, strict=False)
    except Exception:  # the generator's own frame, not chiso's concern
        assume(False)


@SETTINGS
@given(
    frame=frames(),
    index=st.sampled_from(["pci", "papi", "par", "dti", "sipas", "ict", "pgi"]),
    renormalise=st.booleans(),
)
def test_score_hostile_frames(frame: Any, index: str, renormalise: bool) -> None:
    missing = "renormalise" if renormalise else "strict"
    assert_honest(outcome(lambda: chiso.score(index, frame, missing=missing)))


def test_float_province_codes_are_their_integer_codes() -> None:
    """pandas makes a code column float when a cell is missing: 1.0 and 2.0 are Hà Nội and Hà Giang (class 4)."""
    frame = pd.DataFrame({"province": [1.0, 2.0], "year": [2024, 2024], "node": ["", ""], "value": [40.0, 41.0]})
    totals = chiso.score("papi", frame).totals().sort("province_code")
    assert totals["province"].to_list() == ["Hà Nội", "Hà Giang"]
    assert chiso.find_province("1.0") == ("01", "Hà Nội")
    with pytest.raises(chiso.DataError, match="not a province code"):
        chiso.score("papi", pd.DataFrame({"province": [1.5], "year": [2024], "node": [""], "value": [40.0]}))
    with pytest.raises(chiso.UnknownProvinceError) as e:
        chiso.find_province("1.5")
    assert e.value.province == "1.5 (a province code is a whole number)"


# --- methodology files --------------------------------------------------------------------------------------------

SHIPPED = sorted(p for p in (REPO / "methodologies").rglob("*.toml") if p.name != "index.toml")
NUMBER = re.compile(r"(?<![\w.])\d+(\.\d+)?(e\d+)?")


def toml_float(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(float(v))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SHIPPED)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["number", "number", "line", "dup", "cut", "text", "array", "chain"]))
        lines = text.splitlines()
        if kind == "number":
            spans = [m.span() for m in NUMBER.finditer(text)]
            if spans:
                a, b = draw(st.sampled_from(spans))
                v = draw(st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, 1e308, -1.0, 1e13]))
                text = text[:a] + toml_float(v) + text[b:]
        elif kind == "line" and lines:
            del lines[draw(st.integers(min_value=0, max_value=len(lines) - 1))]
            text = "\n".join(lines)
        elif kind == "dup" and lines:
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            text = "\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
        elif kind == "cut":
            text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
        elif kind == "text":
            quoted = [m.span() for m in re.finditer(r'"[^"\n]*"', text)]
            if quoted:
                a, b = draw(st.sampled_from(quoted))
                new = draw(
                    st.sampled_from(["SUM", "WMEAN", "RATIO", "bad", "", "official", "x.2020"]) | st.text(max_size=6)
                )
                text = text[:a] + '"' + new.replace('"', "").replace("\\", "") + '"' + text[b:]
        elif kind == "array":
            text = text.replace("]", ", " + toml_float(draw(st.floats())) + "]", 1)
        elif kind == "chain":
            code = re.search(r'code = "([^"]+)"', text)
            parent = code.group(1) if code else "x.2020"
            root = parent
            for i in range(draw(st.integers(min_value=1, max_value=2000))):
                child = f"{root}/zz{i}"
                text += f'\n[[node]]\ncode = "{child}"\nparent = "{parent}"\n'
                text += 'kind = "indicator"\nname_en = "x"\naggregation = "SUM"\n'
                parent = child
    return text


@SETTINGS
@given(text=mutated())
def test_mutated_methodology_files(text: str) -> None:
    result = outcome(lambda: chiso.methodology_from_toml(text, "mutated.toml"))
    assert isinstance(result, (chiso.Methodology, chiso.MethodologyError)), type(result)


@settings(max_examples=max(10, EXAMPLES // 4), deadline=timedelta(seconds=10), database=None)
@given(text=mutated())
def test_mutated_methodology_files_on_disk(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("m") / "mutated.toml"
    path.write_text(text, encoding="utf-8")
    result = outcome(lambda: chiso.load_methodology(path))
    assert isinstance(result, (chiso.Methodology, chiso.MethodologyError)), type(result)


# --- every public function, every argument -------------------------------------------------------------------------


@functools.cache
def papi() -> chiso.Scores:
    return chiso.score("papi", chiso.datasets.papi().filter(pl.col("year").is_between(2021, 2024)))


@functools.cache
def papi_to_2023() -> chiso.Scores:
    """PAPI 2021–2023: 2024 is a year to project to within the edition."""
    return chiso.score("papi", chiso.datasets.papi().filter(pl.col("year").is_between(2021, 2023)))


@functools.cache
def pci() -> chiso.Scores:
    return chiso.score("pci", chiso.datasets.pci().filter(pl.col("year").is_between(2015, 2016)))


def changes() -> pl.DataFrame:
    return pl.DataFrame({"province": ["Trà Vinh"], "node": ["participation"], "op": ["add"], "value": [0.5]})


def answers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "respondent": [1, 1, 2],
            "province": ["84"] * 3,
            "year": [2024] * 3,
            "node": ["a", "b", "a"],
            "answer": [5, 3, 4],
        }
    )


#: (name, the callable, valid keyword arguments). Each argument is kept or replaced by a hostile value.
CASES: list[tuple[str, Callable[[], Callable[..., Any]], dict[str, Callable[[], Any]]]] = [
    ("find_province", lambda: chiso.find_province, {"name": lambda: "Trà Vinh"}),
    ("province_codes", lambda: chiso.province_codes, {"names": lambda: ["84", "Hà Nội"]}),
    ("methodology", lambda: chiso.methodology, {"index": lambda: "pci", "year": lambda: 2016}),
    (
        "methodology_from_toml",
        lambda: chiso.methodology_from_toml,
        {"text": lambda: SHIPPED[0].read_text(), "name": lambda: "x"},
    ),
    ("load_methodology", lambda: chiso.load_methodology, {"path": lambda: SHIPPED[0]}),
    ("provinces", lambda: chiso.provinces, {"geography": lambda: "provinces_63"}),
    ("indices", lambda: chiso.indices, {}),
    (
        "score",
        lambda: chiso.score,
        {
            "index_or_methodology": lambda: "papi",
            "data": lambda: chiso.datasets.papi().filter(year=2024).head(40),
            "edition": lambda: None,
            "missing": lambda: "strict",
            "prefer": lambda: "computed",
        },
    ),
    (
        "compare",
        lambda: chiso.compare,
        {
            "scores": papi,
            "base_year": lambda: 2023,
            "year": lambda: 2024,
            "nodes": lambda: [""],
            "provinces": lambda: ["Trà Vinh"],
            "threshold": lambda: 0.05,
            "measure": lambda: "relative",
            "view": lambda: "wide",
        },
    ),
    ("compare_to_baseline", lambda: chiso.compare_to_baseline, {"scores": papi, "baseline": lambda: 2023}),
    (
        "to_units_2025",
        lambda: chiso.to_units_2025,
        {
            "data": lambda: pl.DataFrame(
                {"province": ["Đà Nẵng", "Quảng Nam"], "year": [2024, 2024], "node": ["", ""], "value": [0.8, 0.6]}
            ),
            "index": lambda: "dti",
        },
    ),
    ("Scores.long", lambda: papi().long, {}),
    ("Scores.wide", lambda: papi().wide, {"level": lambda: 1, "value": lambda: "score"}),
    (
        "Scores.compare_published",
        lambda: pci().compare_published,
        {"decimals_in": lambda: 2, "decimals_out": lambda: 2},
    ),
    (
        "Scores.decompose",
        lambda: papi().decompose,
        {"base_year": lambda: 2023, "year": lambda: 2024, "nodes": lambda: [""], "provinces": lambda: ["84"]},
    ),
    (
        "Scores.trajectory",
        lambda: papi().trajectory,
        {"province": lambda: "Trà Vinh", "node": lambda: "", "from_year": lambda: 2021, "to_year": lambda: 2024},
    ),
    (
        "Scores.peers",
        lambda: papi().peers,
        {"province": lambda: "Trà Vinh", "year": lambda: 2024, "node": lambda: "", "peers": lambda: ["Vĩnh Long"]},
    ),
    (
        "Scores.movers",
        lambda: papi().movers,
        {"base_year": lambda: 2023, "year": lambda: 2024, "threshold": lambda: 0.1},
    ),
    ("Scores.points_lost", lambda: pci().points_lost, {"province": lambda: "Trà Vinh", "year": lambda: 2016}),
    ("Scores.target", lambda: pci().target, {"province": lambda: "Trà Vinh", "year": lambda: 2016, "rank": lambda: 20}),
    (
        "Scores.target score",
        lambda: pci().target,
        {"province": lambda: "84", "year": lambda: 2016, "score": lambda: 60.0},
    ),
    ("Scores.calibrate", lambda: pci().calibrate, {"node": lambda: "", "years": lambda: [2016], "grid": lambda: 5.0}),
    (
        "Scores.trend",
        lambda: papi_to_2023().trend,
        {"province": lambda: "Trà Vinh", "node": lambda: "", "target_year": lambda: 2024, "window": lambda: 3},
    ),
    (
        "Scores.rank_outlook",
        lambda: papi_to_2023().rank_outlook,
        {"target_year": lambda: 2024, "window": lambda: 3, "draws": lambda: 20, "seed": lambda: 1},
    ),
    ("Methodology.covers", lambda: chiso.methodology("pci", 2016).covers, {"year": lambda: 2016}),
    (
        "Methodology.with_weights",
        lambda: chiso.methodology("pci", 2016).with_weights,
        {"weights": lambda: {"transparency": 10.0}, "rescale_sum": lambda: True},
    ),
    (
        "Methodology.with_max_points",
        lambda: chiso.methodology("par", 2023).with_max_points,
        {"maxima": lambda: {"steering": 10.0}},
    ),
    (
        "project.what_if",
        lambda: chiso.project.what_if,
        {
            "scores": papi,
            "year": lambda: 2024,
            "changes": changes,
            "peers": lambda: "held",
            "target_year": lambda: None,
        },
    ),
    (
        "project.calibrate_maxima",
        lambda: chiso.project.calibrate_maxima,
        {
            "data": lambda: pl.DataFrame({"a": [80.0, 90.0, 70.0], "b": [60.0, 50.0, 90.0], "t": [68.0, 66.0, 82.0]}),
            "parts": lambda: ["a", "b"],
            "total": lambda: "t",
        },
    ),
    ("plans.load_plan", lambda: chiso.plans.load_plan, {"source": chiso.plans.example_plan}),
    ("plans.owners", lambda: chiso.plans.owners, {"index": lambda: "par"}),
    (
        "plans.overdue",
        lambda: chiso.plans.overdue,
        {"plan": chiso.plans.example_plan, "at": lambda: dt.date(2025, 7, 1)},
    ),
    (
        "survey.satisfaction",
        lambda: chiso.survey.satisfaction,
        {"answers": answers, "scale": lambda: (1, 5), "satisfied_min": lambda: 4},
    ),
    (
        "report.province_report",
        lambda: chiso.report.province_report,
        {"province": lambda: "Trà Vinh", "index": lambda: "papi"},
    ),
]


@pytest.mark.parametrize(("name", "function", "valid"), CASES, ids=[c[0] for c in CASES])
def test_every_argument_of_every_public_function(
    name: str, function: Callable[[], Callable[..., Any]], valid: dict[str, Callable[[], Any]]
) -> None:
    """The valid call works; then each argument, kept or replaced by a hostile value (or left out), gives a result
    or a ChisoError."""
    call = function()
    assert not isinstance(outcome(lambda: call(**{k: v() for k, v in valid.items()})), ChisoError), name
    if not valid:
        return
    keys = sorted(valid)

    @settings(
        max_examples=EXAMPLES, deadline=timedelta(seconds=10), database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        choice=st.fixed_dictionaries(
            {k: st.one_of(st.just("valid"), st.just("absent"), HOSTILE.map(lambda v: ("hostile", v))) for k in keys}
        )
    )
    def check(choice: dict[str, Any]) -> None:
        kwargs = {}
        for k in keys:
            if choice[k] == "valid":
                kwargs[k] = valid[k]()
            elif choice[k] != "absent":
                kwargs[k] = choice[k][1]
        outcome(lambda: call(**kwargs))

    check()


def test_boundary_errors_name_the_argument_and_range() -> None:
    """Class 3 examples: the error names the function, the argument and what it accepts, and keeps its built-in."""
    s = papi()
    with pytest.raises(chiso.ArgumentRangeError, match=r"'year' = 2147483648 .*-2147483648–2147483647") as info:
        s.compare(2016, 2**31)
    assert isinstance(info.value, OverflowError) and isinstance(info.value, ValueError)
    with pytest.raises(chiso.ArgumentRangeError, match="'seed' = -1"):
        papi_to_2023().rank_outlook(2024, seed=-1)
    with pytest.raises(chiso.ArgumentRangeError, match="'rank' = -1"):
        pci().target("Trà Vinh", 2016, rank=-1)
    with pytest.raises(chiso.ArgumentTypeError, match="'name' must be str, got int 84") as type_info:
        chiso.find_province(84)  # type: ignore[arg-type]
    assert isinstance(type_info.value, TypeError)
    with pytest.raises(chiso.ArgumentTypeError, match="'nodes' must be list"):
        s.compare(2023, 2024, nodes="x")  # type: ignore[arg-type]
    with pytest.raises(chiso.MissingFileError) as missing:
        chiso.plans.load_plan("/nonexistent/plan.csv")
    assert isinstance(missing.value, FileNotFoundError)
    with pytest.raises(chiso.InvalidArgumentError, match="draws = 0"):
        papi_to_2023().rank_outlook(2024, draws=0)
    with pytest.raises(chiso.InvalidArgumentError, match="decimals_out = 4294967295"):
        pci().compare_published(decimals_out=2**32 - 1)


# --- the examples, one per class, as regressions ------------------------------------------------------------

HEAD = '[edition]\ncode = "x.2020"\nfirst_year = 2020\nname_en = "X"\nname_vi = "X"\nstatus = "official"\n'
ROOT = '[[node]]\ncode = "x.2020"\nkind = "index"\nname_en = "r"\naggregation = "SUM"\n'


def test_deep_trees_are_refused_with_the_limit() -> None:
    """Class 1: a chain 40,000 levels deep is a MethodologyError stating the limit, also on a 1 MiB thread stack."""
    import threading

    parents = ["x.2020", *(f"x.2020/n{i}" for i in range(39_999))]
    node = '[[node]]\ncode = "x.2020/n{}"\nparent = "{}"\nkind = "indicator"\nname_en = "n"\n'
    chain = [node.format(i, p) for i, p in enumerate(parents)]
    text = HEAD + ROOT + "".join(chain)
    errors: list[BaseException] = []
    old = threading.stack_size(1 << 20)
    try:
        worker = threading.Thread(target=lambda: errors.append(outcome(lambda: chiso.methodology_from_toml(text))))
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old)
    assert isinstance(errors[0], chiso.MethodologyError) and "deeper than 64 levels" in str(errors[0])
    with pytest.raises(chiso.MethodologyError, match="nested 5000 deep; at most 32"):
        chiso.methodology_from_toml("a = " + "[" * 5000 + "]" * 5000)


def test_sizes_are_checked_before_allocating() -> None:
    """Class 2: draws, names, levels."""
    s = papi_to_2023()
    for draws in (0, 10**9, 10**12, 2**62):
        with pytest.raises(chiso.InvalidArgumentError, match="outside the accepted range 1–100000"):
            s.rank_outlook(2024, draws=draws)
    with pytest.raises(chiso.UnknownProvinceError, match="a province name has at most 256") as info:
        chiso.find_province("x" * 10_000_000)
    assert info.value.suggestions == []
    with pytest.raises(chiso.InvalidArgumentError, match="levels 0–2"):
        papi().wide(level=10**6)


def par_areas(value: float, n: int | None = None) -> pl.DataFrame:
    areas = chiso.methodology("par", 2023).tree().filter(depth=1)["path"].to_list()[:n]
    return pl.DataFrame({"province": "Trà Vinh", "year": 2023, "node": areas, "value": value})


def test_computed_values_are_checked_against_their_scales() -> None:
    """Class 5: eight PAR areas of 50 (400 on 0–100), 1e308 (inf), one area of 252 renormalised (2016)."""
    with pytest.raises(chiso.DataError, match=r"computed value 400 is outside the node's scale \[0, 100\]") as info:
        chiso.score("par", par_areas(50.0))
    assert info.value.node == "par.2022" and "steering = 50" in info.value.inputs
    with pytest.raises(chiso.DataError, match="computed value inf is not a finite number"):
        chiso.score("par", par_areas(1e308))
    with pytest.raises(chiso.DataError, match="computed value 2016 is outside"):
        chiso.score("par", par_areas(252.0, 1), missing="renormalise")
    within = chiso.score("par", par_areas(12.0)).totals()
    assert within["score"].to_list() == [pytest.approx(96.0)]


def pci_file(old: str, new: str) -> str:
    text = (REPO / "methodologies" / "pci" / "pci.2013.toml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("weight = 20.0", "weight = 1e308", "magnitude at most 1e12"),
        ("weight = 20.0", "weight = inf", "magnitude at most 1e12"),
        ("scale = [1.0, 10.0]", "scale = [1.0, 10.0, 100.0]", "exactly two numbers"),
        ("k = 10.0", "k = 1e308", "magnitude at most 1e12"),
    ],
)
def test_numeric_checks_reject_non_finite_first(old: str, new: str, message: str) -> None:
    """Class 6: no check is passed by a comparison with an infinite side; shapes are exact."""
    with pytest.raises(chiso.MethodologyError, match=message):
        chiso.methodology_from_toml(pci_file(old, new))


def test_max_points_zero_and_cut_counts_are_refused() -> None:
    node = '[[node]]\ncode = "x.2020/a"\nkind = "indicator"\nname_en = "a"\nmax_points = 0.0\n'
    with pytest.raises(chiso.MethodologyError, match="max_points = 0 on a scored node"):
        chiso.methodology_from_toml(HEAD + ROOT + node)
    cuts = ", ".join(str(300 - i) for i in range(300))
    labels = ", ".join(f'"g{i}"' for i in range(301))
    groups = f'[groups]\nmethod = "thresholds"\ncuts = [{cuts}]\nlabels = [{labels}]\n'
    groups += 'status = "official"\nmethod_status = "official"\n'
    with pytest.raises(chiso.MethodologyError, match="300 cuts; a threshold rule has at most 254"):
        chiso.methodology_from_toml(HEAD + groups + ROOT)
    with pytest.raises(chiso.InvalidArgumentError, match="at most 1e"):
        chiso.methodology("par", 2023).with_max_points({"steering": 1e308})


def test_silent_drops_and_last_one_wins_are_errors() -> None:
    """Class 7."""
    s = papi()
    twice = pl.DataFrame(
        {"province": ["Trà Vinh"] * 2, "node": ["participation"] * 2, "op": ["set"] * 2, "value": [5.0, 6.0]}
    )
    with pytest.raises(chiso.InvalidArgumentError, match="edited twice"):
        chiso.project.what_if(s, 2024, twice)
    p16 = pci()
    one = pl.DataFrame({"province": ["Trà Vinh"], "node": ["transparency"], "op": ["set"], "value": [7.0]})
    peers = pl.DataFrame({"province": ["Hà Nội"], "node": [""], "value": [1e9]})
    with pytest.raises(chiso.DataError, match="outside the scale"):
        chiso.project.what_if(p16, 2016, one, peers="given", peer_values=peers)
    with pytest.raises(chiso.InvalidArgumentError, match="finite"):
        p16.target("Trà Vinh", 2016, score=math.nan)
    with pytest.raises(chiso.InvalidArgumentError, match="grid = inf"):
        p16.calibrate(years=[2016], grid=math.inf)
    rows = pl.DataFrame(
        {"province": ["Đà Nẵng", "Quảng Nam"], "year": [2024] * 2, "node": ["zzz"] * 2, "value": [0.8, 0.5]}
    )
    with pytest.raises(chiso.UnknownNodeError) as e:
        chiso.to_units_2025(rows, "dti")
    assert (e.value.edition, e.value.node, e.value.province, e.value.year) == ("dti.2024", "zzz", "Đà Nẵng", 2024)
    with pytest.raises(chiso.DataError, match="outside the scale"):
        chiso.to_units_2025(rows.with_columns(node=pl.lit(""), value=pl.lit(80.0)), "dti")
    with pytest.raises(chiso.InvalidArgumentError, match="decimals_out = 4294967295"):
        p16.compare_published(decimals_out=2**32 - 1)
    five = pl.DataFrame(
        {"respondent": [7] * 5, "province": ["84"] * 5, "year": [2024] * 5, "node": ["a"] * 5, "answer": [5] * 5}
    )
    with pytest.raises(chiso.DataError, match="respondent 7 answers 'a'"):
        chiso.survey.satisfaction(five, scale=(1, 5), satisfied_min=4)
    for column in ("measure", "unit"):
        frame = pl.DataFrame(
            {"province": ["Trà Vinh"], "year": [2024], "node": [""], "value": [40.0], column: [None]},
            schema_overrides={column: pl.String},
        )
        with pytest.raises(chiso.DataError, match=f"column '{column}' is empty at row 0"):
            chiso.score("papi", frame)
    with pytest.raises(chiso.DataError, match='row 0: column "province" is empty'):
        chiso.project.what_if(
            s,
            2024,
            pl.DataFrame(
                {"province": [None], "node": [""], "op": ["set"], "value": [40.0]},
                schema_overrides={"province": pl.String},
            ),
        )


@pytest.mark.parametrize("scale", [(None, 5), (1, None), [1, "5"], (1.0, [5])])
def test_fixed_size_tuples_are_checked_element_by_element(scale: Any) -> None:
    """A pair such as ``scale`` is an argument, checked whole: a None or a string inside it names the argument
    (once a bare ``TypeError`` from ``float(None)``, found by the hypothesis suite above)."""
    answers = pl.DataFrame({"respondent": [1], "province": ["Trà Vinh"], "year": [2024], "node": ["a"], "answer": [5]})
    with pytest.raises(chiso.ArgumentTypeError, match="argument 'scale' must be tuple\\[float, float\\]"):
        chiso.survey.satisfaction(answers, scale=scale, satisfied_min=4)


@pytest.mark.parametrize("data", [b"bytes", b"", bytearray(b"x")])
def test_bytes_are_not_a_path_or_a_frame(data: Any) -> None:
    """``score(b"bytes")`` once raised a bare TypeError from pathlib (found by the hypothesis suite above)."""
    with pytest.raises(chiso.DataError, match="cannot read a bytes as a table|missing column"):
        chiso.score("pci", data)


def _public_signatures() -> list[inspect.Signature]:
    """The signatures of every checked public function of the package."""
    import chiso.indicators
    import chiso.plans
    import chiso.project
    import chiso.survey
    import chiso.uncertainty

    modules = [chiso, chiso.indicators, chiso.plans, chiso.project, chiso.survey, chiso.uncertainty]
    functions = [getattr(m, name) for m in modules for name in getattr(m, "__all__", [])]
    return [inspect.signature(f.__wrapped__) for f in functions if hasattr(f, "__wrapped__")]


@SETTINGS
@given(data=st.data())
def test_fast_binding_is_signature_bind(data: st.DataObject) -> None:
    """The boundary's quick binding of a call gives what ``inspect.Signature.bind`` gives, or steps aside (None)
    for ``bind`` to decide: random positional counts and keyword sets, unknown and repeated names included, over
    the real signatures of the package's public functions."""
    from chiso._boundary import _binder

    signatures = _public_signatures()
    assert len(signatures) > 20
    sig = data.draw(st.sampled_from(signatures))
    names = [*sig.parameters, "not_a_parameter"]
    n_args = data.draw(st.integers(0, len(sig.parameters) + 1))
    args = tuple(range(n_args))
    keywords = data.draw(st.lists(st.sampled_from(names), unique=True))
    kwargs = {name: f"kw-{name}" for name in keywords}
    fast = _binder(sig)(args, kwargs)
    try:
        expected = dict(sig.bind(*args, **kwargs).arguments)
    except TypeError:
        assert fast is None
        return
    assert fast is None or fast == expected
