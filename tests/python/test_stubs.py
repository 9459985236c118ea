"""The type stubs ``python/chiso/_chiso.pyi`` must not drift from the compiled extension.

The stub's own header says it is "kept in step by tests/python/test_stubs.py"; STYLE (pydantic-core habits):
stubtest against the compiled module so the ``.pyi`` stubs cannot drift. This is a light stubtest: the same public
names, the same class members, and the same parameter names, kinds and defaults.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import chiso
import pytest
from chiso import _chiso

STUB = Path(chiso.__file__).with_name("_chiso.pyi")


def _stub_tree() -> ast.Module:
    if not STUB.is_file():
        pytest.fail(f"{STUB} is missing: the package ships type stubs for the extension")
    return ast.parse(STUB.read_text(encoding="utf-8"))


def _stub_functions(body: list[ast.stmt]) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in body if isinstance(n, ast.FunctionDef)}


def _stub_names() -> dict[str, ast.stmt]:
    names: dict[str, ast.stmt] = {}
    for node in _stub_tree().body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return names


def _params(fn: ast.FunctionDef) -> list[tuple[str, str, object]]:
    """(name, kind, default) of a stub function, without ``self``."""
    a = fn.args
    out = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for arg, default in zip(positional, defaults, strict=True):
        kind = "positional_only" if arg in a.posonlyargs else "positional_or_keyword"
        out.append((arg.arg, kind, ast.literal_eval(default) if default is not None else inspect.Parameter.empty))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        out.append(
            (arg.arg, "keyword_only", ast.literal_eval(default) if default is not None else inspect.Parameter.empty)
        )
    return [p for p in out if p[0] != "self"]


def _runtime_params(obj: object) -> list[tuple[str, str, object]] | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    kinds = {
        inspect.Parameter.POSITIONAL_ONLY: "positional_only",
        inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
        inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    }
    # pyo3 marks ``self`` positional-only; the stubs write plain parameters, so compare names, keyword-only-ness
    # and defaults.
    return [
        (p.name, "keyword_only" if p.kind is inspect.Parameter.KEYWORD_ONLY else "positional_or_keyword", p.default)
        for p in sig.parameters.values()
        if p.name != "self" and p.kind in kinds
    ]


def _normalise(params: list[tuple[str, str, object]]) -> list[tuple[str, str, object]]:
    return [(n, "keyword_only" if k == "keyword_only" else "positional_or_keyword", d) for n, k, d in params]


def test_same_public_names() -> None:
    runtime = {n for n in dir(_chiso) if not n.startswith("__")}
    stub = set(_stub_names())
    assert stub - {"__version__"} == runtime - {"__version__"}, (
        f"only in the stub: {sorted(stub - runtime)}; only in the extension: {sorted(runtime - stub)}"
    )


def test_same_class_members() -> None:
    names = _stub_names()
    for cls_name in ("Methodology", "Scores"):
        node = names[cls_name]
        assert isinstance(node, ast.ClassDef)
        stub_members = {n.name for n in node.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
        runtime = {n for n in dir(getattr(_chiso, cls_name)) if not n.startswith("_")}
        assert stub_members == runtime, (cls_name, sorted(stub_members ^ runtime))


def test_same_function_signatures() -> None:
    names = _stub_names()
    mismatches = []
    for name, node in names.items():
        if isinstance(node, ast.FunctionDef):
            runtime = _runtime_params(getattr(_chiso, name))
            if runtime is not None and _normalise(_params(node)) != runtime:
                mismatches.append((name, _params(node), runtime))
        elif isinstance(node, ast.ClassDef):
            cls = getattr(_chiso, name)
            for fn in _stub_functions(node.body).values():
                if fn.name.startswith("_") or any(
                    isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list
                ):
                    continue
                runtime = _runtime_params(getattr(cls, fn.name))
                if runtime is not None and _normalise(_params(fn)) != runtime:
                    mismatches.append((f"{name}.{fn.name}", _params(fn), runtime))
    assert not mismatches, "\n".join(f"{n}: stub {s} != extension {r}" for n, s, r in mismatches)


def test_properties_are_properties() -> None:
    names = _stub_names()
    for cls_name in ("Methodology", "Scores"):
        cls = getattr(_chiso, cls_name)
        for fn in _stub_functions(names[cls_name].body).values():
            is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list)
            runtime = inspect.getattr_static(cls, fn.name)
            assert is_property == (not callable(runtime)), f"{cls_name}.{fn.name}"
