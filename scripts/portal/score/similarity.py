"""Near-duplicates among the items of a month: the editors' similarity, computed for thousands of items at once.

The measure is the one ``portal similar`` prints (:mod:`portal.stages.search.editor`, ``_cosine``): the cosine of
tf-idf vectors of folded words (lower case, tones and marks dropped, ``đ`` → ``d``), with
``idf = log(1 + n / (1 + df))``. Here ``n`` and ``df`` are counted over the items compared — the
month's and those of the window before it — rather than over the editors' whole index, so a
figure can differ a little from ``portal similar``'s; the threshold (``similarity.threshold`` in
scoring.yaml, 0.8 by default, what ``portal similar`` marks as likely the same text) is the same.

Comparing every item with every other would take minutes at the scale of a province (2,500
items a month against 10,000), so candidates are first found by shared runs of four words that
are rare in the corpus (boilerplate that many items share is ignored): two texts at a cosine of
0.8 share long runs of words. Only candidates get the exact cosine.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE = 4
#: a run of words in more items than this share of the corpus (at least COMMON_MIN items) is boilerplate
COMMON_SHARE = 0.01
COMMON_MIN = 20
#: a candidate shares at least this share of the item's rare runs of words (texts at a cosine of 0.8 share most)
CANDIDATE_SHARE = 0.2
_WORD = re.compile(r"\w+")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[cp] = base.lower()
    for cp in range(0x1E00, 0x1F00):  # Latin Extended Additional: every Vietnamese letter with a tone
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch:
            table[cp] = base.lower()
    return table


_FOLD = _fold_table()


def terms(text: str) -> list[str]:
    """Folded lower-case words, as the editors' index analyses Latin text (``Đường`` → ``duong``)."""
    return _WORD.findall(text.lower().translate(_FOLD))


@dataclass
class Doc:
    """A text to compare: ``key`` (its path), ``site``, ``order`` (earlier items have smaller orders)."""

    key: str
    site: str
    order: tuple
    text: str


@dataclass(frozen=True)
class Match:
    key: str          # the earlier item it repeats
    site: str
    score: float


def nearest_earlier(docs: Sequence[Doc], queries: set[str], threshold: float) -> dict[str, Match]:
    """For each doc whose key is in *queries*: the earlier doc (smaller ``order``) most similar to it, if ≥ *threshold*."""
    tokens = {d.key: terms(d.text) for d in docs}
    df: Counter[str] = Counter()
    for words in tokens.values():
        df.update(set(words))
    n = max(1, len(docs))

    def vector(words: list[str]) -> dict[str, float]:
        tf = Counter(words)
        return {w: c * math.log(1 + n / (1 + df[w])) for w, c in tf.items()}

    shingles: dict[str, set[tuple[str, ...]]] = {}
    posting: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, words in tokens.items():
        # every third run of words, picked by its first letter (the same runs in every text): near-duplicates
        # share most runs, so they share most of the picked ones too, at a third of the cost
        s = {sh for sh in zip(*(words[i:] for i in range(SHINGLE)), strict=False) if ord(sh[0][0]) % 3 == 0}
        shingles[key] = s
        for h in s:
            posting[h].append(key)
    common = max(COMMON_MIN, int(COMMON_SHARE * n))
    by_key = {d.key: d for d in docs}
    vectors: dict[str, tuple[dict[str, float], float]] = {}

    def unit(k: str) -> tuple[dict[str, float], float]:
        if k not in vectors:
            v = vector(tokens[k])
            vectors[k] = (v, math.sqrt(sum(x * x for x in v.values())))
        return vectors[k]
    found: dict[str, Match] = {}
    for key in sorted(queries):
        doc = by_key.get(key)
        if doc is None:
            continue
        shared: Counter[str] = Counter()
        rare = 0
        for h in shingles[key]:
            keys = posting[h]
            if len(keys) <= common:
                rare += 1
                shared.update(k for k in keys if k != key and by_key[k].order < doc.order)
        enough = max(2, CANDIDATE_SHARE * rare)
        best: Match | None = None
        candidates = sorted((kv for kv in shared.items() if kv[1] >= enough), key=lambda kv: (-kv[1], by_key[kv[0]].order))
        for other, _count in candidates[:50]:
            (a, na), (b, nb) = unit(key), unit(other)
            if len(b) < len(a):
                a, b = b, a
            score = sum(x * b.get(w, 0.0) for w, x in a.items()) / (na * nb) if na and nb else 0.0
            if score >= threshold and (best is None or score > best.score
                                       or (score == best.score and by_key[other].order < by_key[best.key].order)):
                best = Match(other, by_key[other].site, round(score, 4))
        if best is not None:
            found[key] = best
    return found
