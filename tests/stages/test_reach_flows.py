"""Issue 16's flows on small real projects: changes.json, import-feed, notices, press draft, radio script,
the outreach audit, and the front-matter rules of radio, press and media."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from portal.model.errors import PortalError

from ..conftest import NOW, REPO, make_project, mini_content, post, read, write
from ..gitrepo import commit, git, init


def _build(root: Path, **kw):
    from portal.stages.build import build

    report = build(root, now=NOW, jobs=2, **kw)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    return report


@pytest.mark.slow
def test_changes_json_after_one_post_changed_lists_exactly_that_post(tmp_path: Path):
    root = make_project(tmp_path / "proj")
    mini_content(root)
    _build(root, sites=["tinh", "xa-mot"])
    first = json.loads(read(root / "output/xa-mot/changes.json"))
    assert first["sequence"] == 1 and first["changes"][-1]["added"]
    _build(root, sites=["tinh", "xa-mot"])  # nothing changed: the same file
    assert json.loads(read(root / "output/xa-mot/changes.json")) == first
    target = root / "content/sites/xa-mot/tin-tuc/chuyen-doi-so.md"
    target.write_text(read(target).replace("Nội dung bài viết.", "Nội dung bài viết, đã sửa."), encoding="utf-8")
    post(root, "content/sites/xa-mot/tin-tuc/bai-moi.md", "Bài mới của xã", date="2026-04-01")
    (root / "content/sites/xa-mot/tin-tuc/tin-dau.md").unlink()
    _build(root, sites=["tinh", "xa-mot"])
    data = json.loads(read(root / "output/xa-mot/changes.json"))
    last = data["changes"][-1]
    assert data["sequence"] == 2 and last["sequence"] == 2
    assert last["changed"] == ["https://xamot.example.vn/tin-tuc/day-manh-chuyen-doi-so/"]
    assert last["added"] == ["https://xamot.example.vn/tin-tuc/bai-moi-cua-xa/"]
    assert last["removed"] == ["https://xamot.example.vn/tin-tuc/tin-dau-tien-cua-xa-mot/"]


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Cổng Thông tin điện tử Chính phủ - Chỉ đạo điều hành</title><link>https://chinhphu.example.vn/</link>
<description>Chỉ đạo, điều hành</description>
<item><title>Thủ tướng chỉ đạo ứng phó bão số 5</title><link>https://chinhphu.example.vn/chi-dao/bao-so-5</link>
<guid>cp-2026-0901</guid><pubDate>Tue, 01 Sep 2026 08:00:00 +0700</pubDate>
<description><![CDATA[<h1>Công điện</h1><p>Các bộ, ngành <strong>chủ động</strong> ứng phó.</p><img src="https://evil.example/x.png"><script>alert(1)</script><h3>Nhiệm vụ</h3><p>Sơ tán dân.</p>]]></description></item>
<item><title></title><link>https://chinhphu.example.vn/chi-dao/khong-tieu-de</link><guid>cp-bad-1</guid></item>
<item><title>Mục không có địa chỉ</title><guid>cp-bad-2</guid></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Văn phòng Chính phủ</title><id>tag:vpcp.example.vn,2026:feed</id><updated>2026-09-02T08:00:00Z</updated>
<entry><title>Chỉ thị về chuyển đổi số quốc gia năm 2026</title><id>tag:vpcp.example.vn,2026:ct-05</id>
<link href="https://vpcp.example.vn/ct-05"/><updated>2026-09-02T08:00:00Z</updated><published>2026-09-02T08:00:00Z</published>
<content type="html">&lt;p&gt;Đẩy mạnh dịch vụ công trực tuyến toàn trình.&lt;/p&gt;</content></entry></feed>"""
JSONFEED = {"version": "https://jsonfeed.org/version/1.1", "title": "Bộ Nội vụ", "items": [
    {"id": "bnv-1", "url": "https://bnv.example.vn/tin/1", "title": "Hướng dẫn sắp xếp đơn vị hành chính cấp xã",
     "content_text": "Đoạn một.\n\nĐoạn hai với đường làng.", "date_published": "2026-09-03T09:00:00+07:00"},
    {"id": "bnv-2", "url": "javascript:alert(1)", "title": "Mục độc hại", "content_html": "<p>x</p>"}]}


