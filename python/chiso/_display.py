"""Rich display in notebooks: ``_repr_html_`` of methodologies and results. Vietnamese names by default
(:func:`chiso.set_language`), DERIVED and UNKNOWN numbers visibly marked."""

from __future__ import annotations

import html
from typing import Any

import polars as pl

_LANGUAGE = {"value": "vi"}

_STYLE = (
    "<style>.chiso td,.chiso th{padding:2px 8px;text-align:left;font-family:sans-serif;font-size:12px}"
    ".chiso .derived{color:#9a6700}.chiso .unknown{color:#cf222e}.chiso .user_supplied{color:#0969da}"
    ".chiso .up{color:#1a7f37}.chiso .down{color:#cf222e}.chiso caption{text-align:left;font-weight:bold}</style>"
)


def set_language(language: str) -> None:
    """Display names in Vietnamese (``"vi"``, the default, with diacritics) or English (``"en"``)."""
    if language not in ("vi", "en"):
        from .exceptions import InvalidArgumentError

        raise InvalidArgumentError(f"language={language!r}: use 'vi' or 'en'")
    _LANGUAGE["value"] = language


def _badge(status: Any) -> str:
    if status in (None, "official"):
        return html.escape(str(status or ""))
    return f'<span class="{html.escape(str(status))}">{html.escape(str(status).upper())}</span>'


def _num(v: Any, decimals: int = 2) -> str:
    return "" if v is None else f"{v:.{decimals}f}"


def methodology_html(m: Any) -> str:
    tree: pl.DataFrame = m.tree()
    vi = _LANGUAGE["value"] == "vi"
    rows = []
    for r in tree.iter_rows(named=True):
        name = (r["name_vi"] if vi and r["name_vi"] else r["name_en"]) or r["path"]
        indent = "&nbsp;" * 4 * r["depth"]
        weight = "" if r["weight"] is None else f"{r['weight']:g} {_badge(r['weight_status'])}"
        maximum = "" if r["max_points"] is None else f"{r['max_points']:g} {_badge(r['max_points_status'])}"
        scale = "" if r["scale_min"] is None else f"{r['scale_min']:g}–{r['scale_max']:g} {_badge(r['scale_status'])}"
        unscored = "" if r["scored"] else " <i>(not scored)</i>"
        rows.append(
            f"<tr><td>{indent}{html.escape(name)}{unscored}</td>"
            f"<td><code>{html.escape(r['path'] or m.code)}</code></td>"
            f"<td>{r['aggregation']} {_badge(r['aggregation_status'])}</td><td>{weight}</td><td>{maximum}</td>"
            f"<td>{scale}</td></tr>"
        )
    title = m.name_vi if vi else m.name_en
    head = "<tr><th>node</th><th>path</th><th>rule</th><th>weight</th><th>max</th><th>scale</th></tr>"
    caption = f"{html.escape(title)} — {m.code}, data years {m.first_year}–{m.last_year or ''} · {_badge(m.status)}"
    return f'{_STYLE}<table class="chiso"><caption>{caption}</caption>{head}{"".join(rows)}</table>'


def scores_html(s: Any, limit: int = 20) -> str:
    totals: pl.DataFrame = s.totals().sort("year", "rank", descending=[True, False])
    rows = []
    for r in totals.head(limit).iter_rows(named=True):
        # A rank over the publisher's field only; otherwise the published rank, marked so (issue 9 §2).
        if r["rank"] is not None:
            rank = f"{r['rank']}/{r['n_field']}"
        elif r["published_rank"] is not None:
            rank = f"{r['published_rank']} (published)"
        else:
            rank = ""
        rank_status = "" if r["rank_status"] == "official" else f" {_badge(r['rank_status'])}"
        rows.append(
            f"<tr><td>{r['year']}</td><td>{html.escape(r['province'])}</td><td>{_num(r['score'])}</td>"
            f"<td>{rank}{rank_status}</td><td>{html.escape(r['group'] or '')}</td><td>{r['origin']}</td>"
            f"<td>{_badge(r['provenance'])}</td></tr>"
        )
    head = (
        "<tr><th>year</th><th>province</th><th>total</th><th>rank</th><th>group</th><th>origin</th>"
        "<th>provenance</th></tr>"
    )
    more = "" if totals.height <= limit else f"<tr><td colspan=7>… {totals.height - limit} more: .totals()</td></tr>"
    caption = f"Scores — {totals.height} province-years, editions {', '.join(s.editions)}"
    return f'{_STYLE}<table class="chiso"><caption>{html.escape(caption)}</caption>{head}{"".join(rows)}{more}</table>'


class Table:
    """A frame shown in a notebook as a compact table: deltas and rank changes coloured by sign, comparability and
    DERIVED / projected values marked. ``.frame`` is the polars DataFrame itself.

    >>> import chiso
    >>> s = chiso.score("papi", chiso.datasets.papi())
    >>> t = chiso.compare(s, 2022, 2023, provinces=["Trà Vinh"], nodes=[""], view="display")
    >>> "class=\\"down\\"" in t._repr_html_() or "class=\\"up\\"" in t._repr_html_()
    True
    """

    _SIGNED = ("delta", "relative", "rank_change", "share_of_max_change", "contribution")
    _MARKED = ("comparability", "comparability_status", "provenance", "status", "rank_status")

    def __init__(self, frame: pl.DataFrame, title: str = "") -> None:
        self.frame = frame
        self.title = title

    def __repr__(self) -> str:
        return repr(self.frame)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.frame.columns)
        rows = []
        for r in self.frame.head(200).iter_rows(named=True):
            cells = []
            for c, v in r.items():
                text = (
                    ""
                    if v is None
                    else (
                        f"{v:+.3f}"
                        if c in self._SIGNED and isinstance(v, float)
                        else f"{v:+d}"
                        if c in self._SIGNED and isinstance(v, int)
                        else f"{v:.3f}"
                        if isinstance(v, float)
                        else str(v)
                    )
                )
                cls = ""
                if c in self._SIGNED and isinstance(v, (int, float)) and v:
                    cls = ' class="up"' if v > 0 else ' class="down"'
                elif c in self._MARKED and v not in (None, "official", "within_edition"):
                    cls = ' class="derived"'
                cells.append(f"<td{cls}>{html.escape(text)}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        more = "" if self.frame.height <= 200 else f"<tr><td>… {self.frame.height - 200} more rows: .frame</td></tr>"
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f'{_STYLE}<table class="chiso">{caption}<tr>{head}</tr>{"".join(rows)}{more}</table>'
