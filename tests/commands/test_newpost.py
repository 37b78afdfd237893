"""portal new: an editor's post or translation, with correct front matter, in the right folder."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from portal.commands.new import new_post
from portal.model.content import BODY_HINT, placeholder_message
from portal.model.errors import PortalError
from portal.model.sites import load_network
from portal.stages.check import check

from ..conftest import NOW

WHEN = dt.datetime(2026, 11, 22, 9, 5, tzinfo=NOW.tzinfo)


def untouched(problems: list, path: Path) -> bool:
    """The only problem is the placeholder body, at the line after the front matter."""
    line = path.read_text(encoding="utf-8").split("\n").index(BODY_HINT.strip()) + 1
    return [(p.line, p.message) for p in problems] == [(line, placeholder_message())]


def test_new_post_is_valid_and_in_place(project: Path):
    path = new_post(project, "Thông báo: \"Lịch tiếp công dân\" tháng 12", site="xa-hai", category="thong-bao", now=WHEN)
    assert path == project / "content/sites/xa-hai/thong-bao/thong-bao-lich-tiep-cong-dan-thang-12.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Thông báo: \\"Lịch tiếp công dân\\" tháng 12"\ndate: 2026-11-22 09:05\ncategory: thong-bao\n')
    # valid front matter; left untouched, its placeholder body is the one error (not an empty article)
    assert untouched(check(load_network(project), [path]), path)
    path.write_text(text.replace(BODY_HINT, "Ủy ban nhân dân xã thông báo lịch tiếp công dân.\n"), encoding="utf-8")
    assert check(load_network(project), [path]) == []


def test_new_translation(project: Path):
    original = project / "content/sites/tinh/tin-tuc/tin-dau.md"
    path = new_post(project, "First news of the province", lang="en", of=str(original))
    assert path == project / "content/sites/tinh/tin-tuc/tin-dau.en.md"
    assert path.read_text(encoding="utf-8").startswith('---\ntitle: "First news of the province"\n---\n')
    assert untouched(check(load_network(project), [path]), path)
    shared = new_post(project, "Tasks of communes and wards", lang="en", of=str(project / "content/shared/xa-phuong.md"))
    assert shared.name == "xa-phuong.en.md"


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"site": "xa-la", "category": "tin-tuc"}, "no site 'xa-la'"),
    ({"site": "xa-mot", "category": "tin-tuk"}, "category 'tin-tuk' is not a section of this site — did you mean 'tin-tuc'?"),
    ({"site": "xa-mot"}, "give --site ID and --category CAT"),
    ({"site": "xa-mot", "category": "tin-tuc", "slug": "chuyen-doi-so"}, "already exists"),
    ({"lang": "en", "of": "content/sites/xa-mot/tin-tuc/chuyen-doi-so.md"}, "language 'en' is not enabled for site 'xa-mot'"),
    ({"lang": "en", "of": "content/sites/tinh/tin-tuc/khong-co.md"}, "does not exist"),
    ({"lang": "en"}, "needs both --lang LANG and --of PATH"),
])
def test_bad_requests_write_nothing(project: Path, kwargs: dict, needle: str):
    before = sorted(project.rglob("*.md"))
    with pytest.raises(PortalError) as exc:
        new_post(project, "Đẩy mạnh chuyển đổi số", now=WHEN, **{k: (str(project / v) if k == "of" else v) for k, v in kwargs.items()})
    assert needle in str(exc.value)
    assert sorted(project.rglob("*.md")) == before


def test_a_slug_already_used_on_the_site_is_refused(project: Path):
    # chuyen-doi-so.md has the title "Đẩy mạnh chuyển đổi số": its URL is /tin-tuc/day-manh-chuyen-doi-so/
    with pytest.raises(PortalError, match="is already used by"):
        new_post(project, "Đẩy mạnh chuyển đổi số", site="xa-mot", category="tin-tuc", now=WHEN)
    assert not (project / "content/sites/xa-mot/tin-tuc/day-manh-chuyen-doi-so.md").exists()


def test_cli_new(project: Path):
    res = subprocess.run([sys.executable, "-m", "portal.cli", "new", "--site", "phuong-ba", "--category", "tin-tuc",
                          "Phường Ba ra quân vệ sinh môi trường"], cwd=project, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "content/sites/phuong-ba/tin-tuc/phuong-ba-ra-quan-ve-sinh-moi-truong.md"
    assert (project / res.stdout.strip()).is_file()
    today = dt.datetime.now(NOW.tzinfo).date().isoformat()  # today in Vietnam
    assert f"date: {today}" in (project / res.stdout.strip()).read_text(encoding="utf-8")
