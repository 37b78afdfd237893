"""What citizens send, checked before anything is stored: sizes, required fields, formats.

Every error is a Vietnamese message keyed by the form field, so a page can show it beside the
field; a form with any error stores nothing. Text is put into NFC, control and invisible
characters are dropped (as for content: :func:`portal.model.text.nfc`), and lines are kept.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from portal.model.text import nfc
from portal.service.config import Limits

#: tracking codes: an unambiguous alphabet (no 0/O, 1/I/L), grouped after a two-letter prefix
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_RE = re.compile(r"^(HD|GY)-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 .-]{7,18}[0-9]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
#: phone numbers and e-mail addresses inside free text (scrubbed from what is published)
_TEXT_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TEXT_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[ .-]?\d){8,10}(?!\d)")
HONEYPOT = "website"  # a field hidden from people; a bot that fills it is refused


def new_code(prefix: str) -> str:
    """A fresh tracking code, e.g. ``HD-7K3Q-X9MP`` (prefix HD: question, GY: comment); ~40 bits."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{prefix}-{raw[:4]}-{raw[4:]}"


def normalise_code(value: str) -> str:
    """What a person typed as a code, upper-cased, spaces dropped, ``O``→``0`` kept invalid."""
    return re.sub(r"\s+", "", value or "").upper()[:20]


