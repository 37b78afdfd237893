"""``portal new``: an editor's new post (or translation) with correct front matter, in the right folder."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.commands.common import root_of, say
from portal.model.catalogue import site_dir
from portal.model.content import BODY_HINT, placeholder_message, split_language
from portal.model.errors import PortalError, Problem, did_you_mean
from portal.model.messages import _
from portal.model.sections import LANGUAGES
from portal.model.sites import Network, load_network
from portal.model.text import nfc, slugify


def _quote(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _fail(where: str, message: str) -> PortalError:
    return PortalError([Problem(where, None, message)])


def new_post(root: Path | str, title: str, *, site: str | None = None, category: str | None = None,
             lang: str | None = None, of: str | None = None, slug: str | None = None,
             now: dt.datetime | None = None) -> Path:
    """Write the file and return its path; nothing is written when anything is wrong."""
    network = load_network(root)
    title = nfc(title).strip()
    if not title:
        raise _fail("portal new", _("the title is empty — give it in quotes: portal new --site ID --category CAT \"Tiêu đề\""))
    if lang is not None or of is not None:
        return _translation(network, title, lang, of, site)
    if site is None or category is None:
        raise _fail("portal new", _("give --site ID and --category CAT (or --lang LANG --of PATH for a translation)"))
    if site not in network:
        raise _fail("sites.yaml", _("no site '{id}' — {hint}", id=site, hint=did_you_mean(site, network.ids)))
    s = network.site(site)
    if category not in s.section_slugs:
        raise _fail(f"content/sites/{site}", _("category '{category}' is not a section of this site — {hint}",
                                               category=category, hint=did_you_mean(category, s.section_slugs)))
    tz = ZoneInfo(network.timezone)
    now = (now or dt.datetime.now(tz)).astimezone(tz)
    slug = slug or slugify(title)
    if not slug:
        raise _fail("portal new", _("the title gives no slug — pass --slug words-joined-by-dashes"))
    path = site_dir(network.root, site) / category / f"{slug}.md"
    text = (f"---\ntitle: {_quote(title)}\ndate: {now:%Y-%m-%d %H:%M}\ncategory: {category}\n"
            f"summary: \"\"\ntags: []\n---\n{BODY_HINT}")
    return _write(network, path, text, site=site)


def _translation(network: Network, title: str, lang: str | None, of: str | None, site: str | None) -> Path:
    if not lang or not of:
        raise _fail("portal new", _("a translation needs both --lang LANG and --of PATH (the original .md file)"))
    if lang not in LANGUAGES:
        raise _fail("portal new", _("language '{lang}' is not supported — use one of {langs}", lang=lang, langs=", ".join(LANGUAGES)))
    original = Path(of)
    original = (original if original.is_absolute() else Path.cwd() / original).resolve()
    if not original.is_file():
        alt = (network.root / of).resolve()
        original = alt if alt.is_file() else original
    if not original.is_file():
        raise _fail(of, _("does not exist — give the path of the original (Vietnamese) post"))
    base, olang = split_language(original)
    if olang:
        raise _fail(of, _("is itself a translation ('{lang}') — give the original .md file", lang=olang))
    rel = original.relative_to(network.root) if original.is_relative_to(network.root) else None
    if rel is None or rel.parts[:1] != ("content",):
        raise _fail(of, _("is not under content/ of this project — give a post of this project"))
    owner = rel.parts[2] if rel.parts[:2] == ("content", "sites") else None
    if site is not None and owner is not None and site != owner:
        raise _fail(of, _("belongs to site '{owner}', not '{site}' — drop --site or fix it", owner=owner, site=site))
    languages = network.site(owner).languages if owner and owner in network else sorted({x for s in network.sites for x in s.languages})
    if lang not in languages:
        raise _fail("sites.yaml", _("language '{lang}' is not enabled for site '{id}' — add it to languages in sites.yaml first", lang=lang, id=owner)
                    if owner else _("language '{lang}' is not enabled for any site — add it to languages in sites.yaml first", lang=lang))
    if lang == (network.site(owner).default_language if owner and owner in network else network.default_language):
        raise _fail("portal new", _("'{lang}' is the default language: the original is already in it", lang=lang))
    path = Path(f"{base}.{lang}.md")
    return _write(network, path, f"---\ntitle: {_quote(title)}\n---\n{BODY_HINT}", site=owner)


def _write(network: Network, path: Path, text: str, site: str | None) -> Path:
    from portal.stages.check import check

    rel = path.relative_to(network.root).as_posix()
    if path.exists():
        raise _fail(rel, _("already exists — open it to edit, or pass --slug for another file name"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    # the helper writes only what `portal check` accepts (e.g. no URL already taken on the site)
    # (its body is still the hint: that is the one problem expected until the editor writes the post)
    problems = [p for p in check(network, [path]) if (p.path == rel or rel in p.message) and p.message != placeholder_message()]
    if problems:
        path.unlink()
        raise PortalError(problems)
    return path


def cmd_new(args: argparse.Namespace) -> int:
    path = new_post(root_of(args), args.title, site=args.site, category=args.category, lang=args.lang, of=args.of, slug=args.slug)
    rel = path.relative_to(root_of(args)) if path.is_relative_to(root_of(args)) else path
    print(rel)
    if not args.quiet:
        say(_("wrote {path}: write the post in place of the line '<!-- … -->', then `portal check {path}` and open a pull request", path=str(rel)))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """new."""
    p = sub.add_parser("new", help="write a new post (or a translation) with correct front matter")
    p.add_argument("title", help='the headline, in quotes: "Tiêu đề bài viết"')
    p.add_argument("--site", metavar="ID")
    p.add_argument("--category", metavar="CAT", help="a section of the site, e.g. tin-tuc")
    p.add_argument("--lang", help="write a translation into this language (with --of)")
    p.add_argument("--of", metavar="PATH", help="the original post of the translation")
    p.add_argument("--slug", help="the file name and URL (default: the title folded to ASCII)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_new)
