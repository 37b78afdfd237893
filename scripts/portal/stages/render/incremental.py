"""Skip what provably did not change: per-page keys and a manifest per built site.

A post's or page's HTML depends only on the post itself (its text and metadata,
its language versions), the site's settings that the theme shows, the theme, the
catalogs and the code. The key of each such page is a hash of exactly those; when
it equals the key recorded for the same file in the previously built site, the
old file is hard-linked into the new build instead of being rendered again.
The archive pages of a list (numbered from the oldest item: :mod:`.pagination`) are reused
the same way, keyed on their items and links (:func:`list_key`); the first page of each
list and the home page are always rendered. A feed is reused when the pages of its entries are
(:func:`feed_key`), and what a post contributes to ``/changes.json`` is kept with its page's key
(:func:`remember` / :func:`recall`): a build makes neither again for a post it did not render again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from portal.stages.output import link_or_copy

MANIFEST = ".portal-manifest.json"

#: state of the site being built in this process (set by render.render_site)
previous: Path | None = None
old_keys: dict[str, str] = {}
new_keys: dict[str, str] = {}
#: {name: [page key, record]}: what a build derived from a page besides its file (its ``/changes.json`` record),
#: the previous build's and this build's (:func:`recall`, :func:`remember`)
old_records: dict[str, list] = {}
new_records: dict[str, list] = {}
stats = {"reused": 0, "rendered": 0}
#: the posts' and pages' files this build rendered (not reused), in the order written: kept in the manifest
rendered: list[str] = []
#: the files of this build whose search record says ``"shared": true`` (the shared directives' bundle takes
#: them): the site's search index knows their kind without reading them back (portal.stages.search.site)
shared: set[str] = set()


#: the project's folder as text: replaced in the keys, so that a checkout elsewhere (CI's fresh clone) has the same keys
project_root = ""


def start(previous_output: Path | None, root: Path | None = None) -> None:
    """Begin a site: remember the last good build of it and its manifest, and the project's folder *root*."""
    global previous, project_root
    previous = previous_output if previous_output and previous_output.is_dir() else None
    project_root = str(root) if root is not None else ""
    old_keys.clear()
    new_keys.clear()
    old_records.clear()
    new_records.clear()
    _VALUE_DIGESTS.clear()
    stats.update(reused=0, rendered=0)
    rendered.clear()
    shared.clear()
    if previous is not None:
        try:
            data = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
            old_keys.update(data.get("pages", {}))
            records = data.get("records", {})
            if isinstance(records, dict):
                old_records.update(records)
        except (OSError, ValueError, AttributeError, TypeError):  # a damaged manifest: render everything
            old_keys.clear()
            old_records.clear()


def finish(output: Path) -> None:
    """Write the new manifest into the built site (it moves with the site).

    ``{"version": 1, "pages": {file: key}, "records": {name: [key, record]}, "rendered": [file, …],
    "reused": N}``: every post's, page's, list page's and feed's key, the records kept with the posts'
    keys (:func:`remember`), and what this build rendered of the posts and pages rather than reused
    (lists, feeds and the home page are not listed).
    """
    data = {"version": 1, "pages": new_keys, "records": new_records, "rendered": sorted(rendered),
            "reused": stats["reused"]}
    (output / MANIFEST).write_text(json.dumps(data, sort_keys=True), encoding="utf-8")


