"""Before a release goes live: every resource its pages reference is in it (issue 19 item 4).

A build of some sites on a fresh clone once published search pages that asked for a shared
bundle the build had not made. :func:`missing_resources` reads every HTML page of a built
site and lists what it references from the site itself that the site does not have:

- ``href`` and ``src`` of every element (links, scripts, styles, images, feeds, alternates)
  that point into the site: root-relative (``/a/b/``), relative to the page, or absolute
  on the site's own address (``url`` in sites.yaml); other origins are not checked;
- the search bundles a search page names in ``data-bundles`` (a bundle folder, or a JSON
  list of them such as the network index's ``shards.json``), each complete: its
  ``pagefind.js``, its entry, and for every language the metadata, the WebAssembly and
  every index chunk, filter and fragment file the metadata names.

``portal publish`` refuses a site with missing resources before anything changes
(:func:`check_sites`), naming them.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from portal.model.errors import Problem
from portal.model.messages import _
from portal.stages.output import read_build_record

_REF_RE = re.compile(rb'\s(?:href|src)="([^"]*)"')
_BUNDLES_RE = re.compile(rb'\sdata-bundles="([^"]*)"')
#: at most this many missing paths named in a message (all are counted)
SHOWN = 10


def _resolve(ref: str, page: str, site_url: str) -> str | None:
    """The path inside the site that *ref* on *page* (``a/b/index.html``) points at, or None if outside."""
    ref = ref.replace("&amp;", "&").strip()
    if not ref or ref.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
        return None
    if site_url and (ref == site_url or ref.startswith(site_url + "/")):
        ref = ref[len(site_url):] or "/"
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return None
    if not path.startswith("/"):
        base = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
        path = "/" + base + path
    out: list[str] = []
    for seg in path.split("/")[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    return "/".join(out)


def _exists(rel: str, files: set[str]) -> bool:
    if rel in files:
        return True
    prefix = rel.rstrip("/")
    return (f"{prefix}/index.html" if prefix else "index.html") in files


def _bundle_files(tree: Path, bundle: str) -> Iterable[str]:
    """Every file a search bundle (``pagefind/``, relative to *tree*) needs, as far as it can be read."""
    import cbor2

    yield f"{bundle}pagefind.js"
    yield f"{bundle}pagefind-entry.json"
    try:
        entry = json.loads((tree / bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    for info in (entry.get("languages") or {}).values():
        yield f"{bundle}wasm.{info.get('wasm') or 'unknown'}.pagefind"
        meta = f"{bundle}pagefind.{info.get('hash')}.pf_meta"
        yield meta
        try:
            data = gzip.decompress((tree / meta).read_bytes())
            data = cbor2.loads(data[12:] if data.startswith(b"pagefind_dcd") else data)
        except (OSError, ValueError, EOFError, cbor2.CBORDecodeError):
            continue
        yield from (f"{bundle}fragment/{page[0]}.pf_fragment" for page in data[1])
        yield from (f"{bundle}index/{chunk[2]}.pf_index" for chunk in data[2])
        yield from (f"{bundle}filter/{f[1]}.pf_filter" for f in data[3])


def _bundles(tree: Path, value: str, page: str, site_url: str) -> Iterable[str]:
    """The files named by one ``data-bundles`` attribute (a list file is opened and its bundles followed)."""
    for token in value.split():
        rel = _resolve(token, page, site_url)
        if rel is None:
            continue
        if rel.endswith(".json"):
            yield rel
            base = rel.rsplit("/", 1)[0] + "/"
            try:
                names = json.loads((tree / rel).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for name in names if isinstance(names, list) else []:
                if isinstance(name, str):
                    yield from _bundle_files(tree, base + name.strip("/") + "/")
        else:
            yield from _bundle_files(tree, rel.rstrip("/") + "/")


def _files(tree: Path) -> set[str]:
    """Every file under *tree* (links to files too, as ``rglob`` + ``is_file`` had them), by its posix path from *tree*."""
    found: set[str] = set()
    root = str(tree)
    for dirpath, _dirs, filenames in os.walk(tree):
        rel = os.path.relpath(dirpath, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in filenames:
            if os.path.isfile(os.path.join(dirpath, name)):
                found.add(prefix + name)
    return found


def missing_resources(tree: Path, site_url: str = "", files: Iterable[str] | None = None, *,
                      bundles: bool = True) -> dict[str, list[str]]:
    """``{missing path: [pages that reference it]}`` for a built site *tree*.

    *files* is the set of the tree's published paths (default: every file under *tree*); with
    *bundles* false the search bundles of ``data-bundles`` are not followed (a build made with
    ``--no-search``: its operator chose a release without search).
    """
    have = set(files) if files is not None else _files(tree)
    missing: dict[str, list[str]] = {}
    checked: dict[str, bool] = {}
    for page in sorted(p for p in have if p.endswith(".html")):
        raw = (tree / page).read_bytes()
        refs = [_resolve(m.decode("utf-8", "replace"), page, site_url) for m in _REF_RE.findall(raw)]
        for m in _BUNDLES_RE.findall(raw) if bundles else ():
            refs += list(_bundles(tree, m.decode("utf-8", "replace"), page, site_url))
        for rel in refs:
            if rel is None:
                continue
            ok = checked.get(rel)
            if ok is None:
                ok = checked[rel] = _exists(rel, have)
            if not ok:
                missing.setdefault(rel, []).append(page)
    return missing


def check_sites(output: Path, sites: Iterable[tuple[str, str]]) -> list[Problem]:
    """A problem for each site of *sites* (``(id, url)``) whose built tree references missing files."""
    problems = []
    for site_id, url in sites:
        tree = output / site_id
        record = read_build_record(tree) or {}
        missing = missing_resources(tree, url, bundles=record.get("search", True) is not False)
        if missing:
            shown = ", ".join(f"/{rel} (← /{pages[0]})" for rel, pages in list(missing.items())[:SHOWN])
            more = len(missing) - SHOWN
            problems.append(Problem(str(tree), None, _(
                "the release would reference {count} missing file(s): {paths}{more} — nothing was published; "
                "build the site again (on a fresh clone: portal build --target DIR, which takes the other sites "
                "from the last release) and publish again",
                count=len(missing), paths=shown, more=f" (+{more})" if more > 0 else "")))
    return problems


def check_references(root: Path, output: Path, sites: Iterable[str]) -> list[Problem]:
    """:func:`check_sites` for site ids of the project at *root* (their addresses from sites.yaml)."""
    from portal.model.sites import load_network

    network = load_network(root)
    return check_sites(output, [(s, network.site(s).url if s in network else "") for s in sites])
