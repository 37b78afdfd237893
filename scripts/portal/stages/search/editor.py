"""The editors' index (Whoosh): search every content file from the command line, find near duplicates.

``portal search QUERY [--site ID]`` finds posts, pages and shared directives as editors
type them, without tones or ``đ`` (``duong`` finds ``đường``), while a query written with
its diacritics ranks the exact spelling first. ``portal similar FILE`` lists the existing
posts nearest to a file (a new one too), each with a cosine similarity between 0 and 1:
a repeated question, a feedback sent twice, a news item reposted by another portal.

The index lives in a cache folder (default ``.cache/whoosh``, never in ``output/``) and is
brought up to date before each use from the content files that changed, by content hash
(modification times are meaningless after ``git clone``).

Text is split into words; runs of Chinese, Japanese or Korean characters into overlapping
bigrams (``外国投资环境`` → ``外国 国投 投资 资环 环境``), so a word inside a compound is found.
Two analyses are indexed: folded (lower case, tones and marks dropped, ``đ`` → ``d``, by
Whoosh's ``CharsetFilter`` with its accent map) and exact (lower case only), the latter
weighted so that exact spellings rank first.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from whoosh import highlight
from whoosh import index as wi
from whoosh.analysis import CharsetFilter, LowercaseFilter, Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.highlight import Formatter, get_text
from whoosh.qparser import MultifieldParser
from whoosh.query import Or, Term
from whoosh.support.charset import accent_map

from portal.model import catalogue
from portal.model.content import read_post, split_language
from portal.model.sites import Network
from portal.stages.render.markdown import to_text

SCHEMA_VERSION = "1"
MANIFEST = "portal-manifest.json"
DEFAULT_DIR = Path(".cache") / "whoosh"
FIELD_BOOSTS = {"title": 3.0, "title_x": 4.0, "body": 1.0, "body_x": 1.5}
LIKELY_DUPLICATE = 0.8

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
_WORD = re.compile(r"\w+", re.U)
_CJK_RUN = re.compile(f"[{_CJK}]+|[^{_CJK}]+")
_IS_CJK = re.compile(f"[{_CJK}]")
_TAGS = re.compile(r"<[^>]+>")


# --- analysis -------------------------------------------------------------------------

class PortalTokenizer(Tokenizer):
    """Words; runs of CJK characters as overlapping bigrams (a lone character as itself)."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for m in _WORD.finditer(value):
            for run in _CJK_RUN.finditer(m.group(0)):
                text, offset = run.group(0), m.start() + run.start()
                if _IS_CJK.match(text) and len(text) > 1:
                    pieces = [(text[i:i + 2], offset + i) for i in range(len(text) - 1)]
                else:
                    pieces = [(text, offset)]
                for piece, at in pieces:
                    t.text = piece
                    t.boost = 1.0
                    t.stopped = False
                    if keeporiginal:
                        t.original = piece
                    if positions:
                        t.pos = pos
                    if chars:
                        t.startchar = start_char + at
                        t.endchar = start_char + at + len(piece)
                    pos += 1
                    yield t


def analyzers():
    """(folded, exact) analyzers: the folded one drops tones and marks and maps đ → d."""
    tokenizer = PortalTokenizer()
    return tokenizer | LowercaseFilter() | CharsetFilter(accent_map), tokenizer | LowercaseFilter()


def schema() -> Schema:
    folded, exact = analyzers()
    return Schema(
        path=ID(stored=True, unique=True), site=ID(stored=True), lang=ID(stored=True), kind=ID(stored=True),
        category=ID(stored=True), date=STORED(), audience=STORED(),
        title=TEXT(analyzer=folded, stored=True), title_x=TEXT(analyzer=exact),
        body=TEXT(analyzer=folded, stored=True), body_x=TEXT(analyzer=exact),
    )


# --- documents ------------------------------------------------------------------------

def plain_text(markdown_text: str) -> str:
    """The words of a Markdown body, without markup."""
    return re.sub(r"\s+", " ", to_text(markdown_text)).strip()


