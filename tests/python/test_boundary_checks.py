"""The argument guard's compiled checks (``chiso._boundary._test``) accept exactly what the first, closure-based
definition of each annotation accepted: every annotation of every public function and method, shallow and deep, on
values of every kind the package's arguments take and many they must refuse."""

from __future__ import annotations

import ast
import datetime
import importlib
import inspect
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import chiso
import numpy as np
import polars as pl
from chiso import _boundary
from chiso._boundary import _is_float, _is_int
from hypothesis import given, settings
from hypothesis import strategies as st


def _accept(value: Any) -> bool:
    return True


def reference_predicate(node: ast.expr, classes: Mapping[str, type], deep: bool) -> Callable[[Any], bool]:
    """The annotation tests as first written, one closure per annotation node (session 4's guard): the
    definition the compiled expressions must reproduce."""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return lambda v: v is None
        if isinstance(node.value, str):  # a forward reference written as a string
            return reference_predicate(ast.parse(node.value, mode="eval").body, classes, deep)
        return _accept
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = reference_predicate(node.left, classes, deep), reference_predicate(node.right, classes, deep)
        return lambda v: left(v) or right(v)
    if isinstance(node, ast.Name):
        name = node.id
        if name == "str":
            return lambda v: isinstance(v, str)
        if name == "int":
            return _is_int
        if name == "float":
            return _is_float
        if name == "bool":
            return lambda v: isinstance(v, bool) or type(v).__name__ == "bool_"
        if name in classes:
            cls = classes[name]
            return lambda v: isinstance(v, cls)
        return _accept
    if isinstance(node, ast.Attribute):  # pl.DataFrame, dt.date
        if node.attr == "date":
            import datetime

            return lambda v: isinstance(v, datetime.date)
        if node.attr in ("DataFrame", "LazyFrame"):
            import polars as pl

            frame = getattr(pl, node.attr)
            return lambda v: isinstance(v, frame)
        return _accept
    if isinstance(node, ast.Subscript):
        head = node.value.id if isinstance(node.value, ast.Name) else getattr(node.value, "attr", "")
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head == "Literal":
            # The type of the choices; which choice is the callee's to check, with its own message.
            kinds = tuple({type(a.value) for a in args if isinstance(a, ast.Constant)})
            return lambda v: isinstance(v, kinds)
        if head == "PathLike":
            return lambda v: isinstance(v, os.PathLike)
        if head in {"list", "Sequence"}:
            item = reference_predicate(args[0], classes, deep)

            def sequence(v: Any) -> bool:
                if isinstance(v, (str, bytes)) or not isinstance(v, (list, tuple)):
                    return False
                return not deep or all(item(x) for x in v)

            return sequence
        if head in {"dict", "Mapping"}:
            key, value = reference_predicate(args[0], classes, deep), reference_predicate(args[1], classes, deep)

            def mapping(v: Any) -> bool:
                if not isinstance(v, Mapping):
                    return False
                return not deep or all(key(k) and value(x) for k, x in v.items())

            return mapping
        if head == "tuple":
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                return lambda v: isinstance(v, (tuple, list))
            # A fixed-size tuple is an argument (a scale, a range), not frame content: its elements are always
            # checked, so ``scale=(None, 5)`` is an ArgumentTypeError and not a TypeError from ``float(None)``.
            items = [reference_predicate(a, classes, deep) for a in args]
            return lambda v: (
                isinstance(v, (tuple, list))
                and len(v) == len(items)
                and all(f(x) for f, x in zip(items, v, strict=True))
            )
        return _accept
    return _accept


SUBMODULES = ["indicators", "plans", "project", "survey", "uncertainty"]


def _annotations() -> list[ast.expr]:
    """Every distinct annotation of the stub (compiled functions) and of the checked Python functions."""
    stub = Path(chiso._chiso.__file__).with_name("_chiso.pyi")
    if not stub.is_file():
        stub = Path(_boundary.__file__).with_name("_chiso.pyi")
    found = {ast.dump(a): a for params in _boundary._stub_annotations(stub).values() for a in params.values()}
    modules = [chiso] + [importlib.import_module(f"chiso.{m}") for m in SUBMODULES]
    for module in modules:
        for name in getattr(module, "__all__", []):
            func = getattr(getattr(module, name), "__wrapped__", None)
            if func is None:
                continue
            for parameter in inspect.signature(func).parameters.values():
                a = parameter.annotation
                if isinstance(a, str) and a not in ("Any", "object"):
                    node = ast.parse(a, mode="eval").body
                    found[ast.dump(node)] = node
    return list(found.values())


ANNOTATIONS = _annotations()
SCORES = chiso.score("papi", chiso.datasets.papi().filter(year=2024).head(40))
VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -5,
    2**70,
    1.5,
    float("nan"),
    "x",
    "",
    b"x",
    [],
    [1],
    ["a", "b"],
    ["a", 1],
    [None],
    (1, 2),
    (1.0, None),
    ("a",),
    {"a": 1},
    {"a": "b"},
    {1: 2},
    set(),
    np.int64(3),
    np.int32(-1),
    np.float64(2.0),
    np.float32(1.0),
    np.bool_(True),
    np.array([1.0]),
    pl.DataFrame({"a": [1]}),
    pl.DataFrame().lazy(),
    Path("x"),
    datetime.date(2024, 1, 1),
    datetime.datetime(2024, 1, 1),
    SCORES,
    chiso.methodology("pci", 2016),
    [[1, 2]],
    [("a", 1)],
    {"a": [1]},
    object(),
]


@settings(max_examples=300, deadline=None)
@given(annotation=st.sampled_from(ANNOTATIONS), value=st.sampled_from(VALUES), deep=st.booleans())
def test_compiled_checks_are_the_closures(annotation: ast.expr, value: Any, deep: bool) -> None:
    classes = {"Methodology": chiso._chiso.Methodology, "Scores": chiso._chiso.Scores}
    expected = reference_predicate(annotation, classes, deep)(value)
    assert _boundary._predicate(annotation, deep)(value) == expected, ast.unparse(annotation)


def test_every_annotation_kind_is_reached() -> None:
    """The sample of annotations covers the forms the compiler knows (else the test above proves less)."""
    text = " ".join(ast.unparse(a) for a in ANNOTATIONS)
    for form in ("str", "int", "float", "bool", "None", "list[", "dict[", "tuple[", "Literal[", "Scores", "DataFrame"):
        assert form in text, form