def clean(value: object, *, multiline: bool = False) -> str:
    """NFC text without control or invisible characters; one line unless *multiline*."""
    text = nfc(str(value or ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def initials(name: str) -> str:
    """``Nguyễn Thị Hoa`` → ``N.T.H.``: what is published of a sender who did not consent."""
    letters = [unicodedata.normalize("NFC", w[0]).upper() for w in name.split() if w and w[0].isalpha()]
    return "".join(f"{c}." for c in letters[:5])


def scrub(text: str, name: str = "", replacement: str = "") -> str:
    """*text* without e-mail addresses and phone numbers, and with *name* replaced (anonymising)."""
    text = _TEXT_EMAIL.sub("[…]", text)
    text = _TEXT_PHONE.sub("[…]", text)
    if name and len(name) >= 3:
        text = re.sub(re.escape(name), replacement or "[…]", text, flags=re.IGNORECASE)
    return text


class FormError(Exception):
    """The form is refused: field → Vietnamese message (``""`` for the form as a whole)."""

    def __init__(self, errors: dict[str, str], status: int = 422):
        self.errors = errors
        self.status = status
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass
class Checked:
    """Validated values; ``errors`` collects every problem before one :class:`FormError`."""

    limits: Limits
    data: Mapping[str, object]
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, key: str, label: str, limit: int, *, required: bool = False, multiline: bool = False) -> str:
        value = clean(self.data.get(key), multiline=multiline)
        if required and not value:
            self.errors[key] = f"Vui lòng nhập {label}."
        elif len(value) > limit:
            self.errors[key] = f"{label.capitalize()} dài quá {limit} ký tự (hiện có {len(value)}); vui lòng rút gọn."
        self.values[key] = value
        return value

    def email(self, key: str = "email", *, required: bool) -> str:
        value = self.text(key, "thư điện tử", self.limits.email, required=required)
        if value and key not in self.errors and not EMAIL_RE.match(value):
            self.errors[key] = "Địa chỉ thư điện tử không đúng định dạng (ví dụ: ten@example.vn)."
        return value

    def phone(self, key: str = "phone", *, required: bool) -> str:
        value = self.text(key, "số điện thoại", self.limits.phone, required=required)
        if value and key not in self.errors and not PHONE_RE.match(value):
            self.errors[key] = "Số điện thoại chỉ gồm chữ số (có thể có dấu cách), ví dụ 0222 3822 569."
        return value

    def sender(self, *, email_required: bool) -> None:
        """Who writes: name and address (required), phone, e-mail (required for feedback and comments)."""
        self.text("name", "họ và tên", self.limits.name, required=True)
        self.text("address", "địa chỉ", self.limits.address, required=True)
        self.phone(required=False)
        self.email(required=email_required)

    def score(self, key: str, label: str, *, required: bool) -> int | None:
        raw = str(self.data.get(key) or "").strip()
        if not raw:
            if required:
                self.errors[key] = f"Vui lòng chọn {label} (từ 1 đến 5)."
            self.values[key] = None
            return None
        if raw not in ("1", "2", "3", "4", "5"):
            self.errors[key] = f"{label.capitalize()} phải là một số từ 1 đến 5."
            self.values[key] = None
            return None
        self.values[key] = int(raw)
        return int(raw)

    def flag(self, key: str) -> bool:
        value = str(self.data.get(key) or "").strip().lower() in ("1", "on", "yes", "true", "co", "có")
        self.values[key] = value
        return value

    def honeypot(self) -> None:
        if str(self.data.get(HONEYPOT) or "").strip():
            self.errors[""] = "Không thể nhận nội dung này. Nếu bạn là người gửi, vui lòng để trống các ô ẩn và gửi lại."

    def raise_if_any(self) -> None:
        if self.errors:
            raise FormError(dict(self.errors))


def question_form(data: Mapping[str, object], limits: Limits) -> dict[str, object]:
    """The fields of a question or feedback (issue 15, item 2). Feedback requires an e-mail.

    Returns the cleaned values: kind, name, address, phone, email, agency, subject, body, consent.
    Raises :class:`FormError` listing every problem.
    """
    c = Checked(limits, data)
    c.honeypot()
    kind = str(data.get("kind") or "question")
    if kind not in ("question", "feedback"):
        c.errors["kind"] = "Vui lòng chọn loại: câu hỏi hoặc phản ánh, kiến nghị."
    c.values["kind"] = kind
    c.sender(email_required=kind == "feedback")
    c.text("agency", "cơ quan nhận", 64)
    c.text("subject", "tiêu đề", limits.subject, required=True)
    c.text("body", "nội dung câu hỏi", limits.question, required=True, multiline=True)
    c.flag("consent")
    c.raise_if_any()
    return c.values


def comment_form(data: Mapping[str, object], limits: Limits) -> dict[str, object]:
    """The fields of a comment on a draft (issue 15, item 5): identity, the part commented, the text."""
    c = Checked(limits, data)
    c.honeypot()
    c.text("draft", "dự thảo", 200, required=True)
    c.text("part", "điều, khoản góp ý", 200)
    c.sender(email_required=True)
    c.text("body", "nội dung góp ý", limits.question, required=True, multiline=True)
    c.flag("consent")
    c.raise_if_any()
    return c.values


def rating_form(data: Mapping[str, object], limits: Limits) -> dict[str, object]:
    """A rating of one page: score 1–5, an optional remark, the page's path and section."""
    c = Checked(limits, data)
    c.honeypot()
    c.score("score", "mức độ hữu ích", required=True)
    c.text("remark", "ý kiến", limits.remark, multiline=True)
    page = c.text("page", "trang", 300, required=True)
    if page and (not page.startswith("/") or page.startswith("//") or "\\" in page or ".." in page):
        c.errors["page"] = "Trang được đánh giá không hợp lệ."
    section = c.text("section", "chuyên mục", 64)
    if section and not re.fullmatch(r"[a-z0-9-]+", section):
        c.errors["section"] = "Chuyên mục không hợp lệ."
    c.raise_if_any()
    return c.values


def survey_form(data: Mapping[str, object], limits: Limits, questions: Mapping[str, str]) -> dict[str, object]:
    """The site survey: each question 1–5 or skipped (at least one answered), an optional remark."""
    c = Checked(limits, data)
    c.honeypot()
    for key, label in questions.items():
        c.score(key, label.lower(), required=False)
    if not c.errors and all(c.values.get(k) is None for k in questions):
        c.errors[""] = "Vui lòng chấm điểm ít nhất một tiêu chí."
    c.text("remark", "ý kiến", limits.remark, multiline=True)
    c.raise_if_any()
    return c.values
