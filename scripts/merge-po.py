#!/usr/bin/env python3
"""Merge the translations of two versions of a catalog into a third (after a Git merge of branches that both
added messages): ``python scripts/merge-po.py TARGET.po OTHER.po...`` fills every empty msgstr of TARGET from
the OTHER catalogs (run ``make translations`` first so TARGET lists every message of the code)."""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def _translated(string: str | tuple[str, ...]) -> bool:
    """Whether a msgstr is filled (a plural message's every form)."""
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


def main(target: str, *others: str) -> int:
    with open(target, "rb") as f:
        catalog = read_po(f)
    known: dict[str, str] = {}
    for path in others:
        with open(path, "rb") as f:
            for m in read_po(f):
                if m.id and _translated(m.string):
                    known.setdefault(m.id, m.string)
    filled = 0
    for m in catalog:
        if m.id and not _translated(m.string) and m.id in known:
            m.string = known[m.id]
            filled += 1
    with open(target, "wb") as f:
        write_po(f, catalog, width=120, sort_output=True)
    missing = [m.id for m in catalog if m.id and not _translated(m.string)]
    print(f"{target}: {filled} filled, {len(missing)} without a translation", file=sys.stderr)
    for m in missing:
        print(f"  {m}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
