"""Connecting to the database and migrating it (Alembic, scripts in ``migrations/``).

SQLite (the default: one file, WAL journal, ``synchronous=NORMAL``, a 5 s busy timeout) or
PostgreSQL (``postgresql+psycopg://…``). ``migrate(url)`` brings a database to the newest
revision; ``migrate(url, "base")`` takes everything down again.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, *, background_checkpoints: bool = False) -> Engine:
    """An engine for *url*; a SQLite file's folder is created, and the file runs in WAL mode.

    With *background_checkpoints* (the running service), SQLite's automatic checkpoints are off
    on the request path and a daemon thread checkpoints the WAL every second instead (PASSIVE:
    writers are not blocked), so no request waits for the database file's fsync.
    """
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False}, pool_size=8,
                               max_overflow=8)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=5000")
            if background_checkpoints:
                cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        if background_checkpoints:
            _checkpoint_thread(engine)
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)


def _checkpoint_thread(engine: Engine, every: float = 1.0) -> None:
    """Checkpoint the WAL of *engine*'s SQLite file every *every* seconds, until the engine is disposed."""
    import threading

    from sqlalchemy import text

    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every):
            try:
                with engine.connect() as conn:
                    conn.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
            except Exception:  # a busy or closed database: try again next time
                continue

    threading.Thread(target=run, name="sqlite-checkpoint", daemon=True).start()
    event.listen(engine, "engine_disposed", lambda _e: stop.set())


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at *url* to *revision* (``head``), or downgrade to it (``base``, ``-1``)."""
    from alembic import command

    cfg = alembic_config(url)
    current = current_revision(url)
    if revision == "head" or (current is None and revision != "base"):
        command.upgrade(cfg, revision)
    else:
        command.downgrade(cfg, revision)


def current_revision(url: str) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""
