"""The service's settings: the project it serves, its database, secrets, mail and limits.

Everything comes from the environment (``PORTAL_*``), so one systemd unit or one test can
set it; :func:`load_config` reads it once. Defaults suit a local run in a checkout.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

#: the service's own folder in a checkout (ignored by Git): the SQLite file and the secret key
VAR_DIR = Path("var") / "service"


@dataclass
class Limits:
    """Bounds on what one request or one client can cause (issue 15, item 8).

    Sizes are in characters of text (after NFC), the body size in bytes. Rates are counts per
    window in seconds, per client address; 0 disables a limit (load tests).
    """

    body_bytes: int = 64 * 1024
    name: int = 120
    address: int = 300
    phone: int = 20
    email: int = 254
    subject: int = 250
    question: int = 8000
    remark: int = 1000
    answer: int = 20000
    submissions: int = 10          # questions and comments per client…
    submissions_window: int = 3600  # …per hour
    ratings: int = 30              # ratings and surveys per client…
    ratings_window: int = 3600
    lookups: int = 60              # status look-ups and similar-question searches per client…
    lookups_window: int = 60       # …per minute
    confirm_attempts: int = 5      # wrong e-mail codes per tracking code, then the code is void
    login_attempts: int = 5        # wrong passwords in a row, then the account is locked…
    lockout_seconds: int = 900     # …for 15 minutes


@dataclass
class Smtp:
    """Where confirmation codes are sent from (``PORTAL_SMTP_*``); no host: no confirmation step."""

    host: str = ""
    port: int = 25
    sender: str = "no-reply@localhost"
    user: str = ""
    password: str = ""
    starttls: bool = False


@dataclass
class ServiceConfig:
    """Settings of one running service. ``root`` is the project checkout (sites.yaml, content, Git)."""

    root: Path
    db_url: str
    secret_key: str
    output: Path | None = None               # static sites to serve beside the service (make serve)
    retention_days: int = 365                # personal data of closed items is erased after this
    session_seconds: int = 8 * 3600          # a back-office login lasts at most this…
    idle_seconds: int = 1800                 # …and ends after this long without a request
    secure_cookies: bool = False             # set behind HTTPS in production
    git_remote: str = "origin"               # answers are pushed there when it exists
    git_push: bool = True
    git_base: str = ""                       # the branch answers start from (default: HEAD)
    trusted_proxies: list[str] = field(default_factory=lambda: ["127.0.0.1", "::1"])
    limits: Limits = field(default_factory=Limits)
    smtp: Smtp = field(default_factory=Smtp)

    @property
    def confirm_email(self) -> bool:
        """Whether a sender confirms their e-mail with a code before the board sees the item."""
        return bool(self.smtp.host)


def _int(env: dict[str, str], key: str, default: int) -> int:
    value = env.get(key, "").strip()
    return int(value) if value else default


def default_db_url(root: Path) -> str:
    """SQLite in one file of the checkout's ``var/service/`` folder (created on first use)."""
    return f"sqlite:///{(root / VAR_DIR / 'portal.sqlite3').as_posix()}"


def secret_key(root: Path, env: dict[str, str]) -> str:
    """``PORTAL_SECRET_KEY``, else a random key kept in ``var/service/secret.key`` (mode 0600)."""
    if env.get("PORTAL_SECRET_KEY"):
        return env["PORTAL_SECRET_KEY"]
    path = root / VAR_DIR / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load_config(root: Path, env: dict[str, str] | None = None, **overrides) -> ServiceConfig:
    """The settings for the project at *root* from *env* (default ``os.environ``), then *overrides*.

    Keys: ``PORTAL_DB_URL`` (e.g. ``postgresql+psycopg://user@/portal?host=/run/postgresql``),
    ``PORTAL_SECRET_KEY``, ``PORTAL_RETENTION_DAYS``, ``PORTAL_SECURE_COOKIES``,
    ``PORTAL_GIT_REMOTE``, ``PORTAL_GIT_PUSH`` (0 to never push), ``PORTAL_GIT_BASE``,
    ``PORTAL_TRUSTED_PROXIES`` (comma-separated), ``PORTAL_SMTP_HOST``, ``PORTAL_SMTP_PORT``,
    ``PORTAL_SMTP_FROM``, ``PORTAL_SMTP_USER``, ``PORTAL_SMTP_PASSWORD``, ``PORTAL_SMTP_STARTTLS``,
    ``PORTAL_RATE_LIMITS`` (0 turns the per-client limits off, for load tests only).
    """
    env = dict(os.environ if env is None else env)
    root = Path(root).resolve()
    limits = Limits()
    if env.get("PORTAL_RATE_LIMITS", "").strip() == "0":
        limits.submissions = limits.ratings = limits.lookups = 0
    cfg = ServiceConfig(
        root=root,
        db_url=env.get("PORTAL_DB_URL") or default_db_url(root),
        secret_key=secret_key(root, env),
        retention_days=_int(env, "PORTAL_RETENTION_DAYS", 365),
        secure_cookies=env.get("PORTAL_SECURE_COOKIES", "") == "1",
        git_remote=env.get("PORTAL_GIT_REMOTE", "origin"),
        git_push=env.get("PORTAL_GIT_PUSH", "1") != "0",
        git_base=env.get("PORTAL_GIT_BASE", ""),
        trusted_proxies=[p.strip() for p in env.get("PORTAL_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()],
        limits=limits,
        smtp=Smtp(host=env.get("PORTAL_SMTP_HOST", ""), port=_int(env, "PORTAL_SMTP_PORT", 25),
                  sender=env.get("PORTAL_SMTP_FROM", "no-reply@localhost"), user=env.get("PORTAL_SMTP_USER", ""),
                  password=env.get("PORTAL_SMTP_PASSWORD", ""), starttls=env.get("PORTAL_SMTP_STARTTLS", "") == "1"),
    )
    for key, value in overrides.items():
        setattr(cfg, key, value)
    return cfg