def content_files(root: Path) -> Iterator[Path]:
    """Every content file of the network: each site's Markdown (not files/) and shared directives."""
    yield from catalogue.markdown_files(catalogue.shared_dir(root))
    sites = root / "content" / "sites"
    if sites.is_dir() and not sites.is_symlink():
        for folder in sorted(sites.iterdir()):
            if folder.is_dir() and not folder.is_symlink() and not folder.name.startswith("."):
                yield from catalogue.markdown_files(folder)


def document(path: Path, network: Network) -> dict:
    """The fields of one content file (a file with errors is indexed with what can be read)."""
    root = network.root
    rel_parts = path.relative_to(root).parts if path.is_relative_to(root) else ()
    site = rel_parts[2] if len(rel_parts) > 3 and rel_parts[:2] == ("content", "sites") else None
    kind = "page" if site and rel_parts[3] == catalogue.PAGES_DIR else "article"
    post = read_post(path, root, site=site, kind=kind, tz=ZoneInfo(network.timezone))
    meta = post.meta
    lang = split_language(path)[1] or (network.site(site).default_language if site and site in network
                                       else network.default_language)
    title = str(meta.get("title") or path.stem)
    extra = " ".join(str(meta.get(k) or "") for k in ("summary", "number", "doc_type", "issuer"))
    tags = meta.get("tags") or []
    body = " ".join(filter(None, [extra.strip(), plain_text(post.body),
                                  " ".join(map(str, tags)) if isinstance(tags, list) else str(tags)]))
    date = meta.get("date")
    return {
        "path": post.rel, "site": site or "shared", "lang": lang, "kind": kind,
        "category": str(meta.get("category") or ("chi-dao-dieu-hanh" if site is None else "")),
        "date": str(date)[:16] if date else "", "audience": meta.get("audience"),
        "title": title, "title_x": title, "body": body, "body_x": body,
    }


def digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


# --- the index ------------------------------------------------------------------------

@dataclass
class UpdateStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False

    def __str__(self) -> str:
        return (f"{'rebuilt' if self.rebuilt else 'updated'}: {self.added} added, {self.updated} changed, "
                f"{self.removed} removed, {self.unchanged} unchanged")