def _hash_tree(paths: list[Path], suffixes: tuple[str, ...]) -> str:
    h = hashlib.sha1()
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes) if root.is_dir() else [root]
        for p in files:
            h.update(str(p.relative_to(root.parent)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=8)
def code_key(root: str) -> str:
    """The theme, the catalogs and the code that renders pages.

    The catalogs by their sources (``.po``), never the compiled ``.mo``: those are not in Git, and a
    checkout that compiled another domain too (``make i18n`` compiles the editor messages) would
    otherwise key every page differently from CI's, and render them all again on the state it restores.
    """
    base = Path(root)
    here = Path(__file__).resolve().parent
    return _hash_tree([base / "themes", base / "plugins", base / "translations", base / "pelicanconf.py", here],
                      (".html", ".css", ".js", ".svg", ".py", ".po"))


def render_key(root: Path, settings_like: dict[str, Any]) -> str:
    """Everything of one language run of one site that a post's page shows, besides the post."""
    h = hashlib.sha1(code_key(str(root)).encode())
    h.update(json.dumps(settings_like, sort_keys=True, default=str).encode())
    return h.hexdigest()


_LINKS = ("{filename}", "{static}", "{attach}", "{index}", "{tag}", "{category}", "{author}")


def page_key(run_key: str, item: Any) -> str | None:
    """The key of a post's or page's HTML under *run_key* (a run's, or a shape's for a directive copy:
    :mod:`.copies`); None when it links to other content (always render). The item's own part is
    hashed once per item (:func:`_digests`), however many keys a page needs."""
    digest = _digests(item)[0]
    return None if digest is None else hashlib.sha1(f"{run_key}|{digest}".encode()).hexdigest()


#: the attribute of a post or page that keeps its digests once made: (text and metadata or None, metadata)
_MEMO = "_portal_digests"


def _digests(item: Any) -> tuple[str | None, str]:
    """(digest of the text and metadata, or None when the text links to other content; digest of the
    metadata, the project's folder replaced), made once per item: the writer asks for a page's key, a
    copy's key and the key of every list the item is in."""
    memo = getattr(item, _MEMO, None)
    if memo is not None:
        return memo
    h = hashlib.sha1()
    _hash_metadata(h, item)
    meta = h.hexdigest()
    raw = item._content if isinstance(item._content, str) else ""
    text = None if any(marker in raw for marker in _LINKS) else hashlib.sha1(f"{raw}\0{meta}".encode()).hexdigest()
    try:
        setattr(item, _MEMO, (text, meta))
    except AttributeError:  # an object that takes no attributes: made again next time
        pass
    return text, meta


def _hash_metadata(h: Any, item: Any) -> None:
    """Feed a post's metadata into *h*, the project's folder replaced (e.g. ``portal_base``, the absolute
    path of a post's language group), so that a checkout elsewhere has the same keys."""
    text = "".join([f"{key}={value!r}\n" for key, value in sorted(item.metadata.items())])
    h.update((text.replace(project_root, "<root>") if project_root else text).encode())


def _item_key(item: Any) -> str:
    """What a list shows of one post: its address, whether it is a shared directive, its metadata."""
    return hashlib.sha1(f"{getattr(item, 'url', '')}|{getattr(item, 'shared', None)!r}|{_digests(item)[1]}".encode()).hexdigest()


_PLAIN = (str, int, float, bool, type(None), dt.date)


def context_digest(values: dict[str, Any], limit: int = 100_000) -> str | None:
    """A digest of what a plugin passes to a list's template besides its items (the documents' table:
    the listing, the filters' values and counts), or None when a value is of a kind it cannot read
    the same way in every build (then the list's pages are always rendered).

    Posts count by :func:`_item_key`; sections and tags by name and slug; dicts, lists, tuples and
    dataclasses by their contents; at most *limit* values are read for each of *values* (a bound on the
    work). A value passed again to the same site's lists (the documents' filters, one object for every
    page of the table) is read once (:data:`_VALUE_DIGESTS`).
    """
    h = hashlib.sha1()
    for key in sorted(values):
        value = values[key]
        found = _VALUE_DIGESTS.get(id(value))
        if found is not None and found[0] is value:
            digest = found[1]
        else:
            digest = _value_digest(value, limit)
            if isinstance(value, (dict, list, tuple)) or dataclasses.is_dataclass(value):
                _VALUE_DIGESTS[id(value)] = (value, digest)  # the value is kept: its id is not reused meanwhile
        if digest is None:
            return None
        h.update(f"{key}={digest};".encode())
    return h.hexdigest()


#: {id(value): (value, its digest or None)} of the collections :func:`context_digest` read for the site being
#: built (cleared by :func:`start`); a plugin builds such a value once and passes it to every page
_VALUE_DIGESTS: dict[int, tuple[Any, str | None]] = {}


def _value_digest(value: Any, limit: int, budget: list[int] | None = None, start: int = 0) -> str | None:
    """The digest of one value passed to a list's template (:func:`context_digest`), or None.

    A dict inside it (a document's view, on every page of the table and of each filter that shows the
    document) is read once for the site and its digest kept (:data:`_VALUE_DIGESTS`); *budget* (one
    number in a list) is what is left of *limit* and *start* the depth when this value is inside another.
    """
    h = hashlib.sha1()
    budget = budget if budget is not None else [limit]

    def walk(value: Any, depth: int) -> bool:
        budget[0] -= 1
        if budget[0] < 0 or depth > 12:
            return False
        if isinstance(value, _PLAIN):
            h.update(f"{type(value).__name__}:{value!r};".encode())
            return True
        if hasattr(value, "metadata") and hasattr(value, "_content"):  # a post or page
            h.update(f"item:{_item_key(value)};".encode())
            return True
        if hasattr(value, "slug") and hasattr(value, "name") and type(value).__name__ in ("Category", "Tag", "Author"):
            h.update(f"{type(value).__name__}:{value.name!r}:{value.slug!r};".encode())
            return True
        if isinstance(value, dict) and depth > start:
            found = _VALUE_DIGESTS.get(id(value))
            if found is not None and found[0] is value:
                digest = found[1]
            else:
                digest = _value_digest(value, limit, budget, depth)
                _VALUE_DIGESTS[id(value)] = (value, digest)  # the value is kept: its id is not reused meanwhile
            h.update(f"dict:{digest};".encode())
            return digest is not None
        if isinstance(value, dict):
            h.update(b"{")
            ok = all(walk(k, depth + 1) and walk(v, depth + 1) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0])))
            h.update(b"}")
            return ok
        if isinstance(value, (list, tuple)):
            h.update(b"[")
            ok = all(walk(v, depth + 1) for v in value)
            h.update(b"]")
            return ok
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(f"{type(value).__name__}(".encode())
            ok = all(walk(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
            h.update(b")")
            return ok
        return False

    return h.hexdigest() if walk(value, start) else None


def list_key(run_key: str, template_name: str, subject: str, signature: tuple, items: list[Any]) -> str:
    """The key of one archive page of a list (:mod:`portal.stages.render.pagination`): the run's key, the
    list's template and subject (section or tag), the page's number, address and links, and what the
    page shows of each of its posts (address, metadata: title, date, summary, a document's status…)."""
    h = hashlib.sha1(f"list|{run_key}|{template_name}|{subject}|{signature!r}\n".encode())
    for item in items:
        h.update(_item_key(item).encode())
    return h.hexdigest()


def feed_key(run_key: str, feed: str, items: list[Any]) -> str | None:
    """The key of one feed: the run's key, the feed's identity *feed* (type, path, address, title) and the
    page key of each of its entries, in order (an entry shows its post's text, metadata and address, as
    the post's page does). None when it has no entries (an empty feed's date is the run's newest post's)
    or an entry's page has no key (its text links to other content)."""
    keys = [page_key(run_key, item) for item in items]
    if not keys or None in keys:
        return None
    return hashlib.sha1(f"feed|{run_key}|{feed}|{'|'.join(keys)}".encode()).hexdigest()  # type: ignore[arg-type]


def recall(name: str, key: str | None) -> Any:
    """The record the previous build kept for *name* (:func:`remember`) when its key was *key*, else None."""
    if key is None:
        return None
    found = old_records.get(name)
    if isinstance(found, list) and len(found) == 2 and found[0] == key:
        return found[1]
    return None


def remember(name: str, key: str | None, record: Any) -> None:
    """Keep *record* (plain JSON) for *name* under *key* in this build's manifest, for the next build's
    :func:`recall`; nothing is kept without a key."""
    if key is not None:
        new_records[name] = [key, record]


def reuse(name: str, key: str | None, output: Path | str, *, count: bool = True) -> bool:
    """Link the previous build's file for *name* into the folder *output* (a path or its text) if its key is unchanged.

    *count*: whether the page is a post's or a page's (counted in :data:`stats` and :data:`rendered`);
    list pages are not.
    """
    if key is not None:
        new_keys[name] = key
    if key is None or previous is None or old_keys.get(name) != key or not _link(f"{previous}/{name}", f"{output}/{name}"):
        if count:
            stats["rendered"] += 1
            rendered.append(name)
        return False
    if count:
        stats["reused"] += 1
    return True


def _link(src: str, dest: str) -> bool:
    """Hard-link the file *src* as *dest*, its folder made if missing (:func:`portal.stages.output.link_or_copy`);
    False when *src* is not a file. The link is tried first, with plain strings: a site's build links ~2,000 files."""
    try:
        os.link(src, dest, follow_symlinks=False)
        return True
    except OSError:
        if not os.path.isfile(src) or os.path.islink(src):
            return False
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    link_or_copy(src, dest)
    return True
