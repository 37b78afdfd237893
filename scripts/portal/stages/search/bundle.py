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

import gzip
import hashlib
import json
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
INFO_FILE = "portal-search.json"
INFO_VERSION = 1


def read_fragment(path: Path) -> dict:
    """A fragment file as JSON (``{"url", "content", "meta", "filters", "word_count", "anchors"}``)."""
    data = gzip.decompress(path.read_bytes())
    if data.startswith(SIGNATURE):
        data = data[len(SIGNATURE):]
    return json.loads(data)


def write_fragment(path: Path, fragment: dict) -> None:
    data = SIGNATURE + json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode()
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    tmp.replace(path)


def display_digest(display: dict) -> str:
    """A short digest of what readers see of a page (it goes into the index, so fragment names change with it)."""
    return hashlib.sha1(json.dumps(display, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]


def rewrite_fragments(bundle: Path, displays: dict[str, dict]) -> int:
    """Put the display text and fields of every page into the fragments of *bundle*.

    *displays* maps each staged page's URL as Pagefind gives it (``/tin-tuc/x/``) to its
    :attr:`Staged.display`. Returns how many fragments were rewritten; a fragment whose URL
    is not in *displays* is left as Pagefind wrote it.
    """
    done = 0
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        fragment = read_fragment(path)
        display = displays.get(fragment.get("url", ""))
        if display is None:
            continue
        if display.get("own_content"):
            fragment["content"] = display["content"]
        fragment["meta"] = dict(display["meta"])
        fragment["filters"] = display["filters"]
        fragment["anchors"] = []
        write_fragment(path, fragment)
        done += 1
    return done


def write_info(bundle: Path, frequent: list[str]) -> None:
    """``portal-search.json``: what the search page needs to write its queries for this bundle."""
    info = {"version": INFO_VERSION, "frequent": sorted(set(frequent))}
    (bundle / INFO_FILE).write_text(json.dumps(info, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def read_info(bundle: Path) -> dict:
    try:
        info = json.loads((bundle / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": INFO_VERSION, "frequent": []}
    return info if isinstance(info, dict) else {"version": INFO_VERSION, "frequent": []}
