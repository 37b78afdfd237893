"""A Pagefind bundle made fit for readers, after Pagefind has written it.

Pagefind indexed the pages :func:`portal.stages.search.staging.stage` made (Vietnamese as
syllable-pair tokens, fields as tokens). Each page's *fragment* — the file a result's title,
date and excerpt are read from — is rewritten here with what readers see: the original
text (one word per indexed position, so the positions Pagefind returns still point at the
right words), the display values of the fields, no anchors. A fragment keeps its name
(Pagefind's hash of what it indexed, which also covers the display text: see
:func:`display_digest`).

``portal-search.json`` beside ``pagefind.js`` tells the search page which syllables are
frequent (a query of one of them alone searches titles: :mod:`.vietnamese`).
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import heapq
import json
import math
import shutil
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
INFO_FILE = "portal-search.json"
DATES_FILE = "portal-dates.json.gz"
INFO_VERSION = 1


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector paused while a bundle's words are decoded, joined and written.

    A bundle's words are hundreds of thousands of small lists without cycles; the collector walks
    every one of them again each time enough new ones are made: a third of a shard's merge
    (4.5 s → 2.9 s for a shard of 2,030 pages at the reference scale). Reference counting still
    frees them; the collector runs again as before once the outermost pause ends.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: gzip level of every file of a bundle (level 9 took a third more time for 0.26 % fewer bytes on a real bundle)
GZIP_LEVEL = 6


def gz(data: bytes) -> bytes:
    """*data* gzipped as every file of a bundle is: :data:`GZIP_LEVEL`, no timestamp (the same input, the same bytes)."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def read_fragment(path: Path) -> dict:
    """A fragment file as JSON (``{"url", "content", "meta", "filters", "word_count", "anchors"}``)."""
    data = gzip.decompress(path.read_bytes())
    if data.startswith(SIGNATURE):
        data = data[len(SIGNATURE):]
    return json.loads(data)


def fragment_bytes(fragment: dict) -> bytes:
    """A fragment as Pagefind stores it before compression: its signature, then compact JSON."""
    return SIGNATURE + json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode()


def write_fragment(path: Path, fragment: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(gz(fragment_bytes(fragment)))
    tmp.replace(path)


def file_name(lang: str, data: bytes, taken: set[str]) -> str:
    """``<lang>_<SHA-1 of data>``, 7 hex digits or more until not in *taken* (then added to it), as Pagefind
    names a bundle's files (chunks, fragments, filters)."""
    digest = hashlib.sha1(data).hexdigest()
    n = 7
    while f"{lang}_{digest[:n]}" in taken:
        n += 1
    name = f"{lang}_{digest[:n]}"
    taken.add(name)
    return name


def read_json_gz(path: Path) -> object:
    """A gzipped JSON file of a bundle (dates, cards, syllable counts); None if missing or unreadable."""
    try:
        return json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError, EOFError, zlib.error):
        return None


