"""The door of every public callable: wrong argument types and out-of-range integers become chiso errors.

Two kinds of callables are guarded, each by what it declares:

* the compiled functions and methods of ``chiso._chiso``, by their stub (``_chiso.pyi``, checked against the
  module by mypy's stubtest): pyo3 raises a bare ``TypeError`` ("'int' object is not an instance of 'str'") or
  ``OverflowError`` ("can't convert negative int to unsigned") naming no argument when a Python value does not fit
  the Rust type. Such an error — raised by the extension itself, not by Python code it called back — is turned
  into :class:`ArgumentTypeError` or :class:`ArgumentRangeError` naming the function, the argument, what it
  accepts and what it got.
* the Python functions of the package, by their own annotations, checked before they run, so that a wrong type
  never surfaces as an ``AttributeError`` deep inside.

Both error classes also derive from the built-in (``TypeError``, ``OverflowError``) and from ``ValueError`` through
:class:`InvalidArgumentError`, so existing ``except`` clauses keep working.
"""

from __future__ import annotations

import ast
import functools
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .exceptions import (
    ArgumentRangeError,
    ArgumentTypeError,
    ChisoError,
    DataError,
    InvalidArgumentError,
    MissingFileError,
)

I32 = (-(2**31), 2**31 - 1)
U32 = (0, 2**32 - 1)
U64 = (0, 2**64 - 1)

#: Accepted ranges of integer arguments, by name (one vocabulary: an argument name means the same everywhere).
#: The Rust core checks the semantic limits again (e.g. draws ≤ chiso's limit) for Rust callers.
INT_RANGES: dict[str, tuple[int, int]] = {
    "year": I32,
    "base_year": I32,
    "target_year": I32,
    "from_year": I32,
    "to_year": I32,
    "peers_target_year": I32,
    "baseline": I32,
    "rank": (1, U32[1]),
    "level": U64,
    "window": U64,
    "draws": (1, 100_000),
    "runs": (1, 10_000_000),
    "bootstrap": (0, 10_000),
    "seed": U64,
    "decimals_in": (0, 12),
    "decimals_out": (0, 12),
}


# --- annotations as predicates ------------------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) or type(v).__name__ in {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"}


def _is_float(v: Any) -> bool:
    return (isinstance(v, (int, float)) or type(v).__name__ in {"float32", "float64"}) and not isinstance(v, str)


Predicate = Callable[[Any], bool]

#: The compiled module's classes that annotations name, filled by :func:`guard_extension` (the package's checked
#: functions run only after it).
_CLASSES: dict[str, type] = {}


