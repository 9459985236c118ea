"""Type stubs of the compiled extension ``chiso._chiso`` (kept in step by tests/python/test_stubs.py)."""

from os import PathLike
from typing import Any, Literal, final

import polars as pl

__all__ = [
    "DATA_SOURCES",
    "DATA_SOURCES_OTHER_INDICES",
    "Methodology",
    "Scores",
    "__version__",
    "_calibrate_maxima",
    "_indicator_explain",
    "_indicator_layer",
    "_indicator_layers",
    "_indicator_plan",
    "_indicator_score",
    "_indicator_target",
    "_indicator_values",
    "_indicator_what_if",
    "_member_mean",
    "_plan_gains",
    "_plan_project",
    "_plan_simulate",
    "_plan_uncovered",
    "_satisfaction",
    "_sensitivity",
    "_uncertainty",
    "_what_if_many",
    "_SCENARIO_COLUMNS",
    "_score",
    "_frame_sample",
    "dataset",
    "find_province",
    "indices",
    "load_methodology",
    "methodology",
    "methodology_from_toml",
    "province_codes",
    "provinces",
]

__version__: str
DATA_SOURCES: str
DATA_SOURCES_OTHER_INDICES: str

@final
class Methodology:
    """One edition of an index's methodology: node tree, weights, scales, rules and provenance."""

    @property
    def code(self) -> str: ...
    @property
    def index(self) -> str: ...
    @property
    def first_year(self) -> int: ...
    @property
    def last_year(self) -> int | None: ...
    @property
    def name_en(self) -> str: ...
    @property
    def name_vi(self) -> str: ...
    @property
    def status(self) -> Literal["official", "derived", "user_supplied", "unknown"]: ...
    @property
    def document(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def origin(self) -> str: ...
    @property
    def display_decimals(self) -> int: ...
    @property
    def rank_precision(self) -> int | None: ...
    def covers(self, year: int) -> bool: ...
    def tree(self) -> pl.DataFrame: ...
    def with_weights(self, weights: dict[str, float], *, rescale_sum: bool = False) -> Methodology: ...
    def with_max_points(self, maxima: dict[str, float]) -> Methodology: ...
    def _repr_html_(self) -> str: ...

@final
class Scores:
    """Scores of every province, data year and node, with ranks, groups and provenance."""

    @property
    def editions(self) -> list[str]: ...
    def long(self) -> pl.DataFrame: ...
    def totals(self) -> pl.DataFrame: ...
    def wide(
        self, level: int = 1, value: Literal["score", "rank", "rank_within", "published_rank"] = "score"
    ) -> pl.DataFrame: ...
    def compare_published(self, decimals_in: int | None = None, decimals_out: int = 2) -> pl.DataFrame: ...
    def methodologies(self) -> list[Methodology]: ...
    def compare(
        self,
        base_year: int,
        year: int,
        *,
        nodes: list[str] | None = None,
        provinces: list[str] | None = None,
        comparable_only: bool = False,
        threshold: float | None = None,
        measure: Literal["relative", "points"] = "relative",
        merge_rule: Literal["member_mean"] | None = None,
        level: float = 0.05,
    ) -> pl.DataFrame: ...
    def decompose(
        self, base_year: int, year: int, *, nodes: list[str] | None = None, provinces: list[str] | None = None
    ) -> pl.DataFrame: ...
    def trajectory(
        self,
        province: str,
        node: str = "",
        *,
        from_year: int | None = None,
        to_year: int | None = None,
        across_breaks: bool = False,
    ) -> pl.DataFrame: ...
    def peers(self, province: str, year: int, node: str = "", *, peers: list[str] | None = None) -> pl.DataFrame: ...
    def movers(
        self,
        base_year: int,
        year: int,
        *,
        nodes: list[str] | None = None,
        comparable_only: bool = False,
        threshold: float | None = None,
        measure: Literal["relative", "points"] = "relative",
        level: float = 0.05,
    ) -> pl.DataFrame: ...
    def points_lost(self, province: str, year: int) -> pl.DataFrame: ...
    def calibrate(
        self,
        node: str = "",
        *,
        years: list[int],
        grid: float | None = None,
        decimals_in: int | None = None,
        decimals_out: int = 2,
    ) -> dict[str, Any]: ...
    def trend(
        self,
        province: str,
        node: str = "",
        *,
        target_year: int,
        window: int = 5,
        across_breaks: bool = False,
        bridge: str | None = None,
        edition: str | None = None,
        map: str | None = None,
        merge_rule: str | None = None,
    ) -> pl.DataFrame: ...
    def rank_outlook(
        self,
        target_year: int,
        *,
        window: int = 5,
        across_breaks: bool = False,
        bridge: str | None = None,
        edition: str | None = None,
        map: str | None = None,
        merge_rule: str | None = None,
        draws: int = 10000,
        seed: int = 0,
    ) -> pl.DataFrame: ...
    def target(
        self,
        province: str,
        year: int,
        *,
        rank: int | None = None,
        score: float | None = None,
        costs: dict[str, float] | None = None,
        cap: str = "max",
    ) -> dict[str, Any]: ...
    def _what_if(
        self,
        year: int,
        scenarios: list[str | None],
        provinces: list[str | None],
        nodes: list[str | None],
        ops: list[str | None],
        values: list[float | None],
        peers_target_year: int | None = None,
        peer_values: list[tuple[str, str, float]] | None = None,
        map: str | None = None,
        merge_rule: str | None = None,
        across_breaks: bool = False,
    ) -> pl.DataFrame: ...
    def _with_uncertainty(
        self,
        provinces: list[str],
        years: list[int],
        nodes: list[str],
        se: list[float | None],
        ci_low: list[float | None],
        ci_high: list[float | None],
        ci_level: float = 0.95,
    ) -> Scores: ...
    def _repr_html_(self) -> str: ...
    def _children_missing_everywhere(self) -> list[str] | None: ...
    def __len__(self) -> int: ...

def _score(
    index: str | Methodology,
    province_names: list[str],
    province_idx: bytes | None,
    years: bytes,
    node_names: list[str],
    node_idx: bytes | None,
    values: bytes,
    *,
    measure_names: list[str] | None = None,
    measure_idx: bytes | None = None,
    present: bytes | None = None,
    edition: str | None = None,
    missing: str = "strict",
    prefer: str = "computed",
) -> Scores: ...
def _frame_sample(
    strings: list[str | None],
    ints: list[int | None],
    floats: list[float | None],
    bools: list[bool | None],
    lists: list[list[str]],
) -> pl.DataFrame: ...
def methodology(index: str, year: int | None = None, edition: str | None = None) -> Methodology: ...
def load_methodology(path: str | PathLike[str]) -> Methodology: ...
def methodology_from_toml(text: str, name: str = "<string>") -> Methodology: ...
def indices() -> pl.DataFrame: ...
def provinces(geography: Literal["provinces_63", "units_2025", "all"] = "provinces_63") -> pl.DataFrame: ...
def find_province(name: str, year: int | None = None) -> tuple[str, str]: ...
def province_codes(names: list[str]) -> list[str]: ...
def dataset(name: Literal["pci", "papi", "par", "sipas", "dti", "ict", "pgi"]) -> pl.DataFrame: ...
def _satisfaction(
    respondent: list[int],
    province_names: list[str],
    province_idx: list[int],
    years: list[int],
    node_names: list[str],
    node_idx: list[int],
    answers: list[float],
    weights: list[float] | None,
    scale: tuple[float, float],
    satisfied_min: float,
) -> pl.DataFrame: ...
def _member_mean(
    rows: list[tuple[str, int, str, float]], index: str | None = None
) -> list[tuple[str, int, str, float]]: ...
def _calibrate_maxima(
    pct: list[list[float]], totals: list[float], total_max: float
) -> tuple[list[float], list[float]]: ...
def _plan_project(
    scores: Scores,
    tasks: list[tuple[Any, ...]],
    province: str,
    year: int,
    index: str,
    selection: list[str],
    target_year: int | None = None,
    map: str | None = None,
    merge_rule: str | None = None,
    across_breaks: bool = False,
) -> pl.DataFrame: ...
def _plan_simulate(
    scores: Scores,
    tasks: list[tuple[Any, ...]],
    outcomes: list[tuple[float | None, float | None, float | None, float | None]],
    province: str,
    year: int,
    index: str,
    selection: list[str],
    runs: int,
    seed: int,
    peers_target_year: int | None = None,
    peer_values: list[tuple[str, str, float]] | None = None,
    peer_uncertainty: bool = False,
) -> dict[str, Any]: ...
def _plan_gains(scores: Scores, tasks: list[tuple[Any, ...]], province: str, year: int, index: str) -> pl.DataFrame: ...
def _plan_uncovered(
    scores: Scores,
    tasks: list[tuple[Any, ...]],
    province: str,
    year: int,
    index: str,
    owners: list[tuple[str, str]],
) -> pl.DataFrame: ...
def _indicator_layers() -> pl.DataFrame: ...
def _indicator_layer(index: str, year: int, toml: str | None = None, minmax: bool = False) -> dict[str, Any]: ...
def _indicator_values() -> pl.DataFrame: ...
def _indicator_score(
    index: str,
    year: int,
    data: tuple[list[str], bytes, list[str], bytes, bytes] | None = None,
    toml: str | None = None,
    minmax: bool = False,
) -> dict[str, Any]: ...
def _indicator_explain(
    index: str,
    year: int,
    province: str,
    data: tuple[list[str], bytes, list[str], bytes, bytes] | None = None,
    toml: str | None = None,
    minmax: bool = False,
) -> pl.DataFrame: ...
def _indicator_what_if(
    index: str,
    year: int,
    province: str,
    codes: list[str],
    values: list[float],
    data: tuple[list[str], bytes, list[str], bytes, bytes] | None = None,
    toml: str | None = None,
    minmax: bool = False,
) -> dict[str, Any]: ...
def _indicator_target(
    index: str,
    year: int,
    province: str,
    rank: int,
    beyond_observed: bool = False,
    data: tuple[list[str], bytes, list[str], bytes, bytes] | None = None,
    toml: str | None = None,
    minmax: bool = False,
) -> dict[str, Any]: ...
def _indicator_plan(
    index: str,
    year: int,
    province: str,
    ids: list[str],
    indicators: list[str],
    to: list[float | None],
    change: list[float | None],
    titles: list[str | None],
    lead_agencies: list[str | None],
    owners: list[tuple[str, str]],
    data: tuple[list[str], bytes, list[str], bytes, bytes] | None = None,
    toml: str | None = None,
    minmax: bool = False,
) -> pl.DataFrame: ...
def _uncertainty(
    scores: Scores,
    year: int,
    *,
    node: str,
    weights: tuple[float, float] | None,
    dirichlet: float | None,
    weight_nodes: list[str] | None,
    geometric: list[str],
    missing: bool,
    noise: list[tuple[str, str, float | None, float | None, float | None]],
    level: float,
    runs: int,
    seed: int,
    design: bytes | None,
) -> dict[str, Any]: ...
def _sensitivity(
    scores: Scores,
    year: int,
    *,
    node: str,
    weights: tuple[float, float] | None,
    dirichlet: float | None,
    weight_nodes: list[str] | None,
    geometric: list[str],
    missing: bool,
    noise: list[tuple[str, str, float | None, float | None, float | None]],
    level: float,
    output: str,
    province: str | None,
    n: int,
    seed: int,
    a: bytes | None,
    b: bytes | None,
    bootstrap: int,
    first_order: str,
) -> pl.DataFrame: ...

_SCENARIO_COLUMNS: list[str]

def _what_if_many(
    scores: Scores,
    year: int,
    province: str,
    nodes: list[str],
    ops: list[str],
    values: Any,
    outputs: list[str],
    peers_target_year: int | None = None,
    peer_values: list[tuple[str, str, float]] | None = None,
    frame: bool = False,
    columns: list[str] | None = None,
) -> Any: ...
