"""The README's Python example runs as written (a broken quick start is a bug)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parents[2] / "README.md"


def test_readme_python_example_runs(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # the quick start writes tra_vinh.html
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README has a Python example"
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - the README is ours
        assert "papi" in namespace


def test_provenance_table_is_generated_from_the_methodology_files() -> None:
    """The README's table of official / derived / unknown, edition by edition, is what the methodology files say
    (scripts/provenance_table.py; regenerate with --write)."""
    import importlib.util

    path = Path(__file__).parents[2] / "scripts" / "provenance_table.py"
    spec = importlib.util.spec_from_file_location("provenance_table", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = README.read_text(encoding="utf-8")
    assert module.readme_section(readme) == module.table()
    # Spot checks against the specification, so the generator itself cannot drift unnoticed: three PAR editions
    # compute an official total; the SIPAS overall is never computed; PCI and PAPI are derived.
    rows = module.rows()
    official_par = [r[1] for r in rows if r[0] == "PAR" and r[3] == "official"]
    assert official_par == ["`par.2017`", "`par.2022`", "`par.2024`"]
    assert all(r[4] == "supplied (formula unknown)" for r in rows if r[0] == "SIPAS")
    assert {r[3] for r in rows if r[0] in ("PCI", "PAPI")} == {"derived"}
