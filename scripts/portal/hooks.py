"""The project's pre-commit hooks (``repo: local``, no network): ``python -m portal.hooks HOOK FILE...``.

- ``check``: ``portal check`` on the staged content (the whole project when sites.yaml changes);
- ``nfc``: text files in Unicode NFC (composed Vietnamese); a file that is not is fixed in place,
  and the commit stops so that the fix can be staged;
- ``yaml``: every YAML file parses;
- ``size``: no file over a limit (``--max-kb``, default 5 MB).

Private keys are caught by a ``pygrep`` hook in ``.pre-commit-config.yaml``.
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from pathlib import Path

from portal.model.messages import _

DEFAULT_MAX_KB = 5120


def check(files: list[str]) -> int:
    from portal.cli import main

    return main(["--root", os.getcwd(), "check", "-q", *files])


def nfc(files: list[str]) -> int:
    status = 0
    for name in files:
        path = Path(name)
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # binary or unreadable: not a text file for this hook
        fixed = unicodedata.normalize("NFC", text)
        if fixed == text:
            continue
        line = next((i for i, (a, b) in enumerate(zip(text.splitlines(), fixed.splitlines(), strict=False), 1) if a != b), 1)
        path.write_bytes(fixed.encode("utf-8"))
        print(f"{name}:{line}: " + _("text was not in Unicode NFC (decomposed accents) — fixed in place; `git add {name}` and commit again", name=name))
        status = 1
    return status


def yaml_files(files: list[str]) -> int:
    """Every YAML file parses (ruamel.yaml; a key given twice is an error); sites.yaml by the portal's own rules."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from portal.model import yamlio

    status = 0
    for name in files:
        try:
            with open(name, encoding="utf-8") as f:
                text = f.read()
            if Path(name).name == "sites.yaml":
                yamlio.load(text)
            else:
                for _doc in YAML(typ="safe").load_all(text):
                    pass
        except UnicodeDecodeError as exc:
            print(f"{name}: " + _("is not UTF-8 (byte {byte}) — save it as UTF-8", byte=exc.start))
            status = 1
        except yamlio.YamlError as exc:
            print(f"{name}:{exc.line}: {exc.message}" if exc.line else f"{name}: {exc.message}")
            status = 1
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            where = f"{name}:{mark.line + 1}" if mark is not None else name
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            print(f"{where}: " + _("invalid YAML ({problem}) — check indentation, colons and quotes", problem=str(problem)[:120]))
            status = 1
    return status


def size(files: list[str], max_kb: int = DEFAULT_MAX_KB) -> int:
    status = 0
    for name in files:
        try:
            kb = os.path.getsize(name) / 1024
        except OSError:
            continue
        if kb > max_kb:
            print(f"{name}: " + _("{size} MB is over the {limit} MB limit — make it smaller (resize images, reduce PDFs) or publish it elsewhere and link to it",
                                  size=f"{kb / 1024:.1f}", limit=f"{max_kb / 1024:g}"))
            status = 1
    return status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m portal.hooks")
    ap.add_argument("hook", choices=["check", "nfc", "yaml", "size"])
    ap.add_argument("--max-kb", type=int, default=DEFAULT_MAX_KB)
    ap.add_argument("files", nargs="*")
    args = ap.parse_intermixed_args(argv)
    if args.hook == "check":
        return check(args.files) if args.files else 0
    if args.hook == "nfc":
        return nfc(args.files)
    if args.hook == "yaml":
        return yaml_files(args.files)
    return size(args.files, args.max_kb)


if __name__ == "__main__":
    sys.exit(main())
