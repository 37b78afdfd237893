#!/usr/bin/env python3
"""Compare two output folders file by file: the check that a change of code changed no output.

    python scripts/compare-outputs.py OLD NEW     # exit 0: the same files with the same bytes

Every published file must have the same path and the same SHA-256. Two kinds of file are
compared by content instead of bytes:

- the build's own bookkeeping (``.portal-*``: keys that hash the code, stat records) is
  not published and is left out;
- Pagefind writes its filter and metadata files (``*.pf_filter``, ``*.pf_meta``) and
  ``pagefind-entry.json`` in an order that varies from run to run (two runs of the same
  code differ), and names them after their bytes: those are compared as the multiset of
  their decompressed bytes, per bundle and kind. Fragments and index chunks are compared
  by hash like every other file (Pagefind writes them the same every time).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

UNORDERED = re.compile(r"(?:^|/)(?:pagefind-entry\.json|[^/]*\.pf_meta|filter/[^/]*\.pf_filter)$")


def _content(path: Path) -> Counter:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if path.suffix == ".pf_meta":  # it names the filter files, whose names hash their (unordered) bytes
        for name in path.parent.glob("filter/*.pf_filter"):
            data = data.replace(name.stem.encode(), b"")
    if path.name == "pagefind-entry.json":  # {"languages": {"vi": {"hash": …}}}: hashes name the unordered files
        data = re.sub(rb'"hash":"[^"]*"', b'"hash":""', data)
    return Counter(data)


def summary(root: Path) -> tuple[dict[str, str], dict[str, Counter]]:
    """(published path → sha256, unordered group → byte multiset)."""
    exact: dict[str, str] = {}
    unordered: dict[str, Counter] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".portal-") for part in rel.split("/")):
            continue
        if UNORDERED.search(rel):
            group = re.sub(r"_[0-9a-f]{7,}\.", "_*.", rel)  # vi_41f9b27562.pf_meta → vi_*.pf_meta
            unordered.setdefault(group, Counter()).update(_content(path))
        else:
            exact[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return exact, unordered


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = (Path(a) for a in argv)
    (old_exact, old_un), (new_exact, new_un) = summary(old), summary(new)
    differences = []
    for rel in sorted(old_exact.keys() | new_exact.keys()):
        if rel not in new_exact:
            differences.append(f"only in {old}: {rel}")
        elif rel not in old_exact:
            differences.append(f"only in {new}: {rel}")
        elif old_exact[rel] != new_exact[rel]:
            differences.append(f"differs: {rel}")
    for group in sorted(old_un.keys() | new_un.keys()):
        if old_un.get(group) != new_un.get(group):
            differences.append(f"differs (Pagefind, unordered): {group}")
    for line in differences:
        print(line)
    print(f"{len(old_exact)} files and {len(old_un)} Pagefind groups in {old}; {len(new_exact)} and {len(new_un)} in {new}; "
          f"{len(differences)} difference(s)", file=sys.stderr)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
