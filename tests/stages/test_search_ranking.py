"""Issue 19 item 5: ranking that knows where things are, in chromium on real builds.

On the network-wide search a query naming a place or an agency ranks that site's own pages
first; a document number (in any of the ways people type it) ranks the document first;
title matches rank above body matches; exact spellings above the same letters with other tones.
"""

from __future__ import annotations

import pytest

from ..conftest import NOW, document, make_project, post
from .searching import serving, sites_yaml
from .test_search_browser import Reader, browser  # noqa: F401

SITES = sites_yaml(("so-y-te", "department", "Sở Y tế", "https://soyte.example.vn"),
                   ("dong-tien", "commune", "Xã Đông Tiến", "https://dongtien.example.vn"),
                   ("tien-du", "commune", "Xã Tiên Du", "https://tiendu.example.vn"))
BULLETIN = "Bản tin tháng ba"                                   # Đông Tiến's own, its name nowhere in the text
TIEN_DU = "Người dân tiết kiệm từng đồng tiền, đóng góp xây trường"  # đồng tiền: the same letters as Đông Tiến
HEALTH = "Hướng dẫn phòng chống sốt xuất huyết"                   # Sở Y tế's own
MENTION = "Tỉnh họp với sở y tế về bệnh viện"                      # the province's, naming the agency
PLAN = "Kế hoạch triển khai chuyển đổi số năm 2026"                # the document 953/KH-UBND
CITES = ["Các xã thực hiện kế hoạch chuyển đổi số", "Sơ kết chuyển đổi số quý I"]
TITLED = "Quy hoạch vùng huyện đến năm 2030"
BODY_ONLY = "Hội nghị giao ban tháng tư"


def make_network(root):
    make_project(root, SITES + 'documents:\n  issuers: ["UBND tỉnh"]\n')
    post(root, "content/sites/dong-tien/tin-tuc/ban-tin.md", BULLETIN, date="2026-03-01",
         body="Ủy ban nhân dân xã tổng kết công tác tháng ba, triển khai nhiệm vụ tháng tư.")
    post(root, "content/sites/tien-du/tin-tuc/dong-tien.md", TIEN_DU, date="2026-03-02",
         body="Người dân xã tiết kiệm từng đồng tiền để đóng góp xây trường học. Đồng tiền nhỏ, tấm lòng lớn.")
    post(root, "content/sites/so-y-te/tin-tuc/sot.md", HEALTH, date="2026-03-03",
         body="Người dân cần diệt lăng quăng, ngủ màn và đến cơ sở khám khi sốt cao.")
    post(root, "content/sites/tinh/tin-tuc/hop.md", MENTION, date="2026-03-04",
         body="Ủy ban nhân dân tỉnh làm việc với Sở Y tế về việc nâng cấp bệnh viện tuyến tỉnh.")
    document(root, "tinh", "kh-953", PLAN, date="2026-01-20", issued="2026-01-19", number="953/KH-UBND", doc_type="Kế hoạch",
             issuer="UBND tỉnh", fields="[Chuyển đổi số]", body="Kế hoạch của tỉnh về chuyển đổi số.")
    for i, title in enumerate(CITES):
        post(root, f"content/sites/tinh/tin-tuc/cite-{i}.md", title, date=f"2026-02-0{i + 1}",
             body="Thực hiện Kế hoạch số 953/KH-UBND của Ủy ban nhân dân tỉnh, các đơn vị báo cáo kết quả. "
                  "Kế hoạch 953/KH-UBND nêu rõ tiến độ.")
    post(root, "content/sites/tinh/tin-tuc/quy-hoach.md", TITLED, date="2026-02-10", body="Tỉnh công bố bản đồ vùng.")
    post(root, "content/sites/tinh/tin-tuc/giao-ban.md", BODY_ONLY, date="2026-02-11",
         body="Hội nghị bàn về quy hoạch sử dụng đất, quy hoạch giao thông và quy hoạch đô thị.")
    return root


@pytest.fixture(scope="module")
def ranked(tmp_path_factory):
    from portal.stages.build import build

    root = make_network(tmp_path_factory.mktemp("ranking") / "proj")
    report = build(root, now=NOW, jobs=2)
    assert report.ok, "\n".join(str(p) for p in report.all_problems())
    with serving(root / "output") as port:
        yield port


@pytest.fixture
def reader(browser, ranked):  # noqa: F811
    r = Reader(browser, ranked)
    yield r
    assert not r.errors, r.errors
    r.close()


def titles(results):
    return [r["title"] for r in results]


def test_a_place_ranks_its_own_site_first_on_the_network_search(reader):
    reader.open("tinh", "/tim-kiem-toan-tinh/")
    results = reader.search("dong tien")
    assert titles(results)[0] == BULLETIN and "Xã Đông Tiến" in results[0]["meta"]
    assert TIEN_DU in titles(results)  # found (the same letters), but after the commune's own page
    assert titles(reader.search("Đông Tiến"))[0] == BULLETIN


def test_an_agency_ranks_its_own_site_first_on_the_network_search(reader):
    reader.open("tinh", "/tim-kiem-toan-tinh/")
    results = reader.search("so y te")
    assert titles(results)[0] == HEALTH and "Sở Y tế" in results[0]["meta"]
    assert MENTION in titles(results)


@pytest.mark.parametrize("query", ["953/KH-UBND", "953 kh ubnd", "953/kh-ubnd"])
def test_a_document_number_ranks_the_document_first(reader, query):
    for site, path in (("tinh", "/tim-kiem/"), ("tinh", "/tim-kiem-toan-tinh/")):
        reader.open(site, path)
        results = reader.search(query)
        assert titles(results)[0] == PLAN, (path, titles(results))
        assert set(titles(results)) >= {PLAN, *CITES}


def test_title_matches_rank_above_body_matches(reader):
    reader.open("tinh", "/tim-kiem/")
    assert titles(reader.search("quy hoach"))[:2] == [TITLED, BODY_ONLY]
    reader.open("tinh", "/tim-kiem-toan-tinh/")
    assert titles(reader.search("quy hoach"))[:2] == [TITLED, BODY_ONLY]
