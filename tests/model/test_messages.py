"""Editor messages: Vietnamese by default, English with PORTAL_LANG=en, every marked message translated."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir

from portal.model import messages
from portal.model.errors import did_you_mean
from portal.model.messages import _

from ..conftest import REPO


def marked_messages() -> set[str]:
    """Every msgid marked with _() in the package (what `make translations` extracts)."""
    found = extract_from_dir(str(REPO / "scripts" / "portal"), method_map=[("**.py", "python")],
                             keywords={"_": None}, comment_tags=())
    return {msgid for _file, _line, msgid, _comments, _context in found if isinstance(msgid, str)}


def test_every_marked_message_has_a_vietnamese_translation():
    marked = marked_messages()
    assert "did you mean '{word}'?" in marked
    vi = messages.catalog("vi")
    missing = sorted(m for m in marked if not vi.get(m))
    assert not missing, ("messages without a Vietnamese translation — run `make translations` and fill "
                         f"translations/vi/LC_MESSAGES/editor.po: {missing}")


def test_translations_keep_every_placeholder():
    import string

    for msgid, text in messages.catalog("vi").items():
        fields = lambda s: sorted(f for _lit, f, _spec, _conv in string.Formatter().parse(s) if f)  # noqa: E731
        assert fields(msgid) == fields(text), (msgid, text)


def test_vietnamese_by_default_english_on_request(monkeypatch):
    monkeypatch.delenv("PORTAL_LANG", raising=False)  # as an editor runs it
    assert did_you_mean("tin-tuk", ["tin-tuc", "van-ban"]) == "có phải ý bạn là 'tin-tuc'?"
    monkeypatch.setenv("PORTAL_LANG", "en")
    assert did_you_mean("tin-tuk", ["tin-tuc", "van-ban"]) == "did you mean 'tin-tuc'?"
    monkeypatch.setenv("PORTAL_LANG", "en_US.UTF-8")
    assert _("known: {words}", words="a, b") == "known: a, b"


def test_fields_are_filled_as_text_and_a_broken_translation_falls_back(monkeypatch):
    monkeypatch.setenv("PORTAL_LANG", "vi")
    assert _("known: {words}", words="<b>") == "các giá trị hợp lệ: <b>"
    monkeypatch.setitem(messages.catalog("vi"), "x {a}", "y {b}")
    assert _("x {a}", a=1) == "x 1"