@pytest.mark.slow
def test_import_feed_rss_atom_json_is_validated_on_a_branch_and_idempotent(tmp_path: Path):
    from portal.model.sites import load_network
    from portal.stages.outreach import imports

    root = make_project(tmp_path / "proj")
    mini_content(root)
    init(root)
    commit(root, "start")
    feeds = tmp_path / "feeds"
    write(feeds / "rss.xml", RSS)
    write(feeds / "atom.xml", ATOM)
    write(feeds / "feed.json", json.dumps(JSONFEED, ensure_ascii=False))
    network = load_network(root)
    written: dict[str, str] = {}
    for name in ("rss.xml", "atom.xml", "feed.json"):
        report = imports.import_feed(network, str(feeds / name), audience=["commune", "ward"], branch="nhap-tin/test", now=NOW)
        assert report.commit, (name, report.refused)
        written.update(report.written)
        if name == "rss.xml":
            assert len(report.refused) == 2  # no title; no address
        if name == "feed.json":
            assert any("Mục độc hại" not in t for t in report.written.values()) and len(report.refused) == 1
    assert len(written) == 3
    assert not any((root / rel).exists() for rel in written)  # the working tree is not touched
    files = git(root, "ls-tree", "-r", "--name-only", "nhap-tin/test", "content/shared").split()
    assert set(written) <= set(files)
    text = git(root, "show", "nhap-tin/test:" + next(r for r in written if "bao-so-5" in r))
    assert "canonical: https://chinhphu.example.vn/chi-dao/bao-so-5" in text and "source_id: cp-2026-0901" in text
    assert "audience:\n- commune\n- ward" in text and "## Công điện" in text and "### Nhiệm vụ" in text
    assert "evil.example" not in text and "<script" not in text and "alert" not in text
    # again: every item is already on the branch → skipped, no new commit
    tip = git(root, "rev-parse", "nhap-tin/test").strip()
    for name in ("rss.xml", "atom.xml", "feed.json"):
        report = imports.import_feed(network, str(feeds / name), audience=["commune"], branch="nhap-tin/test", now=NOW)
        assert not report.written and report.skipped and report.commit is None
    assert git(root, "rev-parse", "nhap-tin/test").strip() == tip
    # merged: still skipped from the working tree; and the imported directive builds with its canonical source
    git(root, "merge", "--ff-only", "nhap-tin/test")
    assert not imports.import_feed(load_network(root), str(feeds / "rss.xml"), audience=[], branch="nhap-tin/2", now=NOW).written
    _build(root, sites=["tinh", "xa-mot"])
    page = read(next((root / "output/xa-mot/chi-dao-dieu-hanh").glob("thu-tuong*/index.html")))
    assert '<link rel="canonical" href="https://chinhphu.example.vn/chi-dao/bao-so-5">' in page


