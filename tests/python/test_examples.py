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
    # The one number the reader can trust: VCCI published Trà Vinh's PCI 2016 as 57.64, 42nd of 63 (2016 workbook).
    assert "PCI 2016: Trà Vinh scored 57.64, rank 42/63" in out
    assert "projected" in out and "cheapest path" in out and "by owner" in out
