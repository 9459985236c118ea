"""Shared fixtures for the chiso Python test suite.

Scoring the bundled datasets takes a fraction of a second, but many tests look at the same results, so the datasets
and their scores are computed once per session.

The published reference tables the exactness tests compare against live in ``tests/reference/`` (with their
provenance and licence notices, see its README.md), so every test runs on any machine; none is skipped for want of
them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import chiso
import polars as pl
import pytest
from hypothesis import configuration as _hypothesis_configuration

# Hypothesis keeps a cache directory (``.hypothesis/``) in the working directory; the suite writes nothing outside
# tests/python, so point it at a temporary directory for the session.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="chiso-hypothesis-")
_hypothesis_configuration.set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)

#: Repository root (``tests/python/conftest.py`` → ``tests/python`` → ``tests`` → root).
REPO_ROOT = Path(__file__).resolve().parents[2]
#: The published reference tables (tests/reference/README.md).
REFERENCE = REPO_ROOT / "tests" / "reference"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``tests/reference`` (published reference tables); part of the repository, so a missing folder is a failure."""
    assert REFERENCE.is_dir(), f"reference tables {REFERENCE} missing from the checkout"
    return REFERENCE


# --- bundled datasets and their scores ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pci_data() -> pl.DataFrame:
    return chiso.datasets.pci()


@pytest.fixture(scope="session")
def papi_data() -> pl.DataFrame:
    return chiso.datasets.papi()


@pytest.fixture(scope="session")
def pci_scores(pci_data: pl.DataFrame) -> chiso.Scores:
    """PCI scored from the published sub-indices (computed composites win; published ones kept in ``input``)."""
    return chiso.score("pci", pci_data)


@pytest.fixture(scope="session")
def pci_scores_published(pci_data: pl.DataFrame) -> chiso.Scores:
    """PCI with VCCI's published composites kept where they exist (``prefer="published"``)."""
    return chiso.score("pci", pci_data, prefer="published")


@pytest.fixture(scope="session")
def papi_scores(papi_data: pl.DataFrame) -> chiso.Scores:
    return chiso.score("papi", papi_data)


@pytest.fixture(scope="session")
def pci_published_ranks(pci_data: pl.DataFrame) -> pl.DataFrame:
    """VCCI's own composite ranks: dataset rows with measure == "rank" at the root node (node == edition)."""
    return pci_data.filter(pl.col("measure") == "rank", pl.col("node") == pl.col("edition")).select(
        "province_code", "province", "year", pl.col("value").cast(pl.Int64).alias("published_rank")
    )


# --- raw reference files ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pci_histories(reference_dir: Path) -> pl.DataFrame:
    """VCCI province pages (data/README.md §2.7): ASCII names, 2-decimal sub-indices, 'N/A' for absent sub-indices."""
    return pl.read_csv(reference_dir / "pci" / "pci_province_histories_pcivietnam_pages.csv", null_values=["N/A"])


@pytest.fixture(scope="session")
def tra_vinh_fixture(reference_dir: Path) -> pl.DataFrame:
    """Trà Vinh's PCI/PGI/PAPI values by year, one source per row (data/README.md §2.11); values read as text."""
    return pl.read_csv(reference_dir / "tra_vinh_pci_pgi_papi.csv", infer_schema_length=0).with_columns(
        pl.col("year").cast(pl.Int64)
    )


@pytest.fixture(scope="session")
def papi_dimension_files(reference_dir: Path) -> dict[int, pl.DataFrame]:
    """``papi_YYYY_dimensions.csv`` (data/README.md §2.3), with the P-codes resolved to GSO codes."""
    out = {}
    for year in range(2011, 2025):
        df = pl.read_csv(reference_dir / "papi" / f"papi_{year}_dimensions.csv")
        codes = chiso.province_codes(df["province_code"].to_list())
        out[year] = df.with_columns(pl.Series("gso", codes))
    return out


# --- frames of the scores, built once (each call converts every row) ----------------------------------------------


@pytest.fixture(scope="session")
def papi_long(papi_scores: chiso.Scores) -> pl.DataFrame:
    return papi_scores.long()


@pytest.fixture(scope="session")
def papi_totals(papi_scores: chiso.Scores) -> pl.DataFrame:
    return papi_scores.totals()


@pytest.fixture(scope="session")
def pci_long(pci_scores: chiso.Scores) -> pl.DataFrame:
    return pci_scores.long()


@pytest.fixture(scope="session")
def pci_totals(pci_scores: chiso.Scores) -> pl.DataFrame:
    return pci_scores.totals()


@pytest.fixture(scope="session")
def pci_totals_published(pci_scores_published: chiso.Scores) -> pl.DataFrame:
    return pci_scores_published.totals()
