"""sites.yaml validation: every problem at once, with its line and a fix."""

from pathlib import Path

import pytest

from portal.model.errors import PortalError
from portal.model.sites import load_network

from ..conftest import MINI_SITES, write


def problems_of(tmp_path: Path, text: str) -> list[str]:
    write(tmp_path / "sites.yaml", text)
    with pytest.raises(PortalError) as exc:
        load_network(tmp_path)
    return [str(p) for p in exc.value.problems]


def test_valid_network_loads(tmp_path):
    write(tmp_path / "sites.yaml", MINI_SITES)
    net = load_network(tmp_path)
    assert net.home == "tinh"
    assert net.ids == ["tinh", "so-a", "xa-mot", "xa-hai", "phuong-ba"]
    assert net.site("tinh").languages == ["vi", "en"]
    assert net.site("xa-mot").languages == ["vi"]
    assert "phat-thanh" in net.site("xa-mot").section_slugs
    assert "phat-thanh" not in net.site("so-a").section_slugs
    assert net.site("so-a").section("van-ban").name("vi") == "Văn bản"


BAD = """\
network:
  home: so-a
  timezone: Asia/Ho_Chi_Minh
sites:
  - id: tinh
    kind: province
    name: {vi: "Tỉnh"}
    url: https://tinh.example.vn
  - id: so-a
    kind: department
    name: {vi: "Sở A"}
    url: https://soa.example.vn
    langauges: [vi, en]
  - id: so-a
    kind: department
    name: {vi: "Sở A lặp"}
    url: https://soa2.example.vn
  - id: Xa_Mot
    kind: village
    name: {en: "No Vietnamese"}
    url: not-a-url
    languages: [vi, fr]
    parent: khong-co
  - id: vong-a
    kind: commune
    name: {vi: "Vòng A"}
    url: https://a.example.vn
    parent: vong-b
  - id: vong-b
    kind: commune
    name: {vi: "Vòng B"}
    url: https://b.example.vn/duong-dan
    parent: vong-a
"""


def test_every_problem_reported_with_line(tmp_path):
    got = problems_of(tmp_path, BAD)
    expected = [
        ("sites.yaml:2:", "network.home 'so-a' is a department, not a province"),
        ("sites.yaml:13:", "unknown key 'langauges'"),
        ("sites.yaml:13:", "did you mean 'languages'?"),
        ("sites.yaml:14:", "id 'so-a' is repeated (first on line 9)"),
        ("sites.yaml:18:", "id 'Xa_Mot' is not [a-z0-9-]+"),
        ("sites.yaml:19:", "unknown kind 'village'"),
        ("sites.yaml:20:", "has no name.vi"),
        ("sites.yaml:21:", "url 'not-a-url' is not a valid http(s) address"),
        ("sites.yaml:22:", "unsupported language 'fr'"),
        ("sites.yaml:23:", "parent 'khong-co' of site 'Xa_Mot' is not a site"),
        ("sites.yaml:32:", "has a path"),
        ("makes a cycle", "vong-a"),
    ]
    for a, b in expected:
        assert any(a in p and b in p for p in got), (a, b, got)
    assert all(" — " in p for p in got), "every message says how to fix it"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("network: {home: x}\nsites: []\n", "'sites' must be a non-empty list"),
        ("network: {home: tinh}\nsites:\n  - id: tinh\n    kind: province\n    name: {vi: T}\n    url: https://t.vn\n"
         "    sections: [tin-tuc]\n", "lack 'chi-dao-dieu-hanh'"),
        ("network: {home: tinh, timezone: Mars/Base}\nsites:\n  - id: tinh\n    kind: province\n    name: {vi: T}\n"
         "    url: https://t.vn\n", "unknown timezone"),
        ("network: {home: tinh}\nsites:\n  - id: tinh\n   kind: province\n", "the indentation is wrong"),
        ("network: {home: nowhere}\nsites:\n  - id: tinh\n    kind: province\n    name: {vi: T}\n    url: https://t.vn\n",
         "network.home 'nowhere' is not a site"),
        ("netwrok: {home: tinh}\nsites:\n  - id: tinh\n    kind: province\n    name: {vi: T}\n    url: https://t.vn\n",
         "unknown key 'netwrok'"),
    ],
)
def test_single_problems(tmp_path, text, needle):
    got = problems_of(tmp_path, text)
    assert any(needle in p and p.startswith("sites.yaml") for p in got), got


def test_sections_overridable_per_kind_and_site(tmp_path):
    text = MINI_SITES.replace(
        "sites:\n",
        "defaults:\n  sections:\n    commune: [tin-tuc, chi-dao-dieu-hanh, {slug: nong-thon-moi, name: {vi: Nông thôn mới}}]\nsites:\n",
        1,
    )
    write(tmp_path / "sites.yaml", text)
    net = load_network(tmp_path)
    assert net.site("xa-mot").section_slugs == ["tin-tuc", "chi-dao-dieu-hanh", "nong-thon-moi"]
    assert net.site("xa-mot").section("nong-thon-moi").name("vi") == "Nông thôn mới"
    assert "van-ban" in net.site("phuong-ba").section_slugs  # ward keeps the defaults