def display_digest(display: dict) -> str:
    """A short digest of what readers see of a page (it goes into the index, so fragment names change with it)."""
    return hashlib.sha1(json.dumps(display, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]


def rewrite_fragments(bundle: Path, displays: dict[str, dict]) -> dict[str, list]:
    """Put the display text and fields of every page into the fragments of *bundle*.

    *displays* maps each staged page's URL as Pagefind gives it (``/tin-tuc/x/``) to its
    :attr:`Staged.display`. Returns the card (:func:`card_of`) of every fragment rewritten,
    by its name (``vi_1a2b3c4``), for :func:`rechunk`; a fragment whose URL is not in
    *displays* is left as Pagefind wrote it.

    Also writes :data:`DATES_FILE`: each page's date and time by its fragment's name
    (``{"vi_1a2b3c4": "2026-03-02T08:00"}``, gzip), which the search page loads only when
    a reader sorts by date (instead of Pagefind's sort, which every page would download).
    """
    cards: dict[str, list] = {}
    dates: dict[str, str] = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        fragment = read_fragment(path)
        display = displays.get(fragment.get("url", ""))
        if display is None:
            continue
        name = path.name[: -len(".pf_fragment")]
        if display.get("time"):
            dates[name] = display["time"]
        if display.get("own_content"):
            fragment["content"] = display["content"]
        fragment["meta"] = dict(display["meta"])
        fragment["filters"] = display["filters"]
        fragment["anchors"] = []
        write_fragment(path, fragment)
        cards[name] = card_of(name, fragment)
    data = json.dumps(dates, separators=(",", ":"), sort_keys=True).encode()
    (bundle / DATES_FILE).write_bytes(gz(data))
    return cards


def write_info(bundle: Path, frequent: list[str] | None = None, **more: object) -> None:
    """``portal-search.json``: what the search page needs to write its queries for this bundle.

    ``frequent``: the syllables a query of one of them alone searches in titles. *more* keeps
    what a build needs to reuse the bundle after it was published (``key``: what it was built
    from; ``own``: a site's pages in the network index), since the build's bookkeeping files
    (``.portal-*``) are not published. Values already in the file are kept unless given.
    """
    info = read_info(bundle) if (bundle / INFO_FILE).is_file() else {"version": INFO_VERSION}
    if frequent is not None:
        info["frequent"] = sorted(set(frequent))
    info.setdefault("frequent", [])
    info.update(more)
    tmp = bundle / f".{INFO_FILE}.tmp"
    tmp.write_text(json.dumps(info, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    tmp.replace(bundle / INFO_FILE)


def read_info(bundle: Path) -> dict:
    try:
        info = json.loads((bundle / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": INFO_VERSION, "frequent": []}
    return info if isinstance(info, dict) else {"version": INFO_VERSION, "frequent": []}


#: in a site's bundle: on how many of its pages for the network index each folded syllable is
#: (``{"pages": n, "counts": {syllable: pages}}``, gzip): a network shard merged from the sites'
#: bundles (:mod:`portal.stages.search.merge`) adds them up for its frequent syllables
SYLLABLES_FILE = "portal-syllables.json.gz"


def write_syllables(bundle: Path, pages: list[list[str]]) -> None:
    """:data:`SYLLABLES_FILE` of *pages* (each the distinct folded syllables of one page)."""
    from collections import Counter

    counts: Counter[str] = Counter()
    for folded in pages:
        counts.update(folded)
    data = json.dumps({"pages": len(pages), "counts": dict(sorted(counts.items()))},
                      ensure_ascii=False, separators=(",", ":")).encode()
    (bundle / SYLLABLES_FILE).write_bytes(gz(data))


def read_syllables(bundle: Path) -> tuple[int, dict[str, int]] | None:
    """(pages, ``{syllable: pages}``) of :data:`SYLLABLES_FILE`; None if missing or unreadable."""
    data = read_json_gz(bundle / SYLLABLES_FILE)
    try:
        pages, counts = int(data["pages"]), data["counts"]  # type: ignore[index]
    except (ValueError, KeyError, TypeError):
        return None
    return (pages, counts) if isinstance(counts, dict) else None


# --- the word index, in chunks of a bounded size -----------------------------------------------

#: bytes (CBOR, before compression) of one chunk of the word index, beside its largest word
CHUNK_BYTES = 16_000
#: pages a word of the index keeps, per spelling: its best (:func:`cap_word`)
MAX_PAGES = 500
#: BM25's constants as Pagefind's defaults have them (term saturation k1, page length b)
_K1, _B = 1.2, 0.75


def _load(path: Path):
    import cbor2

    data = gzip.decompress(path.read_bytes())
    return cbor2.loads(data[len(SIGNATURE):] if data.startswith(SIGNATURE) else data)


def _dump(value) -> bytes:
    import cbor2

    return gz(SIGNATURE + cbor2.dumps(value))


def _prefixes(a: str, b: str) -> tuple[str, str]:
    """The shortest prefixes that still tell two neighbouring words apart (Pagefind's ``get_prefixes``)."""
    common = 0
    for x, y in zip(b, a, strict=False):
        if x != y:
            break
        common += 1
    return a[: common + 1], b[: common + 1]


def rechunk(bundle: Path, chunk_bytes: int = CHUNK_BYTES, max_pages: int | None = None,
            cards: dict[str, list] | None = None) -> int:
    """Split every language's word index anew into chunks of about *chunk_bytes*; returns the chunks written.

    Each word keeps at most *max_pages* pages per spelling (:func:`cap_word`; None: :data:`MAX_PAGES`, 0: all);
    ``portal-search.json`` lists the words that lost pages (``capped``: their plain forms, ``thu tuc``),
    so that the page can ask for a query's other words alone too (``search.js``, ``rarePart``).

    Pagefind sizes its chunks by the positions of a word's plain form only: the positions
    of its forms with diacritics (nearly every Vietnamese word) are not counted, so its
    chunks grow to megabytes, and a query pays for every word beside the one it asks for.
    The words (each with its page list, unchanged) are cut here by their encoded size; the
    metadata file is written anew with the chunks' ranges (``from`` trimmed as Pagefind does,
    ``to`` whole) and the entry file points at it. Old chunk and metadata files are removed.
    *cards*: the pages' cards by fragment (:func:`rewrite_fragments`), kept in :data:`CARDS_FILE`
    (those missing are read from the fragments).
    """
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    written = 0
    capped: set[str] = set()
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _load(meta_path)
        old = [bundle / "index" / f"{chunk[2]}.pf_index" for chunk in meta[2]]
        words = [w for path in old for w in _load(path)[0]]
        names = write_words(bundle, lang, info, meta, words, chunk_bytes, max_pages, cards, capped)
        for path in old:
            if path.stem not in names:
                path.unlink(missing_ok=True)
        if info["hash"] != meta_path.name[len("pagefind."):-len(".pf_meta")]:
            meta_path.unlink(missing_ok=True)
        written += len(names)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    write_info(bundle, capped=sorted(capped))
    return written


def write_words(bundle: Path, lang: str, info: dict, meta: list, words: list, chunk_bytes: int = CHUNK_BYTES,
                max_pages: int | None = None, cards: dict[str, list] | None = None,
                capped: set[str] | None = None, jobs: int = 1) -> set[str]:
    """Write one language's word index (*words*, sorted) in chunks of about *chunk_bytes*, and its metadata file.

    *meta* is the language's metadata (Pagefind's ``pf_meta``: version, pages, chunks, filters, sorts,
    fields), changed in place: its chunks, its pages' lengths rounded, no sorts; *info* (the entry file's
    language) gets the new metadata file's hash. Words are capped (:func:`cap_word`) and *capped* gets the
    plain forms of those that lost pages. Returns the names of the chunks written (``vi_1a2b3c4``).
    *jobs*: processes that cap, encode and score the words (:func:`prepare_words`), forked, each a share of
    them; the same files whatever their number. See :func:`rechunk`.
    """
    keep = MAX_PAGES if max_pages is None else max_pages
    lengths = [page[1] for page in meta[1]]
    fields = [str(f) for f in meta[5]] if len(meta) > 5 else []
    raws, capped_at, tops = _prepared(words, lengths, keep, lang == "vi", fields, jobs)
    if capped is not None:
        capped.update(_plain(words[i][0]) for i in capped_at)
    groups: list[list] = []
    encoded: list[list[bytes]] = []  # each word encoded once: its size, then its chunk's bytes
    size = 0
    for word, raw in zip(words, raws, strict=True):
        n = len(raw)
        # a chunk ends when full, or before a word that would overfill it (a large word stands alone)
        if not groups or size >= chunk_bytes or (groups[-1] and size + n > chunk_bytes):
            groups.append([])
            encoded.append([])
            size = 0
        groups[-1].append(word)
        encoded[-1].append(raw)
        size += n
    # A chunk's range: from the shortest prefix that tells its first word from the previous chunk's
    # last (as Pagefind trims it) to its last word whole. Pagefind trims the last word too, and then a
    # query for that word falls outside every range and loads the chunks around it by prefix.
    chunks = [[g[0][0], g[-1][0], ""] for g in groups]
    for i in range(len(chunks) - 1):
        chunks[i + 1][0] = _prefixes(chunks[i][1], chunks[i + 1][0])[1]
    names: set[str] = set()
    (bundle / "index").mkdir(exist_ok=True)
    for chunk, parts in zip(chunks, encoded, strict=True):
        data = _dump_encoded_chunk(parts)
        chunk[2] = file_name(lang, data, names)
        (bundle / "index" / f"{chunk[2]}.pf_index").write_bytes(data)
    meta[2] = chunks
    if tops is not None:
        _write_word_cards(bundle, [w[0] for w in words], tops, meta[1], cards)
    # Page lengths rank (BM25) only roughly: rounded to steps of √2 they take a few bytes instead of 15 kB
    # at 10,000 pages. Pagefind's sorts are left out: every reader would download them (22 kB at 10,000
    # pages); the page sorts by date with DATES_FILE, loaded when a reader asks for it.
    meta[1] = [[page[0], _round_length(page[1])] for page in meta[1]]
    meta[4] = []
    meta_data = _dump(meta)
    info["hash"] = f"{lang}_{hashlib.sha1(meta_data).hexdigest()[:7]}"
    (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(meta_data)
    return names


# --- cards: the first results of each word, fetched beside its index chunk --------------------

#: cards (title, address, date, section of a page) kept per word of the index: its best pages
CARDS_PER_WORD = 6
#: words per card file on average (the files are buckets of a hash of the word): 16 keeps a query's card
#: files at a few kB each and a bundle's files few (4 a word made about 470 files for a 300-page commune:
#: the search files of a 12-site network went 2,911 → 8,999, and its build +12 % CPU)
WORDS_PER_CARD_FILE = 16
#: at most this many card files per bundle, whatever the content
MAX_CARD_FILES = 16384
#: characters of a title kept on a card (the full title comes with the result's fragment)
CARD_TITLE = 160
CARDS_FILE = "portal-cards.json.gz"   # a bundle's best pages per word (input of :func:`write_cards`)
CARDS_DIR = "cards"                   # the card files the search page fetches: cards/<bucket>.json.gz
#: the weights of a match in a metadata field, as search.js gives them to Pagefind (``metaWeights``; others 1)
META_WEIGHTS = {"title": 5.0, "tw": 5.0, "number": 20.0, "site": 12.0}
#: Pagefind's term saturation (BM25's k1) by default
_K1_PAGEFIND = 1.4


def card_bucket(word: str, buckets: int) -> int:
    """The card file of a word of the index (its plain form, ``ʼthuʼtucʼ``): FNV-1a (32 bits) of its UTF-8, mod *buckets*.

    ``search.js`` (``cardBucket``) computes the same; *buckets* is a power of two.
    """
    h = 0x811C9DC5
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h & (buckets - 1)


def _word_scores(word: list, lengths: list[int], average: float, total: int,
                 fields: list[str], top: int | None = None) -> list[tuple[float, int, bool]]:
    """(score, page number, matched in a field) of every page of a word of the index, best first (*top*: the first only).

    The score follows Pagefind 1.5's for a query of this word alone, all spellings together: BM25 over
    the word's weighted occurrences in the text (its defaults: saturation 1.4, page length 0.75), plus,
    for each metadata field that holds it, the field's weight (:data:`META_WEIGHTS`, as ``search.js``
    gives them) times the word's IDF. *fields*: the bundle's metadata fields, in the order of their
    markers in the index (a location ``-(i + 1)`` starts field *i*; in the text, ``-(w + 1)`` starts
    a run of weight ``w / 24``).
    """
    body: dict[int, float] = {}
    hits: dict[int, set[int]] = {}
    for pages in [word[1]] + [v[1] for v in (word[2] if len(word) > 2 else [])]:
        number = 0
        for page in pages:
            number += page[0]
            locs = page[1]
            if locs and min(locs) < 0:  # weight markers (headings, fields): walk the runs
                weight, tf = 1.0, 0.0
                for loc in locs:
                    if loc < 0:
                        weight = (-loc - 1) / 24
                    else:
                        tf += weight
            else:  # every occurrence of weight 1 (the same sum, at C speed)
                tf = float(len(locs))
            body[number] = body.get(number, 0.0) + tf
            if len(page) > 2 and page[2]:
                field = -1
                for loc in page[2]:
                    if loc < 0:
                        field = -loc - 1
                    elif field >= 0:
                        hits.setdefault(number, set()).add(field)
    idf = math.log(1 + (total - len(body) + 0.5) / (len(body) + 0.5))
    out = []
    n_lengths = len(lengths)
    for number, tf in body.items():
        length = lengths[number] if number < n_lengths else average
        bm25 = tf * (_K1_PAGEFIND + 1) / (tf + _K1_PAGEFIND * (1 - _B + _B * max(length, 1) / max(average, 1))) if tf else 0.0
        hit = hits.get(number)
        boost = sum(META_WEIGHTS.get(fields[f] if f < len(fields) else "", 1.0) for f in hit) if hit else 0
        out.append((idf * (bm25 + boost), number, bool(hit)))
    if top is not None:
        return heapq.nsmallest(top, out, key=lambda s: (-s[0], s[1]))
    out.sort(key=lambda s: (-s[0], s[1]))
    return out


def _write_word_cards(bundle: Path, names: list[str], tops: list[list[tuple[float, int, bool]]], pages: list,
                      cards: dict[str, list] | None = None) -> None:
    """:data:`CARDS_FILE`: each word's :data:`CARDS_PER_WORD` best pages (``{word: [[fragment, score, in field], …]}``)
    and the cards of those pages (``{fragment: card}``, :func:`card_of`; from *cards*, else read from the fragment),
    so that :func:`write_cards` reads one file a bundle, not a fragment a page. *names*: the words' plain forms;
    *tops*: their best pages (:func:`_word_scores`), in the same order."""
    best: dict[str, list] = {}
    shown: dict[str, list | None] = {}
    for name, top in zip(names, tops, strict=True):
        best[name] = [[pages[n][0], round(score, 3), int(field)] for score, n, field in top if n < len(pages)]
        for frag, _, _ in best[name]:
            if frag not in shown:
                shown[frag] = cards[frag] if cards is not None and frag in cards else _card(bundle, frag)
    table = {frag: card for frag, card in shown.items() if card is not None}
    data = json.dumps({"version": 2, "words": best, "cards": table}, ensure_ascii=False, separators=(",", ":")).encode()
    (bundle / CARDS_FILE).write_bytes(gz(data))


def prepare_words(words: list, lengths: list[int], keep: int, scored: bool,
                  fields: list[str]) -> tuple[list[bytes], list[int], list[list] | None]:
    """What :func:`write_words` needs of *words*: each one capped (:func:`cap_word`, *keep* pages; 0: not capped)
    and encoded (CBOR), the positions of those capping changed, and with *scored* each one's
    :data:`CARDS_PER_WORD` best pages (:func:`_word_scores`, for the cards; else None). *lengths*: every
    page's length in words, by page number; *fields*: the metadata fields in the order of their markers."""
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    raws: list[bytes] = []
    capped_at: list[int] = []
    tops: list[list] | None = [] if scored else None
    for i, word in enumerate(words):
        kept = cap_word(word, lengths, keep) if keep else word
        if kept is not word:
            capped_at.append(i)
        raws.append(_dump_raw(kept))
        if tops is not None:
            tops.append(_word_scores(kept, lengths, average, len(lengths), fields, CARDS_PER_WORD))
    return raws, capped_at, tops


#: below this many page entries (all words' page lists together) a language's words are prepared in the
#: calling process (a fork costs more than the work)
PARALLEL_ENTRIES = 50_000
#: what the forked processes of :func:`_prepared` read (inherited, never sent): words, lengths, keep, scored, fields
_PREPARING: tuple | None = None


def _prepare_share(start: int, end: int) -> tuple[list[bytes], list[int], list[list] | None]:
    assert _PREPARING is not None
    words, lengths, keep, scored, fields = _PREPARING
    return prepare_words(words[start:end], lengths, keep, scored, fields)


def _prepared(words: list, lengths: list[int], keep: int, scored: bool, fields: list[str],
              jobs: int) -> tuple[list[bytes], list[int], list[list] | None]:
    """:func:`prepare_words` of *words*, in *jobs* forked processes (a consecutive share each) when there are
    enough words and the system forks, else here; the same result either way. A process that dies raises
    :class:`concurrent.futures.process.BrokenProcessPool` (a shard's merge then falls back to Pagefind)."""
    import os

    if jobs <= 1 or len(words) < 2 * jobs or not hasattr(os, "fork"):
        return prepare_words(words, lengths, keep, scored, fields)
    # each share about as many page entries as the others (a few frequent words hold most of them)
    weights = [1 + len(w[1]) + sum(len(v[1]) for v in (w[2] if len(w) > 2 else [])) for w in words]
    total = sum(weights)
    if total < PARALLEL_ENTRIES:
        return prepare_words(words, lengths, keep, scored, fields)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _PREPARING
    bounds, start, acc = [], 0, 0
    for i, weight in enumerate(weights):
        acc += weight
        if acc * jobs >= total * (len(bounds) + 1) and len(bounds) < jobs - 1:
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(words)))
    bounds = [(a, b) for a, b in bounds if b > a]
    _PREPARING = (words, lengths, keep, scored, fields)
    try:
        with ProcessPoolExecutor(len(bounds), mp_context=multiprocessing.get_context("fork")) as pool:
            shares = [f.result() for f in [pool.submit(_prepare_share, a, b) for a, b in bounds]]
    finally:
        _PREPARING = None
    raws = [raw for share in shares for raw in share[0]]
    capped_at = [a + i for (a, _), share in zip(bounds, shares, strict=True) for i in share[1]]
    tops = [top for share in shares for top in share[2]] if scored else None  # type: ignore[union-attr]
    return raws, capped_at, tops


def write_cards(dest: Path, bundles: list[Path]) -> int:
    """Write the card files of *bundles* (their :data:`CARDS_FILE`, merged) into the folder *dest*; returns how many buckets.

    A card file (``dest/<bucket as hex>.json.gz``, :func:`card_bucket`) holds, for each word of
    its bucket, its best pages across the bundles (``"w": {word: [[card, score, in field], …]}``)
    and their cards (``"c": [[fragment, url, title, date, section], …]``): the search page asks
    for the files of a query's words beside their index chunks, and shows their best pages at
    once, before Pagefind's results and their fragments arrive. Bounded by the content: at most
    :data:`MAX_CARD_FILES` files, :data:`CARDS_PER_WORD` cards a word, titles cut to
    :data:`CARD_TITLE` characters. *dest* is replaced whole (written beside it, then renamed).
    """
    merged: dict[str, list] = {}
    tables: list[dict] = []
    for i, bundle in enumerate(bundles):
        data = read_json_gz(bundle / CARDS_FILE)
        try:
            words = data["words"]  # type: ignore[index]
        except (KeyError, TypeError):
            tables.append({})
            continue
        table = data.get("cards")
        tables.append(table if isinstance(table, dict) else {})
        for word, cards in words.items():
            merged.setdefault(word, []).extend((score, i, frag, field) for frag, score, field in cards)
    buckets = 1
    while buckets < MAX_CARD_FILES and buckets * WORDS_PER_CARD_FILE < len(merged):
        buckets *= 2
    files: dict[int, dict] = {}
    shown: dict[tuple[int, str], dict | None] = {}
    for word in sorted(merged):
        top = sorted(merged[word], key=lambda c: (-c[0], c[1], c[2]))[:CARDS_PER_WORD]
        out = files.setdefault(card_bucket(word, buckets), {"c": [], "w": {}, "at": {}})
        refs = []
        for score, i, frag, field in top:
            if (i, frag) not in shown:
                known = tables[i].get(frag)
                shown[(i, frag)] = known if isinstance(known, list) else _card(bundles[i], frag)
            card = shown[(i, frag)]
            if card is None:
                continue
            if (i, frag) not in out["at"]:
                out["at"][(i, frag)] = len(out["c"])
                out["c"].append(card)
            refs.append([out["at"][(i, frag)], score, field])
        out["w"][word] = refs
    tmp = dest.with_name(f".{dest.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for bucket, out in files.items():
        data = json.dumps({"c": out["c"], "w": out["w"]}, ensure_ascii=False, separators=(",", ":")).encode()
        (tmp / f"{bucket:x}.json.gz").write_bytes(gz(data))
    if dest.exists():
        shutil.rmtree(dest)
    tmp.rename(dest)
    return buckets


def card_of(fragment: str, data: dict) -> list:
    """``[fragment, url, title, date, section]``: the card of the page whose fragment is named *fragment* and holds *data*."""
    meta = data.get("meta") or {}
    return [fragment, str(data.get("url", "")), str(meta.get("title", ""))[:CARD_TITLE],
            str(meta.get("date", ""))[:10], str(meta.get("section", ""))[:80]]


def _card(bundle: Path, fragment: str) -> list | None:
    """:func:`card_of` a page, its fragment read from *bundle* (None if unreadable)."""
    try:
        data = read_fragment(bundle / "fragment" / f"{fragment}.pf_fragment")
    except (OSError, ValueError, EOFError):
        return None
    return card_of(fragment, data)


def _page_numbers(pages: list) -> list[int]:
    """The page numbers of a word's page list (Pagefind writes each as the difference to the previous one)."""
    numbers, at = [], 0
    for page in pages:
        at += page[0]
        numbers.append(at)
    return numbers


def _best_pages(pages: list, lengths: list[int], keep: int) -> list:
    """The *keep* best entries of a page list (``[[page delta, [locations], [meta locations]], …]``), re-encoded.

    Best as Pagefind ranks one word: a match in a metadata field (title, number, site name),
    up to half of them, then BM25's term-frequency part (occurrences, against the page's length).
    Entries keep their order (by page), and their page numbers are differences again.
    """
    numbers = _page_numbers(pages)
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    n_lengths = len(lengths)
    scores: list[float] = []
    in_meta: list[bool] = []
    for number, page in zip(numbers, pages, strict=True):
        locs = page[1]
        tf = sum(map((0).__le__, locs)) if locs and min(locs) < 0 else len(locs)  # the occurrences (markers < 0)
        length = lengths[number] if number < n_lengths else average
        scores.append(tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * max(length, 1) / max(average, 1))))
        in_meta.append(len(page) > 2 and bool(page[2]) and max(page[2]) >= 0)

    # Matches in a field first, but at most half of what is kept: the other half are the pages whose text
    # has the word most, so that two frequent words asked together (a phrase) still meet on many pages.
    ranked = sorted(range(len(pages)), key=scores.__getitem__, reverse=True)
    fields = [i for i in ranked if in_meta[i]][: keep // 2]
    taken = set(fields)
    chosen = sorted(fields + [i for i in ranked if i not in taken][: keep - len(fields)])
    out, previous = [], 0
    for i in chosen:
        out.append([numbers[i] - previous, *pages[i][1:]])
        previous = numbers[i]
    return out


def cap_word(word: list, lengths: list[int], keep: int) -> list:
    """A word of the index (``[plain form, pages, [[spelling, pages], …]]``) with at most *keep* pages per spelling.

    A syllable pair found on most pages of a large site (``ʼthủʼtụcʼ`` on 7,500 of 10,000)
    would otherwise be downloaded and scored whole for every query that holds it: its best
    pages (:func:`_best_pages`; *lengths*: every page's length in words, by page number)
    are the ones a reader looks at. Each spelling keeps its own best pages, so that an
    exact spelling typed with its tones keeps its matches.
    """
    plain, pages, variants = word[0], word[1], word[2] if len(word) > 2 else []
    if len(pages) <= keep and all(len(v[1]) <= keep for v in variants):
        return word
    capped = [plain, _best_pages(pages, lengths, keep) if len(pages) > keep else pages,
              [[v[0], _best_pages(v[1], lengths, keep) if len(v[1]) > keep else v[1], *v[2:]] for v in variants]]
    return capped + list(word[3:])


def _plain(word: str) -> str:
    """A word of the index as ``capped`` lists it: ``ʼthuʼtucʼ`` → ``thu tuc``, ``ʻxaʻ`` → ``ʻxa`` (a title word)."""
    from portal.stages.search.vietnamese import PAIR, TITLE

    if word.startswith(TITLE):
        return TITLE + word.strip(TITLE)
    return word.strip(PAIR).replace(PAIR, " ")


def _round_length(words: int) -> int:
    """*words* to the nearest power of √2 (1, 2, 3, 4, 6, 8, 11, 16, 23, 32…)."""
    import math

    return round(2 ** (round(math.log2(words) * 2) / 2)) if words > 0 else 0


def _dump_raw(value) -> bytes:
    import cbor2

    return cbor2.dumps(value)


def _cbor_array(n: int) -> bytes:
    """The head of a CBOR array of *n* items (RFC 8949 §3: major type 4, the shortest length encoding)."""
    if n < 24:
        return bytes([0x80 + n])
    for code, width in ((0x98, 1), (0x99, 2), (0x9A, 4), (0x9B, 8)):
        if n < 1 << (8 * width):
            return bytes([code]) + n.to_bytes(width, "big")
    raise ValueError(f"a CBOR array of {n} items")


def _dump_encoded_chunk(words: list[bytes]) -> bytes:
    """``_dump([group])`` from the group's words already encoded (:func:`_dump_raw`): the same bytes, each
    word encoded once (a CBOR array is its head, then its items)."""
    data = _cbor_array(1) + _cbor_array(len(words)) + b"".join(words)
    return gz(SIGNATURE + data)
