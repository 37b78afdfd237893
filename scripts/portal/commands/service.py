"""``portal service run|migrate|create-user|list|export|purge|proxy-config|bench``: the interaction service (issue 15)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import re
import sys
from pathlib import Path

from portal.commands.common import err, out, root_of
from portal.model.messages import _


def _config(args: argparse.Namespace):
    from portal.service.config import load_config

    overrides = {"db_url": args.db_url} if getattr(args, "db_url", None) else {}
    return load_config(root_of(args), **overrides)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _engine(cfg):
    """The database of *cfg*, migrated to the newest revision first (idempotent)."""
    from portal.service import db

    db.migrate(cfg.db_url)
    return db.make_engine(cfg.db_url)


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from portal.service import db
    from portal.service.dispatch import create_dispatcher, uvicorn_config

    cfg = _config(args)
    db.migrate(cfg.db_url)
    stop: list = []
    if args.sites:
        output = Path(args.sites) if Path(args.sites).is_absolute() else cfg.root / args.sites
        if not output.is_dir():
            err.print(_("{path} does not exist — build the sites first (portal build)", path=output))
            return 2
        from portal.model.sites import load_network
        from portal.stages.directory import write_directory

        network = load_network(cfg.root)
        write_directory(network, output, args.port)  # the directory page links to this port
        editor = None
        if args.editor:
            editor, backend = _start_editor(network, cfg.root, output, args.port)
            if backend is not None:
                stop.append(backend.terminate)
        app = create_dispatcher(cfg, output, editor=editor)
        out.print(_("Serving every site at http://<id>.localhost:{port}/ with the interaction service under /api/ "
                    "(back office: /api/quan-tri/); Ctrl-C stops.", port=args.port))
    else:
        from portal.service.app import create_app

        app = create_app(cfg)
        out.print(_("Serving the interaction service at http://{bind}:{port}/api/; Ctrl-C stops.",
                    bind=args.bind, port=args.port))
    try:
        uvicorn.Server(uvicorn_config(app, cfg, host=args.bind, port=args.port, log_level="info")).run()
    finally:
        for f in stop:
            f()
    return 0


def _start_editor(network, root: Path, output: Path, port: int):
    """The web editor of every site (output/<id>/admin/) and its local backend, decap-server, writing into *root*."""
    from portal.service.dispatch import EditorProxy
    from portal.stages import cms

    for site in network.sites:
        if (output / site.id).is_dir():
            cms.write(network, site, output / site.id / cms.ADMIN, root=root, serve_port=port)
    backend_port = network.cms.local_port
    backend = cms.start_local_backend(root, root, backend_port)
    if backend is None:
        err.print(_("decap-server did not start (node and node_modules/decap-server are needed: npm ci) — the web editor "
                    "at /admin/ cannot save"))
    else:
        out.print(_("Web editor: http://<id>.localhost:{port}/admin/ (saves into {root} through decap-server)", port=port, root=root))
    return EditorProxy(f"http://127.0.0.1:{backend_port}/api/v1", network.home), backend


def cmd_migrate(args: argparse.Namespace) -> int:
    from portal.service import db

    cfg = _config(args)
    db.migrate(cfg.db_url, args.revision)
    out.print(_("database at revision {revision}", revision=db.current_revision(cfg.db_url) or "base"))
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.service import accounts, db

    cfg = _config(args)
    network = load_network(cfg.root)
    sites = list(args.site or [])
    for team in args.team or []:
        found = accounts.sites_of_team(network, team)
        if not found:
            err.print(_("no site has the team {team} among its editors in sites.yaml", team=team))
            return 2
        sites += found
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = os.environ.get("PORTAL_NEW_PASSWORD") or getpass.getpass(_("Password: "))
    engine = _engine(cfg)
    try:
        with db.sessions(engine)() as s:
            user = accounts.create_user(s, network, login=args.login, name=args.name or args.login, password=password,
                                        role=args.role, sites=sites, now=_now())
            out.print(_("user {login} ({role}) saved, boards: {boards}", login=user.login, role=user.role,
                        boards=", ".join(user.board_ids)))
    except accounts.AccountError as exc:
        err.print(str(exc))
        return 2
    finally:
        engine.dispose()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.model.workdays import WorkingCalendar
    from portal.service import db, workflow

    cfg = _config(args)
    network = load_network(cfg.root)
    sites = args.site or network.ids
    unknown = [s for s in sites if s not in network]
    if unknown:
        err.print(_("unknown site: {sites}", sites=", ".join(unknown)))
        return 2
    cal = WorkingCalendar(network)
    today = cal.local_date(_now()) if not args.today else dt.date.fromisoformat(args.today)
    engine = _engine(cfg)
    try:
        with db.sessions(engine)() as s:
            workflow.sync_published(s, cfg, _now(), sites)
            items = workflow.open_questions(s, sites)
            if args.overdue:
                items = workflow.overdue(items, today)
            elif args.due_soon:
                items = workflow.due_soon(items, today, cal)
            rows = [{"code": q.code, "site": q.site, "state": q.state, "subject": q.subject,
                     "received": cal.local_date(q.received_at).isoformat(), "due": q.due.isoformat() if q.due else None,
                     "overdue": bool(q.due and q.due < today)} for q in items]
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    from rich.table import Table

    table = Table(title=_("{count} question(s) awaiting an answer", count=len(rows)))
    for col in (_("code"), _("site"), _("state"), _("received"), _("due"), _("subject")):
        table.add_column(col)
    for r in rows:
        due = f"[red]{r['due']}[/]" if r["overdue"] else (r["due"] or "")
        table.add_row(r["code"], r["site"], workflow.STATE_LABELS[r["state"]], r["received"], due, r["subject"][:60])
    out.print(table)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.service import db, export

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month or ""):
        err.print(_("--month must be YYYY-MM, e.g. 2026-11"))
        return 2
    cfg = _config(args)
    network = load_network(cfg.root)
    unknown = [s for s in args.site or [] if s not in network]
    if unknown:
        err.print(_("unknown site: {sites}", sites=", ".join(unknown)))
        return 2
    engine = _engine(cfg)
    try:
        with db.sessions(engine)() as s:
            changed = export.export_month(s, network, args.month, _now(), sites=args.site or None)
    finally:
        engine.dispose()
    out.print(_("{count} file(s) written under data/interaction/ for {month}; commit them so the build shows them",
                count=len(changed), month=args.month))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from portal.service import db
    from portal.service.purge import purge

    cfg = _config(args)
    days = args.days if args.days is not None else cfg.retention_days
    engine = _engine(cfg)
    try:
        with db.sessions(engine)() as s:
            done = purge(s, _now(), days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    message = (_("would erase the personal data of {questions} question(s) and {comments} comment(s) older than {days} days",
                 questions=done["questions"], comments=done["comments"], days=days) if args.dry_run else
               _("erased the personal data of {questions} question(s) and {comments} comment(s) older than {days} days",
                 questions=done["questions"], comments=done["comments"], days=days))
    out.print(message)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from portal.service.loadtest import run_load, summary
    from portal.service.pgtemp import TempPostgres, available

    cfg = _config(args)
    results = []
    targets = [args.db_url] if args.db_url else [f"sqlite:///{cfg.root / 'var' / 'service' / 'bench.sqlite3'}"]
    for url in targets:
        results.append(run_load(cfg.root, url, rate=args.rate, seconds=args.seconds, site=args.site))
        out.print(summary(results[-1]))
    if args.postgres:
        reason = available()
        if reason:
            err.print(_("PostgreSQL skipped: {reason}", reason=reason))
        else:
            with TempPostgres(durable=True) as pg:
                results.append(run_load(cfg.root, pg.url, rate=args.rate, seconds=args.seconds, site=args.site))
            out.print(summary(results[-1]))
    if not args.db_url:  # the benchmark's own SQLite file
        for suffix in ("", "-wal", "-shm"):
            Path(targets[0].removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    if args.json:
        Path(args.json).write_text(json.dumps([r.as_dict() for r in results], indent=1), encoding="utf-8")
    ok = all(r.nothing_lost and r.p99_ms < 200 and r.achieved_rate >= args.rate * 0.98 for r in results)
    return 0 if ok else 1


def cmd_proxy_config(args: argparse.Namespace) -> int:
    from portal.model.sites import load_network
    from portal.service.deploy import nginx_config, systemd_unit

    root = root_of(args)
    if args.systemd:
        print(systemd_unit(str(root), str(Path(sys.executable).parent / "portal"), args.port,
                           os.environ.get("PORTAL_DB_URL", "postgresql+psycopg://portal@/portal?host=/run/postgresql")),
              end="")
    else:
        print(nginx_config(load_network(root), args.target, args.port), end="")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """service run|migrate|create-user|list|export|purge|bench."""
    p = sub.add_parser("service", help="the interaction service: questions, comments, ratings (issue 15)")
    s = p.add_subparsers(dest="service_command", required=True)

    def db_option(q: argparse.ArgumentParser) -> None:
        q.add_argument("--db-url", help="database URL (default: PORTAL_DB_URL, else SQLite in var/service/)")

    r = s.add_parser("run", help="serve the service (and with --sites the static sites on the same origins)")
    r.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    r.add_argument("--bind", default="127.0.0.1")
    r.add_argument("--sites", metavar="OUTPUT", help="also serve the built sites of OUTPUT at http://<id>.localhost:PORT/")
    r.add_argument("--editor", action="store_true",
                   help="with --sites: also the web editor at …/admin/ (Decap CMS) and its local backend (decap-server) writing into the checkout")
    db_option(r)
    r.set_defaults(func=cmd_run)

    m = s.add_parser("migrate", help="create or upgrade the database (Alembic)")
    m.add_argument("--revision", default="head", help="head (default), base, or a revision")
    db_option(m)
    m.set_defaults(func=cmd_migrate)

    u = s.add_parser("create-user", help="add a board member, or reset their password, role and boards")
    u.add_argument("login")
    u.add_argument("--name", help="the person's full name")
    u.add_argument("--role", choices=["editor", "leader"], default="editor", help="leader may approve answers")
    u.add_argument("--site", action="append", metavar="ID", help="a board (site id) the person belongs to")
    u.add_argument("--team", action="append", metavar="@ORG/TEAM", help="every board whose editors include this team")
    u.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    db_option(u)
    u.set_defaults(func=cmd_create_user)

    ls = s.add_parser("list", help="questions awaiting an answer (the back office's lists)")
    ls.add_argument("--site", action="append", metavar="ID")
    g = ls.add_mutually_exclusive_group()
    g.add_argument("--overdue", action="store_true", help="only those past their deadline")
    g.add_argument("--due-soon", action="store_true", help="only those due within 2 working days")
    ls.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    ls.add_argument("--json", action="store_true")
    db_option(ls)
    ls.set_defaults(func=cmd_list)

    e = s.add_parser("export", help="monthly figures without personal data → data/interaction/<site>/<month>.json")
    e.add_argument("--month", required=True, metavar="YYYY-MM")
    e.add_argument("--site", action="append", metavar="ID")
    db_option(e)
    e.set_defaults(func=cmd_export)

    pg = s.add_parser("purge", help="erase personal data older than the retention period")
    pg.add_argument("--days", type=int, help="retention in days (default: PORTAL_RETENTION_DAYS, else 365)")
    pg.add_argument("--dry-run", action="store_true")
    db_option(pg)
    pg.set_defaults(func=cmd_purge)

    x = s.add_parser("proxy-config", help="print the nginx configuration (or --systemd: the unit) for production")
    x.add_argument("--target", default="/srv/portals", help="the publication folder of portal publish --target")
    x.add_argument("--port", type=int, default=8300, help="where the service listens on 127.0.0.1")
    x.add_argument("--systemd", action="store_true", help="print the systemd unit instead")
    x.set_defaults(func=cmd_proxy_config)

    b = s.add_parser("bench", help="load test: N questions a second for S seconds on 127.0.0.1 (make bench-service)")
    b.add_argument("--rate", type=float, default=200)
    b.add_argument("--seconds", type=float, default=30)
    b.add_argument("--site", help="the portal the questions are sent to (default: the last in sites.yaml)")
    b.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL cluster")
    b.add_argument("--json", metavar="PATH")
    db_option(b)
    b.set_defaults(func=cmd_bench)
