"""YAML as editors write it (issue 13.2 and 12.5): the text kept, keys given twice, no aliases, bounded."""

from __future__ import annotations

import time

import pytest

from portal.model import yamlio
from portal.model.errors import PortalError
from portal.model.sites import load_network

from ..conftest import MINI_SITES, write


def test_text_is_kept_as_written():
    data = yamlio.load("number: 0107\nsummary: 1:30\ntags: [NO, Yes, on, 1e3, 0x1F]\ndate: 2026-01-05\n"
                       "ratio: .5\nempty:\nnone: ~\nnull_word: null\nquoted: 'null'\n")
    assert data == {"number": "0107", "summary": "1:30", "tags": ["NO", "Yes", "on", "1e3", "0x1F"], "date": "2026-01-05",
                    "ratio": ".5", "empty": None, "none": None, "null_word": None, "quoted": "null"}


def test_plain_values_other_tools_read_otherwise_are_marked():
    data = yamlio.load("number: 0107\nsummary: 1:30\ntags: [NO, Yes, on, Tết, 2025]\nq: \"NO\"\nf: 1.5\ng: 75.000\nh: -3\n")
    assert data.implicit == {"number": "number", "summary": "sexagesimal", "g": "number"}
    assert data["tags"].implicit == {0: "bool", 1: "bool", 2: "bool"}
    for text, kind in [("0x1F", "number"), ("1_000", "number"), ("+5", "number"), ("1e3", "number"), (".inf", "number"),
                       ("12:05:00", "sexagesimal"), ("08:30", None), ("1:30.5", "sexagesimal"), ("y", "bool"), ("FALSE", "bool"), ("10", None), ("-3", None),
                       ("1.004946", None), ("Hà Nội", None), ("2026-01-05", None)]:
        assert yamlio.implicit_type(text) == kind, text


def test_lines_of_keys_and_items():
    data = yamlio.load("title: x\ntags:\n  - a\n  - b\nmap:\n  k: v\n")
    assert data.line_of("title") == 1 and data.line_of("tags") == 2
    assert data["tags"].line_of(0) == 3 and data["tags"].line_of(1) == 4
    assert data["map"].line_of("k") == 6


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("title: a\ndate: 2026-01-01\ntitle: b\n", 3, "'title' is given twice — keep one"),
    ("network:\n  home: a\n  home: b\n", 3, "'home' is given twice"),
    ("a: {x: 1, x: 2}\n", 1, "'x' is given twice"),
    ("sites:\n  - id: a\n    url: x\n    url: y\n", 4, "'url' is given twice"),
])
def test_a_key_given_twice_is_an_error_at_the_second(text, line, needle):
    with pytest.raises(yamlio.YamlError) as exc:
        yamlio.load(text)
    assert exc.value.line == line and needle in exc.value.message


@pytest.mark.parametrize("text", [
    "a: &x [1, 2]\nb: *x\n",
    "a: &x 1\n",
    "base: &b {k: 1}\nmore:\n  <<: *b\n",
    "date: [&a [lol,lol,lol,lol,lol,lol,lol,lol,lol], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], [*b,*b,*b]]\n",
])
def test_anchors_and_aliases_are_refused(text):
    with pytest.raises(yamlio.YamlError, match="anchors and aliases"):
        yamlio.load(text)


@pytest.mark.parametrize(("text", "needle"), [
    ("a: !!python/object:os.system x\n", "tags"),
    ("a: !custom x\n", "tags"),
    ("<<: {a: 1}\n", "merge keys"),
    ("a: 1\n---\nb: 2\n", "only one YAML document"),
    ("? [a, b]\n: c\n", "a key must be a plain word"),
])
def test_other_yaml_features_are_refused(text, needle):
    with pytest.raises(yamlio.YamlError, match=needle):
        yamlio.load(text)


def test_nesting_is_bounded_and_fast():
    for text in ("a: " + "[" * 100_000, "a: " + "{b: " * 50_000, "- " * 20_000 + "x"):
        start = time.perf_counter()
        with pytest.raises(yamlio.YamlError, match="nested more than"):
            yamlio.load(text)
        assert time.perf_counter() - start < 2


@pytest.mark.parametrize(("text", "line", "en", "vi"), [
    ("title: Hội nghị: tổng kết năm\n", 1, "put the title in double quotes", "đặt tiêu đề trong dấu ngoặc kép"),
    ("title: x\n\tdate: 2026-01-01\n", 2, "use spaces, not Tab", "dùng dấu cách, không dùng Tab"),
    ('title: "chưa đóng\ndate: 2026\n', 3, "quotation mark is not closed", "dấu ngoặc kép chưa được đóng"),
])
def test_syntax_errors_say_the_fix_in_the_editors_terms(monkeypatch, text, line, en, vi):
    with pytest.raises(yamlio.YamlError) as exc:
        yamlio.load(text)
    assert exc.value.line == line and en in exc.value.message
    monkeypatch.setenv("PORTAL_LANG", "vi")
    with pytest.raises(yamlio.YamlError) as exc:
        yamlio.load(text)
    assert vi in exc.value.message


def test_sites_yaml_duplicate_key_alias_bomb_and_control_character(tmp_path):
    dup = MINI_SITES.replace("    url: https://xamot.example.vn\n", "    url: https://xamot.example.vn\n    url: https://khac.example.vn\n")
    write(tmp_path / "sites.yaml", dup)
    with pytest.raises(PortalError) as exc:
        load_network(tmp_path)
    line = dup.split("\n").index("    url: https://khac.example.vn") + 1
    assert [str(p) for p in exc.value.problems] == [f"sites.yaml:{line}: 'url' is given twice — keep one"]

    bomb = "[&a [lol,lol,lol,lol,lol,lol,lol,lol,lol]" + "".join(
        f", &{x} [" + ",".join([f"*{y}"] * 9) + "]" for x, y in zip("bcdefgh", "abcdefg", strict=True)) + "]"
    write(tmp_path / "sites.yaml", MINI_SITES.replace("    kind: commune\n", f"    kind: {bomb}\n", 1))
    start = time.perf_counter()
    with pytest.raises(PortalError, match="anchors and aliases"):
        load_network(tmp_path)
    assert time.perf_counter() - start < 2

    write(tmp_path / "sites.yaml", MINI_SITES.replace('name: {vi: "Xã Một"}', 'name: {vi: "Xã\x0bMột"}'))
    with pytest.raises(PortalError, match=r"sites.yaml:\d+: contains the invisible control character U\+000B"):
        load_network(tmp_path)


def test_sites_yaml_values_are_text(tmp_path):
    write(tmp_path / "sites.yaml", MINI_SITES.replace('phone: "0222 3822 000"', "phone: 0222382200"))
    net = load_network(tmp_path)
    assert net.site("tinh").contact["phone"] == "0222382200"


def test_front_matter_quotes_what_other_tools_read_otherwise():
    """What the project writes (the service's answers, press releases, imported directives) passes its own check:
    a value another YAML tool would read as a yes/no or a number is written in double quotes."""
    meta = {"title": "Off", "tags": ["NO", "Tết"], "summary": "1:30", "author": "0107", "fee": "75.000",
            "attachments": [{"path": "files/a.pdf", "role": "full_text", "label": "Yes"}]}
    text = yamlio.front_matter(meta)
    assert 'title: "Off"' in text and '- "NO"' in text and 'summary: "1:30"' in text
    data = yamlio.load(text)
    assert data == meta and data.implicit == {} and data["tags"].implicit == {}
    assert data["attachments"][0].implicit == {}
