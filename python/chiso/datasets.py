"""The published data chiso ships, as polars DataFrames in long format.

Columns: ``province_code`` (2-digit GSO code), ``province`` (Vietnamese name), ``year`` (data year), ``edition``,
``node`` (full node code), ``measure`` (``score``, ``rank`` or ``tier``), ``value``, ``label`` (tier label),
``provenance`` (``official``: the publisher's own file or page; ``official_transcribed``: a verified third-party
transcription) and ``source`` (a key explained in ``data/SOURCES.md``, shipped with the package as
:func:`sources`).

Publishers: VCCI with USAID (PCI); CECODES, VFF-CRT, Real-Time Analytics and UNDP Viet Nam (PAPI).
"""

from __future__ import annotations

import polars as pl

from ._chiso import DATA_SOURCES
from ._chiso import dataset as _dataset

__all__ = ["pci", "papi", "sources"]


def sources() -> str:
    """Sources, licences and known defects of the bundled data (the text of ``data/SOURCES.md``).

    >>> "hnks-gh/ml-mcdm" in sources()
    True
    """
    return DATA_SOURCES


def pci() -> pl.DataFrame:
    """PCI as published by VCCI.

    * 2005–2016: every province's sub-indices, composite, rank and tier from VCCI's annual workbooks
      (42 provinces in 2005, 64 with Hà Tây in 2006–2008, 63 from 2009);
    * 2017–2022: composites (a verified third-party transcription), 2020 with VCCI's official ranks.

    >>> df = pci()
    >>> df.filter(year=2016, province="Trà Vinh", node="pci.2013", measure="score")["value"].round(2).to_list()
    [57.64]
    """
    return _dataset("pci")


def papi() -> pl.DataFrame:
    """PAPI sub-dimension scores 2011–2024 for every province with data (dimensions and totals are computed by
    :func:`chiso.score` with the edition rules). Missing provinces (e.g. 2014 Bắc Giang and Đồng Tháp) have no rows.

    >>> df = papi()
    >>> df.filter(year=2021).select("province_code").n_unique()
    60
    """
    return _dataset("papi")
