"""What Pagefind indexes of Vietnamese text: syllable pairs, and the words of titles.

Vietnamese is written in syllables, and the most frequent ones (``xã``, ``của``, ``công``,
``đồng``…) are on nearly every page: Pagefind files each word with the list of every page
and position where it occurs, so a query touching one of them downloads that list whole
(about 2 MB on a 10,000-page site; issue 19). This module shapes what Pagefind sees:

- **Pairs.** The word at each position of a text is the *pair* of its syllable and the
  next one in the same phrase, written ``ʼthủʼtụcʼ`` (``ʼ`` is U+02BC, a letter to Pagefind,
  so the pair stays one word with no compound parts); the last syllable of a phrase is
  ``ʼchínhʼ``. ``thủ tục hành chính`` is indexed as ``ʼthủʼtụcʼ ʼtụcʼhànhʼ ʼhànhʼchínhʼ
  ʼchínhʼ``. A query of several syllables asks for its pairs, which are much rarer than
  its syllables (phrase matches first, by construction); a query of one syllable asks for
  ``ʼsyl`` (Pagefind matches by prefix: every pair that starts with it).
- **Title words.** The syllables of the title are also indexed alone as ``ʻsylʻ``
  (``ʻ`` is U+02BB), in a metadata field: a query of one *frequent* syllable (``xa``)
  asks for ``ʻxaʻ`` and finds the pages titled with it, not the tens of thousands of
  positions where it occurs in bodies.
- ``đ`` is written ``ḑ``, which Pagefind folds to ``d``: ``dong`` finds ``đông`` and ``đông``
  still ranks first (exact spellings weigh more).
- A display word with several syllables (``953/KH-UBND``) is one position with one pair per
  syllable, joined by ``-``: Pagefind indexes each part (its compound words).

Every display word (text split at white space) is exactly one position, so the positions
Pagefind returns are positions in the original text: the bundle's fragments carry the
original text (``portal.stages.search.bundle``) and the page highlights it.

``themes/portal/static/js/search.js`` (``querySyllables``, ``pairTerms``) splits queries
the same way; tests/stages/test_search_browser.py checks both sides agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

PAIR = "\u02bc"      # ʼ MODIFIER LETTER APOSTROPHE: begins, separates and ends the syllables of a pair
TITLE = "\u02bb"     # ʻ MODIFIER LETTER TURNED COMMA: begins and ends a title word
NO_WORD = "-"        # a position without a word (punctuation alone): Pagefind indexes nothing for it
D_FOR_INDEX = {"đ": "\u1e11", "Đ": "\u1e10"}  # đ → ḑ: a d that Pagefind folds to d, for the index only
_SPACE = re.compile(r"\s+")
#: alphanumeric runs, split where letters and digits meet ("covid19" → covid, 19): the syllables
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+")
#: punctuation that ends a phrase after a word, or starts one before it
_ENDS_PHRASE = set(".,;:!?…)]}\"”’»")
_STARTS_PHRASE = set("([{\"“‘«")
_MARKS = {PAIR: "\u2019", TITLE: "\u2018"}  # our markers, if ever in a text, become quotes


def mark_d(text: str) -> str:
    """``đường`` → ``ḑường``: Pagefind folds the cedilla away, so ``duong`` matches."""
    for d, marked in D_FOR_INDEX.items():  # str.replace: many times faster than str.translate on long text
        text = text.replace(d, marked)
    return text


@lru_cache(maxsize=1 << 16)
def fold(syllable: str) -> str:
    """A syllable as Pagefind files it: lower case, tones and marks dropped, đ → d.

    Memoised: a language has a few thousand syllables and a site's staging folds every one
    of its words (150,000 calls for a commune of 300 pages: half a second unmemoised).
    """
    decomposed = unicodedata.normalize("NFD", syllable.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def display_words(text: str) -> list[str]:
    """The words of *text* as shown: NFC, split at any white space, our markers replaced."""
    text = unicodedata.normalize("NFC", text)
    for mark, quote in _MARKS.items():
        text = text.replace(mark, quote)
    return _SPACE.split(text.strip()) if text.strip() else []


def syllables(word: str) -> list[str]:
    """The syllables of one display word as indexed: lower case, đ as ḑ (``953/KH-UBND`` → 953, kh, ubnd)."""
    return _SYLLABLE.findall(mark_d(word.lower()))


def pair_tokens(words: list[str]) -> list[str]:
    """One index token per display word (a phrase runs until punctuation ends it).

    >>> pair_tokens(["Thủ", "tục", "hành", "chính."])
    ['ʼthủʼtụcʼ', 'ʼtụcʼhànhʼ', 'ʼhànhʼchínhʼ', 'ʼchínhʼ']
    """
    lowered = mark_d(" ".join(words).lower()).split(" ")  # one pass over the text: words hold no spaces
    findall = _SYLLABLE.findall
    flat: list[str] = []                     # every syllable, in order
    owner: list[int] = []                    # the word each is in
    breaks: set[int] = set()                 # indexes into flat after which a phrase ends
    for i, word in enumerate(lowered):
        sylls = findall(word)
        if not sylls:
            continue
        if flat and (word[0] in _STARTS_PHRASE or (len(word) > 1 and word[1] in _STARTS_PHRASE)):
            breaks.add(len(flat) - 1)
        flat += sylls
        owner += [i] * len(sylls)
        if word[-1] in _ENDS_PHRASE or (len(word) > 1 and word[-2] in _ENDS_PHRASE):
            breaks.add(len(flat) - 1)
    keys: list[list[str]] = [[] for _ in words]
    last = len(flat) - 1
    for k, syl in enumerate(flat):
        if k < last and k not in breaks:
            keys[owner[k]].append(PAIR + syl + PAIR + flat[k + 1] + PAIR)
        else:
            keys[owner[k]].append(PAIR + syl + PAIR)
    return ["-".join(k) if k else NO_WORD for k in keys]


def title_tokens(words: list[str]) -> list[str]:
    """The syllables of a title, each alone: ``ʻxãʻ ʻtiênʻ ʻduʻ``."""
    return [f"{TITLE}{s}{TITLE}" for w in words for s in syllables(w)]


def page_syllables(words: Iterable[str]) -> set[str]:
    """The distinct folded syllables of a page's words (the input of :func:`frequent_syllables`).

    Found in one pass over the distinct words (words hold no spaces), then each distinct syllable folded.
    """
    return {fold(s) for s in set(_SYLLABLE.findall(mark_d(" ".join(set(words)).lower())))}


def frequent_syllables(pages: Iterable[Iterable[str]], count: int, share: float = 0.02, floor: int = 200) -> list[str]:
    """The folded syllables found on more than ``max(floor, share × count)`` of *pages*
    (each the distinct folded syllables of one page: :func:`page_syllables`).

    A query of one of them alone searches titles (see the module's doc): the page gets
    this list with the bundle (``portal-search.json``).
    """
    seen: Counter[str] = Counter()
    for folded in pages:
        seen.update(folded)
    return frequent_in_counts(seen, count, share, floor)


def frequent_in_counts(counts: dict[str, int], count: int, share: float = 0.02, floor: int = 200) -> list[str]:
    """:func:`frequent_syllables` from the syllables' page counts (``{syllable: pages}``) of *count* pages."""
    limit = max(floor, share * count)
    return sorted(s for s, n in counts.items() if n > limit)
