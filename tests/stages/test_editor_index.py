"""The editors' index: `portal search` and `portal similar` on a small corpus, with folding."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.cli import main
from portal.model.sites import load_network
from portal.stages.search.editor import EditorIndex, analyzers

from ..conftest import make_project, mini_content, post, write

QUESTION = ("Tôi muốn hỏi thủ tục cấp đổi giấy phép xây dựng nhà ở riêng lẻ tại xã cần những giấy tờ gì, "
            "nộp hồ sơ ở đâu và thời gian giải quyết bao lâu?")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "proj")
    mini_content(root)
    post(root, "content/sites/xa-mot/tin-tuc/duong-lang.md", "Bê tông hóa đường làng ở thôn Đông Tiến",
         body="Nhân dân góp công làm đường, thu hút đầu tư cho nông thôn mới.")
    post(root, "content/sites/xa-hai/tin-tuc/cay-duong.md", "Trồng cây dương ven sông", body="Hàng cây dương dọc bờ sông.")
    post(root, "content/sites/xa-hai/hoi-dap/giay-phep.md", "Hỏi về giấy phép xây dựng", category="hoi-dap", body=QUESTION)
    write(root / "content/sites/tinh/tin-tuc/tin-dau.zh.md", "---\ntitle: 外国投资环境\n---\n本省改善外国投资环境。\n")
    write(root / "content/sites/tinh/tin-tuc/tin-dau.ja.md", "---\ntitle: 都市計画\n---\n都市計画の説明会。\n")
    write(root / "content/sites/tinh/tin-tuc/tin-dau.ko.md", "---\ntitle: 투자 소식\n---\n외국인투자환경 개선 방안을 발표했습니다.\n")
    sites = (root / "sites.yaml").read_text(encoding="utf-8").replace("languages: [vi, en]", "languages: [vi, en, ja, zh, ko]")
    (root / "sites.yaml").write_text(sites, encoding="utf-8")
    return root


def paths(hits) -> list[str]:
    return [h.path for h in hits]


def test_folding_d_and_tones(corpus: Path):
    folded, exact = analyzers()
    assert [t.text for t in folded("Đường Đông Tiến ĐẦU TƯ")] == ["duong", "dong", "tien", "dau", "tu"]
    assert [t.text for t in exact("Đường")] == ["đường"]
    index = EditorIndex.open(load_network(corpus))
    road, poplar = "content/sites/xa-mot/tin-tuc/duong-lang.md", "content/sites/xa-hai/tin-tuc/cay-duong.md"
    assert set(paths(index.search("duong"))) >= {road, poplar}
    assert paths(index.search("đường"))[0] == road        # the exact spelling first
    assert paths(index.search("dương"))[0] == poplar
    assert paths(index.search("dong tien")) == [road]
    assert road in paths(index.search("dau tu"))
    hit = index.search("dong tien")[0]
    assert "»Đông« »Tiến«" in hit.excerpt or "Đông Tiến" in hit.title  # highlights keep the diacritics
    assert paths(index.search("hoi nghi")) == ["content/sites/xa-hai/tin-tuc/nfd.md"]  # NFD on disk


def test_cjk_words_inside_compounds(corpus: Path):
    index = EditorIndex.open(load_network(corpus))
    assert paths(index.search("投资")) == ["content/sites/tinh/tin-tuc/tin-dau.zh.md"]
    assert paths(index.search("計画")) == ["content/sites/tinh/tin-tuc/tin-dau.ja.md"]
    assert paths(index.search("투자")) == ["content/sites/tinh/tin-tuc/tin-dau.ko.md"]
    assert paths(index.search("투자환경")) == ["content/sites/tinh/tin-tuc/tin-dau.ko.md"]


def test_site_filter_keeps_the_directives_it_receives(corpus: Path):
    index = EditorIndex.open(load_network(corpus))
    found = paths(index.search("(chi thi) OR (nhiem vu) OR (tin dau)", site="xa-mot", limit=50))
    assert "content/sites/xa-mot/tin-tuc/tin-dau.md" in found
    assert "content/shared/toan-tinh.md" in found and "content/shared/xa-phuong.md" in found
    assert "content/shared/hai-don-vi.md" not in found          # its audience is so-a and xa-hai
    assert not [p for p in found if p.startswith(("content/sites/xa-hai", "content/sites/tinh"))]


def test_index_is_updated_incrementally_in_the_cache(corpus: Path):
    network = load_network(corpus)
    first = EditorIndex.open(network)
    assert first.directory == corpus / ".cache" / "whoosh" and first.stats.rebuilt
    total = first.stats.added
    again = EditorIndex.open(network)
    assert (again.stats.added, again.stats.updated, again.stats.removed, again.stats.unchanged) == (0, 0, 0, total)
    post(corpus, "content/sites/xa-mot/tin-tuc/duong-lang.md", "Bê tông hóa đường làng", body="Đã hoàn thành đợt một.")
    post(corpus, "content/sites/so-a/tin-tuc/moi.md", "Tin mới về hồ chứa nước", body="Hồ chứa nước được nạo vét.")
    (corpus / "content/sites/xa-hai/tin-tuc/cay-duong.md").unlink()
    index = EditorIndex.open(network)
    assert (index.stats.added, index.stats.updated, index.stats.removed) == (1, 1, 1)
    assert paths(index.search("ho chua")) == ["content/sites/so-a/tin-tuc/moi.md"]
    assert not index.search("cay duong")
    assert not index.search("Đông Tiến")                        # the changed file was re-read
    assert not (corpus / "output").exists()


def test_similar_finds_the_repeated_question(corpus: Path, tmp_path: Path):
    index = EditorIndex.open(load_network(corpus))
    draft = write(tmp_path / "draft.md", "---\ntitle: Hoi ve giay phep xay dung nha o\n---\n"
                  "Cho toi hoi thu tuc cap doi giay phep xay dung nha o rieng le tai xa can nhung giay to gi, "
                  "nop ho so o dau va thoi gian giai quyet bao lau?\n")
    hits = index.similar(draft)
    assert hits[0].path == "content/sites/xa-hai/hoi-dap/giay-phep.md"   # typed without tones, still found
    assert hits[0].score >= 0.8 > max((h.score for h in hits[1:]), default=0)
    own = index.similar(corpus / "content/sites/xa-hai/hoi-dap/giay-phep.md")
    assert "content/sites/xa-hai/hoi-dap/giay-phep.md" not in paths(own)  # never itself


def test_cli(corpus: Path, tmp_path: Path, capsys):
    root = str(corpus)
    assert main(["--root", root, "search", "duong", "lang"]) == 0
    out = capsys.readouterr().out
    assert "content/sites/xa-mot/tin-tuc/duong-lang.md" in out and "»đường«" in out
    assert main(["--root", root, "search", "--site", "so-a", "duong", "lang"]) == 1
    assert main(["--root", root, "search", "--site", "nowhere", "x"]) == 2
    draft = write(tmp_path / "draft.md", f"---\ntitle: Hỏi về giấy phép xây dựng\n---\n{QUESTION}\n")
    assert main(["--root", root, "similar", str(draft), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert "content/sites/xa-hai/hoi-dap/giay-phep.md" in first and "likely the same" in first
    assert main(["--root", root, "similar", str(tmp_path / "missing.md")]) == 2
