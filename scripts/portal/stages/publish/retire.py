"""Taking a portal out of service: a notice release in place of a site removed from sites.yaml (issue 12.8).

A portal leaves sites.yaml when its authority is merged away or dissolved. Its published
site is not deleted silently: every ``portal publish`` reports it, and it stays live until
``portal retire --site ID --target DIR`` (or ``--branch NAME``) publishes a **notice release**
in its place: ``index.html`` and ``404.html`` saying, in Vietnamese and English, that the portal is
no longer in service and where its information now is (``--successor ID``, default the
provincial portal). Every old address then lands on that notice (point the web server's 404
at ``404.html``). It is an ordinary release: logged (action ``retire``), kept with the
others, and undone by ``portal rollback``. A retired site is no longer reported.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from portal.model.errors import PortalError, Problem
from portal.model.messages import _
from portal.model.sites import Network, load_network
from portal.stages import repository, standalone
from portal.stages.output import make_public
from portal.stages.publish import branch
from portal.stages.publish.provenance import source_info
from portal.stages.publish.target import DEFAULT_KEEP, SiteRelease, SwitchedError, Target, now_utc, publish_site

NOTICE = """{% extends "base.html" %}
{% block head %}<meta name="robots" content="noindex">{% endblock %}
{% block body %}
<h1>Cổng thông tin này đã ngừng hoạt động</h1>
<p>Thông tin của cơ quan, đơn vị nay được đăng trên <a href="{{ successor.url }}/">{{ successor.name }}</a>.</p>
<div lang="en">
<h2>This portal is no longer in service</h2>
<p>Its information is now published on <a href="{{ successor.url }}/">{{ successor.name_en }}</a>.</p>
</div>
{% endblock %}
"""



def check_retirable(network: Network, site_id: str, successor: str | None) -> str:
    """The id of the site that takes over (*successor*, default the provincial portal); refuse a listed site."""
    if site_id in network:
        raise PortalError([Problem("sites.yaml", network.site(site_id).line, _(
            "site '{site}' is still in sites.yaml — remove it there and commit first: a listed site is published by portal publish",
            site=site_id))])
    taker = successor or network.home
    if taker not in network:
        raise PortalError([Problem("portal retire", None, _("--successor '{site}' is not a site in sites.yaml — name the portal that takes over", site=taker))])
    return taker


def write_notice(folder: Path, network: Network, successor: str) -> Path:
    """Write the notice site (``index.html``, ``404.html``) into *folder*, world-readable; return *folder*."""
    site = network.site(successor)
    html = standalone.render(
        NOTICE, title="Cổng thông tin đã ngừng hoạt động", successor={"url": site.url, "name": site.name("vi"), "name_en": site.names.get("en") or site.name("vi")})
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("index.html", "404.html"):
        (folder / name).write_text(html, encoding="utf-8")
    make_public(folder)
    return folder


def retire(root: Path | str, target_dir: Path | str, site_id: str, *, successor: str | None = None,
           now: dt.datetime | None = None) -> SiteRelease:
    """Switch *site_id*, no longer in sites.yaml, to a notice release in *target_dir*; return its SiteRelease.

    Refused (nothing changed): a site still in sites.yaml, an unknown successor, a site never
    published there, uncommitted changes. Already retired: nothing happens (``release`` None).
    """
    root = Path(root).resolve()
    network = load_network(root)
    taker = check_retirable(network, site_id, successor)
    target = Target(target_dir)
    current = target.current(site_id)
    if current is None:
        raise PortalError([Problem(str(target.site(site_id)), None, _("site '{site}' has never been published to {target} — check --target and --site", site=site_id, target=str(target.path)))])
    if target.retired(site_id):
        return SiteRelease(site=site_id, release=None, previous=current)
    source = source_info(root)
    target.check_writable()
    with tempfile.TemporaryDirectory(prefix="portal-retire-") as tmp, target.locked():
        target.check_log()
        tree = write_notice(Path(tmp) / site_id, network, taker)
        try:
            return publish_site(target, site_id, tree, source, DEFAULT_KEEP, now or now_utc(), action="retire",
                                meta={"retired": True, "successor": taker})
        except SwitchedError as exc:
            raise PortalError([Problem(str(target.site(site_id)), None, _(
                "retired: the notice release {release} is live (current was {previous}), but {problem}",
                release=exc.release.release, previous=current, problem=exc.problem))]) from None
        except OSError as exc:
            target.clean_leftovers(site_id)
            raise PortalError([Problem(str(target.site(site_id)), None, _(
                "not retired: {error} ({file}) — its current release is unchanged ({current}); fix and retire again",
                error=exc.strerror or str(exc), file=exc.filename or "", current=current))]) from None


def retire_branch(root: Path | str, name: str, site_id: str, *, successor: str | None = None) -> branch.BranchRelease:
    """Commit the notice site onto branch ``name/<site_id>`` (history kept; ``portal rollback --branch`` undoes it).

    The commit message carries ``Retired-site: <id>``, which :func:`portal.stages.publish.branch.unlisted_branches`
    reads. Same refusals as :func:`retire`; already retired: nothing happens (``commit`` None).
    """
    root = Path(root).resolve()
    network = load_network(root)
    taker = check_retirable(network, site_id, successor)
    pr = repository.require_repo(root, "portal retire --branch")
    ref = branch.ref_name(name, site_id)
    tip = branch.tip(pr, ref)
    if tip is None:
        raise PortalError([Problem("portal retire", None, _("branch '{branch}' does not exist — check --branch and --site", branch=f"{name}/{site_id}"))])
    source = source_info(root)
    with tempfile.TemporaryDirectory(prefix="portal-retire-") as tmp:
        tree = branch.write_tree(pr, write_notice(Path(tmp) / site_id, network, taker))
    if branch.is_retired(pr, ref):
        return branch.BranchRelease(site_id, f"{name}/{site_id}", None, tip, branch.TreeDiff())
    diff = branch.tree_diff(pr, pr.repo.commit(tip).tree.hexsha, tree)
    message = (f"Retire {site_id}: no longer in sites.yaml\n\n"
               f"{branch.RETIRED_TRAILER} {site_id}\nSuccessor: {taker}\nSource-commit: {source.get('commit')}\n")
    sha = branch.commit_tree(pr, ref, tree, tip, message, branch.identity(pr, source))
    return branch.BranchRelease(site_id, f"{name}/{site_id}", sha, tip, diff)
