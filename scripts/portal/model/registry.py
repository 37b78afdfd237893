"""The network's legal documents, read once per build: what relations resolve to and statuses depend on.

A document's status depends on documents anywhere in the network (a provincial decision
replaced by a department's; a commune plan amended by the province's), so before any site
is built the parent process reads every site's ``van-ban/`` folder (documents live there,
:mod:`portal.model.documents`) and the numbered shared directives into one
:class:`~portal.model.documents.Registry`; forked workers inherit it. Only the front matter is
read (no Markdown is rendered), and only live documents in a site's default language count.

Reading every document's front matter costs about 1 ms a file (3,000 files, 3 s at the reference
scale), on every build, also one for a single post. So what a file gives is kept between builds in
``<root>/.cache/registry.pickle.z`` (:mod:`portal.model.store`): for each file, the SHA-1 of its
bytes and its record with what decides whether it is live (status, date, expiry); the whole store is
keyed by what else a record depends on (``sites.yaml``, this package's code, Python). A file whose
bytes changed is read again; whether a kept record is live is decided anew at each build's time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.model import documents, store
from portal.model.content import Post, is_live, read_post, validate
from portal.model.inputs import list_inputs
from portal.model.sites import Network, Site


def _prefix(lang: str, default: str) -> str:
    return "/" if lang == default else f"/{lang}/"


def record_of(network: Network, site: Site | None, post: Post) -> documents.Record | None:
    """The registry's record of a validated *post* of *site* (None: the provincial portal's shared directive)."""
    if not documents.is_document(post.meta, post.category):
        return None
    doc, _problems = documents.read(post.meta, post.line, network.legal, post.rel, post.category)
    if not doc.number:
        return None
    owner = site or network.home_site
    url = _prefix(post.lang, owner.default_language) + post.url()
    return documents.Record(site.id if site else None, post.rel, url, owner.url + url, post.title, doc, post.category)


#: the store of records, under the project's root
CACHE = Path(".cache") / "registry.pickle.z"
#: bump when the store's layout changes
FORMAT = 1

Entry = tuple[str, str, dt.datetime | None, dt.datetime | None, documents.Record] | None
"""A file's entry: (status, date, expires, record), or None when the file gives no record at any time
(a problem, another language, not a numbered document)."""


def context_key(network: Network) -> str | None:
    """What a document's record depends on besides its file: ``sites.yaml`` (the sites' sections, languages
    and addresses, the vocabularies), the source of :mod:`portal.model` and Python's version; None when the
    network was not read from a file (nothing is kept then)."""
    path = getattr(network, "path", None)
    if path is None or not Path(path).is_file():
        return None
    h = hashlib.sha1(f"registry {FORMAT} {sys.version} {unicodedata.unidata_version}\n".encode())
    here = Path(__file__).resolve().parent
    for source in sorted([*here.glob("*.py"), *here.glob("*.yaml")]):
        h.update(source.name.encode() + b"\0" + source.read_bytes())
    h.update(Path(path).read_bytes())
    return h.hexdigest()


def _read(network: Network, site: Site, path: Path, tz: ZoneInfo) -> Entry:
    post = read_post(path, network.root, site=site.id, kind="article", tz=tz, limits=network.limits)
    validate(post, sections=site.section_slugs, languages=site.languages, tz=tz, default_language=site.default_language)
    if post.problems or post.lang != site.default_language:
        return None
    record = record_of(network, site, post)
    return None if record is None else (post.status, post.date, post.expires, record)


def _digest(path: Path, limit: int) -> str:
    """The SHA-1 of a document's bytes, read up to *limit* + 1 bytes like :func:`read_post`; ``""`` for a file that
    cannot be read or is over the limit (never kept: :func:`read_post` reports it, with the file named)."""
    try:
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError:
        return ""
    return "" if len(raw) > limit else hashlib.sha1(raw).hexdigest()


def site_documents(network: Network, site: Site, now: dt.datetime,
                   kept: store.Kept | None = None) -> Iterable[documents.Record]:
    """The live documents of *site*'s ``van-ban/`` folder, in its default language.

    *kept*: the store of entries (``{file: (SHA-1 of its bytes, entry)}``): an old entry is used for a file
    with those very bytes, and the entries of the files read now go into its ``used`` (what it keeps next).
    """
    tz = ZoneInfo(network.timezone)
    folder = network.root / "content" / "sites" / site.id / documents.FOLDER
    for path in list_inputs(network.root, folder, network.limits, static_dir=None).markdown:
        rel = path.relative_to(network.root).as_posix()
        digest = _digest(path, network.limits.markdown_bytes)
        old = kept.old.get(rel) if kept is not None else None
        entry = old[1] if digest and old is not None and old[0] == digest else _read(network, site, path, tz)
        if kept is not None:
            kept.used[rel] = (digest, entry)
        if entry is not None and is_live(*entry[:3], now):
            yield entry[3]


def scan(network: Network, shared: list[Post], now: dt.datetime) -> documents.Registry:
    """Every live document of the network: each site's ``van-ban/`` and the numbered shared directives (*shared*)."""
    registry = documents.Registry()
    kept = store.Kept(network.root / CACHE, context_key(network))
    for site in network.sites:
        for record in site_documents(network, site, now, kept):
            registry.add(record)
    kept.save()
    for post in shared:
        if post.lang == network.default_language and not post.problems and post.is_live(now):
            record = record_of(network, None, post)
            if record is not None:
                registry.add(record)
    registry.link(network.legal)
    return registry
