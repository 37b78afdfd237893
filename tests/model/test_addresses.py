"""sites.yaml values that go into every page: addresses parsed, social links on their hosts, text as text (issue 12.6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.model import addresses
from portal.model.errors import PortalError
from portal.model.sites import load_network

from ..conftest import MINI_SITES, write

BAD_URLS = [
    "https://tiendu.bacninh.gov.vn\"onmouseover=\"alert(1)\"x=\"",   # quotes: breaks out of href
    "https://tiendu.bacninh.gov.vn' onmouseover='alert(1)",
    "https://tien du.bacninh.gov.vn",                                  # a space
    "https://tiendu.bacninh.gov.vn/<script>",
    "javascript:alert(1)//https://x.vn",
    "data:text/html,<script>alert(1)</script>",
    "ftp://tiendu.bacninh.gov.vn",
    "https://",                                                        # no host
    "https://localhost",                                               # no domain
    "https://admin:secret@tiendu.bacninh.gov.vn",                      # user info
    "https://tiendu.bacninh.gov.vn:99999",                             # port out of range
    "https://tiendu.bacninh.gov.vn\u0000",                             # control character
    "https://-bad-.bacninh.gov.vn",
    "//tiendu.bacninh.gov.vn",
    "https://tiendu.bacninh.gov.vn\\@evil.example",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_site_urls_are_refused(url: str):
    assert addresses.check_site_url(url) is not None


@pytest.mark.parametrize("url", ["https://tiendu.bacninh.gov.vn", "http://bacninh.gov.vn/", "https://xn--bcninh-nwa.vn",
                                 "https://bắcninh.vn", "https://sonv.bacninh.gov.vn:8443"])
def test_good_site_urls_pass(url: str):
    assert addresses.check_site_url(url) is None


def test_a_site_url_is_the_root_of_its_domain():
    for url in ("https://x.vn/trang", "https://x.vn/?a=1", "https://x.vn/#a"):
        assert "has a path" in addresses.check_site_url(url)


@pytest.mark.parametrize(("network", "url", "ok"), [
    ("facebook", "https://www.facebook.com/congttdtbacninh", True),
    ("facebook", "https://fb.com/bacninh", True),
    ("facebook", "https://m.facebook.com/bacninh", True),
    ("facebook", "https://facebook.com.evil.example/bacninh", False),
    ("facebook", "https://evilfacebook.com/bacninh", False),
    ("zalo", "https://zalo.me/congttdtbacninh", True),
    ("zalo", "https://zalo.me.example/x", False),
    ("youtube", "https://www.youtube.com/@bacninhtv", True),
    ("youtube", "https://youtu.be/abc", True),
    ("youtube", "https://vimeo.com/abc", False),
    ("tiktok", "javascript:alert(1)", False),
    ("instagram", "https://instagram.com/x\" onclick=\"x", False),
])
def test_social_links_point_to_their_own_network(network: str, url: str, ok: bool):
    assert (addresses.check_social(network, url) is None) == ok, addresses.check_social(network, url)


@pytest.mark.parametrize(("value", "ok"), [("0222 3822 569", True), ("+84 222 3822 569", True), ("(0222) 382.2569", True),
                                           ("0222-3822-569", True), ("gọi 0222", False), ("0222<script>", False), ("1", False)])
def test_phone_numbers(value: str, ok: bool):
    assert (addresses.check_phone(value, "contact.phone") is None) == ok


@pytest.mark.parametrize(("value", "ok"), [("btb@bacninh.gov.vn", True), ("ban.bien-tap+tin@tiendu.bacninh.gov.vn", True),
                                           ("btb@", False), ("a b@x.vn", False), ('"x"@x.vn', False), ("x@x", False),
                                           ("x@x.vn?subject=<script>", False)])
def test_email_addresses(value: str, ok: bool):
    assert (addresses.check_email(value) is None) == ok


def test_text_fields():
    assert addresses.check_text("Xã <b>Tiên Du</b>", "name.vi") is None  # markup is text: escaped on output
    assert addresses.check_text("Xã Tiên\u0007 Du", "name.vi") is not None
    assert addresses.check_text("Xã Tiên\nDu", "name.vi") is not None
    assert addresses.check_text(12, "name.vi") is not None


def _load_problems(tmp_path: Path, text: str) -> list[str]:
    write(tmp_path / "sites.yaml", text)
    with pytest.raises(PortalError) as exc:
        load_network(tmp_path)
    return [str(p) for p in exc.value.problems]


def test_sites_yaml_reports_each_bad_value_at_its_line(tmp_path: Path):
    text = MINI_SITES.replace("url: https://soa.example.vn", "url: 'https://soa.example.vn\"onmouseover=\"alert(1)'") \
        .replace('social: {facebook: "https://facebook.com/tinh", zalo: "https://zalo.me/tinh"}',
                 'social: {facebook: "https://evil.example/tinh", zalo: "https://zalo.me/tinh"}') \
        .replace('phone: "0222 3822 000", email: "btb@tinh.example.vn"', 'phone: "gọi ngay", email: "btb at tinh"') \
        .replace('name: {vi: "Xã Hai"}', 'name: {vi: "Xã\\u0007Hai"}')
    problems = _load_problems(tmp_path, text)
    lines = {p.split(":")[1] for p in problems}
    assert any("url contains spaces, quotes" in p for p in problems), problems
    assert any("social.facebook points to evil.example, not to facebook.com" in p for p in problems)
    assert any("tinh: contact.phone 'gọi ngay' is not a phone number" in p for p in problems)
    assert any("tinh: contact.email 'btb at tinh' is not an e-mail address" in p for p in problems)
    assert any("name.vi contains a line break or a control character" in p for p in problems)
    assert all(p.startswith("sites.yaml:") for p in problems) and len(lines) >= 4


def test_messages_in_vietnamese(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PORTAL_LANG", "vi")
    assert "không phải địa chỉ http(s) hợp lệ" in addresses.check_site_url("ftp://x.vn")
    assert "trỏ tới evil.example" in addresses.check_social("zalo", "https://evil.example/x")
