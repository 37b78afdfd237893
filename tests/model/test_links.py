"""Links are part of the model (issue 13.4): every URL of a body resolved against its source file."""

from __future__ import annotations

import pytest

from portal.model.links import LinkIndex, Ref, Target, resolve

SOURCE = "sites/xa-a/tin-tuc/ket-qua.md"


@pytest.fixture
def index() -> LinkIndex:
    ix = LinkIndex(base="sites/xa-a", origin="https://xaa.example.gov.vn",
                   embed_origins=frozenset({"https://video.bacninh.gov.vn"}))
    ix.files.update({"sites/xa-a/files/ra-quan.jpg": "/files/ra-quan.jpg",
                     "sites/xa-a/files/van-ban/qd 12.pdf": "/files/van-ban/qd%2012.pdf",
                     "sites/xa-a/files/lễ-hội.jpg": "/files/l%E1%BB%85-h%E1%BB%99i.jpg"})
    ix.add_post("sites/xa-a/tin-tuc/bai-dau.md", Target("/tin-tuc/bai-dau-tien/", frozenset({"ket-qua"}), False))
    ix.add_post("sites/xa-a/tin-tuc/bai-dau.en.md", Target("/en/tin-tuc/bai-dau-tien/", frozenset(), False))
    ix.add_post("sites/xa-a/van-ban/nhap.md", Target("/van-ban/nhap/", frozenset(), True))
    ix.add_post("shared/chi-thi.md", Target("/chi-dao-dieu-hanh/chi-thi/", frozenset(), False))
    ix.pages.update({"/", "/tin-tuc/", "/lien-he/"})
    return ix


def go(index: LinkIndex, url: str, kind: str = "link", anchors: frozenset[str] = frozenset({"muc-1"})):
    return resolve(Ref(0, 0, url, kind), SOURCE, anchors, index)


@pytest.mark.parametrize(("url", "kind", "expected"), [
    ("files/ra-quan.jpg", "resource", "/files/ra-quan.jpg"),          # the README's convention, from any folder
    ("../files/ra-quan.jpg", "resource", "/files/ra-quan.jpg"),       # relative to the source file
    ("/files/ra-quan.jpg", "resource", "/files/ra-quan.jpg"),         # from the site's root
    ("https://xaa.example.gov.vn/files/ra-quan.jpg", "resource", "/files/ra-quan.jpg"),  # own origin
    ("../files/van-ban/qd%2012.pdf", "link", "/files/van-ban/qd%2012.pdf"),
    ("/files/lễ-hội.jpg", "resource", "/files/l%E1%BB%85-h%E1%BB%99i.jpg"),
    ("bai-dau.md", "link", "/tin-tuc/bai-dau-tien/"),
    ("bai-dau.md#ket-qua", "link", "/tin-tuc/bai-dau-tien/#ket-qua"),
    ("./bai-dau.en.md", "link", "/en/tin-tuc/bai-dau-tien/"),
    ("../../../shared/chi-thi.md", "link", "/chi-dao-dieu-hanh/chi-thi/"),
    ("#muc-1", "link", "#muc-1"),
    ("/lien-he/", "link", "/lien-he/"),
    ("/tin-tuc", "link", "/tin-tuc/"),
    ("https://dichvucong.gov.vn/p/home", "link", "https://dichvucong.gov.vn/p/home"),
    ("mailto:btb@xaa.example.gov.vn", "link", "mailto:btb@xaa.example.gov.vn"),
    ("tel:02223822000", "link", "tel:02223822000"),
    ("https://video.bacninh.gov.vn/embed/1", "embed", "https://video.bacninh.gov.vn/embed/1"),
])
def test_resolves(index, url, kind, expected):
    assert go(index, url, kind) == (expected, None)


@pytest.mark.parametrize(("url", "kind", "needle"), [
    ("files/trong-cay.jpg", "resource", "link to 'files/trong-cay.jpg' resolves to nothing"),
    ("files/Ra-Quan.jpg", "resource", "did you mean 'files/ra-quan.jpg'? (the case of the letters differs)"),
    ("bai-cu.md", "link", "there is no such post"),
    ("bai-dau.md#khong-co", "link", "no heading with the anchor '#khong-co'"),
    ("#khong-co", "link", "no heading of this post has that anchor"),
    ("/tin-tuc/khong-co/", "link", "resolves to nothing"),
    ("../van-ban/nhap.md", "link", "points to a draft"),
    ("../../../../.git/config", "link", "leaves the content folder"),
    ("../../xa-b/files/a.jpg", "resource", "points into another portal's folder"),
    ("https://tracker.example/pixel.gif", "resource", "is loaded from another site (https://tracker.example)"),
    ("//evil.example/cap-nhat.exe", "resource", "is loaded from another site (https://evil.example)"),
    ("http://xaa.example.gov.vn/files/ra-quan.jpg", "resource", "is loaded from another site"),  # another scheme, another origin
    ("https://evil.example/", "embed", "which sites.yaml does not allow"),
    ("javascript:alert(1)", "link", "links of type 'javascript:' are not allowed"),
    ("JaVaScRiPt:alert(1)", "link", "links of type 'javascript:' are not allowed"),
    ("data:text/html,<script>alert(1)</script>", "link", "links of type 'data:' are not allowed"),
    ("data:image/png;base64,AAAA", "resource", "is loaded from another site (data:)"),
    ("bai-dau.md", "resource", "is a post, not a file"),
    ("", "link", "has no address"),
])
def test_refused(index, url, kind, needle):
    url_out, message = go(index, url, kind)
    assert url_out is None and needle in message, message


def test_messages_never_expand_a_value(index):
    _url, message = go(index, "files/" + "a" * 100_000 + ".jpg", "resource")
    assert len(message) < 400
