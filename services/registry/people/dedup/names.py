"""Name normalisation tuned for Indonesian, Javanese and Madurese spellings.

Two spellings of one person's name should normalise to the same (or a very close) key: Moh./Moch./
Mohammad/Muhammad, Siti/Sitti, old Dutch spelling (oe, dj, tj, ch), doubled letters, apostrophes,
dots and spaces. Titles (H., Hj., Haji) are dropped: they are added after the pilgrimage and are
not part of who a person is.
"""
from __future__ import annotations

import re
import unicodedata

# Whole-token variants: the left side is any spelling seen on KK/KTP, the right side its key.
TOKEN_VARIANTS = {
    "m": "muhammad", "mh": "muhammad", "moh": "muhammad", "moch": "muhammad", "mochamad": "muhammad",
    "mochammad": "muhammad", "mohamad": "muhammad", "mohammad": "muhammad", "mohammed": "muhammad",
    "muhamad": "muhammad", "muhammad": "muhammad", "muh": "muhammad", "much": "muhammad",
    "muchammad": "muhammad", "muchamad": "muhammad", "mhd": "muhammad", "md": "muhammad", "mochd": "muhammad",
    "sitti": "siti", "st": "siti", "abd": "abdul", "abdul": "abdul", "ach": "ahmad", "achmad": "ahmad",
    "ahmad": "ahmad", "akhmad": "ahmad", "amad": "ahmad", "nurul": "nurul", "noer": "nur", "nor": "nur",
    "noor": "nur",
}
TITLES = {"h", "hj", "haji", "hajjah", "kh", "ust", "ustadz", "ustad", "drs", "ir", "dr", "se", "spd",
          "s.pd", "amd", "bin", "binti"}
# Spelling rules applied inside tokens, in order (old spelling -> current spelling).
_SPELLING = [("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("ch", "kh"), ("q", "k"), ("ph", "f"),
             ("dh", "d"), ("th", "t"), ("w", "u"), ("v", "f"), ("z", "s"), ("y", "i"), ("e", "i"), ("o", "u")]
_NON_LETTER = re.compile(r"[^a-z ]+")
_DOUBLE = re.compile(r"(.)\1+")


def tokens(name: str) -> list[str]:
    """Lower-case ASCII tokens of ``name`` with apostrophes removed and dots/hyphens as separators."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("`", "").replace(".", " ").replace("-", " ")
    return _NON_LETTER.sub(" ", text).split()


def _spell(token: str) -> str:
    for old, new in _SPELLING:
        token = token.replace(old, new)
    # "Rofi'i"/"Rofii"/"Rofi", "Aminnah"/"Aminah": doubled letters collapse, then a trailing h goes.
    token = _DOUBLE.sub(r"\1", token)
    return token[:-1] if len(token) > 3 and token.endswith("h") else token


# A village has a few thousand distinct name tokens among a million names: fold each once.
_FOLDED: dict[str, str] = {}


def _fold(token: str) -> str:
    folded = _FOLDED.get(token)
    if folded is None:
        folded = "" if token in TITLES else _spell(TOKEN_VARIANTS.get(token, token))
        if len(_FOLDED) < 1_000_000:
            _FOLDED[token] = folded
    return folded


def normalise(name: str) -> str:
    """The comparison key of a name: canonical tokens, spelling-folded, joined by single spaces."""
    return " ".join(folded for folded in map(_fold, tokens(name)) if folded)


def skeleton(name: str) -> str:
    """The normalised key without spaces: "Nur Hayati" and "Nurhayati" become one string."""
    return normalise(name).replace(" ", "")


# Administrative words around a birth place: "Kab. Bangkalan", "KOTA SURABAYA", "Ds. Kamal".
PLACE_WORDS = {"kab", "kabupaten", "kota", "kec", "kecamatan", "desa", "ds", "kel", "kelurahan"}


def place_key(place: str | None) -> str:
    """The comparison key of a birth place ("" when unknown): spelling-folded, administrative words dropped."""
    return "".join(_fold(token) for token in tokens(place or "") if token not in PLACE_WORDS)
