"""The ``portal`` subcommands of the Git workflow: plan, publish, rollback, retire, diff.

Thin: each parses its options, calls the library and prints. Errors are PortalErrors,
printed by :func:`portal.cli.main` as ``path:LINE: message — fix``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from portal.commands.common import root_of, say, target_or_branch
from portal.model.errors import PortalError, Problem
from portal.model.messages import _


def planned_sites(root: Path, since: str, extra: list[str] | None = None) -> list[str]:
    from portal.stages.plan import make_plan

    plan = make_plan(root, since)
    return list(dict.fromkeys([*plan.sites, *(extra or [])]))


def cmd_plan(args: argparse.Namespace) -> int:
    from portal.stages.plan import make_plan

    plan = make_plan(root_of(args), args.since)
    if args.json:
        print(plan.dumps())
    elif args.markdown:
        print(plan.markdown(), end="")
    else:
        for s in plan.sites:
            print(s)
        if not args.quiet:
            say(_("{sites} site(s) affected by {files} changed file(s) since {since} ({base})",
                  sites=len(plan.sites), files=len(plan.changes), since=args.since, base=plan.base[:7]))
            for s in plan.sites:
                say(f"  {s}: {'; '.join(plan.reasons[s][:3])}" + (" …" if len(plan.reasons[s]) > 3 else ""))
    return 0


def _built_now(root: Path, tree: Path) -> bool:
    """Whether *tree* was built from the checkout's HEAD (its build record says so)."""
    from portal.stages import repository
    from portal.stages.output import read_build_record

    record = read_build_record(tree) if (tree / "index.html").is_file() else None
    pr = repository.open_repo(root)
    return bool(record and pr is not None and repository.has_commits(pr) and record.get("commit") == pr.repo.head.commit.hexsha)


def _sites_to_publish(args: argparse.Namespace, root: Path) -> list[str]:
    from portal.model.sites import load_network

    if args.since:
        planned = planned_sites(root, args.since, args.site)
        home = load_network(root).home
        # The provincial portal holds the network index over every site: when this build made it (its
        # build record is HEAD's), it goes out with the sites the change affects.
        if planned and home not in planned and _built_now(root, Path(args.output or root / "output") / home):
            planned.append(home)
        return planned
    if args.site:
        network = load_network(root)
        unknown = [s for s in args.site if s not in network]
        if unknown:
            raise PortalError([Problem("sites.yaml", None, _("no site '{site}' — pick one of the ids in sites.yaml", site=s)) for s in unknown])
        return list(dict.fromkeys(args.site))
    return load_network(root).ids


def _warn_unlisted(root: Path, args: argparse.Namespace, known: list[str]) -> None:
    """Warn of every published site that sites.yaml no longer lists, until it is retired (issue 12.8)."""
    if args.branch:
        from portal.stages.publish.branch import unlisted_branches

        hidden, where = unlisted_branches(root, args.branch, known), f"--branch {args.branch}"
    else:
        from portal.stages.publish.target import unlisted_sites

        hidden, where = unlisted_sites(args.target, known), f"--target {args.target}"
    for site in hidden:
        say(_("warning: {site} is published but no longer in sites.yaml — it stays live until you take it out of service: portal retire --site {site} {where}",
              site=site, where=where))


