"""Notices to the boards (issue 16.7; 2024 plan task 8: the provincial board and the portals' boards exchange
information by Zalo, e-mail and SMS).

When a publish makes a new shared directive live on a portal, that portal's board gets a notice:

- an **e-mail** through SMTP (``network.notify.smtp`` in sites.yaml; ``PORTAL_SMTP_HOST``, ``PORTAL_SMTP_PORT``,
  ``PORTAL_SMTP_FROM``, ``PORTAL_SMTP_USER``, ``PORTAL_SMTP_PASSWORD``, ``PORTAL_SMTP_STARTTLS`` override it), to
  the site's ``notify.email`` (default its contact e-mail);
- a **webhook**: a JSON POST to ``network.notify.webhook`` (``PORTAL_NOTIFY_WEBHOOK`` overrides it; with
  ``PORTAL_NOTIFY_WEBHOOK_TOKEN`` sent as ``Authorization: Bearer …``) for the Zalo OA or SMS gateway the province
  runs; its body names the site, the board's e-mail addresses and phone numbers and the directive, and the
  header ``Idempotency-Key`` the notice (a receiver that sees one twice ignores the second).

**The outbox** (``var/outbox/`` beside the project, or ``PORTAL_OUTBOX``; never under ``output/``): each notice
is a JSON file in ``pending/`` until every configured channel has delivered it, then moves to ``sent/``. A
failed delivery stays pending with its error and is retried by the next publish (or ``portal notify``); it
never blocks or fails a publish. One notice per site and directive, ever: a directive published again
(a rebuild, a rollback and forward) is not announced twice. A site's first release announces nothing (every
directive would be "new").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from portal.model import catalogue
from portal.model.sites import Network

DIRECTIVES = "chi-dao-dieu-hanh/"
TIMEOUT = 10
CHANNELS = ("email", "webhook")


def outbox_dir(root: Path) -> Path:
    """``PORTAL_OUTBOX`` or ``<project>/var/outbox``."""
    return Path(os.environ["PORTAL_OUTBOX"]) if os.environ.get("PORTAL_OUTBOX") else root / "var" / "outbox"


@dataclass
class Settings:
    """Where notices go: SMTP (``host`` empty: no e-mail) and the webhook (empty: none)."""

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_user: str = ""
    smtp_password: str = ""
    starttls: bool = False
    webhook: str = ""
    webhook_token: str = ""

    @classmethod
    def of(cls, network: Network) -> Settings:
        smtp = network.notify.get("smtp", {})
        env = os.environ
        return cls(smtp_host=env.get("PORTAL_SMTP_HOST", smtp.get("host", "")),
                   smtp_port=int(env.get("PORTAL_SMTP_PORT") or smtp.get("port") or 25),
                   smtp_from=env.get("PORTAL_SMTP_FROM", smtp.get("from", "")) or f"no-reply@{network.home_site.url.split('://')[-1]}",
                   smtp_user=env.get("PORTAL_SMTP_USER", ""), smtp_password=env.get("PORTAL_SMTP_PASSWORD", ""),
                   starttls=(env.get("PORTAL_SMTP_STARTTLS", "1" if smtp.get("starttls") else "0") == "1"),
                   webhook=env.get("PORTAL_NOTIFY_WEBHOOK", network.notify.get("webhook", "")),
                   webhook_token=env.get("PORTAL_NOTIFY_WEBHOOK_TOKEN", ""))

    def channels(self) -> list[str]:
        return [c for c, on in (("email", bool(self.smtp_host)), ("webhook", bool(self.webhook))) if on]


@dataclass
class Notice:
    """One notice: a site's board, a directive; ``done`` channels, ``attempts``, ``errors``."""

    id: str
    site: str
    directive: str
    data: dict[str, Any]
    done: list[str] = field(default_factory=list)
    attempts: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "site": self.site, "directive": self.directive, **self.data, "done": self.done,
                "attempts": self.attempts, "errors": self.errors}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Notice:
        core = {"id", "site", "directive", "done", "attempts", "errors"}
        return cls(d["id"], d["site"], d["directive"], {k: v for k, v in d.items() if k not in core},
                   list(d.get("done") or []), int(d.get("attempts") or 0), dict(d.get("errors") or {}))


