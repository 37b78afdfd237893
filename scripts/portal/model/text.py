"""Vietnamese text handling: NFC normalisation, ASCII folding and slugs.

Never depends on the system's locales.
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """Return *text* in Unicode normal form C (composed), as the web expects."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Fold Vietnamese to ASCII letters: drop tones and marks, map đ → d.

    Characters that are not Latin (CJK, Hangul) are kept as they are.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def slugify(text: str) -> str:
    """A URL slug: folded, lower case, runs of other characters become one '-'.

    >>> slugify("Đẩy mạnh chuyển đổi số")
    'day-manh-chuyen-doi-so'
    """
    slug = _NON_SLUG.sub("-", fold(text).lower()).strip("-")
    if not slug and text.strip():
        # A title with no Latin letters (e.g. Chinese): transliterate it.
        from unidecode import unidecode

        slug = _NON_SLUG.sub("-", unidecode(text).lower()).strip("-")
    return slug


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
