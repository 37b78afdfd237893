"""Vietnamese text handling: the read-time normalisation, ASCII folding and slugs.

Every text the project reads (content files, their file names, sites.yaml) goes through
:func:`clean` once, at read time, so that every later stage (slugs, links, search, feeds)
sees the same text: NFC, without invisible characters, and without characters that XML
and HTML refuse (those are reported with their line, never passed on). Never depends on
the system's locales.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")

#: characters removed at read time: soft hyphen, zero-width space / non-joiner / joiner,
#: word joiner, invisible operators, byte-order mark (a BOM inside the text), Mongolian vowel separator
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
_INVISIBLE_TABLE = str.maketrans("", "", INVISIBLE)
#: whether a text holds one (a search is C-speed; ``translate`` with a table walks every character in Python's
#: mapping protocol: 0.2 ms a post, 12 s of a 150-site build's 400 s of CPU)
_HAS_INVISIBLE = re.compile(f"[{INVISIBLE}]")

#: characters that XML 1.0 forbids and HTML reports as parse errors: C0 controls other
#: than tab, line feed and carriage return; DEL and the C1 controls; noncharacters
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff"
                        "\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0010fffe\U0010ffff\ud800-\udfff]")

#: the longest slug made from a title; a file name may hold 255 bytes, and an address
#: that long is hard to read, print or dictate
SLUG_MAX = 80


@dataclass(frozen=True)
class BadCharacter:
    """A character :func:`clean` refuses: its 1-based ``line`` and ``code`` (``U+000B``)."""

    line: int
    code: str

    @property
    def name(self) -> str:
        """What editors know it as (Word's line break, page break…), else its code."""
        return _CHAR_NAMES.get(self.code, self.code)


_CHAR_NAMES = {"U+000B": "U+000B (Shift+Enter in Word)", "U+000C": "U+000C (page break)", "U+0000": "U+0000 (NUL)"}


def nfc(text: str) -> str:
    """Return *text* in Unicode normal form C (composed), as the web expects."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> tuple[str, list[BadCharacter]]:
    """The read-time step: line endings to ``\\n``, NFC, invisible characters removed.

    Returns (the text, the forbidden characters found: at most one per line, each with
    its line). The text returned still contains the forbidden characters; the caller
    reports them (``file:line``) and must not publish the text.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = nfc(_without_invisible(text))
    bad: list[BadCharacter] = []
    if _FORBIDDEN.search(text):
        seen: set[int] = set()
        for m in _FORBIDDEN.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            if line not in seen:
                seen.add(line)
                bad.append(BadCharacter(line, f"U+{ord(m.group(0)):04X}"))
    return text, bad


def clean_name(name: str) -> str:
    """A file or folder name as links name it: NFC, without invisible characters."""
    return nfc(_without_invisible(name))


def _without_invisible(text: str) -> str:
    return text.translate(_INVISIBLE_TABLE) if _HAS_INVISIBLE.search(text) else text


def fold(text: str) -> str:
    """Fold Vietnamese to ASCII letters: drop tones and marks, map đ → d.

    Characters that are not Latin (CJK, Hangul) are kept as they are.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def cap(slug: str, limit: int = SLUG_MAX) -> str:
    """*slug* cut to at most *limit* characters, at the end of a word (a '-') where there is one."""
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    at = cut.rfind("-")
    return (cut[:at] if at > limit // 2 else slug[:limit]).strip("-")


@lru_cache(maxsize=1 << 14)
def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """A URL slug: folded, lower case, runs of other characters become one '-', at most *limit* long.

    Kept for the last 16,384 texts: a site's build slugifies the same tags and names again and again (the
    tags of every shared directive in every site's checks: 190,000 calls at the reference scale, issue 20).

    >>> slugify("Đẩy mạnh chuyển đổi số")
    'day-manh-chuyen-doi-so'
    """
    slug = _NON_SLUG.sub("-", fold(text).lower()).strip("-")
    if not slug and text.strip():
        # A title with no Latin letters (e.g. Chinese): transliterate it.
        from unidecode import unidecode

        slug = _NON_SLUG.sub("-", unidecode(text).lower()).strip("-")
    return cap(slug, limit)


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
