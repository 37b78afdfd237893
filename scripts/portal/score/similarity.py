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


def _shingles(words: list[str]) -> set[int]:
    """Every third run of SHINGLE words, picked by its first letter (the same runs in every text), as hashes.

    Near-duplicates share most runs, so they share most of the picked ones too, at a third of the cost.
    """
    return {hash(sh) for sh in zip(*(words[i:] for i in range(SHINGLE)), strict=False) if ord(sh[0][0]) % 3 == 0}


def nearest_earlier(docs: Sequence[Doc], queries: set[str], threshold: float) -> dict[str, Match]:
    """For each doc whose key is in *queries*: the earlier doc (smaller ``order``) most similar to it, if ≥ *threshold*.

    Memory stays small at the scale of a province: only the queries' runs of words are indexed,
    each doc keeps only the runs it shares with a query, and words are counted for the candidates only.
    """
    by_key = {d.key: d for d in docs}
    df: Counter[str] = Counter()
    q_runs: dict[str, set[int]] = {}
    for d in docs:
        words = terms(d.text)
        df.update(set(words))
        if d.key in queries:
            q_runs[d.key] = _shingles(words)
    index: dict[int, list[str]] = defaultdict(list)
    for key, runs in q_runs.items():
        for h in runs:
            index[h].append(key)
    run_df: Counter[int] = Counter()
    hits: dict[str, list[int]] = {}
    for d in docs:
        mine = [h for h in _shingles(terms(d.text)) if h in index]
        if mine:
            hits[d.key] = mine
            run_df.update(mine)
    n = max(1, len(docs))
    common = max(COMMON_MIN, int(COMMON_SHARE * n))
    shared: dict[str, Counter[str]] = defaultdict(Counter)
    for key, runs in hits.items():
        order = by_key[key].order
        for h in runs:
            if run_df[h] <= common:
                for q in index[h]:
                    if q != key and order < by_key[q].order:
                        shared[q][key] += 1
    vectors: dict[str, tuple[dict[str, float], float]] = {}

    def unit(k: str) -> tuple[dict[str, float], float]:
        if k not in vectors:
            tf = Counter(terms(by_key[k].text))
            v = {w: c * math.log(1 + n / (1 + df[w])) for w, c in tf.items()}
            vectors[k] = (v, math.sqrt(sum(x * x for x in v.values())))
        return vectors[k]

    found: dict[str, Match] = {}
    for key in sorted(q_runs):
        rare = sum(1 for h in q_runs[key] if run_df[h] <= common)
        enough = max(2, CANDIDATE_SHARE * rare)
        candidates = sorted((kv for kv in shared.get(key, {}).items() if kv[1] >= enough),
                            key=lambda kv: (-kv[1], by_key[kv[0]].order))
        best: Match | None = None
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