@dataclass
class EditorIndex:
    network: Network
    directory: Path
    stats: UpdateStats = field(default_factory=UpdateStats)

    @classmethod
    def open(cls, network: Network, directory: Path | None = None, *, update: bool = True) -> EditorIndex:
        d = directory or network.root / DEFAULT_DIR
        if not d.is_absolute():
            d = network.root / d
        index = cls(network, d)
        if update or not index._manifest_path.exists():
            index.update()
        return index

    @property
    def _manifest_path(self) -> Path:
        return self.directory / MANIFEST

    def _manifest(self) -> dict[str, str] | None:
        try:
            data = json.loads(self._manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data.get("files") if data.get("version") == SCHEMA_VERSION else None

    def update(self) -> UpdateStats:
        """Bring the index up to date with the content files, by content hash."""
        stats = UpdateStats()
        known = self._manifest()
        if known is None or not wi.exists_in(str(self.directory)):
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory.mkdir(parents=True, exist_ok=True)
            wi.create_in(str(self.directory), schema())
            known, stats.rebuilt = {}, True
        root = self.network.root
        current = {p.relative_to(root).as_posix(): p for p in content_files(root)}
        hashes = {rel: digest(p) for rel, p in current.items()}
        changed = [rel for rel in current if known.get(rel) != hashes[rel]]
        gone = [rel for rel in known if rel not in current]
        stats.unchanged = len(current) - len(changed)
        if changed or gone:
            ix = wi.open_dir(str(self.directory))
            writer = ix.writer(limitmb=128)
            try:
                for rel in gone:
                    writer.delete_by_term("path", rel)
                for rel in changed:
                    writer.update_document(**document(current[rel], self.network))
                    if rel in known:
                        stats.updated += 1
                    else:
                        stats.added += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            stats.removed = len(gone)
            tmp = self._manifest_path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"version": SCHEMA_VERSION, "files": hashes}, sort_keys=True), encoding="utf-8")
            tmp.replace(self._manifest_path)
        elif stats.rebuilt:
            self._manifest_path.write_text(json.dumps({"version": SCHEMA_VERSION, "files": {}}), encoding="utf-8")
        self.stats = stats
        return stats

    def _index(self):
        return wi.open_dir(str(self.directory))

    def _site_filter(self, site_id: str | None):
        if site_id is None:
            return None
        return Or([Term("site", site_id), Term("site", "shared")])

    def _reaches(self, fields: dict, site_id: str | None) -> bool:
        """A shared directive reaches *site_id* if its audience names the site or its kind."""
        if site_id is None or fields["site"] != "shared":
            return True
        audience = fields.get("audience")
        if audience is None:
            return True
        items = [audience] if isinstance(audience, str) else list(audience or [])
        site = self.network.site(site_id) if site_id in self.network else None
        return site_id == self.network.home or site_id in items or (site is not None and site.kind in items)

    def search(self, query: str, *, site: str | None = None, limit: int = 10) -> list[Hit]:
        ix = self._index()
        parser = MultifieldParser(list(FIELD_BOOSTS), ix.schema, fieldboosts=FIELD_BOOSTS)
        q = parser.parse(query)
        hits: list[Hit] = []
        with ix.searcher() as searcher:
            results = searcher.search(q, limit=None if site else limit, filter=self._site_filter(site))
            results.fragmenter = highlight.ContextFragmenter(maxchars=160, surround=60)
            results.formatter = Marker()
            for r in results:
                fields = r.fields()
                if not self._reaches(fields, site):
                    continue
                excerpt = r.highlights("body", top=2) or fields["body"][:160]
                hits.append(Hit(score=r.score, excerpt=excerpt, **_public(fields)))
                if len(hits) >= limit:
                    break
        return hits

    def similar(self, path: Path, *, site: str | None = None, limit: int = 5, candidates: int = 50) -> list[Hit]:
        """The existing posts nearest to the file at *path* (cosine similarity of tf-idf vectors)."""
        doc = document(path.resolve(), self.network)
        return self.similar_text(f"{doc['title']} {doc['body']}", site=site, limit=limit, candidates=candidates,
                                 exclude=doc["path"])

    def similar_text(self, text: str, *, site: str | None = None, limit: int = 5, candidates: int = 50,
                     exclude: str = "", category: str | None = None) -> list[Hit]:
        """The existing posts nearest to *text* (title and body), optionally of one *category* only.

        Used by ``portal similar`` and, read-only, by the interaction service (questions already answered).
        """
        folded = analyzers()[0]
        ix = self._index()
        with ix.searcher() as searcher:
            n = max(1, searcher.doc_count())

            def vector(words: str) -> dict[str, float]:
                tf = Counter(t.text for t in folded(words))
                return {w: c * (math.log(1 + n / (1 + searcher.doc_frequency("body", w)))) for w, c in tf.items()}

            mine = vector(text)
            if not mine:
                return []
            key_terms = sorted(mine, key=mine.get, reverse=True)[:25]
            q = Or([Term("body", w, boost=mine[w]) for w in key_terms] + [Term("title", w, boost=mine[w]) for w in key_terms])
            hits: list[Hit] = []
            for r in searcher.search(q, limit=candidates, filter=self._site_filter(site)):
                fields = r.fields()
                if fields["path"] == exclude or not self._reaches(fields, site):
                    continue
                if category is not None and fields.get("category") != category:
                    continue
                score = _cosine(mine, vector(f"{fields['title']} {fields['body']}"))
                hits.append(Hit(score=score, excerpt=fields["body"][:160], **_public(fields)))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:limit]


@dataclass
class Hit:
    score: float
    path: str
    title: str
    site: str
    lang: str
    kind: str
    category: str
    date: str
    excerpt: str


def _public(fields: dict) -> dict:
    return {k: fields.get(k) or "" for k in ("path", "title", "site", "lang", "kind", "category", "date")}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


class Marker(Formatter):
    """Matches between »« in plain text (readable in a terminal and in a log)."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return f"»{get_text(text, token, replace)}«"
