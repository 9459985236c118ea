"""The extension releases the GIL while it works, so other Python threads run meanwhile.

With the switch interval at 1000 s the interpreter never takes the GIL away from a running thread: a waiting
thread runs only when the running one releases it. The waiter is made to wait for the GIL before the call starts;
it has run by the time the call returns exactly when the call released the GIL. A call that keeps the GIL (the
control) leaves it waiting. The calls checked are those whose work takes milliseconds; polars may itself release
the GIL while it builds a frame, so this shows that another thread runs during the call, and the binding's
`py.detach` around each computation (src/python) is what makes that true for the Rust part.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

import chiso
import polars as pl
import pytest
from chiso import _chiso


def _other_thread_ran_during(call: Callable[[], object], attempts: int = 20) -> bool:
    ran: list[bool] = []
    ready, go = threading.Event(), threading.Event()

    def waiter() -> None:
        ready.set()
        go.wait()
        ran.append(True)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        thread = threading.Thread(target=waiter)
        thread.start()
        ready.wait()  # the waiter blocks in go.wait(), releasing the GIL to this thread
        go.set()
        # Hold the GIL while the waiter wakes up and queues for it (a busy loop never releases it).
        until = time.perf_counter() + 0.02
        while time.perf_counter() < until:
            pass
        # A short release can end before the waiter's OS thread is scheduled: try a few times. A call that
        # never releases the GIL leaves the waiter waiting however often it runs.
        for _ in range(attempts):
            call()
            if ran:
                break
        during = bool(ran)
    finally:
        sys.setswitchinterval(old)
    thread.join()
    return during


@pytest.fixture(scope="module")
def papi() -> chiso.Scores:
    return chiso.score("papi", chiso.datasets.papi())


@pytest.fixture(scope="module")
def pci_2016_2020() -> chiso.Scores:
    return chiso.score("pci", chiso.datasets.pci().filter(pl.col("year").is_between(2016, 2020)))


def test_the_harness_sees_a_call_that_keeps_the_gil() -> None:
    def keeps_gil() -> None:
        until = time.perf_counter() + 0.002
        while time.perf_counter() < until:
            pass

    assert not _other_thread_ran_during(keeps_gil)


@pytest.mark.parametrize(
    "name",
    ["dataset", "score", "long", "compare", "decompose", "movers", "rank_outlook"],
)
def test_work_runs_without_the_gil(name: str, papi: chiso.Scores, pci_2016_2020: chiso.Scores) -> None:
    pci = chiso.datasets.pci().filter(year=2016)
    calls: dict[str, Callable[[], object]] = {
        "dataset": lambda: _chiso.dataset("papi"),
        "score": lambda: chiso.score("pci", pci),
        "long": papi.long,
        "compare": lambda: papi.compare(2022, 2023),
        "decompose": lambda: papi.decompose(2022, 2023),
        "movers": lambda: papi.movers(2022, 2023),
        "rank_outlook": lambda: pci_2016_2020.rank_outlook(2021, draws=2000),
    }
    assert _other_thread_ran_during(calls[name]), f"{name} kept the GIL while it worked"
