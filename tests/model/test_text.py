import unicodedata

from portal.model.text import fold, nfc, slugify


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