def _test(node: ast.expr, var: str, env: dict[str, Any], deep: bool, depth: int = 0) -> str:
    """The source of an expression that is true when ``var`` (a name or an expression) fits the annotation
    ``node``; the names it uses are put in ``env``. Containers are checked shallowly unless ``deep``. Unknown
    annotations accept anything (the callee decides). One compiler serves both guards: each call runs inline
    expressions, not an AST walk or a closure per parameter."""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return f"{var} is None"
        if isinstance(node.value, str):  # a forward reference written as a string
            return _test(ast.parse(node.value, mode="eval").body, var, env, deep, depth)
        return "True"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return f"({_test(node.left, var, env, deep, depth)} or {_test(node.right, var, env, deep, depth)})"
    if isinstance(node, ast.Name):
        name = node.id
        env.update(_is_int=_is_int, _is_float=_is_float, _classes=_CLASSES)
        if name == "str":
            return f"isinstance({var}, str)"
        if name == "int":
            return f"(type({var}) is int or _is_int({var}))"
        if name == "float":
            return f"(type({var}) is float or _is_float({var}))"
        if name == "bool":
            return f"(isinstance({var}, bool) or type({var}).__name__ == 'bool_')"
        if name in ("Methodology", "Scores"):
            return f"isinstance({var}, _classes[{name!r}])"
        return "True"
    if isinstance(node, ast.Attribute):  # pl.DataFrame, dt.date
        if node.attr == "date":
            import datetime

            env["_date"] = datetime.date
            return f"isinstance({var}, _date)"
        if node.attr in ("DataFrame", "LazyFrame"):
            import polars as pl

            env[f"_{node.attr}"] = getattr(pl, node.attr)
            return f"isinstance({var}, _{node.attr})"
        return "True"
    if isinstance(node, ast.Subscript):
        head = node.value.id if isinstance(node.value, ast.Name) else getattr(node.value, "attr", "")
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head == "Literal":
            # The type of the choices; which choice is the callee's to check, with its own message.
            kinds = tuple({type(a.value) for a in args if isinstance(a, ast.Constant)})
            key = "_kinds_" + "_".join(sorted(k.__name__ for k in kinds))
            env[key] = kinds
            return f"isinstance({var}, {key})"
        if head == "PathLike":
            env["_PathLike"] = os.PathLike
            return f"isinstance({var}, _PathLike)"
        if head in {"list", "Sequence"}:
            if not deep:
                return f"isinstance({var}, (list, tuple))"
            x = f"_x{depth}"
            item = _test(args[0], x, env, deep, depth + 1)
            return f"(isinstance({var}, (list, tuple)) and all({item} for {x} in {var}))"
        if head in {"dict", "Mapping"}:
            env["_Mapping"] = Mapping
            if not deep:
                return f"isinstance({var}, _Mapping)"
            k, x = f"_k{depth}", f"_x{depth}"
            key, value = _test(args[0], k, env, deep, depth + 1), _test(args[1], x, env, deep, depth + 1)
            return f"(isinstance({var}, _Mapping) and all({key} and {value} for {k}, {x} in {var}.items()))"
        if head == "tuple":
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                return f"isinstance({var}, (tuple, list))"
            # A fixed-size tuple is an argument (a scale, a range), not frame content: its elements are always
            # checked, so ``scale=(None, 5)`` is an ArgumentTypeError and not a TypeError from ``float(None)``.
            items = " and ".join(f"{_test(a, f'{var}[{i}]', env, deep, depth)}" for i, a in enumerate(args))
            return f"(isinstance({var}, (tuple, list)) and len({var}) == {len(args)} and {items or 'True'})"
        return "True"
    return "True"


