"""A shared directive's copies rendered once per shape of site, filled with each site's values
(portal.stages.render.copies): byte for byte what rendering each copy gives, or rendered where not."""

from __future__ import annotations

import copy
import os
import pickle
import zlib
from pathlib import Path

import pytest
from markupsafe import escape

from portal.stages.render import copies
from portal.stages.render.filters import tel_href

from ..conftest import NOW, REPO, make_project, post, write

TRICKY = "Xã Đông <Tiến> & \"Hồ\" 'Tây' 100%"


def test_every_form_of_a_value_is_filled_as_that_escaping_gives_it():
    plan = copies.sentinels({"name": TRICKY, "kind": "commune"}, {"SITENAME": TRICKY})
    token = plan.context["name"]
    assert plan.top["SITENAME"] is not token and plan.top["SITENAME"] == token  # equal values: one sentinel
    template = "|".join(fn(token) for _name, fn in copies.FORMS)
    assert copies.fill(template, plan.values) == "|".join(fn(TRICKY) for _name, fn in copies.FORMS)
    assert plan.context["kind"] == "commune"  # structural: kept, part of the shape


def test_a_phone_through_tel_href_and_an_address_through_urljoin():
    from urllib.parse import urljoin

    plan = copies.sentinels({"contact": {"phone": "0222 3822 569", "fax": ""}, "url": "https://xa.example.vn"}, {})
    phone, url = plan.context["contact"]["phone"], plan.context["url"]
    assert plan.context["contact"]["fax"] == ""  # empty: kept (a template tests it)
    template = f'<a href="{escape(tel_href(phone))}">{escape(phone)}</a> {urljoin(url, "/theme/card.png")} {url}/tin-tuc/'
    assert copies.fill(template, plan.values) == (
        '<a href="tel:02223822569">0222 3822 569</a> https://xa.example.vn/theme/card.png https://xa.example.vn/tin-tuc/')


@pytest.mark.parametrize("damage", [str.upper, lambda t: t[:-3], lambda t: t.replace("&lt;", ""),
                                    lambda t: t.split("://")[-1].split(".")[0]])
def test_an_unknown_transformation_of_a_value_is_not_filled(damage):
    plan = copies.sentinels({"name": TRICKY, "url": "https://xa.example.vn"}, {})
    for value in (plan.context["name"], plan.context["url"]):
        damaged = damage(str(escape(value)))
        if damaged != str(escape(value)):  # each damage changes one kind of value
            assert copies.fill(f"<p>{damaged}</p>", plan.values) is None, damaged


def test_strings_of_the_network_are_kept_and_a_site_string_left_in_a_template_is_found():
    home = {"id": "tinh", "name": "Cổng tỉnh Thử", "url": "https://tinh.example.vn"}
    plan = copies.sentinels({"home": home, "parent": dict(home), "owner": "UBND xã Một Hai"}, {})
    assert plan.context["parent"] == home  # the parent is the provincial portal: part of the shape
    assert copies.residue("<footer>UBND xã Một Hai</footer>", plan.values) == "UBND xã Một Hai"
    assert copies.residue(f"<footer>{plan.context['owner']}</footer>", plan.values) is None


def test_a_sentinel_survives_copy_and_pickle():
    token = copies.sentinels({"name": "Xã Một"}, {}).context["name"]
    for other in (copy.deepcopy(token), pickle.loads(pickle.dumps(token))):
        assert other == token and other.number == token.number and other.tel() == token.tel()


# --- real builds ------------------------------------------------------------------------------------