def cmd_publish(args: argparse.Namespace) -> int:
    root = root_of(args)
    sites = _sites_to_publish(args, root)
    if not sites:
        say(_("nothing to publish: no site is affected by the changes since {since}", since=args.since))
        return 0
    from portal.model.sites import load_network

    network = load_network(root)
    known = network.ids
    try:
        if args.branch:
            from portal.stages.publish.branch import publish_branches

            results = publish_branches(root, args.branch, sites, output=args.output, allow_dirty=args.allow_dirty)
            rows = [(r.site, r.commit[:10] if r.commit else None, r.diff.counts(), _("branch {branch}", branch=r.branch)) for r in results]
            warnings: list[str] = []
        else:
            from portal.stages.publish.target import publish

            report = publish(root, args.target, sites, output=args.output, keep=args.keep, allow_dirty=args.allow_dirty)
            rows = [(r.site, r.release, r.diff.counts(), f"{args.target}/{r.site}/current") for r in report.sites]
            warnings = [f"{r.site}: {r.warning}" for r in report.sites if r.warning]
    finally:  # a refused publish reports them too: they stay live whatever happened to this one
        _warn_unlisted(root, args, known)
    published = [(r.site, r.previous, list(r.diff.added)) for r in (results if args.branch else report.sites)
                 if (r.commit if args.branch else r.release)]
    if published:  # notices to the boards of the sites where a new directive went live (issue 16.7); never blocks
        from portal.stages.outreach import notices

        queued, delivery, error = notices.after_publish(network, published, dt.datetime.now(dt.UTC))
        if error:
            warnings.append(_("notices to the boards not sent ({error}); run portal notify", error=error))
        elif delivery is not None:
            for e in delivery.errors:
                warnings.append(_("a notice was not delivered, kept for the next publish: {error}", error=e))
            if queued or delivery.sent:
                say(_("{queued} notice(s) queued, {sent} sent to the boards", queued=len(queued), sent=len(delivery.sent)))
    for w in warnings:
        say(_("warning: {text}", text=w))
    if args.json:  # standard output stays machine-readable; warnings went to standard error
        print(json.dumps([{"site": s, "release": rel, "counts": c} for s, rel, c, _where in rows], ensure_ascii=False))
        return 0
    changed = [r for r in rows if r[1]]
    for site, rel, c, dest in rows:
        if rel:
            print(_("{site}: published {release} → {where} (+{added} ~{changed} -{removed} files)", site=site, release=rel,
                    where=dest, added=c["added"], changed=c["changed"], removed=c["removed"]))
        elif not args.quiet:
            print(_("{site}: unchanged, not published", site=site))
    say(_("{published} site(s) published, {unchanged} unchanged", published=len(changed), unchanged=len(rows) - len(changed)))
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    if args.branch:
        from portal.stages.publish.branch import rollback_branch

        r = rollback_branch(root_of(args), args.branch, args.site, args.release)
        if r.commit is None:
            print(_("{site}: branch {branch} already has that tree; nothing changed", site=args.site, branch=r.branch))
        else:
            print(_("{site}: {branch} rolled back by commit {commit} (+{added} ~{changed} -{removed} files)", site=args.site,
                    branch=r.branch, commit=r.commit[:10], **r.diff.counts()))
        return 0
    from portal.stages.publish.target import rollback

    r = rollback(args.target, args.site, args.release)
    if r.release is None:
        print(_("{site}: {release} is already the current release; nothing changed", site=args.site, release=r.previous))
    else:
        print(_("{site}: current → {release} (was {previous}; +{added} ~{changed} -{removed} files)", site=args.site,
                release=r.release, previous=r.previous, **r.diff.counts()))
    if r.warning:
        say(_("warning: {text}", text=r.warning))
    return 0


def cmd_retire(args: argparse.Namespace) -> int:
    root = root_of(args)
    if args.branch:
        from portal.stages.publish.retire import retire_branch

        b = retire_branch(root, args.branch, args.site, successor=args.successor)
        if b.commit is None:
            print(_("{site}: already retired; nothing changed", site=args.site))
        else:
            print(_("{site}: retired — branch {branch} now holds the notice (commit {commit}); portal rollback --branch undoes it",
                    site=args.site, branch=b.branch, commit=b.commit[:10]))
        return 0
    from portal.stages.publish.retire import retire

    r = retire(root, args.target, args.site, successor=args.successor)
    if r.release is None:
        print(_("{site}: already retired; nothing changed", site=args.site))
    else:
        print(_("{site}: retired — current → {release}, the notice (was {previous}); portal rollback undoes it",
                site=args.site, release=r.release, previous=r.previous))
    if r.warning:
        say(_("warning: {text}", text=r.warning))
    return 0








def cmd_diff(args: argparse.Namespace) -> int:
    from portal.stages.publish.manifest import compare_outputs, markdown

    diffs = compare_outputs(Path(args.old), Path(args.new), args.site or None)
    if args.markdown:
        print(markdown(diffs), end="")
    else:
        print(json.dumps({s: d.to_json() for s, d in diffs.items()}, ensure_ascii=False, indent=2))
    return 0




def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="list the sites affected by the changes since a Git revision")
    p.add_argument("--since", metavar="REV", required=True, help="a commit, branch or tag (e.g. origin/main, HEAD~1)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="the plan as JSON: sites, reasons, changed files")
    fmt.add_argument("--markdown", action="store_true", help="a summary for a pull request")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("publish", help="publish built sites atomically (a new release per changed site)")
    target_or_branch(p)
    p.add_argument("--since", metavar="REV", help="only the sites affected by the changes since REV")
    p.add_argument("--site", action="append", metavar="ID", help="only this site (repeatable)")
    p.add_argument("--keep", type=int, default=10, metavar="N", help="releases kept per site (default 10)")
    p.add_argument("--output", help="where the sites were built (default: ROOT/output)")
    p.add_argument("--allow-dirty", action="store_true", help="publish although the checkout has uncommitted changes")
    p.add_argument("--json", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("rollback", help="switch a site back to an earlier release")
    target_or_branch(p)
    p.add_argument("--site", required=True, metavar="ID")
    p.add_argument("--release", metavar="R", help="the release (or, with --branch, the commit) to go back to (default: the previous one)")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("retire", help="take a site that is no longer in sites.yaml out of service (a notice release, logged)")
    target_or_branch(p)
    p.add_argument("--site", required=True, metavar="ID")
    p.add_argument("--successor", metavar="ID", help="the portal that takes over its information (default: the provincial portal)")
    p.set_defaults(func=cmd_retire)



def add_diff_command(sub: argparse._SubParsersAction) -> None:
    """diff."""
    p = sub.add_parser("diff", help="pages added, changed and removed between two output folders")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--site", action="append", metavar="ID")
    p.add_argument("--markdown", action="store_true", help="a summary for a pull request")
    p.set_defaults(func=cmd_diff)
