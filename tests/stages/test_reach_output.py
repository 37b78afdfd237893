"""Issue 16 on the built sample network: podcast feed, JSON Feeds, Open Graph and JSON-LD, media, QR codes, press.

One build of the repository's sample network (``built_sample``) is read by the validators of
``tests/validators.py`` (podcast rules, JSON Feed 1.1) and by an HTML parser.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from ..conftest import read
from ..validators import html_pages, json_feed_problems, podcast_problems


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.jsonld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a.get("name"), []).append(a.get("content") or "")
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False


def head(page: Path) -> _Head:
    h = _Head()
    h.feed(read(page))
    return h


def test_podcast_feed_of_a_commune_validates(built_sample):
    out, _ = built_sample
    feed = out / "tien-du" / "feeds" / "podcast.xml"
    assert not podcast_problems(feed, out / "tien-du")
    xml = read(feed)
    assert xml.count("<item>") == 3 and "<itunes:duration>00:00:0" in xml  # three bulletins with audio, seconds long
    assert 'podcast:transcript url="https://tiendu.bacninh.gov.vn/phat-thanh/' in xml
    radio_list = read(out / "tien-du" / "phat-thanh" / "index.html")
    assert 'href="/feeds/podcast.xml"' in radio_list and 'type="application/rss+xml"' in radio_list
    assert not (out / "bac-ninh" / "feeds" / "podcast.xml").exists()  # no radio with audio there


def test_the_podcast_validator_sees_what_is_wrong(built_sample, tmp_path: Path):
    out, _ = built_sample
    bad = read(out / "tien-du" / "feeds" / "podcast.xml").replace('length="', 'length="1', 1).replace("<itunes:duration>", "<itunes:duration>x", 1)
    (tmp_path / "p.xml").write_text(bad, encoding="utf-8")
    problems = podcast_problems(tmp_path / "p.xml", out / "tien-du")
    assert any("length" in p for p in problems) and any("duration" in p for p in problems)


def test_radio_bulletin_page_has_player_download_and_transcript(built_sample):
    out, _ = built_sample
    page = next((out / "tien-du" / "phat-thanh").glob("thong-bao-khan*/index.html"))
    html = read(page)
    assert '<audio controls preload="none" src="/files/phat-thanh/ban-tin-2026-11-20.mp3">' in html
    assert ('download>' in html and "Bản tin khẩn cấp" in html) or "Emergency bulletin" in html
    assert re.search(r'<time datetime="PT\d+S">00:00:0\d</time>', html)
    body = html.split("data-search-body", 1)[1]
    assert "ngầm tràn thôn Duệ Đông" in body  # the transcript is the page's text


def test_every_json_feed_validates_and_carries_the_extension(built_sample):
    out, _ = built_sample
    feeds = sorted(p for p in out.rglob("feeds/*.json"))
    assert len(feeds) > 50
    problems = [p for f in feeds for p in json_feed_problems(f)]
    assert not problems, problems[:20]
    doc = json.loads(read(out / "bac-ninh" / "feeds" / "thong-tin-bao-chi.json"))
    ext = doc["items"][0]["_portal"]
    assert ext["kind"] == "press_release" and ext["press"]["period"] == "2026-10" and ext["site_kind"] == "province"
    shared = json.loads(read(out / "tien-du" / "feeds" / "chi-dao-dieu-hanh.json"))["items"]
    directive = next(i for i in shared if i["_portal"].get("document"))
    assert directive["id"].startswith("https://bacninh.gov.vn/chi-dao-dieu-hanh/")  # one id across the network: its canonical
    assert directive["_portal"]["shared"] and directive["_portal"]["audience"] and directive["_portal"]["document"]["number"]
    radio = json.loads(read(out / "tien-du" / "feeds" / "phat-thanh.json"))["items"]
    audio = next(i for i in radio if i.get("attachments"))
    assert audio["attachments"][0]["mime_type"] == "audio/mpeg" and audio["attachments"][0]["size_in_bytes"] > 1000
    assert audio["_portal"]["radio"]["priority"] in ("normal", "priority", "emergency")


def test_attachments_carry_their_sha256(built_sample, tmp_path: Path):
    import hashlib

    out, _ = built_sample
    for feed in out.rglob("feeds/*.json"):
        for item in json.loads(read(feed))["items"]:
            for att in item["_portal"].get("attachments", []):
                local = out / feed.relative_to(out).parts[0] / att["url"].split("/", 3)[-1]
                assert hashlib.sha256(local.read_bytes()).hexdigest() == att["sha256"]


def test_open_graph_and_json_ld_on_every_page_type(built_sample):
    out, _ = built_sample
    pages = [p for site in ("bac-ninh", "tien-du") for p in html_pages(out / site)]
    assert len(pages) > 100
    for page in pages:
        h = head(page)
        for key in ("og:title", "og:type", "og:url", "og:image", "og:image:width", "og:image:height", "og:locale", "twitter:card"):
            assert h.meta.get(key), (page, key)
        assert h.meta["og:image"][0].startswith("https://") and h.meta["og:url"][0].startswith("https://")
        assert len(h.jsonld) == 1, page
        data = json.loads(h.jsonld[0])
        assert data["@context"] == "https://schema.org"
        if h.meta["og:type"] == ["article"]:
            assert h.meta.get("article:published_time"), page
            assert data["datePublished"] and data["publisher"]["@type"] == "GovernmentOrganization"
    kinds = {page.relative_to(out).parts[1] if len(page.relative_to(out).parts) > 2 else "" for page in pages}
    assert {"tin-tuc", "van-ban", "phat-thanh", "thong-tin-bao-chi", "qr", "tim-kiem", "tag", "en"} <= kinds
    article = head(out / "tien-du" / "tin-tuc" / next(p.name for p in (out / "tien-du" / "tin-tuc").iterdir() if p.name.startswith("hoi-lim")) / "index.html")
    assert article.meta["og:image"][0] == "https://tiendu.bacninh.gov.vn/files/hoi-lim/hoi-lim-1.jpg"  # the gallery's first photo
    assert article.meta["og:image:width"] == ["1200"] and article.meta["og:locale"] == ["vi_VN"]
    english = head(out / "bac-ninh" / "en" / "index.html")
    assert english.meta["og:locale"] == ["en_US"] and "vi_VN" in english.meta["og:locale:alternate"]
    doc = next(json.loads(head(p).jsonld[0]) for p in (out / "bac-ninh" / "chi-dao-dieu-hanh").glob("*/index.html")
               if "Legislation" in json.loads(head(p).jsonld[0])["@type"])
    assert doc["legislationIdentifier"] and doc["legislationPassedBy"]["name"]


def test_default_card_image_per_site(built_sample):
    from PIL import Image

    out, _ = built_sample
    for site in ("bac-ninh", "tien-du", "so-y-te"):
        with Image.open(out / site / "theme" / "card.png") as im:
            assert im.size == (1200, 630)
    assert (out / "tien-du/theme/card.png").read_bytes() != (out / "so-y-te/theme/card.png").read_bytes()


def test_share_links_are_plain_links_and_nothing_from_facebook_or_zalo(built_sample):
    out, _ = built_sample
    html = read(next((out / "tien-du" / "tin-tuc").glob("*/index.html")))
    assert 'href="https://www.facebook.com/sharer/sharer.php?u=https%3A//tiendu.bacninh.gov.vn/tin-tuc/' in html
    assert "data-share" in html and '<script src="/theme/js/share.js" defer></script>' in html
    for page in html_pages(out / "tien-du"):
        text = read(page)
        assert not re.search(r'<(script|img|iframe|link)[^>]+(src|href)="https?://[^"]*(facebook|zalo|fbcdn)', text), page


def test_gallery_infographic_and_video(built_sample):
    out, _ = built_sample
    html = read(next((out / "tien-du" / "tin-tuc").glob("hoi-lim*/index.html")))
    assert html.count('<figure><a href="/files/hoi-lim/') == 3
    assert '<source type="image/webp" srcset="/files/_sizes/hoi-lim/hoi-lim-1-360.webp 360w, ' in html
    assert 'width="1200" height="800" loading="lazy" decoding="async"' in html and "<figcaption>" in html
    for w in (360, 720, 1080):
        for fmt in ("webp", "jpg"):
            assert (out / f"tien-du/files/_sizes/hoi-lim/hoi-lim-1-{w}.{fmt}").is_file()
    info = read(out / "bac-ninh/ngan-sach-thong-ke/kinh-te-xa-hoi-9-thang-nam-2026/index.html")
    assert '<figure class="infographic">' in info and "Thanh toán trực tuyến phí, lệ phí: 64%." in info
    video = read(out / "bac-ninh/tin-tuc/khai-hoi-lim-2026/index.html")
    assert '<track kind="captions" src="/files/video/khai-hoi-lim.vi.vtt" srclang="vi"' in video
    assert 'poster="/files/video/khai-hoi-lim.jpg"' in video and 'type="video/mp4"' in video


def test_qr_poster_and_printed_article_and_procedure(built_sample):
    out, _ = built_sample
    poster = read(out / "bac-ninh" / "qr" / "index.html")
    for name in ("cong-thong-tin", "facebook", "zalo", "hoi-dap"):
        assert f'src="/qr/{name}.svg"' in poster and (out / "bac-ninh" / "qr" / f"{name}.svg").is_file()
    assert "https://www.facebook.com/congttdtbacninh" in poster and "https://bacninh.gov.vn/hoi-dap/gui-cau-hoi/" in poster
    svg = read(out / "bac-ninh/qr/cong-thong-tin.svg")
    assert "<script" not in svg and "style=" not in svg
    article = read(next((out / "tien-du" / "tin-tuc").glob("*/index.html")))
    qr = article.split('<div class="print-qr">', 1)[1].split("</div>", 1)[0]
    assert qr.startswith('<svg aria-hidden="true"') and "style=" not in qr
    procedure = read(out / "tien-du/thu-tuc-hanh-chinh/de-nghi-cap-phieu-ly-lich-tu-phap-qua-ung-dung-vneid/index.html")
    assert "ma_thu_tuc=2.000488" in procedure and 'role="img"' in procedure
    assert "@page { size: A4" in read(out / "bac-ninh/theme/css/print.css")


def test_press_archive_by_month(built_sample):
    out, _ = built_sample
    html = read(out / "bac-ninh" / "thong-tin-bao-chi" / "theo-thang" / "index.html")
    assert 'id="thang-2026-10"' in html and "Nguyễn Văn Bình" in html
    assert 'href="/thong-tin-bao-chi/theo-thang/"' in read(out / "bac-ninh" / "thong-tin-bao-chi" / "index.html")
    assert (out / "bac-ninh" / "feeds" / "thong-tin-bao-chi.atom.xml").is_file()


def test_changes_json_lists_every_item(built_sample):
    out, _ = built_sample
    data = json.loads(read(out / "tien-du" / "changes.json"))
    assert data["site"] == "tien-du" and data["sequence"] >= 1 and data["items"]
    urls = {v["url"] for v in data["items"].values()}
    assert any("/phat-thanh/" in u for u in urls) and any("/gioi-thieu/" in u for u in urls)