SITES = """\
network:
  home: tinh
  default_language: vi
  timezone: Asia/Ho_Chi_Minh
  maintainers: ["@org/maint"]
sites:
  - id: tinh
    kind: province
    name: {vi: "Cổng Thông tin điện tử tỉnh Thử", en: "Test Province Portal"}
    url: https://tinh.example.vn
    languages: [vi, en]
    editors: ["@org/btb-tinh"]
  - id: xa-mot
    kind: commune
    name: {vi: "Xã Đông <Tiến> & \\"Hồ\\" 'Tây'", en: "Dong Tien & Ho Tay Commune"}
    url: https://xamot.example.vn
    languages: [vi, en]
    owner: "UBND xã Đông Tiến"
    parent: tinh
    editors: ["@org/btb-xa-mot"]
    contact: {address: "Thôn Đông, xã Đông Tiến", phone: "0222 3822 111", hotline: "1900 1234", email: "xamot@example.vn"}
    social: {facebook: "https://facebook.com/xamot"}
  - id: xa-hai
    kind: commune
    name: {vi: "Xã Hai Bà Trưng"}
    url: https://xahai.example.vn
    owner: "UBND xã Hai Bà Trưng"
    parent: tinh
    editors: ["@org/btb-xa-hai"]
    contact: {address: "Thôn Hai", phone: "0222 3822 222", hotline: "1900 5678", email: "xahai@example.vn"}
    social: {facebook: "https://facebook.com/xahai"}
  - id: xa-ba
    kind: commune
    name: {vi: "Xã Ba Vì Sơn"}
    url: https://xaba.example.vn
    owner: "Xã Ba Vì Sơn"
    parent: tinh
    editors: ["@org/btb-xa-ba"]
    contact: {phone: "0222 3822 333"}
  - id: so-a
    kind: department
    name: {vi: "Sở Xây dựng"}
    url: https://soa.example.vn
    parent: tinh
    editors: ["@org/btb-so-a"]
"""