def test_missing_file(tmp_path):
    with pytest.raises(PortalError, match="not found"):
        load_network(tmp_path)


def test_limits_and_embed_origins(tmp_path):
    write(tmp_path / "sites.yaml", MINI_SITES.replace(
        "  maintainers: [\"@org/maint\"]\n",
        "  maintainers: [\"@org/maint\"]\n  limits: {markdown_kb: 512, build_seconds: 120}\n"
        "  embed_origins: [https://video.tinh.example.vn, \"https://Media.Tinh.Example.vn:8443/\"]\n"))
    net = load_network(tmp_path)
    assert (net.limits.markdown_kb, net.limits.file_mb, net.limits.nesting, net.limits.build_seconds) == (512, 50, 16, 120)
    assert net.embed_origins == {"https://video.tinh.example.vn", "https://media.tinh.example.vn:8443"}
    write(tmp_path / "sites.yaml", MINI_SITES)
    default = load_network(tmp_path)
    assert default.limits.markdown_kb == 2048 and default.limits.file_mb == 50 and default.embed_origins == frozenset()


@pytest.mark.parametrize(("extra", "needle"), [
    ("  limits: {markdown_kb: lots}\n", "network.limits.markdown_kb must be a whole number from 1 to 65536"),
    ("  limits: {file_mb: 0}\n", "network.limits.file_mb must be a whole number"),
    ("  limits: {nesting: 1000}\n", "network.limits.nesting must be a whole number from 4 to 64"),
    ("  limits: {markdwon_kb: 10}\n", "unknown key 'markdwon_kb' in network.limits — did you mean 'markdown_kb'?"),
    ("  embed_origins: [http://video.example.vn]\n", "must be https://host only"),
    ("  embed_origins: [https://video.example.vn/embed]\n", "must be https://host only"),
    ("  embed_origins: ['https://a.vn\"><script>']\n", "must be https://host only"),
])
def test_limits_and_embed_origins_are_validated(tmp_path, extra, needle):
    got = problems_of(tmp_path, MINI_SITES.replace("  maintainers: [\"@org/maint\"]\n", "  maintainers: [\"@org/maint\"]\n" + extra))
    assert any(p.startswith("sites.yaml:6: ") and needle in p for p in got), got


def test_public_services_address_default_and_own(tmp_path):
    from portal.model.sites import DEFAULT_PUBLIC_SERVICES

    write(tmp_path / "sites.yaml", MINI_SITES)
    assert load_network(tmp_path).public_services == DEFAULT_PUBLIC_SERVICES == "https://dichvucong.gov.vn"
    own = MINI_SITES.replace('  maintainers: ["@org/maint"]\n',
                             '  maintainers: ["@org/maint"]\n  public_services: https://dichvucong.tinh.example.vn/dvc/\n')
    write(tmp_path / "sites.yaml", own)
    assert load_network(tmp_path).public_services == "https://dichvucong.tinh.example.vn/dvc/"
    bad = own.replace("https://dichvucong.tinh.example.vn/dvc/", '"javascript:alert(1)"')
    found = problems_of(tmp_path, bad)
    assert len(found) == 1 and found[0].startswith("sites.yaml:6: network.public_services") and "http(s)" in found[0]


def test_short_names_for_a_phones_header(tmp_path):
    text = MINI_SITES.replace('    name: {vi: "Sở A"}\n', '    name: {vi: "Sở A tỉnh Thử", en: "Test Department A"}\n'
                              '    short_name: {en: "Department A"}\n')
    write(tmp_path / "sites.yaml", text)
    net = load_network(tmp_path)
    home, dept, commune = net.site("tinh"), net.site("so-a"), net.site("xa-mot")
    assert net.display_name(home, "vi") == "Tỉnh Thử" and net.short_name(home, "vi") == "Tỉnh Thử"
    assert net.short_name(home, "en") == "Test Province Portal"  # no rule for English: the name
    assert net.display_name(dept, "vi") == "Sở A tỉnh Thử" and net.short_name(dept, "vi") == "Sở A"  # the province is implied
    assert net.short_name(dept, "en") == "Department A"  # as sites.yaml says
    assert net.short_name(commune, "vi") == net.display_name(commune, "vi") == "Xã Một"
    bad = text.replace('short_name: {en: "Department A"}', 'short_name: {fr: "A", vi: ""}')
    found = problems_of(tmp_path, bad)
    assert any("unsupported language 'fr' in short_name" in p for p in found)
    assert any("short_name.vi is empty" in p for p in found)
