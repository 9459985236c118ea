"""The example scripts run (a broken example is a bug)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_tra_vinh_projection_runs() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "tra_vinh_projection.py")], capture_output=True, text=True, check=True
    ).stdout
    assert "PAPI 2024: Trà Vinh" in out and "PCI 2016: Trà Vinh" in out
    assert "projected" in out and "cheapest path" in out and "by owner" in out