def _html(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*.html")}


@pytest.mark.slow
def test_copies_from_templates_are_the_pages_rendering_gives(tmp_path, monkeypatch):
    """Built three ways — copies rendered on every site, templates made (cold cache), templates filled
    (warm cache: even the site that made one fills it) — every page is the same, byte for byte."""
    from portal.stages.build import build

    root = make_project(tmp_path / "proj", SITES)
    for site in ("tinh", "xa-mot", "xa-hai", "xa-ba", "so-a"):
        post(root, f"content/sites/{site}/tin-tuc/tin.md", f"Tin của {site}", date="2026-02-01")
    d = "content/shared"
    post(root, f"{d}/bao-lu.md", "Chỉ thị về phòng chống bão lũ", category="", date="2026-09-01",
         summary='"Tóm tắt có <dấu> & \\"ngoặc\\""', tags="[phòng chống thiên tai]")
    post(root, f"{d}/bao-lu.en.md", "Directive on storm and flood prevention", category="", date="")
    post(root, f"{d}/xa.md", "Nhiệm vụ của cấp xã", category="", date="2026-09-02", audience="[commune]")
    # names a commune's own strings in its text: that copy is rendered on every site, not shared
    post(root, f"{d}/ten-xa.md", "Giao nhiệm vụ cho UBND xã Hai Bà Trưng", category="", date="2026-09-03",
         body="UBND xã Hai Bà Trưng chủ trì; Xã Ba Vì Sơn phối hợp.")
    write(root / "content/sites/xa-mot/pages/lien-he.md", "---\ntitle: Liên hệ\n---\nLiên hệ với chúng tôi.\n")

    def built(name: str, templates: bool) -> dict[str, bytes]:
        monkeypatch.setenv(copies.ENV, "1" if templates else "0")
        out = tmp_path / name
        report = build(root, output=out, now=NOW, jobs=2, search=False)
        assert report.ok, "\n".join(str(p) for p in report.all_problems())
        return _html(out)

    direct = built("direct", False)
    assert not (root / ".cache" / "copies").exists()
    made = built("made", True)
    kept = [p for p in (root / ".cache" / "copies").rglob("*.html.z")]
    marked = [p for p in kept if p.read_bytes() == copies.MARK_BAD]
    filled = built("filled", True)
    assert direct.keys() == made.keys() == filled.keys()
    for name, data in direct.items():
        assert made[name] == data, name
        assert filled[name] == data, name
    # templates were made and used: 3 directives × shapes (xa-mot, xa-hai, xa-ba, so-a: each its own
    # structure of contacts and languages), 1 in English; the one naming a site is rendered on every site
    good = [p for p in kept if p not in marked]
    assert len(good) >= 4 and marked, (len(good), len(marked))
    assert all(zlib.decompress(p.read_bytes()).decode().count("Zq0") for p in good)
    page = filled["xa-mot/chi-dao-dieu-hanh/chi-thi-ve-phong-chong-bao-lu/index.html"].decode()
    assert "Xã Đông &lt;Tiến&gt; &amp; &#34;Hồ&#34; &#39;Tây&#39;" in page and "tel:19001234" in page
    assert "Zq0" not in page and "zq0" not in page


@pytest.mark.slow
def test_the_sample_network_is_the_same_with_and_without_templates(built_sample, tmp_path, monkeypatch):
    """The repository's 19 portals (their real variety of names, contacts, parents and languages)."""
    from portal.stages.build import build

    out, _report = built_sample
    monkeypatch.setenv(copies.ENV, "0")
    direct = tmp_path / "direct"
    report = build(REPO, output=direct, now=NOW, jobs=2, search=False)
    assert report.ok
    ours, theirs = _html(out), _html(direct)
    shared = [n for n in theirs if "/chi-dao-dieu-hanh/" in n and not n.startswith("bac-ninh/")]
    assert len(shared) > 100
    # built without search (faster): the search pages ask ahead for no bundle's files, by design
    search_pages = [n for n in theirs if "/tim-kiem/" in n or "/tim-kiem-toan-tinh/" in n]
    assert search_pages and all(b'rel="preload"' in ours[n] and b'rel="preload"' not in theirs[n] for n in search_pages)
    different = [n for n in theirs if ours.get(n) != theirs[n] and n not in search_pages]
    assert not different, different[:5]
    assert os.environ[copies.ENV] == "0"


def test_templates_of_another_code_and_old_ones_are_pruned(tmp_path):
    import time

    key = "a" * 40
    mine = copies.folder(tmp_path, key)
    other = copies.folder(tmp_path, "b" * 40)
    for folder in (mine, other):
        (folder / "ab").mkdir(parents=True)
    fresh, old = mine / "ab" / "fresh.html.z", mine / "ab" / "old.html.z"
    for path in (fresh, old, other / "ab" / "x.html.z"):
        path.write_bytes(copies.MARK_BAD)
    then = time.time() - copies.MAX_AGE - 60
    os.utime(old, (then, then))
    assert copies.prune(tmp_path, key) == 1
    assert fresh.exists() and not old.exists() and not other.exists()


def test_a_template_is_kept_only_when_it_fills_to_the_page(tmp_path):
    plan = copies.sentinels({"name": "Xã Một Hai Ba", "url": "https://xa.example.vn"}, {"SITENAME": "Xã Một Hai Ba"})
    plan.folder = tmp_path
    token = plan.context["name"]
    page = '<title>Chỉ thị - Xã Một Hai Ba</title><a href="https://xa.example.vn/">Xã Một Hai Ba</a>'
    template = f'<title>Chỉ thị - {escape(token)}</title><a href="{plan.context["url"]}/">{escape(token)}</a>'
    assert copies.make(plan, "k1", page, template) and copies.lookup(plan, "k1") == template
    # the site's name reached the page another way (not through the sentinel): never shared
    leaked = template.replace(f"{escape(token)}</a>", "Xã Một Hai Ba</a>")
    assert not copies.make(plan, "k2", page, leaked) and copies.lookup(plan, "k2") is False
    # a page that differs from the template filled (another transformation): never shared
    assert not copies.make(plan, "k3", page.upper(), template) and copies.lookup(plan, "k3") is False
    copies._path(plan, "k4").parent.mkdir(parents=True, exist_ok=True)
    copies._path(plan, "k4").write_bytes(b"not zlib")  # damaged: made again
    assert copies.lookup(plan, "k4") is None and copies.lookup(plan, "missing") is None
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    plan.folder = blocked  # a cache that cannot be written: nothing kept, nothing raised
    copies.make(plan, "k5", page, template)
    assert copies.lookup(plan, "k5") is None
