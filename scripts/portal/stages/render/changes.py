"""``/changes.json``: what was added, changed and removed since the previous release of a site (issue 16.6).

The Government Portal or the province's data platform pulls a portal incrementally: it keeps
the ``sequence`` it last applied, reads ``/changes.json`` and applies the change sets after it;
when its sequence is older than the oldest set kept (:data:`KEEP` sets), it reloads everything
from ``items`` (every post and page of every language now published, with its version)::

    {"version": 1, "site": "tien-du", "sequence": 7, "commit": "…",
     "items": {"https://…/tin-tuc/a/": {"url": "…", "title": "…", "language": "vi", "version": "3f2a…",
                                          "feed": "https://…/feeds/all.json"}},
     "changes": [{"sequence": 7, "commit": "…", "previous_commit": "…",
                  "added": ["https://…"], "changed": ["https://…"], "removed": ["https://…"]}, …]}

An item's id is its JSON Feed id (the canonical address) and its version a hash of its JSON Feed
item (text, metadata, attachments): a change to the theme alone changes no item. The set is
computed against the previous build of the site (``output/<id>/changes.json``, which moves with the
release). A build that changes nothing keeps the file byte-identical (no new set), so an unchanged
site is not published again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FILE = "changes.json"
#: change sets kept in the file
KEEP = 50
#: id → {"url", "title", "language", "version", "feed"} of the site being built (filled by the syndication plugin)
ITEMS: dict[str, dict[str, str]] = {}


def start() -> None:
    ITEMS.clear()


def finish(output: Path, previous: Path | None, site_id: str, commit: str | None) -> dict[str, Any]:
    """Write ``changes.json`` into *output* from :data:`ITEMS` and the previous build's file; return what was written."""
    old: dict[str, Any] = {}
    if previous is not None:
        try:
            old = json.loads((previous / FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
    if not isinstance(old, dict) or not isinstance(old.get("items") or {}, dict) or not isinstance(old.get("changes") or [], list):
        old = {}  # not a file this code wrote (a state restored from elsewhere): the history starts again
    old_items: dict[str, dict[str, str]] = {k: v for k, v in (old.get("items") or {}).items() if isinstance(v, dict)}
    items = {k: ITEMS[k] for k in sorted(ITEMS)}
    if old.get("version") == 1 and old_items == items:
        data = old  # nothing changed: the same file, byte for byte
    else:
        added = sorted(k for k in items if k not in old_items)
        changed = sorted(k for k in items if k in old_items and old_items[k].get("version") != items[k]["version"])
        removed = sorted(k for k in old_items if k not in items)
        sequence = (old["sequence"] if isinstance(old.get("sequence"), int) else 0) + 1
        change = {"sequence": sequence, "commit": commit, "previous_commit": old.get("commit"),
                  "added": added, "changed": changed, "removed": removed}
        data = {"version": 1, "site": site_id, "sequence": sequence, "commit": commit, "items": items,
                "changes": ([*(old.get("changes") or []), change])[-KEEP:]}
    # compact: json's C encoder (an indent takes the Python one, ten times slower: 1,200 items a site)
    (output / FILE).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                               encoding="utf-8")
    return data