def notice_id(site: str, directive: str) -> str:
    return hashlib.sha256(f"{site}\n{directive}".encode()).hexdigest()[:20]


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def pending(outbox: Path) -> list[Notice]:
    """The notices not yet delivered on every channel, oldest first."""
    found = []
    for path in sorted((outbox / "pending").glob("*.json")):
        try:
            found.append(Notice.from_json(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError):
            continue
    return sorted(found, key=lambda n: (str(n.data.get("queued", "")), n.id))


def enqueue(network: Network, outbox: Path, published: list[tuple[str, str | None, list[str]]], now: dt.datetime) -> list[Notice]:
    """Queue a notice for each directive that a publish made live: *published* is ``(site, previous release, added files)``.

    A site without a previous release (its first) and a directive already announced to that site are skipped.
    """
    def directive_pages(added: list[str]) -> list[str]:
        return [path for path in added if path.startswith(DIRECTIVES) and path.endswith("/index.html") and path.count("/") == 2]

    wanted = [(site, pages) for site, previous, added in published if previous and site in network
              for pages in [directive_pages(added)] if pages]
    if not wanted:  # no directive page went live: the network's content is not read (a post's merge stays fast)
        return []
    catalogue.ensure_loaded(network, now)  # the directives of this network (never another's left in the process)
    by_slug = {p.slug: p for p in catalogue.SHARED if p.lang == network.default_language}
    queued = []
    for site_id, added in wanted:
        site = network.site(site_id)
        for path in added:
            post = by_slug.get(path.split("/")[1])
            if post is None or site_id not in catalogue.AUDIENCES.get(post.rel, ()):
                continue  # the site's own post in its directives section, not a shared directive
            nid = notice_id(site_id, post.rel)
            if (outbox / "pending" / f"{nid}.json").exists() or (outbox / "sent" / f"{nid}.json").exists():
                continue
            home = network.home_site
            notice = Notice(nid, site_id, post.rel, {
                "queued": now.isoformat(timespec="seconds"), "site_name": site.name("vi"), "title": post.title,
                "number": str(post.meta.get("number") or ""), "summary": str(post.meta.get("summary") or ""),
                "date": post.date.isoformat() if post.date else "", "url": f"{site.url}/{post.url()}",
                "canonical": str(post.meta.get("canonical") or f"{home.url}/{post.url()}"),
                "emails": site.notice_emails(), "phones": list(site.notify.get("phone") or [])})
            _write(outbox / "pending" / f"{nid}.json", notice.to_json())
            queued.append(notice)
    return queued


def email_of(notice: Notice, settings: Settings) -> EmailMessage:
    """The e-mail of a notice (Vietnamese: the boards read it)."""
    d = notice.data
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(d.get("emails") or [])
    msg["Subject"] = f"[Chỉ đạo mới] {d['title']}"[:250]
    msg["Message-ID"] = f"<{notice.id}@portal-notice>"
    number = f" (số {d['number']})" if d.get("number") else ""
    msg.set_content(
        f"Kính gửi Ban Biên tập {d.get('site_name', notice.site)},\n\n"
        f"Văn bản chỉ đạo điều hành của tỉnh{number} vừa được đăng trên cổng của đơn vị:\n\n"
        f"  {d['title']}\n  {d['url']}\n\n"
        + (f"{d['summary']}\n\n" if d.get("summary") else "")
        + "Đề nghị Ban Biên tập theo dõi, tổ chức thực hiện và đưa tin trên mạng xã hội, đài truyền thanh của đơn vị.\n\n"
        "Thư này được gửi tự động khi cổng thông tin được xuất bản; không trả lời thư này.\n")
    return msg


def webhook_body(notice: Notice) -> dict[str, Any]:
    """The JSON a webhook receives."""
    d = notice.data
    return {"event": "directive_published", "notice_id": notice.id, "site": notice.site, "site_name": d.get("site_name"),
            "board": {"emails": d.get("emails") or [], "phones": d.get("phones") or []},
            "directive": {"title": d.get("title"), "number": d.get("number") or None, "summary": d.get("summary") or None,
                          "date": d.get("date"), "url": d.get("url"), "canonical": d.get("canonical"), "source": notice.directive},
            "text": f"Chỉ đạo mới trên cổng {d.get('site_name')}: {d.get('title')} {d.get('url')}"}


def _send_email(notice: Notice, settings: Settings) -> None:
    if not notice.data.get("emails"):
        return  # no address for this board: nothing to send
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as server:
        if settings.starttls:
            server.starttls()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        server.send_message(email_of(notice, settings))


def _post_webhook(notice: Notice, settings: Settings) -> None:
    body = json.dumps(webhook_body(notice), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": notice.id, "User-Agent": "portal-notify/1"}
    if settings.webhook_token:
        headers["Authorization"] = f"Bearer {settings.webhook_token}"
    req = urllib.request.Request(settings.webhook, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        if not 200 <= resp.status < 300:
            raise OSError(f"HTTP {resp.status}")


@dataclass
class Delivery:
    """What one delivery run did: notices sent on every channel, still pending, and the errors (``id: channel: error``)."""

    sent: list[Notice] = field(default_factory=list)
    pending: list[Notice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def deliver(network: Network, outbox: Path, now: dt.datetime, *, dry_run: bool = False) -> Delivery:
    """Try every pending notice on every configured channel it has not been delivered on. Never raises for a
    delivery: errors are recorded in the notice and returned; *dry_run* sends nothing and changes nothing."""
    settings = Settings.of(network)
    channels = settings.channels()
    result = Delivery()
    for notice in pending(outbox):
        todo = [c for c in channels if c not in notice.done]
        if dry_run:
            result.pending.append(notice)
            continue
        if not todo:
            result.pending.append(notice)  # no channel configured yet: kept until one is
            continue
        notice.attempts += 1
        for channel in todo:
            try:
                (_send_email if channel == "email" else _post_webhook)(notice, settings)
                notice.done.append(channel)
                notice.errors.pop(channel, None)
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                notice.errors[channel] = f"{now.isoformat(timespec='seconds')}: {type(exc).__name__}: {str(exc)[:200]}"
                result.errors.append(f"{notice.id}: {channel}: {type(exc).__name__}: {str(exc)[:200]}")
        if all(c in notice.done for c in channels):
            notice.data["sent"] = now.isoformat(timespec="seconds")
            _write(outbox / "sent" / f"{notice.id}.json", notice.to_json())
            (outbox / "pending" / f"{notice.id}.json").unlink(missing_ok=True)
            result.sent.append(notice)
        else:
            _write(outbox / "pending" / f"{notice.id}.json", notice.to_json())
            result.pending.append(notice)
    return result


def after_publish(network: Network, published: list[tuple[str, str | None, list[str]]], now: dt.datetime) -> tuple[list[Notice], Delivery | None, str | None]:
    """Queue the notices a publish makes and deliver every pending one; never raises (the error is returned)."""
    try:
        outbox = outbox_dir(network.root)
        queued = enqueue(network, outbox, published, now)
        return queued, deliver(network, outbox, now), None
    except Exception as exc:  # a notice must never fail a publish that is already live
        return [], None, f"{type(exc).__name__}: {str(exc)[:200]}"
