"""Messages for people: editors, reviewers and operators read them in Vietnamese by default.

Every message a command prints about the project's input (a ``Problem``, a refusal, a
hint) is written in English in the code, marked with :func:`_`, and translated through
the gettext catalog ``editor`` (``translations/<lang>/LC_MESSAGES/editor.po``, kept by
``make translations``). The language is ``PORTAL_LANG`` (``vi`` by default; ``en`` gives
the English source text). Placeholders are ``{name}`` fields filled after translation, so a
translator can move them::

    Problem(post.rel, line, _("category '{category}' is not a section of this site — {hint}",
                              category=value, hint=did_you_mean(value, sections)))

DESIGN.md ("Commands"): every error names the file (and line) and what to do, in
Vietnamese by default. ``tests/model/test_messages.py`` fails when a marked message has no
Vietnamese translation.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

DOMAIN = "editor"
DEFAULT_LANG = "vi"
#: the project's catalogs: scripts/portal/model/messages.py → <checkout>/translations
TRANSLATIONS = Path(__file__).resolve().parents[3] / "translations"


def language() -> str:
    """The language of messages: ``PORTAL_LANG`` (``vi``, ``en``, …), Vietnamese by default."""
    lang = (os.environ.get("PORTAL_LANG") or DEFAULT_LANG).strip().lower().split("_")[0].split("-")[0]
    return lang or DEFAULT_LANG


@cache
def catalog(lang: str, translations: Path = TRANSLATIONS) -> dict[str, str]:
    """msgid → translation for *lang* (empty for English or a language without a catalog)."""
    path = translations / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not path.is_file():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=lang)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def _(msgid: str, /, **fields: object) -> str:
    """*msgid* in the reader's language (:func:`language`), its ``{fields}`` filled in.

    A message without a translation falls back to the English text. Field values are
    inserted as they are (``str()``), never ``repr()``-expanded.
    """
    text = catalog(language()).get(msgid, msgid)
    if not fields:
        return text
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):  # a broken translation must not hide the problem
        return msgid.format(**fields)
