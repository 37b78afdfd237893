"""Home pages by purpose (issue 19.1, 19.2), read from the built sample network.

- a row of what citizens come for under the header: procedures and online public services (the
  national portal, ``network.public_services``), legal documents, questions and feedback, contacts
  with a tap-to-call number; a task whose page a language lacks is left out;
- then what is new: a portal's own news and notices first; on every portal but the provincial one
  the provincial directives in a shorter block (3 and a link to all);
- no block with nothing to show on any language's home page of any site;
- the sections' menu puts Văn bản and Thủ tục hành chính first.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from portal.model.sites import DEFAULT_PUBLIC_SERVICES, load_network

from ..conftest import REPO, read


class _Blocks(HTMLParser):
    """The home page's top tasks (their links) and its blocks (heading link, items, extra links), in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tasks: list[list[dict[str, str]]] = []
        self.blocks: list[dict] = []
        self.menu: list[str] = []
        self._in: list[str] = []
        self._where = ""
        self._link: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "nav" and "top-tasks" in classes:
            self._where = "tasks"
        elif tag == "li" and "task" in classes:
            self.tasks.append([])
        elif tag == "section" and "home-block" in classes:
            self._where = "block"
            self.blocks.append({"id": a.get("aria-labelledby", ""), "href": None, "items": 0, "more": None})
        elif tag == "nav" and "site-nav" in classes:
            self._where = "menu"
        elif tag == "article" and self._where == "block":
            self.blocks[-1]["items"] += 1
        elif tag == "a":
            self._link = {**a, "text": ""}
        self._in.append(tag)

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            link, self._link = self._link, None
            if self._where == "tasks" and self.tasks:
                self.tasks[-1].append(link)
            elif self._where == "block":
                block = self.blocks[-1]
                if block["href"] is None:
                    block["href"] = link["href"]
                elif "article" not in self._in:
                    block["more"] = link["href"]
            elif self._where == "menu":
                self.menu.append(link["href"])
        if tag in ("nav", "section"):
            self._where = ""
        while self._in and self._in.pop() != tag:
            pass


def blocks_of(page: Path) -> _Blocks:
    parser = _Blocks()
    parser.feed(read(page))
    return parser


def home_pages(out: Path) -> list[Path]:
    network = load_network(REPO)
    return [out / s.id / ("" if lang == s.default_language else lang) / "index.html"
            for s in network.sites for lang in s.languages]


def test_no_language_of_any_site_shows_an_empty_block(built_sample):
    out, _ = built_sample
    pages = home_pages(out)
    assert len(pages) >= 20
    for page in pages:
        html = read(page)
        assert "No posts yet" not in html and "Chưa có bài" not in html, page
        home = blocks_of(page)
        assert home.blocks, page
        for block in home.blocks:
            assert block["items"] > 0 or block["id"] == "h-about", (page, block)
            if block["href"]:
                target = out / page.relative_to(out).parts[0] / block["href"].lstrip("/") / "index.html"
                assert target.is_file(), (page, block)
        assert home.tasks and all(task for task in home.tasks), (page, home.tasks)  # no empty task


def test_top_tasks_of_the_provincial_portal(built_sample):
    out, _ = built_sample
    tasks = blocks_of(out / "bac-ninh" / "index.html").tasks
    hrefs = [[link["href"] for link in task] for task in tasks]
    assert hrefs == [["/thu-tuc-hanh-chinh/", DEFAULT_PUBLIC_SERVICES], ["/van-ban/"], ["/hoi-dap/"],
                     ["/lien-he/", "tel:02223822569"]]
    assert tasks[0][1]["text"] == "Dịch vụ công trực tuyến"
    assert tasks[3][1]["text"].split() == ["Điện", "thoại:", "0222", "3822", "569"]
    # in English: only what was written in English, the national portal marked as Vietnamese
    english = blocks_of(out / "bac-ninh" / "en" / "index.html").tasks
    first = english[0]
    assert first[-1]["href"] == DEFAULT_PUBLIC_SERVICES and first[-1]["hreflang"] == "vi"
    assert "(in Vietnamese)" in first[-1]["text"]
    built = {p.name for p in (out / "bac-ninh" / "en").iterdir() if (p / "index.html").is_file()}
    for task in english:
        for link in task:
            if link["href"].startswith("/en/"):
                assert link["href"].split("/")[2] in built, link
    assert any(link["href"].startswith("tel:") for task in english for link in task)


