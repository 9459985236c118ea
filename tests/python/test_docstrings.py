"""The examples in the compiled classes' docstrings run (pytest's --doctest-modules sees only .py files)."""

from __future__ import annotations

import doctest

import chiso
import pytest

OBJECTS = [
    (name, getattr(cls, name))
    for cls in (chiso.Scores, chiso.Methodology)
    for name in dir(cls)
    if not name.startswith("_") and ">>>" in (getattr(cls, name).__doc__ or "")
]


def test_there_are_examples() -> None:
    assert len(OBJECTS) >= 4


@pytest.mark.parametrize(("name", "obj"), OBJECTS, ids=[n for n, _ in OBJECTS])
def test_docstring_examples(name: str, obj: object) -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(obj.__doc__ or "", {}, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} failing example(s) in {name}"
