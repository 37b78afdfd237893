import unicodedata

from portal.model.text import SLUG_MAX, clean, clean_name, fold, nfc, slugify


def test_slug_folds_tones_and_d():
    assert slugify("Đẩy mạnh chuyển đổi số") == "day-manh-chuyen-doi-so"
    assert slugify("Đường Lý Thái Tổ, phường Kinh Bắc") == "duong-ly-thai-to-phuong-kinh-bac"
    assert slugify("  Quy hoạch -- 2026!  ") == "quy-hoach-2026"


def test_fold_keeps_case_and_non_latin():
    assert fold("Đông Tiến") == "Dong Tien"
    assert fold("外国投资环境") == "外国投资环境"


def test_slug_of_non_latin_title_is_transliterated():
    assert slugify("外国投资") != ""


def test_nfc_composes():
    decomposed = unicodedata.normalize("NFD", "Hội nghị")
    assert decomposed != "Hội nghị"
    assert nfc(decomposed) == "Hội nghị"
    assert slugify(decomposed) == "hoi-nghi"


def test_clean_removes_invisible_characters_and_composes():
    text, bad = clean("Thông\u00adbáo\u200b lịch\u200c tiếp\u200d dân\u2060\ufeff" + unicodedata.normalize("NFD", " Hội nghị"))
    assert text == "Thôngbáo lịch tiếp dân Hội nghị" and bad == []
    assert clean("a\r\nb\rc")[0] == "a\nb\nc"


def test_clean_reports_control_characters_with_their_line():
    _text, bad = clean("dòng một\ndòng\x0bhai\ndòng ba\x0c và\x00\ntab\tvẫn được\n\x7f\u0085")
    assert [(b.line, b.code) for b in bad] == [(2, "U+000B"), (3, "U+000C"), (5, "U+007F")]
    assert "Shift+Enter" in bad[0].name
    assert clean("\ufffe")[1][0].code == "U+FFFE"


def test_slugs_are_capped_on_a_word_boundary():
    title = ("Quyết định ban hành Quy chế phối hợp giữa Ủy ban nhân dân xã với Mặt trận Tổ quốc và các đoàn thể "
             "chính trị - xã hội trong công tác tuyên truyền, vận động nhân dân thực hiện chủ trương")
    slug = slugify(title)
    assert len(slug) <= SLUG_MAX and slug == slugify(title)[: len(slug)]
    assert not slug.endswith("-") and slugify(title.replace("Quy chế", "Quy chế mới")) != ""
    assert slugify("x" * 500) == "x" * SLUG_MAX  # one long word: cut
    assert slugify("abc-def-ghij", limit=9) == "abc-def"


def test_clean_name_is_the_name_links_use():
    assert clean_name(unicodedata.normalize("NFD", "lễ-hội-làng.jpg")) == "lễ-hội-làng.jpg"
    assert clean_name("ảnh\u200b.jpg") == "ảnh.jpg"
