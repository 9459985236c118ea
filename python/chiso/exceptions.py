"""Exceptions raised by chiso.

Every exception derives from :class:`ChisoError` and from the matching built-in (``ValueError`` for bad data or
files, ``KeyError`` for unknown names), and carries the fields at fault as attributes (``province``, ``year``,
``node``, ``value``, ``file``, ``suggestions`` …) besides a message that names them.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ChisoError",
    "MethodologyError",
    "DataError",
    "UnknownNodeError",
    "UnknownProvinceError",
    "UnknownIndexError",
    "InvalidArgumentError",
    "ArgumentTypeError",
    "ArgumentRangeError",
    "MissingFileError",
    "MissingMaximumError",
    "IndicatorValueError",
    "DegenerateIndicatorError",
    "EmptyResultError",
    "MissingDataWarning",
]


class ChisoError(Exception):
    """Base class of every chiso error."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        for name, value in fields.items():
            setattr(self, name, value)

    def __str__(self) -> str:  # KeyError subclasses would otherwise print the message quoted
        return self.message


class MethodologyError(ChisoError, ValueError):
    """A methodology file that cannot be read or does not hold together (attributes: ``file``, ``node``)."""


class MissingMaximumError(MethodologyError):
    """A node's maximum is UNKNOWN in the edition but needed (to convert points, ratios and percentages, or for
    points lost): supply it with :meth:`chiso.Methodology.with_max_points` (attributes: ``edition``, ``node``)."""


class DataError(ChisoError, ValueError):
    """Bad input data: missing columns, wrong types, NaN, values out of scale, conflicting duplicates, no rows (for a
    plan's task that cannot be read, attributes ``task``, ``field`` and ``value``)."""


class UnknownNodeError(DataError, KeyError):
    """A node code that is not in the edition scoring that year (attributes: ``edition``, ``node``, …)."""


class UnknownProvinceError(ChisoError, KeyError):
    """A province name the registry does not know (attributes: ``province``, ``suggestions``)."""


class UnknownIndexError(ChisoError, KeyError):
    """An unknown index or edition, or a data year no edition covers."""


class InvalidArgumentError(ChisoError, ValueError):
    """An argument that makes no sense for the call (attributes, where one argument is at fault: ``argument``, the
    argument's name, and ``value``, its value as given; for a word outside a fixed vocabulary — a measure, a cap, an
    edit op: ``what`` it names, ``value`` and the ``expected`` words)."""


class IndicatorValueError(DataError):
    """A raw indicator value its unit cannot take — a share above 1, negative days (attributes: ``province``,
    ``year``, ``node`` = the indicator, ``value``, ``unit``)."""


class DegenerateIndicatorError(DataError):
    """A field-relative normalisation (min–max, rank, z-score, frontier) over a field that gives it no scale: no
    province has a value, only one has (a z-score needs two), every province has the same value (min = max), or
    the field's best equals a frontier rule's fixed worst; ``reason`` says which (attributes: ``year``, ``node`` =
    the indicator, ``value`` — NaN when there is none —, ``reason``, ``province``)."""


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type, e.g. ``find_province(84)`` (attributes: ``argument``, ``expected``,
    ``value``). Also a ``TypeError``, so ``except TypeError`` keeps working."""


class ArgumentRangeError(InvalidArgumentError, OverflowError):
    """An integer argument outside the range the call accepts, e.g. ``rank_outlook(seed=-1)`` (attributes:
    ``argument``, ``value``, ``accepted``). Also an ``OverflowError``."""


class MissingFileError(ChisoError, FileNotFoundError):
    """A file named by the caller that does not exist (attribute: ``file``). Also a ``FileNotFoundError``."""


class EmptyResultError(DataError):
    """A question the data cannot answer (a decomposition of composites only, a profile of a level without values):
    instead of an empty frame or a blank chart, the message says which data are missing and what to pass
    (attribute: ``what``, the call)."""


class MissingDataWarning(UserWarning):
    """Scoring succeeded but no province-year has a total: some children have no value anywhere (a dropped
    column, data at the wrong level). The warning names them and what to pass; ``missing_children`` in the result
    says the same per row."""