def _predicate(node: ast.expr, deep: bool) -> Predicate:
    """The test of one annotation as a function (the compiled guard's error path)."""
    env: dict[str, Any] = {}
    source = f"lambda v: bool({_test(node, 'v', env, deep)})"
    return eval(source, env)  # noqa: S307 - source built above from annotation names only


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _bound(signature: inspect.Signature | None, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    if signature is None:
        return {}
    try:
        return dict(signature.bind_partial(*args, **kwargs).arguments)
    except TypeError:
        return {}


def _check_types(
    qualname: str, arguments: dict[str, Any], annotations: dict[str, ast.expr], predicates: Mapping[str, Predicate]
) -> None:
    """Raise :class:`ArgumentTypeError` for the first argument its predicate refuses (the annotation in the message)."""
    for name, value in arguments.items():
        test = predicates.get(name)
        if test is not None and not test(value):
            raise _type_error(qualname, name, value, annotations[name])


def _type_error(qualname: str, name: str, value: Any, annotation: ast.expr) -> ArgumentTypeError:
    """The error for argument ``name`` whose ``value`` does not fit ``annotation`` (the annotation in the message)."""
    expected = ast.unparse(annotation)
    return ArgumentTypeError(
        f"{qualname}: argument {name!r} must be {expected}, got {type(value).__name__} {_show(value)}",
        argument=name,
        expected=expected,
        value=value,
    )


def _outside(qualname: str, name: str, value: Any, bounds: tuple[int, int]) -> ArgumentRangeError | None:
    """The error for an integer argument outside ``bounds``, or None."""
    if isinstance(value, bool) or not _is_int(value):
        return None
    lo, hi = bounds
    if lo <= int(value) <= hi:
        return None
    return ArgumentRangeError(
        f"{qualname}: argument {name!r} = {_show(value)} is outside the accepted range {lo}–{hi}",
        argument=name,
        value=value,
        accepted=(lo, hi),
    )


def _range_error(qualname: str, arguments: dict[str, Any], exc: BaseException) -> ArgumentRangeError:
    for name, value in arguments.items():
        error = _outside(qualname, name, value, INT_RANGES.get(name, (-(2**63), 2**64 - 1)))
        if error is not None:
            return error
    return ArgumentRangeError(f"{qualname}: an integer argument is out of range ({exc})")


def _raised_by_extension(exc: BaseException) -> bool:
    """True when the error comes from the compiled call itself (argument conversion), not from Python code that
    the extension called back: its traceback then ends in the wrapper's own frame."""
    tb = exc.__traceback__
    return tb is not None and tb.tb_next is None


# --- the guards ---------------------------------------------------------------------------------------------------


def _guard_compiled(func: Callable[..., Any], qualname: str, annotations: dict[str, ast.expr]) -> Callable[..., Any]:
    try:
        signature: inspect.Signature | None = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ChisoError:
            raise
        except (TypeError, OverflowError, ValueError) as exc:
            if not _raised_by_extension(exc):
                raise
            arguments = _bound(signature, args, kwargs)
            arguments.pop("self", None)
            if isinstance(exc, OverflowError):
                raise _range_error(qualname, arguments, exc) from exc
            if isinstance(exc, TypeError):
                predicates = {name: _predicate(a, True) for name, a in annotations.items()}
                _check_types(qualname, arguments, annotations, predicates)
                raise ArgumentTypeError(f"{qualname}: {exc}") from exc
            raise InvalidArgumentError(f"{qualname}: {exc}") from exc

    return call


def _stub_annotations(stub: Path) -> dict[str, dict[str, ast.expr]]:
    """``{"find_province": {"name": <ast str>}, "Scores.compare": {...}}`` from the stub file."""
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    out: dict[str, dict[str, ast.expr]] = {}

    def collect(prefix: str, fn: ast.FunctionDef) -> None:
        a = fn.args
        params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
        out[prefix + fn.name] = {p.arg: p.annotation for p in params if p.annotation is not None}

    for item in tree.body:
        if isinstance(item, ast.FunctionDef):
            collect("", item)
        elif isinstance(item, ast.ClassDef):
            for member in item.body:
                if isinstance(member, ast.FunctionDef):
                    collect(item.name + ".", member)
    return out


def guard_extension(module: Any) -> None:
    """Wrap the public functions of the compiled module and the methods of its classes (once)."""
    if module.__name__ in _GUARDED:
        return
    stub = Path(module.__file__).with_name("_chiso.pyi")
    if not stub.is_file():
        stub = Path(__file__).with_name("_chiso.pyi")
    annotations = _stub_annotations(stub)
    classes = {name: getattr(module, name) for name in ("Methodology", "Scores") if hasattr(module, name)}
    _CLASSES.update(classes)
    for qualname, params in annotations.items():
        owner_name, _, name = qualname.rpartition(".")
        owner = classes.get(owner_name) if owner_name else module
        if owner is None or name.startswith("__"):
            continue
        original = owner.__dict__.get(name) if owner_name else getattr(owner, name, None)
        if original is None or not callable(original) or isinstance(original, property):
            continue
        if type(original).__name__ == "getset_descriptor":
            continue
        setattr(owner, name, _guard_compiled(original, qualname, params))
    _GUARDED.add(module.__name__)


#: Compiled modules already guarded (the extension module itself is left without extra attributes).
_GUARDED: set[str] = set()


def _binder(signature: inspect.Signature) -> Callable[[tuple[Any, ...], dict[str, Any]], dict[str, Any] | None]:
    """The arguments of a call by name, as ``signature.bind`` gives them, without its cost for the usual call
    (positional arguments in order, then keywords the signature names); None when the call is anything else (too
    many or missing arguments, a name given twice, ``*args``/``**kwargs``), for ``signature.bind`` to bind or
    reject with its own message."""
    kinds = inspect.Parameter
    parameters = list(signature.parameters.values())
    if any(p.kind in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD) for p in parameters):
        return lambda args, kwargs: None
    positional = [p.name for p in parameters if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    by_keyword = {p.name for p in parameters if p.kind != kinds.POSITIONAL_ONLY}
    required = [p.name for p in parameters if p.default is kinds.empty]

    def bind(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any] | None:
        if len(args) > len(positional):
            return None
        arguments = dict(zip(positional, args, strict=False))  # fewer args than positional parameters
        for name, value in kwargs.items():
            if name not in by_keyword or name in arguments:
                return None
            arguments[name] = value
        for name in required:
            if name not in arguments:
                return None
        return arguments

    return bind


#: An argument the call did not give.
_MISSING = object()


def _compile_check(
    qualname: str, signature: inspect.Signature, annotations: dict[str, ast.expr]
) -> Callable[[dict[str, Any]], None]:
    """One function testing a call's bound arguments against every annotation, then every integer against its
    range (:data:`INT_RANGES`), in the order of the signature: inline expressions (:func:`_test`), so that the
    usual, valid call costs a dictionary look-up and a test or two per argument, where a loop over closures cost
    several microseconds."""

    def refuse(name: str, value: Any) -> None:
        raise _type_error(qualname, name, value, annotations[name])

    def out_of_range(name: str, value: Any) -> None:
        if (error := _outside(qualname, name, value, INT_RANGES[name])) is not None:
            raise error

    env: dict[str, Any] = {"_missing": _MISSING, "_refuse": refuse, "_out_of_range": out_of_range}
    lines = ["def check(arguments):", "    get = arguments.get"]
    for name in signature.parameters:
        if name in annotations:
            test = _test(annotations[name], "v", env, deep=False)
            lines += [f"    v = get({name!r}, _missing)", f"    if v is not _missing and not ({test}):"]
            lines.append(f"        _refuse({name!r}, v)")
    for name in signature.parameters:
        if name in INT_RANGES:
            lo, hi = INT_RANGES[name]
            in_range = f"type(v) is int and {lo} <= v <= {hi}"
            lines += [f"    v = get({name!r}, _missing)", f"    if v is not _missing and not ({in_range}):"]
            lines.append(f"        _out_of_range({name!r}, v)")
    lines.append("    return None")
    exec("\n".join(lines), env)  # noqa: S102 - source built above from the signature's names and annotations
    check: Callable[[dict[str, Any]], None] = env["check"]
    return check


def checked(func: Callable[..., Any]) -> Callable[..., Any]:
    """Check a Python function's arguments against its annotations before it runs (shallow for containers: the
    elements are the callee's to check, with an error naming the row). The annotations become one compiled check
    (:func:`_compile_check`): a call runs a few inline tests."""
    signature = inspect.signature(func)
    annotations: dict[str, ast.expr] = {}
    for name, parameter in signature.parameters.items():
        a = parameter.annotation
        if isinstance(a, str) and a not in ("Any", "object"):
            try:
                annotations[name] = ast.parse(a, mode="eval").body
            except SyntaxError:  # pragma: no cover - annotations are valid Python
                continue
    qualname = f"{func.__module__.replace('chiso.', 'chiso.', 1)}.{func.__qualname__}"
    bind = _binder(signature)
    check = _compile_check(qualname, signature, annotations)

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        arguments = bind(args, kwargs)
        if arguments is None:
            try:
                arguments = dict(signature.bind(*args, **kwargs).arguments)
            except TypeError as exc:
                raise ArgumentTypeError(f"{qualname}: {exc}") from exc
        check(arguments)
        try:
            return func(*args, **kwargs)
        except ChisoError:
            raise
        except FileNotFoundError as exc:
            name = exc.filename or str(exc)
            raise MissingFileError(f"{qualname}: no such file: {name}", file=name) from exc
        except OSError as exc:  # a name too long, a directory, no permission: the argument names no readable file
            raise InvalidArgumentError(f"{qualname}: cannot read {exc.filename!r}: {exc.strerror or exc}") from exc
        except _content_errors() as exc:
            # The frame's content did not fit an operation (a list where a number belongs, mixed types …).
            raise DataError(f"{qualname}: the data cannot be read: {type(exc).__name__}: {exc}") from exc

    return call


@functools.cache
def _content_errors() -> tuple[type[BaseException], ...]:
    """The errors frame libraries raise on content they cannot convert."""
    import polars as pl

    errors: list[type[BaseException]] = [pl.exceptions.PolarsError]
    try:
        import pyarrow as pa

        errors.append(pa.lib.ArrowException)
    except ImportError:  # pragma: no cover - pyarrow is optional
        pass
    return tuple(errors)


def guard_module(module: Any, names: Sequence[str]) -> None:
    """Replace each public function ``names`` of a Python module by its checked form."""
    for name in names:
        func = getattr(module, name, None)
        if inspect.isfunction(func) and not getattr(func, "__wrapped__", None):
            setattr(module, name, checked(func))
