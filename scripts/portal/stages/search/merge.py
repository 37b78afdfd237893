"""A shard of the network index merged from its sites' bundles, each page indexed once.

A site's bundle (``<site>/pagefind/``) already holds, for every page of the site, what the
network index needs of it: its words with their positions and weights, its fields, its
filters and its fragment. A shard of the network index (:mod:`.network`) is those pages of
consecutive sites, with three differences: a page's address starts with its site's id
(``/xa-tan-chi/tin-tuc/x/``), its fragment and filters name its site and the kind of portal,
and its site's name is indexed as the ``site`` field (a query naming a place ranks that
place's pages first). So instead of a second Pagefind run over every page, the shard is
written here from the bundles: pages numbered one site after another, every word's page
lists shifted and joined, the site's name added to each page as Pagefind indexes it (taken
from a small Pagefind run over the sites' names alone: its tokens, spellings and field
positions are Pagefind's own), fragments and filters rewritten, then the words cut into
chunks and capped as every bundle's are (:func:`portal.stages.search.bundle.write_words`).

Pages that a site's bundle holds but the network index leaves out (copies of directives,
whose canonical page is on another portal) are dropped and the rest renumbered. The shard's
frequent syllables come from each bundle's counts (:data:`~portal.stages.search.bundle.SYLLABLES_FILE`).
A bundle without those counts (built by an older version) cannot be merged: the caller then
builds the shard with Pagefind (:func:`portal.stages.search.network.build_shard`).

Format: Pagefind 1.5's bundle as :mod:`portal.stages.search.bundle` reads it — a word is
``[plain form, pages, [[spelling, pages], …]]``, a page entry ``[page number − previous, locations,
field locations]`` (a field location ``-(i + 1)`` starts field *i* of the metadata's field list),
a filter file ``[name, [[value, [page numbers]], …]]``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from portal.stages.search import bundle as bf
from portal.stages.search import vietnamese
from portal.stages.search.staging import Parsed, Staged, assemble, language_code

ENTRY = "pagefind-entry.json"
#: the metadata field that holds a page's site name in the network index (staging's ``meta={"site": …}``)
SITE_FIELD = "site"


class CannotMerge(Exception):
    """A bundle lacks what a merge needs (the shard is then built with Pagefind)."""


@dataclass
class Source:
    """One bundle going into a shard.

    *bundle*: the folder; *site_id*: the prefix of its pages' addresses in the network index;
    *urls*: the pages to take, as Pagefind's URLs (``/tin-tuc/x/``; None: every page);
    *labels*: ``{language: {"site": name, "kind": kind of portal}}`` in each language of its pages (the
    languages as the bundle's entry file names them: ``zh-hans``).
    """

    bundle: Path
    site_id: str
    urls: set[str] | None
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


def read_entry(bundle: Path) -> dict:
    """A bundle's entry file (``{"version", "languages": {lang: {"hash", "wasm", "page_count"}}, …}``); raises
    :class:`CannotMerge` when it is missing or has no languages."""
    try:
        entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
        if not isinstance(entry.get("languages"), dict):
            raise ValueError("no languages")
        return entry
    except (OSError, ValueError, AttributeError) as exc:
        raise CannotMerge(f"{bundle}: no readable {ENTRY} ({exc})") from None


class PageList:
    """A word's page list in the shard being written, in Pagefind's form (each entry's page number as the
    difference to the previous one), with the absolute number of its last page: a source whose pages are all
    kept, with the same fields, is joined by changing its list's first entry only (else every kept entry's)."""

    __slots__ = ("entries", "last")

    def __init__(self) -> None:
        self.entries: list[list] = []
        self.last = 0

    def join(self, pages: list, offset: int, numbers: list[int | None] | None, fields: list[int] | None) -> None:
        """Append a source's list *pages* (its own numbers, as differences; the entries are taken, not copied).

        *offset*: the shard's number of the source's page 0, when the source keeps every page (*numbers* None);
        else *numbers* maps each page of the source to the shard's (None: dropped). *fields*: the source's field
        numbers in the shard's list (None: the same).
        """
        if not pages:
            return
        if numbers is None:
            first = offset + pages[0][0]
            total = offset + sum(page[0] for page in pages)
            pages[0][0] = first - self.last
            kept = pages
        else:
            kept, at, total, n = [], 0, self.last, len(numbers)
            for page in pages:
                at += page[0]
                new = numbers[at] if at < n else None
                if new is not None:
                    page[0] = new - total
                    total = new
                    kept.append(page)
            if not kept:
                return
        if fields is not None:
            for page in kept:
                if len(page) > 2 and page[2]:
                    page[2] = [-(fields[-loc - 1] + 1) if loc < 0 else loc for loc in page[2]]
        self.entries.extend(kept)
        self.last = total

    def add_fields(self, pages: list[int], locs: list) -> None:
        """Add the field locations *locs* to each of *pages* (ascending, all after the pages of earlier sources:
        the entries for them are at the list's end), with an entry of their own where the page has none."""
        if not pages:
            return
        first = pages[0]
        # the tail of the list from the first entry at or after *first*, with absolute numbers
        start, at = len(self.entries), self.last
        numbers: list[int] = []
        while start > 0 and at >= first:
            start -= 1
            numbers.append(at)
            at -= self.entries[start][0]
        base = at  # the page before the tail (0: none)
        numbers.reverse()
        have = {n: e for n, e in zip(numbers, self.entries[start:], strict=True)}
        for number in pages:
            entry = have.get(number)
            if entry is None:
                have[number] = [0, [], list(locs)]
            else:
                entry[2] = _join_fields(entry[2] if len(entry) > 2 else [], locs)
        tail, previous = [], base
        for number in sorted(have):
            entry = have[number]
            entry[0] = number - previous
            previous = number
            tail.append(entry)
        self.entries[start:] = tail
        self.last = previous


def _join_fields(a: list, b: list) -> list:
    """Two field-location lists of one page, one after the other by field (each run starts with its marker)."""
    runs: dict[int, list] = {}
    current: list | None = None
    for loc in [*a, *b]:
        if loc < 0:
            current = runs.setdefault(loc, [])
        elif current is not None:
            current.append(loc)
    return [x for marker in sorted(runs, reverse=True) for x in (marker, *runs[marker])]


Word = tuple[PageList, dict[str, PageList]]  # the plain form's pages, each spelling's


def _add_site_words(words: dict[str, Word], tokens: list[tuple[str, str | None, list]], pages: list[int]) -> None:
    """Add the site-name tokens (``(plain form, spelling or None, field locations)``) to each of *pages*
    (a source's, the last added)."""
    for plain, spelling, locs in tokens:
        word = words.get(plain)
        if word is None:
            word = words[plain] = (PageList(), {})
        target = word[0] if spelling is None else word[1].setdefault(spelling, PageList())
        target.add_fields(pages, locs)


def site_tokens(sources: list[Source], workdir: Path, fields: list[str]) -> dict[tuple[str, str], list[tuple[str, str | None, list]]]:
    """How Pagefind indexes each source's site name in each language: ``{(site id, lang): [(plain, spelling, field locations)]}``.

    One small Pagefind run over a page per site and language holding only the ``site`` field
    (staged as the network index stages it); its field markers renumbered to *fields*.
    """
    from portal.stages.search.site import raw_pagefind, url_of

    staged: list[tuple[str, Staged]] = []
    seen: set[tuple[str, str]] = set()
    for source in sources:
        for lang, labels in source.labels.items():
            if (source.site_id, lang) in seen:
                continue
            seen.add((source.site_id, lang))
            # a word of text (Pagefind indexes no page without one); only the field's locations are taken
            empty = Parsed(lang=language_code(lang), record={}, title=[], content=[], body="<p>x</p>", folded=[])
            staged.append((f"{source.site_id}/{lang}/index.html", assemble(empty, meta={SITE_FIELD: labels["site"]})))
    out: dict[tuple[str, str], list] = {key: [] for key in seen}
    if not staged:
        return out
    work = Path(workdir) / "site-names"
    raw_pagefind(staged, work, workdir)
    try:
        owners = {url_of(rel): tuple(rel.split("/")[:2]) for rel, _ in staged}
        for info in read_entry(work)["languages"].values():
            meta = bf._load(work / f"pagefind.{info['hash']}.pf_meta")
            names = [str(f) for f in meta[5]] if len(meta) > 5 else []
            remap = [fields.index(n) if n in fields else -1 for n in names]
            owner = [owners.get(bf.read_fragment(work / "fragment" / f"{page[0]}.pf_fragment").get("url", "")) for page in meta[1]]
            for chunk in meta[2]:
                for word in bf._load(work / "index" / f"{chunk[2]}.pf_index")[0]:
                    lists = [(None, word[1])] + [(v[0], v[1]) for v in (word[2] if len(word) > 2 else [])]
                    for spelling, pages in lists:
                        at = 0
                        for page in pages:
                            at += page[0]
                            locs = page[2] if len(page) > 2 else []
                            if not locs or at >= len(owner) or owner[at] is None:
                                continue
                            if any(loc < 0 and remap[-loc - 1] < 0 for loc in locs):
                                raise CannotMerge(f"a field of the site names' index is not in the shard's: {names}")
                            new = [-(remap[-loc - 1] + 1) if loc < 0 else loc for loc in locs]
                            out.setdefault(owner[at], []).append((word[0], spelling, new))  # type: ignore[arg-type]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _read_filters(bundle: Path, meta: list, numbers: list[int | None]) -> dict[str, dict[str, list[int]]]:
    out: dict[str, dict[str, list[int]]] = {}
    for name, digest in meta[3]:
        data = bf._load(bundle / "filter" / f"{digest}.pf_filter")
        values = out.setdefault(str(name), {})
        for value, pages in data[1]:
            kept = [numbers[p] for p in pages if p < len(numbers) and numbers[p] is not None]
            if kept:
                values.setdefault(str(value), []).extend(kept)  # type: ignore[arg-type]
    return out


def merge_shard(sources: list[Source], dest: Path, workdir: Path, jobs: int = 1) -> int:
    """Write the shard of *sources* (in order) into the new folder *dest*; returns its pages (0: none, nothing written).

    Raises :class:`CannotMerge` when a bundle lacks its syllable counts, was written by another Pagefind
    version or its entry, metadata, fragments or chunks are unreadable;
    :class:`~portal.stages.search.site.SearchIndexError` when the small Pagefind run fails; a damaged file can
    also raise what its decoders raise (``cbor2``, ``zlib``): the caller builds the shard with Pagefind instead
    on any of them (:func:`portal.stages.search.network.build_shard`).
    Words that a site's bundle capped (:func:`~portal.stages.search.bundle.cap_word`) are listed as capped in
    the shard too: the pages a bundle left out of them may be the site's own. Runs with the cycle
    collector paused (:func:`~portal.stages.search.bundle.paused_gc`). *jobs*: processes that cap, encode
    and score the words (:func:`~portal.stages.search.bundle.write_words`).
    """
    with bf.paused_gc():
        return _merge(sources, dest, workdir, jobs)


def _merge(sources: list[Source], dest: Path, workdir: Path, jobs: int) -> int:
    from portal.stages.search.site import pagefind_version

    entries = [read_entry(s.bundle) for s in sources]
    versions = {str(e.get("version", "")) for e in entries}
    if versions - {pagefind_version()}:
        raise CannotMerge(f"bundles of Pagefind {', '.join(sorted(versions))}, not {pagefind_version()}")
    capped_by_sites = {str(w) for s in sources for w in bf.read_info(s.bundle).get("capped", [])}
    counts: dict[str, int] = {}
    vi_pages = 0
    for source in sources:
        read = bf.read_syllables(source.bundle)
        if read is None:
            raise CannotMerge(f"{source.bundle}: no {bf.SYLLABLES_FILE}")
        vi_pages += read[0]
        for syllable, n in read[1].items():
            counts[syllable] = counts.get(syllable, 0) + int(n)
    metas: list[dict[str, list]] = []
    fields_all: set[str] = {SITE_FIELD}
    for source, entry in zip(sources, entries, strict=True):
        langs = {}
        for lang, info in entry["languages"].items():
            try:
                meta = bf._load(source.bundle / f"pagefind.{info['hash']}.pf_meta")
            except (OSError, ValueError, EOFError) as exc:
                raise CannotMerge(f"{source.bundle}: unreadable metadata ({exc})") from None
            langs[lang] = meta
            fields_all.update(str(f) for f in (meta[5] if len(meta) > 5 else []))
        metas.append(langs)
    fields = sorted(fields_all)
    source_dates = {s.bundle: _dict(bf.read_json_gz(s.bundle / bf.DATES_FILE)) for s in sources}
    tokens = site_tokens(sources, workdir, fields)

    dest.mkdir(parents=True)
    (dest / "fragment").mkdir()
    (dest / "filter").mkdir()
    out_entry: dict = {"version": entries[0].get("version", "") if entries else "", "languages": {},
                       "include_characters": entries[0].get("include_characters", []) if entries else []}
    dates: dict[str, str] = {}
    cards: dict[str, list] = {}
    total = 0
    langs = sorted({lang for langs in metas for lang in langs}, key=lambda lang: (lang != "vi", lang))
    for lang in langs:
        pages: list[list] = []
        words: dict[str, Word] = {}
        filters: dict[str, dict[str, list[int]]] = {}
        taken: set[str] = set()
        version, wasm = "", None
        for source, entry, langs_meta in zip(sources, entries, metas, strict=True):
            meta = langs_meta.get(lang)
            if meta is None:
                continue
            version = version or str(meta[0])
            wasm = wasm or entry["languages"][lang].get("wasm")
            labels = source.labels[lang]
            numbers: list[int | None] = []
            mine: list[int] = []
            for frag, word_count in meta[1]:
                try:
                    fragment = bf.read_fragment(source.bundle / "fragment" / f"{frag}.pf_fragment")
                except (OSError, ValueError, EOFError) as exc:
                    raise CannotMerge(f"{source.bundle}: unreadable fragment {frag} ({exc})") from None
                url = str(fragment.get("url", ""))
                if source.urls is not None and url not in source.urls:
                    numbers.append(None)
                    continue
                fragment["url"] = f"/{source.site_id}{url}"
                fragment["filters"] = {**(fragment.get("filters") or {}),
                                       "site": [labels["site"]], "kind": [labels["kind"]]}
                data = bf.fragment_bytes(fragment)
                name = bf.file_name(lang, data, taken)
                (dest / "fragment" / f"{name}.pf_fragment").write_bytes(bf.gz(data))
                cards[name] = bf.card_of(name, fragment)
                if frag in source_dates[source.bundle]:
                    dates[name] = source_dates[source.bundle][frag]
                numbers.append(len(pages))
                mine.append(len(pages))
                pages.append([name, word_count])
            if not mine:
                continue
            names = [str(f) for f in (meta[5] if len(meta) > 5 else [])]
            remap: list[int] | None = [fields.index(n) for n in names]
            if remap == list(range(len(names))):
                remap = None
            offset = mine[0]
            whole = len(mine) == len(numbers)  # every page kept: numbers[i] == offset + i
            mapping = None if whole else numbers
            for chunk in meta[2]:
                try:
                    chunk_words = bf._load(source.bundle / "index" / f"{chunk[2]}.pf_index")[0]
                except (OSError, ValueError, EOFError) as exc:
                    raise CannotMerge(f"{source.bundle}: unreadable index chunk {chunk[2]} ({exc})") from None
                for word in chunk_words:
                    merged = words.get(word[0])
                    if merged is None:
                        merged = words[word[0]] = (PageList(), {})
                    merged[0].join(word[1], offset, mapping, remap)
                    for variant in word[2] if len(word) > 2 else []:
                        target = merged[1].get(variant[0])
                        if target is None:
                            target = merged[1][variant[0]] = PageList()
                        target.join(variant[1], offset, mapping, remap)
            _add_site_words(words, tokens.get((source.site_id, lang), []), mine)
            for name, values in _read_filters(source.bundle, meta, numbers).items():
                target = filters.setdefault(name, {})
                for value, kept in values.items():
                    target.setdefault(value, []).extend(kept)
            for name, value in (("site", labels["site"]), ("kind", labels["kind"])):
                filters.setdefault(name, {}).setdefault(value, []).extend(mine)
        if not pages:
            continue
        total += len(pages)
        packed = []
        for plain in sorted(words):
            main, variants = words[plain]
            spellings = [[spelling, v.entries] for spelling, v in sorted(variants.items()) if v.entries]
            if main.entries or spellings:
                packed.append([plain, main.entries, spellings])
        meta_filters = []
        filter_names: set[str] = set()
        for name in sorted(filters):
            values = [[value, sorted(set(kept))] for value, kept in sorted(filters[name].items())]
            data = bf._dump([name, values])
            digest = bf.file_name(lang, data, filter_names)
            (dest / "filter" / f"{digest}.pf_filter").write_bytes(data)
            meta_filters.append([name, digest])
        info: dict = {"hash": "", "wasm": wasm, "page_count": len(pages)}
        meta_out = [version, pages, [], meta_filters, [], fields]
        capped: set[str] = set(capped_by_sites)
        bf.write_words(dest, lang, info, meta_out, packed, cards=cards, capped=capped, jobs=jobs)
        out_entry["languages"][lang] = info
        bf.write_info(dest, capped=sorted(capped | set(bf.read_info(dest).get("capped", []))))
    if total == 0:
        shutil.rmtree(dest, ignore_errors=True)
        return 0
    (dest / ENTRY).write_text(json.dumps(out_entry, ensure_ascii=False), encoding="utf-8")
    _copy_runtime([s.bundle for s in sources], dest)
    (dest / bf.DATES_FILE).write_bytes(bf.gz(json.dumps(dates, separators=(",", ":"), sort_keys=True).encode()))
    bf.write_info(dest, vietnamese.frequent_in_counts(counts, vi_pages))
    return total


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _copy_runtime(bundles: Iterable[Path], dest: Path) -> None:
    """Pagefind's script and its WebAssembly files (the same for every bundle of one Pagefind version), from the bundles."""
    for bundle in bundles:
        for path in [bundle / "pagefind.js", *bundle.glob("wasm.*.pagefind")]:
            target = dest / path.name
            if path.is_file() and not target.exists():
                shutil.copyfile(path, target)

