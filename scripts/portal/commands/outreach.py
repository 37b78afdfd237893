"""Reaching people where they are (issue 16): ``press draft``, ``radio script``, ``import-feed``, ``notify``, ``media add``."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from pathlib import Path

from portal.commands.common import root_of, say
from portal.model.errors import PortalError, Problem
from portal.model.messages import _


def _network_and_site(args: argparse.Namespace, default_home: bool = False):
    from portal.model.sites import load_network

    network = load_network(root_of(args))
    site_id = args.site or (network.home if default_home else None)
    if site_id not in network:
        raise PortalError([Problem("sites.yaml", None, _("no site '{id}' — pick one of the ids in sites.yaml", id=site_id))])
    return network, network.site(site_id)


def _now(network):
    from portal.model.catalogue import now_in

    return now_in(network)


def cmd_press_draft(args: argparse.Namespace) -> int:
    from portal.stages.outreach import press

    network, site = _network_and_site(args, default_home=True)
    rel, text = press.draft(network, site, args.month, _now(network))
    if args.stdout:
        sys.stdout.write(text)
        return 0
    press.write_draft(network.root, rel, text, force=args.force)
    print(rel)
    say(_("draft written: edit it, set status: published, then portal check {path}", path=rel))
    return 0


def cmd_radio_script(args: argparse.Namespace) -> int:
    from portal.stages.outreach import radio

    network, site = _network_and_site(args)
    text = radio.script(network, site, args.week, _now(network))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        say(_("script written to {path}", path=args.output))
    else:
        sys.stdout.write(text)
    return 0


def cmd_import_feed(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.stages.outreach import imports

    network = load_network(root_of(args))
    if args.into != "shared":
        raise PortalError([Problem("portal import-feed", None, _("--into {value}: only 'shared' (the provincial directives) is supported", value=args.into))])
    now = _now(network)
    audience = [a.strip() for part in args.audience or () for a in part.split(",") if a.strip()]
    branch = None if args.no_branch else (args.branch or f"nhap-tin/{now:%Y-%m-%d}")
    report = imports.import_feed(network, args.source, audience=audience, branch=branch, now=now, limit=args.limit,
                                 write_tree=args.no_branch)
    for rel, title in report.written.items():
        print(f"{rel}\t{title}")
    for title in report.skipped:
        say(_("skipped (already imported): {title}", title=title))
    for problem in report.refused:
        say(str(problem))
    if report.commit:
        say(_("{n} directive(s) committed on branch {branch} ({commit}): open a pull request for the provincial board",
              n=len(report.written), branch=branch, commit=report.commit[:10]))
    elif args.no_branch and report.written:
        say(_("{n} directive(s) written into content/shared/: review, portal check, commit", n=len(report.written)))
    else:
        say(_("nothing new to import"))
    return 1 if report.refused and not report.written else 0


def cmd_notify(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.stages.outreach import notices

    network = load_network(root_of(args))
    outbox = Path(args.outbox) if args.outbox else notices.outbox_dir(network.root)
    settings = notices.Settings.of(network)
    if args.dry_run:
        waiting = notices.pending(outbox)
        for n in waiting:
            todo = [c for c in settings.channels() if c not in n.done] or [_("(no channel configured)")]
            print(f"{n.id}\t{n.site}\t{', '.join(todo)}\t{n.data.get('title')}\t{', '.join(n.data.get('emails') or [])}")
            for channel, error in n.errors.items():
                say(f"  {channel}: {error}")
        say(_("{n} notice(s) would be sent (dry run: nothing sent)", n=len(waiting)))
        return 0
    result = notices.deliver(network, outbox, dt.datetime.now(dt.UTC))
    for n in result.sent:
        print(f"{n.id}\t{n.site}\t{_('sent')}\t{n.data.get('title')}")
    for e in result.errors:
        say(_("not delivered, kept for the next try: {error}", error=e))
    say(_("{sent} notice(s) sent, {pending} pending", sent=len(result.sent), pending=len(result.pending)))
    return 0


def cmd_media_add(args: argparse.Namespace) -> int:
    """Add or update files of the media origin in media.yaml: size, SHA-256 and, for audio, the duration."""
    from portal.model import media
    from portal.model.sites import load_network

    network = load_network(root_of(args))
    base = Path(args.source)
    manifest = network.root / media.MANIFEST_FILE
    lines = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else [
        "# Files on network.media_url (sites.yaml), outside Git: path → size in bytes, SHA-256, and an audio file's duration.",
        "# portal check refuses a post naming a media file not listed here (PORTAL_MEDIA_DIR: also checks size and hash)."]
    for rel in args.paths:
        path = base / rel
        if not path.is_file():
            raise PortalError([Problem(str(path), None, _("no such file — give paths relative to --from"))])
        h = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        entry = f"{rel}: {{size: {path.stat().st_size}, sha256: {h.hexdigest()}"
        if media.extension(rel) in media.AUDIO_TYPES or media.extension(rel) in media.VIDEO_TYPES:
            try:
                import mutagen

                info = mutagen.File(path)
                if info is not None and getattr(info.info, "length", 0):
                    entry += f', duration: "{media.format_duration(round(info.info.length))}"'
            except Exception:
                pass
        entry += "}"
        lines = [line for line in lines if not line.startswith(f"{rel}:")] + [entry]
        print(entry)
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """press draft, radio script, import-feed, notify, media add."""
    p = sub.add_parser("press", help="press releases: draft the month's release")
    psub = p.add_subparsers(dest="press_command", required=True)
    d = psub.add_parser("draft", help="write the month's draft press release (directives and news with links) for the board to edit")
    d.add_argument("--month", required=True, metavar="YYYY-MM")
    d.add_argument("--site", metavar="ID", help="default: the provincial portal")
    d.add_argument("--force", action="store_true", help="overwrite an existing draft")
    d.add_argument("--stdout", action="store_true", help="print the draft instead of writing it")
    d.set_defaults(func=cmd_press_draft)

    r = sub.add_parser("radio", help="commune radio: the week's news as a reading script")
    rsub = r.add_subparsers(dest="radio_command", required=True)
    s = rsub.add_parser("script", help="the week's news and directives as plain text for the radio's announcer")
    s.add_argument("--site", required=True, metavar="ID")
    s.add_argument("--week", required=True, metavar="YYYY-Www")
    s.add_argument("--output", metavar="FILE", help="write the script there (default: standard output)")
    s.set_defaults(func=cmd_radio_script)

    i = sub.add_parser("import-feed", help="items of an Atom, RSS or JSON feed as shared directives, on a branch")
    i.add_argument("source", metavar="URL-or-FILE")
    i.add_argument("--into", default="shared", choices=["shared"])
    i.add_argument("--audience", action="append", metavar="KINDS-OR-IDS", help="e.g. commune,ward (default: every site)")
    i.add_argument("--branch", metavar="NAME", help="the branch to commit on (default nhap-tin/<date>)")
    i.add_argument("--no-branch", action="store_true", help="write the files into content/shared/ instead of committing")
    i.add_argument("--limit", type=int, default=50, help="at most N items (default 50)")
    i.set_defaults(func=cmd_import_feed)

    n = sub.add_parser("notify", help="deliver the notices to the boards waiting in the outbox")
    n.add_argument("--dry-run", action="store_true", help="show what would be sent, send nothing")
    n.add_argument("--outbox", metavar="DIR", help="default: PORTAL_OUTBOX or var/outbox")
    n.set_defaults(func=cmd_notify)

    m = sub.add_parser("media", help="the media origin's manifest (media.yaml)")
    msub = m.add_subparsers(dest="media_command", required=True)
    a = msub.add_parser("add", help="list files of the media origin in media.yaml (size, SHA-256, duration)")
    a.add_argument("paths", nargs="+", metavar="PATH", help="paths on the media origin, relative to --from")
    a.add_argument("--from", dest="source", required=True, metavar="DIR", help="a local copy of the media origin")
    a.set_defaults(func=cmd_media_add)