def test_commune_news_first_and_directives_in_a_shorter_block(built_sample):
    out, _ = built_sample
    for site in ("tien-du", "so-noi-vu", "kinh-bac"):
        home = blocks_of(out / site / "index.html")
        ids = [b["id"] for b in home.blocks]
        own = [i for i in ("h-tin-tuc", "h-thong-bao") if i in ids]
        assert own and ids[: len(own)] == own, (site, ids)
        directives = next(b for b in home.blocks if b["id"] == "h-chi-dao-dieu-hanh")
        assert ids.index("h-chi-dao-dieu-hanh") == len(own), (site, ids)
        assert directives["items"] == 3 and directives["more"] == "/chi-dao-dieu-hanh/", (site, directives)
        listed = read(out / site / "chi-dao-dieu-hanh" / "index.html").count('<article class="item">')
        assert listed > 3  # the link leads to more than the block shows
    province = blocks_of(out / "bac-ninh" / "index.html")
    ids = [b["id"] for b in province.blocks]
    assert ids[:3] == ["h-tin-tuc", "h-thong-bao", "h-chi-dao-dieu-hanh"]
    assert province.blocks[2]["items"] == 5 and province.blocks[2]["more"] is None  # its own directions, in full


def test_the_first_item_of_news_has_its_summary_the_rest_are_titles(built_sample):
    out, _ = built_sample
    html = read(out / "tien-du" / "index.html")
    news = html.split('aria-labelledby="h-tin-tuc"', 1)[1].split("</section>", 1)[0]
    assert news.count('<article class="item">') >= 3 and news.count('class="summary"') == 1
    other = html.split('aria-labelledby="h-chi-dao-dieu-hanh"', 1)[1].split("</section>", 1)[0]
    assert 'class="summary"' not in other


def test_menu_puts_documents_and_procedures_first(built_sample):
    out, _ = built_sample
    for page in (out / "tien-du" / "index.html", out / "bac-ninh" / "tin-tuc" / "index.html"):
        menu = blocks_of(page).menu
        assert menu[:2] == ["/van-ban/", "/thu-tuc-hanh-chinh/"], (page, menu)
        assert len(menu) == len(set(menu)) >= 11
    html = read(out / "bac-ninh" / "van-ban" / "index.html")
    assert re.search(r'<a href="/van-ban/" aria-current="page">', html)


def test_header_names_the_site_shortly_on_a_phone(built_sample):
    out, _ = built_sample
    brand = read(out / "so-noi-vu" / "index.html").split('class="brand"', 1)[1].split("</a>", 1)[0]
    assert '<span class="brand-name has-short">Sở Nội vụ tỉnh Bắc Ninh</span>' in brand
    assert '<span class="brand-short">Sở Nội vụ</span>' in brand
    brand = read(out / "bac-ninh" / "en" / "index.html").split('class="brand"', 1)[1].split("</a>", 1)[0]
    assert '<span class="brand-short">Bac Ninh Province</span>' in brand  # short_name in sites.yaml
    brand = read(out / "tien-du" / "index.html").split('class="brand"', 1)[1].split("</a>", 1)[0]
    assert "brand-short" not in brand and '<span class="brand-name">Xã Tiên Du</span>' in brand


ONE_SITE = """\
network:
  home: tinh
  default_language: vi
  timezone: Asia/Ho_Chi_Minh
  public_services: https://dichvucong.tinh.example.vn/dvc/
sites:
  - id: tinh
    kind: province
    name: {vi: "Cổng Thông tin điện tử tỉnh Thử"}
    url: https://tinh.example.vn
    contact: {phone: "0222 3822 000", hotline: "1022"}
"""


def test_own_public_services_address_and_hotline_without_a_contact_page(tmp_path: Path):
    """network.public_services is the link; the hotline is called first; tasks without their page are left out."""
    from portal.stages.build import build

    from ..conftest import NOW, make_project, post

    root = make_project(tmp_path / "proj", ONE_SITE)
    post(root, "content/sites/tinh/tin-tuc/a.md", "Tin đầu tiên", date="2026-02-01")
    report = build(root, now=NOW, jobs=1)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    home = blocks_of(root / "output" / "tinh" / "index.html")
    hrefs = [[link["href"] for link in task] for task in home.tasks]
    # no procedures or documents posted: the national services alone; no contact page: the number alone
    assert hrefs == [["https://dichvucong.tinh.example.vn/dvc/"], ["/hoi-dap/"], ["tel:1022"]]
    assert home.tasks[2][0]["text"].startswith("Đường dây nóng") and home.tasks[2][0]["class"] == "task-main task-call"
    assert [b["id"] for b in home.blocks] == ["h-tin-tuc"]
