"""What the two dataset builders share: failing loudly, logging, and the province-name matching key."""

from __future__ import annotations

import re
import unicodedata


class BuildError(Exception):
    """Any inconsistency in the raw data, the transcription, or our assumptions about them."""


def fail(msg: str) -> None:
    raise BuildError(msg)


def log(msg: str = "") -> None:
    print(msg, flush=True)


# Administrative prefixes that some sources put in front of a name ("TP.HCM", "Thành phố Huế",
# "Tỉnh Trà Vinh"). They are stripped only when the full normalised form is not already a key.
_PREFIXES = ("thanhpho", "tinh", "tp")


def norm_text(s: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ -> d), collapse whitespace; keep punctuation."""
    s = unicodedata.normalize("NFD", str(s).strip().lower()).replace("đ", "d")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", s)


def norm_key(s: str) -> str:
    """Matching key: accent-, case- and punctuation-insensitive (norm_text without punctuation or spaces)."""
    return re.sub(r"[^a-z0-9]", "", norm_text(s))


def strip_prefix(key: str) -> str | None:
    for p in _PREFIXES:
        if key.startswith(p) and len(key) > len(p):
            return key[len(p) :]
    return None
