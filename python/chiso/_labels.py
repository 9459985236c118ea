"""What a reader sees, in one language at a time: headers, statuses and notes of the report, the scorecard and the
charts (Vietnamese by default, English on request), node and index names from the methodology files, and numbers
in the language's convention (Vietnamese decimal comma, switchable).

Every visible word goes through :func:`text`, so a missing translation fails a test instead of leaking a
column name into a printed page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .exceptions import InvalidArgumentError

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

#: Appended to a name the methodology files hold in English only (the publisher's Vietnamese name was not found,
#: e.g. PAPI's sub-dimensions added in 2018, papi.md §3.2); explained by the ``untranslated`` note.
UNTRANSLATED = "*"

_TEXT: dict[str, tuple[str, str]] = {
    # (Vietnamese, English)
    # --- column headers (one vocabulary: the same key names the same quantity in every output) ---
    "year": ("Năm", "Year"),
    "edition": ("Phiên bản phương pháp", "Methodology edition"),
    "score": ("Điểm", "Score"),
    "delta": ("Thay đổi so với năm trước", "Change on previous year"),
    "base_year": ("So với năm", "Against year"),
    "delta_baseline": ("Thay đổi so với {year} (đầu nhiệm kỳ)", "Change on {year} (term baseline)"),
    "rank": ("Thứ hạng", "Rank"),
    "n_ranked": ("Số tỉnh được xếp hạng", "Provinces ranked"),
    "rank_change": ("Thay đổi thứ hạng (+ = tăng bậc)", "Rank change (+ = up)"),
    "rank_source": ("Nguồn thứ hạng", "Rank source"),
    "group": ("Nhóm", "Group"),
    "note": ("Ghi chú", "Note"),
    "index": ("Chỉ số", "Index"),
    "node": ("Lĩnh vực", "Area"),
    "part": ("Nguồn thay đổi", "Source of change"),
    "contribution": ("Đóng góp (điểm)", "Contribution (points)"),
    "value": ("Điểm đạt", "Score"),
    "max": ("Điểm tối đa", "Maximum"),
    "lost": ("Điểm bị mất", "Points lost"),
    "cost_in_total": ("Điểm bị mất quy về tổng", "Points lost in the total"),
    "owner": ("Cơ quan chủ trì", "Lead agency"),
    "projection": ("Dự báo năm sau", "Next-year projection"),
    "band": ("Khoảng dự báo", "Projection band"),
    "projection_band": ("Dự báo năm sau (khoảng)", "Next-year projection (band)"),
    "name": ("Tên", "Name"),
    "lower": ("Cận dưới", "Lower bound"),
    "upper": ("Cận trên", "Upper bound"),
    "latest_year": ("Năm gần nhất", "Latest year"),
    "source": ("Nguồn", "Source"),
    "publisher": ("Đơn vị công bố", "Publisher"),
    "lead": ("Cơ quan chủ trì tại tỉnh", "Lead department in the province"),
    "provenance": ("Mức độ xác thực phương pháp", "Method provenance"),
    # --- parts of a change (Scores.decompose) ---
    "part.score": ("điểm thành phần", "component score"),
    "part.weights": ("thay đổi trọng số", "re-weighting"),
    "part.residual": ("phần dư (tổng công bố)", "residual (published total)"),
    # --- rank sources ---
    "rank.published": ("công bố chính thức", "published"),
    "rank.computed": ("chiso tính lại", "recomputed by chiso"),
    # --- provenance statuses ---
    "status.official": ("chính thức", "official"),
    "status.derived": ("suy ra", "derived"),
    "status.unknown": ("chưa rõ", "unknown"),
    "status.user_supplied": ("người dùng cung cấp", "user-supplied"),
    "status.assumed": ("giả định", "assumed"),
    "status.partial_field": ("chỉ một phần các tỉnh", "partial field"),
    # --- group labels that are generic words (publisher-specific names come from the files) ---
    "group.unclassified": ("không xếp loại", "unclassified"),
    # --- notes ---
    "note.cross_edition": (
        "đổi phiên bản phương pháp: không so sánh với năm trước",
        "new methodology edition: not compared with the previous year",
    ),
    "note.baseline_not_comparable": (
        "khác phiên bản với năm {year}: không so sánh",
        "other edition than {year}: not compared",
    ),
    "note.rank_derived": ("thứ hạng do chiso tính lại", "rank recomputed by chiso"),
    "note.rank_partial": (
        "không hiển thị thứ hạng: số liệu chỉ có {n} trong {field} tỉnh được xếp hạng",
        "no rank shown: the data hold {n} of the {field} provinces ranked",
    ),
    "note.base_year": ("thay đổi so với năm {year}", "change against {year}"),
    "note.rank_differs": (
        "thứ hạng công bố khác thứ hạng tính lại (hòa điểm khi làm tròn)",
        "published rank differs from the recomputed one (ties on rounded scores)",
    ),
    "note.differs_from_recomputed": (
        "tổng công bố khác tổng tính lại từ các thành phần",
        "published total differs from its recomputation",
    ),
    "note.rank_only": ("chỉ có thứ hạng công bố", "published rank only"),
    "note.no_total": ("không có tổng điểm (thiếu số liệu)", "no total (incomplete data)"),
    "note.assumed": ("năm giả định (dự báo), không phải số liệu công bố", "assumed year (projection), not published"),
    "untranslated": (
        "* Chưa tìm thấy tên tiếng Việt chính thức của đơn vị công bố; giữ tên tiếng Anh.",
        "* No official Vietnamese name found in the publisher's reports; the English name is kept.",
    ),
    # --- headings and sentences of the scorecard ---
    "title": ("Bảng theo dõi các chỉ số — {province}", "Index scorecard — {province}"),
    "subtitle": (
        "Số liệu công bố đi kèm chiso; lập ngày {date}",
        "Published data bundled with chiso; prepared {date}",
    ),
    "summary": ("Tóm tắt", "Summary"),
    "yearly": ("Kết quả qua các năm", "Results by year"),
    "contributions": ("Đóng góp vào thay đổi {base}–{year}", "Contributions to the change {base}–{year}"),
    "contributions_cross": (
        "Đóng góp vào thay đổi {base}–{year} (khác phiên bản phương pháp: chỉ để tham khảo)",
        "Contributions to the change {base}–{year} (across methodology editions: for reference only)",
    ),
    "points_lost": (
        "Điểm bị mất năm {year} theo lĩnh vực và cơ quan chủ trì",
        "Points lost in {year} by area and lead",
    ),
    "no_points_lost": (
        "Không tính được điểm bị mất năm {year}: {reason}",
        "Points lost in {year} cannot be computed: {reason}",
    ),
    "no_contributions": (
        "Không tách được thay đổi {base}–{year} theo thành phần: {reason}",
        "The change {base}–{year} cannot be split into its parts: {reason}",
    ),
    "reason.totals_only": (
        "số liệu năm này chỉ có tổng điểm, không có điểm thành phần",
        "the data of this year hold totals only, no component scores",
    ),
    "reason.trees_differ": (
        "hai năm thuộc hai phiên bản phương pháp có cấu trúc khác nhau",
        "the two years belong to methodology editions with different trees",
    ),
    "reason.chart_missing": (
        "không vẽ được với số liệu năm này (chỉ có tổng điểm hoặc chưa đủ các tỉnh)",
        "cannot be drawn from this year's data",
    ),
    "reason.no_projection": (
        "chưa có phiên bản phương pháp cho năm này hoặc chưa đủ các năm so sánh được",
        "no methodology edition covers the year or too few comparable years",
    ),
    "projection_heading": ("Dự báo năm {year}", "Projection for {year}"),
    "projection_text": (
        "Dự báo {year}: {value} (khoảng {lower} – {upper}), {method}. Năm giả định, không phải số liệu công bố.",
        "Projection {year}: {value} (band {lower} – {upper}), {method}. An assumed year, not published data.",
    ),
    "projection_method": (
        "xu hướng tuyến tính trên {n} năm ({years}), khoảng dự báo 95%",
        "linear trend over {n} years ({years}), 95% prediction band",
    ),
    "projection_method_no_band": (
        "xu hướng tuyến tính trên {n} năm ({years}); quá ít năm để có khoảng dự báo",
        "linear trend over {n} years ({years}); too few years for a prediction band",
    ),
    "projection_text_no_band": (
        "Dự báo {year}: {value}, {method}. Năm giả định, không phải số liệu công bố.",
        "Projection {year}: {value}, {method}. An assumed year, not published data.",
    ),
    "projection_assumed_edition": (
        "giả định phương pháp {edition} tiếp tục được áp dụng",
        "assuming the {edition} method continues",
    ),
    "projection_counterfactual": (
        "tính cho tỉnh theo bản đồ 63 tỉnh trước sáp nhập (giả định phản thực tế)",
        "for the province on the pre-merger 63-province map (a counterfactual)",
    ),
    "projection_merged": (
        "cho đơn vị sau sáp nhập, gộp từ các tỉnh thành viên",
        "for the merged unit, from its member provinces",
    ),
    "no_projection": ("Không có dự báo năm {year}: {reason}", "No projection for {year}: {reason}"),
    "latest": ("Năm {year}: {score} điểm", "{year}: {score} points"),
    "latest_rank": ("thứ hạng {rank}/{n} ({source})", "rank {rank} of {n} ({source})"),
    "charts": ("Biểu đồ", "Charts"),
    "sources_heading": ("Nguồn số liệu và phương pháp", "Sources of data and methods"),
    "sources_text": (
        "Số liệu: bản công bố của các đơn vị nêu trên, đi kèm chiso (chiso.datasets.sources()). Thứ hạng: thứ hạng "
        "công bố chính thức, hoặc thứ hạng chiso tính lại khi số liệu có đủ các tỉnh mà đơn vị công bố xếp hạng; "
        "ngoài ra không hiển thị thứ hạng.",
        "Data: the publications of the publishers named above, bundled with chiso (chiso.datasets.sources()). Ranks: "
        "the publisher's, or chiso's recomputation where the data cover every province the publisher ranked; "
        "otherwise no rank is shown.",
    ),
    "none": ("không có", "none"),
    "no_data": ("Không có số liệu {index} của {province}.", "No {index} data for {province}."),
    # --- chart text ---
    "chart.national_mean": ("Trung bình cả nước", "National mean"),
    "chart.region_mean": ("Trung bình vùng", "Regional mean"),
    "chart.best": ("Tỉnh cao nhất", "Best province"),
    "chart.total_year": ("Tổng {year}", "Total {year}"),
    "chart.weights": ("{node} (trọng số)", "{node} (weights)"),
    "chart.residual": ("Phần dư", "Residual"),
    "chart.total": ("Tổng điểm", "Total"),
    "chart.profile": (
        "{index} {year} — {province}: các lĩnh vực so với cả nước",
        "{index} {year} — {province}: areas against the nation",
    ),
    "chart.waterfall": (
        "{index} — {province}: thay đổi tổng điểm {base}–{year}",
        "{index} — {province}: change of the total {base}–{year}",
    ),
    "chart.cross_edition": (
        "Khác phiên bản phương pháp ({old} → {new}): thay đổi gồm cả thay đổi phương pháp",
        "Across methodology editions ({old} → {new}): the change includes the change of method",
    ),
    "chart.trajectory": ("{index} — thứ hạng {node}, {years}", "{index} — rank, {node}, {years}"),
    "chart.break": (
        "Đường gạch: phiên bản phương pháp mới; thứ hạng hai bên không so sánh trực tiếp được.",
        "Dashed lines: a new methodology edition; ranks on either side are not strictly comparable.",
    ),
    "chart.heatmap": (
        "{index} {year} — điểm các lĩnh vực của các tỉnh",
        "{index} {year} — area scores of every province",
    ),
    "chart.ranked_bars": (
        "{index} {year} — {node}: điểm các tỉnh có số liệu",
        "{index} {year} — {node}: scores of the provinces with data",
    ),
    "chart.edition": ("phương pháp {year}", "{year} method"),
    "chart.partial": ("{n} trong {field} tỉnh được xếp hạng", "{n} of the {field} provinces ranked"),
    "chart.bands": (
        "thứ hạng: trung vị và khoảng 5–95% qua {runs} lần mô phỏng (thay đổi: {varied})",
        "rank: median and 5–95% band over {runs} runs (varied: {varied})",
    ),
    "chart.official": ("Thứ hạng chính thức", "Official rank"),
    "chart.by_official": ("Tỉnh, theo thứ hạng chính thức", "Provinces by official rank"),
    "chart.year": ("Năm", "Year"),
    "chart.rank": ("Thứ hạng", "Rank"),
    "chart.score": ("Điểm", "Score"),
}


#: How reports name each index (the spec's short names).
_INDEX_TITLES = {
    "par": "PAR INDEX",
    "sipas": "SIPAS",
    "papi": "PAPI",
    "pci": "PCI",
    "pgi": "PGI",
    "ict": "ICT Index",
    "dti": "DTI",
}


def index_title(index: str) -> str:
    """The short name reports give an index (``"par"`` → ``"PAR INDEX"``)."""
    return _INDEX_TITLES.get(index, index.upper())


def check_lang(lang: str | None) -> Lang:
    """``lang`` if it is a supported language (None: the language set by :func:`chiso.set_language`, Vietnamese
    unless changed), else a typed error naming the choices."""
    if lang is None:
        from ._display import _LANGUAGE

        lang = _LANGUAGE["value"]
    if lang not in LANGS:
        raise InvalidArgumentError(f"lang={lang!r}: use 'vi' (Vietnamese, the default) or 'en' (English)")
    return lang  # type: ignore[return-value]


def text(key: str, lang: Lang, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    vi, en = _TEXT[key]
    template = vi if lang == "vi" else en
    return template.format(**values) if values else template


def has_text(key: str) -> bool:
    return key in _TEXT


def status(value: str | None, lang: Lang) -> str:
    """A provenance or rank status as words (``"user_supplied"`` → ``"người dùng cung cấp"``)."""
    if value is None:
        return ""
    key = f"status.{value}"
    return text(key, lang) if key in _TEXT else humanize(value)


def humanize(name: str) -> str:
    """A code as words (``"high_average"`` → ``"High average"``): the last resort for a label with no display name,
    so that no snake_case reaches a reader."""
    words = name.replace("_", " ").replace("/", " / ").strip()
    return words[:1].upper() + words[1:]


def group_label(value: str | None, lang: Lang) -> str | None:
    """A group/tier label for display: generic words translated; publisher-specific English labels whose
    Vietnamese name is not known (PAPI's quartile groups, papi.md §5) humanised and marked untranslated."""
    if value is None:
        return None
    key = f"group.{value}"
    if key in _TEXT:
        return text(key, lang)
    if value.isascii() and any(c.islower() for c in value):
        return humanize(value) + (UNTRANSLATED if lang == "vi" else "")
    return value


def number(
    value: float | int | None,
    decimals: int,
    lang: Lang,
    *,
    sign: bool = False,
    decimal_comma: bool | None = None,
    missing: str = "–",
) -> str:
    """``value`` with ``decimals`` decimals in the language's convention: ``57,55`` in Vietnamese (unless
    ``decimal_comma=False``), ``57.55`` in English; ``missing`` for a null.

    >>> number(57.549, 2, "vi"), number(57.549, 2, "en"), number(-1.5, 1, "vi", sign=True)
    ('57,55', '57.55', '−1,5')
    >>> number(3.0, 2, "vi", decimal_comma=False), number(None, 2, "vi")
    ('3.00', '–')
    """
    if value is None or value != value:  # null or NaN
        return missing
    comma = (lang == "vi") if decimal_comma is None else decimal_comma
    out = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
    out = out.replace("-", "\u2212")  # a true minus sign: a hyphen breaks lines and reads as a dash
    return out.replace(".", ",") if comma else out


def node_names(methodologies: Iterable[object], lang: Lang, year: int | None = None) -> dict[str, str]:
    """Node path → display name from the methodology files; the edition in force in ``year`` wins. A node with no
    name in ``lang`` gets the other language's name marked :data:`UNTRANSLATED` (Vietnamese only: the files hold
    every English name), and a node with no name at all its path humanised."""
    ms = list(methodologies)
    if year is not None:
        ms.sort(key=lambda m: m.covers(year))  # type: ignore[attr-defined]
    labels: dict[str, str] = {}
    for m in ms:
        for path, name_vi, name_en in m.tree().select("path", "name_vi", "name_en").iter_rows():  # type: ignore[attr-defined]
            marked = f"{name_en}{UNTRANSLATED}" if name_en else None
            name = (name_vi or marked) if lang == "vi" else (name_en or name_vi)
            labels[path] = name or humanize(path.rsplit("/", 1)[-1] or "total")
    return labels


def untranslated_note(shown: Iterable[str], lang: Lang) -> str | None:
    """The note explaining :data:`UNTRANSLATED` when any shown label carries it (Vietnamese only)."""
    if lang == "vi" and any(s.endswith(UNTRANSLATED) for s in shown if s):
        return text("untranslated", lang)
    return None