class _Hook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []
    fail_next: ClassVar[int] = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Hook.fail_next:
            _Hook.fail_next -= 1
            self.send_response(500)
            self.end_headers()
            return
        _Hook.received.append({"key": self.headers["Idempotency-Key"], "auth": self.headers.get("Authorization"), **json.loads(body)})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as sock:  # a free port (the controller checks it is up by connecting)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def test_notices_delivered_once_per_directive_and_retried_after_a_failure(tmp_path: Path, smtp_server, monkeypatch):
    from email import message_from_bytes
    from email.policy import default

    from portal.model.sites import load_network
    from portal.stages.outreach import notices

    smtp_port, handler = smtp_server
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    _Hook.received.clear()
    _Hook.fail_next = 1
    root = make_project(tmp_path / "proj")
    mini_content(root)
    monkeypatch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTAL_SMTP_PORT", str(smtp_port))
    monkeypatch.setenv("PORTAL_SMTP_STARTTLS", "0")
    monkeypatch.setenv("PORTAL_NOTIFY_WEBHOOK", f"http://127.0.0.1:{hook.server_address[1]}/hook")
    monkeypatch.setenv("PORTAL_NOTIFY_WEBHOOK_TOKEN", "bi-mat")
    monkeypatch.delenv("PORTAL_OUTBOX", raising=False)
    network = load_network(root)
    write(root / "content/sites/xa-mot/pages/lien-he.md", "---\ntitle: Liên hệ\n---\nx\n")
    outbox = notices.outbox_dir(root)
    assert outbox == root / "var" / "outbox"
    published = [("xa-mot", "R1", ["chi-dao-dieu-hanh/chi-thi-ve-phong-chong-bao-lu/index.html", "tin-tuc/a/index.html",
                                   "chi-dao-dieu-hanh/khong-phai-chi-dao/index.html"]),
                 ("xa-hai", None, ["chi-dao-dieu-hanh/chi-thi-ve-phong-chong-bao-lu/index.html"])]  # a first release: nothing
    site = network.site("xa-mot")
    site.notify = {"email": ["btb@xamot.example.vn"], "phone": ["0912345678"]}
    queued, delivery, error = notices.after_publish(network, published, NOW)
    assert error is None and len(queued) == 1 and queued[0].site == "xa-mot"
    assert delivery is not None and not delivery.sent and delivery.errors  # the webhook answered 500: kept
    assert len(handler.messages) == 1  # the e-mail went; it is not sent again on the retry
    pending = notices.pending(outbox)
    assert len(pending) == 1 and pending[0].done == ["email"] and "webhook" in pending[0].errors
    # the next publish (nothing new) retries what is pending
    queued, delivery, error = notices.after_publish(network, [("xa-mot", "R2", [])], NOW)
    assert not queued and len(delivery.sent) == 1 and not notices.pending(outbox)
    assert len(handler.messages) == 1 and len(_Hook.received) == 1
    got = _Hook.received[0]
    assert got["event"] == "directive_published" and got["site"] == "xa-mot" and got["board"]["phones"] == ["0912345678"]
    assert (got["auth"] == "Bearer bi-mat" and got["key"] == queued and False) or got["key"]
    mail = message_from_bytes(handler.messages[0].content, policy=default)
    assert "Chỉ thị về phòng chống bão lũ" in mail["Subject"] and handler.messages[0].rcpt_tos == ["btb@xamot.example.vn"]
    assert "https://xamot.example.vn/chi-dao-dieu-hanh/chi-thi-ve-phong-chong-bao-lu/" in mail.get_content()
    # the same directive published again: never a second notice
    queued, delivery, error = notices.after_publish(network, published, NOW)
    assert not queued and not delivery.sent and len(handler.messages) == 1 and len(_Hook.received) == 1
    # a broken outbox never fails the publish: the error is returned
    monkeypatch.setenv("PORTAL_OUTBOX", str(root / "sites.yaml"))
    _q, _d, error = notices.after_publish(network, [("xa-mot", "R3", ["chi-dao-dieu-hanh/nhiem-vu-cua-cap-xa-phuong/index.html"])], NOW)
    assert error
    hook.shutdown()
    hook.server_close()


def test_notify_dry_run_shows_and_sends_nothing(tmp_path: Path, monkeypatch):
    from portal.cli import main
    from portal.model.sites import load_network
    from portal.stages.outreach import notices

    root = make_project(tmp_path / "proj")
    mini_content(root)
    monkeypatch.setenv("PORTAL_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTAL_SMTP_PORT", "9")  # nothing listens: a real send would fail
    notices.enqueue(load_network(root), tmp_path / "outbox",
                    [("xa-hai", "R1", ["chi-dao-dieu-hanh/giao-nhiem-vu-cho-so-a-va-xa-hai/index.html"])], NOW)
    assert main(["--root", str(root), "notify", "--dry-run"]) == 0
    assert len(notices.pending(tmp_path / "outbox")) == 1 and notices.pending(tmp_path / "outbox")[0].attempts == 0


def test_press_draft_lists_the_months_directives_and_news_with_links_that_resolve(tmp_path: Path):
    import shutil

    from portal.model.sites import load_network
    from portal.stages.check import check
    from portal.stages.outreach import press

    root = tmp_path / "proj"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "sites.yaml", root / "sites.yaml")
    network = load_network(root)
    rel, text = press.draft(network, network.home_site, "2026-08", NOW)
    assert rel == "content/sites/bac-ninh/thong-tin-bao-chi/thong-tin-bao-chi-thang-08-2026.md"
    assert "status: draft" in text and "period: 2026-08" in text and "../../../shared/" in text
    press.write_draft(root, rel, text)
    with pytest.raises(PortalError):
        press.write_draft(root, rel, text)  # never overwritten without --force
    assert [p for p in check(load_network(root), [root / rel]) if "CODEOWNERS" not in p.message] == []
    with pytest.raises(PortalError):
        press.draft(network, network.site("tien-du"), "2026-08", NOW)  # no press section there


