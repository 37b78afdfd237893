"""The web editor's configuration (issue 18): generated for every site of the sample network and checked
against the checker's own keys and vocabularies; escaping of what sites.yaml says; the admin page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from ruamel.yaml import YAML

from portal.model import content, documents, drafts, outreach, procedures, schema
from portal.model.sites import load_network
from portal.stages import cms
from tests.conftest import REPO, make_project


@pytest.fixture(scope="module")
def network():
    return load_network(REPO)


def _load(text: str) -> dict:
    return YAML(typ="safe", pure=True).load(text)


def _expected_keys(kind: str, category: str, shared: bool) -> set[str]:
    """What the checker accepts in a file of this form, less the documented exceptions (schema.offered's docstring)."""
    keys = content.known_keys(kind, category, shared=shared)
    if kind == "article" and category != documents.CATEGORY and not shared:
        keys -= documents.KEYS - content.CATEGORY_KEYS.get(category, set())
    if category in (documents.CATEGORY, drafts.CATEGORY):
        keys -= {"expires"}
    return keys


def _vocabulary(network, name: str) -> list[str]:
    if name == "statuses":
        return list(content.STATUSES)
    if name == "priorities":
        return list(outreach.PRIORITIES)
    if name == "audience":
        from portal.model.sections import KINDS

        return [*KINDS, *network.ids]
    return [t.name for t in getattr(network.legal, name)]


def test_every_site_every_section_every_key_has_a_widget(network):
    """For every site of the sample network: a collection per section (+ pages, + shared directives on the
    provincial portal), each offering a field for every key the checker accepts there, required as it requires,
    every select listing its vocabulary, files and images into the site's files/."""
    fields = schema.fields()
    for site in network.sites:
        config = _load(cms.dump(cms.config(network, site)))
        by_name = {c["name"]: c for c in config["collections"]}
        expected = [*site.section_slugs, "pages"] + (["shared"] if site.id == network.home else [])
        assert list(by_name) == expected, site.id
        assert config["publish_mode"] == "editorial_workflow" and config["locale"] == "vi"
        assert config["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
        assert config["local_backend"] == {"url": f"http://{site.id}.localhost:8000/admin/api/v1", "allowed_hosts": [f"{site.id}.localhost"]}
        if len(site.languages) > 1:
            assert config["i18n"] == {"structure": "multiple_files", "locales": site.languages, "default_locale": "vi"}
        else:
            assert "i18n" not in config
        for name, coll in by_name.items():
            kind = "page" if name == "pages" else "article"
            category = schema.SHARED_CATEGORY if name == "shared" else ("" if name == "pages" else name)
            shared = name == "shared"
            folder = "content/shared" if shared else f"content/sites/{site.id}/{name}"
            assert coll["folder"] == folder and coll["extension"] == "md" and coll["format"] == "frontmatter"
            assert coll["media_folder"].startswith(f"/content/sites/{site.id}/files/")
            widgets = {f["name"]: f for f in coll["fields"]}
            keys = _expected_keys(kind, category, shared)
            assert keys <= set(widgets), (site.id, name, sorted(keys - set(widgets)))
            assert set(widgets) - keys == {"body"}, (site.id, name)
            required = {"title"} | ({"date", "category"} if kind == "article" else set())
            required |= {documents.CATEGORY: set(documents.REQUIRED), drafts.CATEGORY: set(drafts.REQUIRED),
                         procedures.CATEGORY: set(procedures.REQUIRED),
                         outreach.PRESS_CATEGORY: {"period", "spokesperson"}}.get(category, set()) if not shared else set()
            for key, w in widgets.items():
                if key == "body":
                    continue
                assert w.get("required", True) == (key in required), (site.id, name, key)
                f = fields[key]
                if f.widget == "select":
                    values = [o["value"] for o in w["options"]]
                    assert values == _vocabulary(network, f.vocabulary), (site.id, name, key)
                    assert w["multiple"] == f.multiple
            if "category" in widgets:
                assert widgets["category"]["widget"] == "hidden" and widgets["category"]["default"] == category
            if "relations" in widgets:
                kinds = [f["name"] for f in widgets["relations"]["fields"]]
                assert kinds == list(network.legal.relations)
                assert all(f["widget"] == "relation" and f["collection"] == "van-ban" and f["value_field"] == "number"
                           for f in widgets["relations"]["fields"])
            if "attachments" in widgets:
                sub = {f["name"]: f for f in widgets["attachments"]["fields"]}
                assert sub["path"]["widget"] == "file"
                assert [o["value"] for o in sub["role"]["options"]] == list(network.legal.roles)
            if "date" in widgets:
                assert widgets["date"]["format"] == "YYYY-MM-DD HH:mm"


def test_a_checker_key_without_a_widget_fails(monkeypatch, network):
    """Adding a key to the checker without a field in portal.model.schema breaks the editor's generation."""
    monkeypatch.setattr(content, "COMMON_KEYS", content.COMMON_KEYS | {"new_key"})
    with pytest.raises(KeyError, match="new_key"):
        cms.config(network, network.site("tien-du"))


def test_patterns_agree_with_the_checker():
    """The JavaScript patterns accept what the checker accepts (sample numbers, codes, slugs)."""
    for number in ("953/KH-UBND", "45/2025/QĐ-UBND", "2701/UBND-KSTT", "10/2022/QH15"):
        assert documents.NUMBER_RE.match(number) and re.match(schema.NUMBER_PATTERN, number)
    for code in ("1.004946", "1.004946.000.00.00.H04"):
        assert procedures.CODE_RE.match(code) and re.match(schema.CODE_PATTERN, code)
    assert re.match(schema.SLUG_PATTERN, "ra-quan-ve-sinh") and not re.match(schema.SLUG_PATTERN, "Ra quân")


HOSTILE = """\
network:
  home: tinh
  cms: {backend: gitea, repo: "so/cong", base_url: "https://git.tinh.example.vn", app_id: "abc"}
sites:
  - id: tinh
    kind: province
    name: {vi: "Tỉnh </title><script>alert(1)</script> \\"x\\": #y"}
    url: https://tinh.example.vn
    editors: ["@org/btb"]
"""


def test_names_are_data_not_markup(tmp_path):
    """A site name with markup and YAML syntax stays text in the page and a string in config.yml."""
    root = make_project(tmp_path / "p", HOSTILE)
    network = load_network(root)
    site = network.site("tinh")
    out = tmp_path / "admin"
    cms.write(network, site, out, root=root)
    html = (out / "index.html").read_text()
    assert "<script>alert" not in html and "&lt;/title&gt;&lt;script&gt;" in html
    config = _load((out / "config.yml").read_text())
    audience = next(f for f in config["collections"][-1]["fields"] if f["name"] == "audience")
    assert site.name("vi") in [o["label"] for o in audience["options"]]
    assert config["backend"]["name"] == "gitea" and config["backend"]["app_id"] == "abc"
    assert config["backend"]["base_url"] == "https://git.tinh.example.vn"
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "connect-src 'self' blob: https://git.tinh.example.vn;" in policy
    assert "script-src 'self' 'unsafe-eval'" in policy and "object-src 'none'" in policy
    assert 'name="robots" content="noindex, nofollow"' in html


def test_the_editor_is_written_beside_a_release_never_into_it(tmp_path):
    """A site taken from its release (``portal build --target``: hard links) gets its editor as new files: the
    release's own files keep their text."""
    import os

    root = make_project(tmp_path / "p", HOSTILE)
    network = load_network(root)
    site = network.site("tinh")
    release, tree = tmp_path / "release" / "admin", tmp_path / "out" / "admin"
    release.mkdir(parents=True)
    tree.mkdir(parents=True)
    for name in ("index.html", "config.yml", "cms.js"):
        (release / name).write_text("live", encoding="utf-8")
        os.link(release / name, tree / name)
    cms.write(network, site, tree, root=root)
    assert all((release / name).read_text(encoding="utf-8") == "live" for name in ("index.html", "config.yml", "cms.js"))
    assert "<html" in (tree / "index.html").read_text(encoding="utf-8")
    assert not list(tree.glob(".*.tmp"))


def test_network_cms_is_validated(tmp_path):
    from portal.model.errors import PortalError

    bad = HOSTILE.replace('backend: gitea, repo: "so/cong"', 'backend: svn, repo: "no slash", colour: red')
    root = make_project(tmp_path / "p", bad)
    with pytest.raises(PortalError) as exc:
        load_network(root)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "svn" in text and "no slash" in text and "colour" in text


def test_decaps_translation_files_are_the_pipelines(tmp_path):
    """Decap's multiple_files i18n writes foo.vi.md and foo.en.md: the pipeline reads them as an original and
    its translation (the same as foo.md and foo.en.md)."""
    from portal.stages.build import build
    from portal.stages.check import check
    from tests.conftest import NOW, write

    root = make_project(tmp_path / "p")
    write(root / "content/sites/tinh/tin-tuc/dang-ky.vi.md",
          "---\ntitle: Đăng ký kinh doanh trực tuyến\ndate: 2026-03-01 08:00\ncategory: tin-tuc\n---\nNội dung.\n")
    write(root / "content/sites/tinh/tin-tuc/dang-ky.en.md", "---\ntitle: Online business registration\n---\nBody.\n")
    assert check(load_network(root), None) == []
    report = build(root, ["tinh"], now=NOW, jobs=1, search=False)
    assert report.ok, report.all_problems()
    out = root / "output" / "tinh"
    assert (out / "tin-tuc/dang-ky-kinh-doanh-truc-tuyen/index.html").is_file()
    assert "Online business registration" in (out / "en/tin-tuc/dang-ky-kinh-doanh-truc-tuyen/index.html").read_text()


def test_portal_cms_writes_the_built_sites_editors(tmp_path):
    from portal.cli import main

    root = make_project(tmp_path / "p")
    (root / "output" / "tinh").mkdir(parents=True)
    assert main(["--root", str(root), "cms", "--serve-port", "8123"]) == 0
    config = _load((root / "output/tinh/admin/config.yml").read_text())
    assert config["local_backend"]["url"] == "http://tinh.localhost:8123/admin/api/v1"
    assert (root / "output/tinh/admin/index.html").is_file() and (root / "output/tinh/admin/cms.js").is_file()
    assert not (root / "output/so-a").exists()
    assert main(["--root", str(root), "cms", "--site", "so-a", "--output", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o/so-a/admin/config.yml").is_file()
    assert main(["--root", str(root), "cms", "--site", "nowhere"]) == 2


def test_the_editor_quotes_every_value_the_checker_asks_to_quote(network):
    """cms.js's rule (Decap's saves) covers :func:`portal.model.yamlio.implicit_type` (portal check's): every value
    the checker would refuse unquoted is written quoted; the front matter's other lines and the body are left alone."""
    import json
    import shutil
    import subprocess

    from portal.model import yamlio

    if not shutil.which("node"):
        pytest.skip("node is not installed (make installs it with npm)")
    values = ["NO", "Yes", "off", "y", "FALSE", "0107", "+5", "1_000", "0x1F", "0o17", "1:30", "12:05:00", "1:30.5",
              "75.000", "1e3", ".5", ".inf", ".NaN", "2025", "-3", "0", "1.5", "1.004946", "Tết", "Hà Nội", "2026-01-05",
              "3.10", "-0.50", "no way", "1:30 chiều", "08:30", "1:30.5"]
    js = cms.cms_js(network, network.site("tien-du"))
    start, end = js.index("  var IMPLICIT"), js.index("  // a preview like")
    raw = "---\ntitle: Lịch trực\n" + "".join(f"v{i}: {v}\n" for i, v in enumerate(values)) + "---\nNO\n1:30\n"
    script = js[start:end] + f"\nprocess.stdout.write(quoteImplicit({json.dumps(raw)}));\n"
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60, check=True).stdout
    written = out.split("\n")
    assert written[:2] == ["---", "title: Lịch trực"] and out.endswith("---\nNO\n1:30\n")
    for i, value in enumerate(values):
        line = written[2 + i]
        if yamlio.implicit_type(value):
            assert line == f"v{i}: {json.dumps(value)}", (value, line)
        data = yamlio.load(line)
        assert data[f"v{i}"] == value and not data.implicit, (value, line)


def test_every_free_text_field_is_checked_for_values_other_tools_read_otherwise():
    """content.TEXT_KEYS (the keys whose unquoted NO, 0107, 1:30 the checker refuses) covers every field the web
    editor offers as free text (string, text or list, without a pattern of its own): a new such key joins it."""
    free = {k for k, f in schema.fields().items() if f.widget in ("string", "text", "list") and not f.pattern}
    assert free <= content.TEXT_KEYS, sorted(free - content.TEXT_KEYS)
