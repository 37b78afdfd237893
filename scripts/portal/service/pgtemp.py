"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder, a unix socket there.

Uses Debian's server binaries (``/usr/lib/postgresql/<version>/bin``; ``make test`` installs the
``postgresql`` package when missing). PostgreSQL refuses to run as root, so as root the
cluster is created and run as the ``postgres`` system user (``runuser``). :func:`available`
says why not when it cannot start, so tests skip with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def server_bin() -> Path | None:
    """The newest installed server's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


def available() -> str | None:
    """None when a cluster can be started here, else the reason (for a skip message)."""
    if server_bin() is None:
        return "PostgreSQL server binaries are missing (apt-get install postgresql; make test does it)"
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _uid("postgres") is None):
        return "running as root without a 'postgres' user and runuser: cannot start PostgreSQL"
    return None


def _uid(user: str) -> int | None:
    import pwd

    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return None


class TempPostgres:
    """``with TempPostgres() as pg: pg.url`` → ``postgresql+psycopg://postgres@/portal?host=<socket dir>``."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable  # benchmarks: PostgreSQL's default fsync and commit settings
        self.dir = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data = self.dir / "data"
        self.bin = server_bin()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.url = f"postgresql+psycopg://postgres@/portal?host={self.dir}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> TempPostgres:
        if self.bin is None:
            raise RuntimeError(available() or "no PostgreSQL")
        if self.as_user:
            os.chmod(self.dir, 0o755)
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        opts = f"-k {self.dir} -c listen_addresses=''"
        if not self.durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "start")
        self._run(str(self.bin / "createdb"), "-h", str(self.dir), "-U", "postgres", "portal")
        return self

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