def test_radio_script_of_a_week():
    from portal.model.sites import load_network
    from portal.stages.outreach import radio

    network = load_network(REPO)
    text = radio.script(network, network.site("tien-du"), "2026-W47", NOW)
    assert text.startswith("KỊCH BẢN PHÁT THANH — XÃ TIÊN DU") and "16/11/2026" in text
    assert all(len(line) <= 72 for line in text.splitlines() if not line.startswith(("(Chi tiết", "KỊCH", "Nguồn", "Kính thưa", "Tuần", "Bà con")))
    assert "<" not in text and "](" not in text and "##" not in text
    with pytest.raises(PortalError):
        radio.week_range("2026-47", dt.UTC)  # type: ignore[arg-type]


def test_outreach_audit_press_months_and_social_names():
    from portal.model.sites import load_network
    from portal.stages.outreach import audit

    network = load_network(REPO)
    found = audit.findings(network, NOW)
    by = {(f.site, f.item) for f in found}
    assert ("bac-ninh", "press_release") not in by  # October's release is there; November is not over
    later = audit.findings(network, NOW + dt.timedelta(days=40), ["bac-ninh"])
    assert any(f.item == "press_release" and "2026-11" in f.detail for f in later)
    assert ("phat-tich", "social_account") in by and ("tien-du", "social_account") not in by
    assert ("tien-du", "social_name") not in by  # "UBND xã Tiên Du" is the agency's full name
    assert ("so-noi-vu", "social_name") in by  # its Facebook account's name is not recorded


@pytest.mark.parametrize(("extra", "body", "message"), [
    ({"category": "phat-thanh", "audio": "files/a.mp3"}, "Ngắn.", "transcript"),
    ({"category": "phat-thanh", "priority": "rất gấp"}, "x", "priority 'rất gấp' is not known"),
    ({"category": "phat-thanh", "duration": "4 phút"}, "x", "is not a duration"),
    ({"category": "thong-tin-bao-chi"}, "x", "needs the month it covers"),
    ({"category": "thong-tin-bao-chi", "period": "11/2026", "spokesperson": "A"}, "x", "is not a month"),
    ({"gallery": "[{image: files/a.jpg}]"}, "x", "has no alt text"),
    ({"infographic": "{image: files/a.png, alt: a, text: ngắn}"}, "x", "text alternative"),
    ({"video": "{src: files/a.mp4}"}, "x", "needs captions"),
    ({"video": "{embed: 'https://video.example.vn/1'}"}, "x", "needs a title"),
])
def test_front_matter_rules_of_radio_press_and_media(tmp_path: Path, extra, body, message):
    from zoneinfo import ZoneInfo

    from portal.model.content import read_post, validate

    meta = {"category": "tin-tuc", **extra}
    path = post(tmp_path, "content/sites/x/a.md", "Bài", body=body, **{k: v for k, v in meta.items() if k != "category"},
                category=meta["category"])
    p = read_post(path, tmp_path, site="x", kind="article", tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    validate(p, sections=None, languages=["vi"], tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert any(message in pr.message for pr in p.problems), [pr.message for pr in p.problems]


def test_media_origin_files_must_be_in_the_manifest(tmp_path: Path):
    from portal.model.sites import load_network
    from portal.stages.check import check, media_problems

    root = make_project(tmp_path / "proj", sites_yaml=read(REPO / "tests" / "conftest.py").split('MINI_SITES = """\\\n', 1)[1].split('"""', 1)[0]
                        .replace("  maintainers:", "  media_url: https://media.example.vn\n  maintainers:"))
    post(root, "content/sites/xa-mot/phat-thanh/a.md", "Bản tin", category="phat-thanh",
         body="Kính thưa bà con, đây là bản tin phát thanh của xã Một với đủ các tin trong tuần, mời bà con cùng nghe và theo dõi.",
         audio="https://media.example.vn/radio/a.mp3")
    problems = check(load_network(root), [root / "content/sites/xa-mot"])
    assert any("is not listed in media.yaml" in p.message for p in problems)
    mirror = tmp_path / "mirror" / "radio"
    mirror.mkdir(parents=True)
    (mirror / "a.mp3").write_bytes((REPO / "content/sites/tien-du/files/phat-thanh/ban-tin-2026-01-15.mp3").read_bytes())
    from portal.cli import main

    assert main(["--root", str(root), "media", "add", "--from", str(tmp_path / "mirror"), "radio/a.mp3"]) == 0
    assert "duration" in read(root / "media.yaml")
    assert not check(load_network(root), [root / "content/sites/xa-mot"])
    assert not media_problems(root, tmp_path / "mirror")
    (mirror / "a.mp3").write_bytes(b"changed")
    assert any("bytes, not" in p.message for p in media_problems(root, tmp_path / "mirror"))
