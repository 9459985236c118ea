"""The reference tables travel with the repository (issue 10, "the test suite runs anywhere").

Spec: tests/reference/README.md (provenance, licences); the raw data README §1 (licences: the MIT notices must travel
with every copy; CC0 needs none).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest


def test_workbooks_are_the_published_files(reference_dir: Path) -> None:
    """The VCCI and PAPI workbooks are byte-for-byte the copies recorded in SHA256SUMS."""
    sums = (reference_dir / "vcci_workbooks" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == 14, "12 PCI workbooks, the parsing guide and the PAPI workbook"
    for line in sums:
        digest, name = line.split(maxsplit=1)
        data = (reference_dir / "vcci_workbooks" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
    years = sorted(
        int(m.group(1))
        for p in (reference_dir / "vcci_workbooks" / "PCI").iterdir()
        if (m := re.fullmatch(r"PCI_(\d{4})\.xlsx?", p.name))
    )
    assert years == list(range(2005, 2017))


def test_every_file_is_described_and_licensed(reference_dir: Path) -> None:
    """Each file is named in the README; the MIT notices are there with their permission text."""
    readme = (reference_dir / "README.md").read_text(encoding="utf-8")
    for path in sorted(reference_dir.rglob("*")):
        if path.is_dir() or path.name == "README.md":
            continue
        rel = path.relative_to(reference_dir).as_posix()
        stem = re.sub(r"20\d\d", "YYYY", rel) if rel.startswith("papi/papi_20") and "dimensions" in rel else rel
        named = stem in readme or rel in readme or path.name in readme
        workbook = rel.startswith("vcci_workbooks/PCI/PCI_20")  # listed as the range PCI_2005.xls … PCI_2016.xlsx
        assert named or workbook, f"{rel} is not described in tests/reference/README.md"
    for notice in ("hnks-gh_ml-mcdm.MIT.txt", "tnguyentranphuoc_panel.MIT.txt"):
        text = (reference_dir / "licences" / notice).read_text(encoding="utf-8")
        assert "Permission is hereby granted, free of charge" in text and "shall be included in all" in text
    assert "Copyright (c) 2026 Son Hoang" in (reference_dir / "licences" / "hnks-gh_ml-mcdm.MIT.txt").read_text()


@pytest.mark.parametrize("suffix", [".py", ".rs"])
def test_no_test_reads_outside_the_repository(repo_root: Path, suffix: str) -> None:
    """A test that needs a reference table reads it from tests/reference, never from a folder beside the checkout."""
    offenders = []
    for path in (repo_root / "tests").rglob(f"*{suffix}"):
        if path.name == "test_reference_tables.py":
            continue
        code = path.read_text(encoding="utf-8")
        if re.search(r"""["'/]\.\./shared|parent\s*/\s*["']shared["']|join\(["']shared["']\)""", code):
            offenders.append(path.relative_to(repo_root).as_posix())
    assert offenders == []
