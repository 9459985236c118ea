"""The user guide's examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GUIDE = sorted((Path(__file__).parents[2] / "docs" / "guide").glob("*.md"))


@pytest.mark.parametrize("page", GUIDE, ids=[p.stem for p in GUIDE])
def test_guide_examples_run(page: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, f"{page.name} has no Python example"
    for block in blocks:
        exec(compile(block, str(page), "exec"), {})  # noqa: S102 - our own documentation
