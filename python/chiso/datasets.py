"""The published data chiso ships, as polars DataFrames in long format.

Columns: ``province_code`` (2-digit GSO code; ``N``+code for a 2025 unit; ``VN`` for national figures),
``province`` (Vietnamese name), ``year`` (data year), ``edition``, ``node`` (the path below the edition root, ``""``
for the total, as in every chiso frame), ``code`` (the full node code), ``measure``
(``score``, ``points``, ``ratio``, ``pct``, ``rank``, ``tier`` or ``group``), ``value``, ``label`` (tier, group or
kind of national figure), ``provenance`` (``official``: the publisher's own file or page;
``official_transcribed``: a verified third-party transcription; ``press``: a newspaper or provincial page quoting
the publisher; ``derived``), ``source`` (a key explained in the sources, or the URL), ``unit`` (``province``,
``unit_2025``, ``national``), ``note`` and ``primary``. Conflicting published values are kept side by side:
:func:`chiso.score` uses the row with ``primary`` true, the documented default (the publisher's figure or the
outlet closest to it; the reasons are in :func:`sources`); to score an alternative, select its rows and drop the
``primary`` column. Rank rows are kept beside the computed ranks as ``published_rank``.

The PAR INDEX, SIPAS, DTI, ICT and PGI tables hold every value the specification quotes — scattered figures,
not full 63-province tables (none was found). Sources: :func:`sources`.

Publishers: VCCI with USAID (PCI); CECODES, VFF-CRT, Real-Time Analytics and UNDP Viet Nam (PAPI).
"""

from __future__ import annotations

import polars as pl

from ._chiso import DATA_SOURCES, DATA_SOURCES_OTHER_INDICES
from ._chiso import dataset as _dataset

__all__ = ["dti", "ict", "papi", "par", "pci", "pgi", "sipas", "sources"]


def sources() -> str:
    """Sources, licences and known defects of the bundled data (``data/SOURCES.md`` for PCI and PAPI, then
    ``data/SOURCES_other_indices.md`` for PAR INDEX, SIPAS, DTI, ICT Index and PGI).

    >>> "hnks-gh/ml-mcdm" in sources() and "dti.csv" in sources()
    True
    """
    return DATA_SOURCES + "\n\n" + DATA_SOURCES_OTHER_INDICES


def pci() -> pl.DataFrame:
    """PCI as published by VCCI.

    * 2005–2016: every province's sub-indices, composite, rank and tier from VCCI's annual workbooks
      (42 provinces in 2005, 64 with Hà Tây in 2006–2008, 63 from 2009);
    * 2017–2022: composites (a verified third-party transcription), 2020 with VCCI's official ranks;
    * 2022–2024: the scattered published composites and ranks (press and VCCI pages, one URL per row; VCCI
      publishes only the top 30 from 2023), e.g. Trà Vinh 2024 68.94, 18th.

    >>> df = pci()
    >>> df.filter(year=2016, province="Trà Vinh", node="", measure="score")["value"].round(2).to_list()
    [57.64]
    >>> df.filter(year=2024, province="Trà Vinh").select("measure", "value").sort("measure").rows()
    [('rank', 18.0), ('score', 68.94)]
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


def par() -> pl.DataFrame:
    """PAR INDEX values (MOHA) quoted by the specification: national averages, provincial totals, ranks.

    >>> par().filter(province="Hải Phòng", year=2023, measure="pct")["value"].sort().to_list()
    [91.81, 91.87]
    """
    return _dataset("par")


def sipas() -> pl.DataFrame:
    """SIPAS values (MOHA) quoted by the specification: overall and element percentages, ranges, ranks."""
    return _dataset("sipas")


def dti() -> pl.DataFrame:
    """DTI values (MIC, then MoST) quoted by the specification; 2024 also for the 34 units of 2025."""
    return _dataset("dti")


def ict() -> pl.DataFrame:
    """Vietnam ICT Index values (MIC with VAIP) quoted by the specification: totals and components, ranks."""
    return _dataset("ict")


def pgi() -> pl.DataFrame:
    """PGI values (VCCI) quoted by the specification and the shared raw tables, 2022–2024.

    >>> pgi().filter(province="Trà Vinh", year=2022, measure="score")["value"].to_list()
    [17.67]
    """
    return _dataset("pgi")
