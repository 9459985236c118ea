"""Notebook display: HTML of methodologies and results, well formed, in Vietnamese or English, provenance marked."""

from __future__ import annotations

from html.parser import HTMLParser

import chiso
import pytest


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag not in ("br",):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def well_formed(text: str) -> None:
    c = _Checker()
    c.feed(text)
    assert c.stack == []


def test_methodology_html_in_both_languages() -> None:
    m = chiso.methodology("pci", 2022)
    vi = m._repr_html_()
    well_formed(vi)
    assert "Tính minh bạch" in vi and "DERIVED" in vi
    chiso.set_language("en")
    try:
        en = m._repr_html_()
        assert "Transparency" in en
    finally:
        chiso.set_language("vi")
    with pytest.raises(chiso.InvalidArgumentError, match="^language='fr': use 'vi' or 'en'$"):
        chiso.set_language("fr")


def test_scores_html() -> None:
    s = chiso.score("papi", chiso.datasets.papi().filter(year=2024))
    text = s._repr_html_()
    well_formed(text)
    assert "Trà Vinh" in text or "more" in text
    assert "DERIVED" in text  # PAPI ranks are derived
