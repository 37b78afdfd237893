"""The service's tables (SQLAlchemy 2 declarative). Migrations in ``migrations/`` create them.

Personal data (name, address, phone, e-mail) lives only in ``questions`` and ``comments`` and
is erased by ``portal service purge`` after the retention period; ``ratings`` and
``survey_responses`` carry none; ``audit_log`` names the staff member, never the citizen.
Times are stored in UTC; dates of deadlines are calendar dates in the network's time zone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in UTC on every backend (SQLite keeps no zone: stored naive, read back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


#: a question's states, in the order of the board's workflow (issue 15, item 3)
QUESTION_STATES = ("unconfirmed", "received", "accepted", "assigned", "answered", "approved", "published",
                   "duplicate", "rejected")
#: states in which the board still owes an answer (counted for deadlines)
OPEN_STATES = ("received", "accepted", "assigned", "answered")
CLOSED_STATES = ("approved", "published", "duplicate", "rejected")
COMMENT_STATES = ("unconfirmed", "received", "approved", "published", "rejected")


class Question(Base):
    """A question or a feedback (hỏi đáp, phản ánh kiến nghị) sent to one portal's board."""

    __tablename__ = "questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    site: Mapped[str] = mapped_column(String(64), index=True)           # the board that must answer now
    received_site: Mapped[str] = mapped_column(String(64))              # where it was sent
    kind: Mapped[str] = mapped_column(String(16), default="question")  # question | feedback
    state: Mapped[str] = mapped_column(String(16), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)       # may the name be published?
    # personal data (erased by purge)
    name: Mapped[str | None] = mapped_column(String(150))
    address: Mapped[str | None] = mapped_column(String(350))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    initials: Mapped[str] = mapped_column(String(30), default="")      # what is published without consent
    # dates
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due: Mapped[dt.date | None] = mapped_column(Date)
    forwarded_from: Mapped[str | None] = mapped_column(String(64))
    forwarded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    duplicate_of: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")                 # the board's reason (classification)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(200), default="")  # the answering unit
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    branch: Mapped[str | None] = mapped_column(String(200))
    path: Mapped[str | None] = mapped_column(String(300))             # the Q&A file in the project
    confirm_hash: Mapped[str | None] = mapped_column(String(128))
    confirm_attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (Index("ix_questions_site_state_due", "site", "state", "due"),)


class Comment(Base):
    """A comment on a draft for comment (góp ý dự thảo), on the whole draft or one named article."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    site: Mapped[str] = mapped_column(String(64), index=True)
    draft: Mapped[str] = mapped_column(String(200), index=True)       # the draft's slug
    draft_title: Mapped[str] = mapped_column(String(300))
    part: Mapped[str] = mapped_column(String(200), default="")        # "Điều 5", or "" for the whole draft
    state: Mapped[str] = mapped_column(String(16), index=True)
    body: Mapped[str] = mapped_column(Text)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(150))
    address: Mapped[str | None] = mapped_column(String(350))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    initials: Mapped[str] = mapped_column(String(30), default="")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    branch: Mapped[str | None] = mapped_column(String(200))
    path: Mapped[str | None] = mapped_column(String(300))
    confirm_hash: Mapped[str | None] = mapped_column(String(128))
    confirm_attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Rating(Base):
    """“Was this information useful?”: 1–5 and an optional remark, about one page; no personal data."""

    __tablename__ = "ratings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    section: Mapped[str] = mapped_column(String(64))
    page: Mapped[str] = mapped_column(String(300))
    score: Mapped[int] = mapped_column(SmallInteger)
    remark: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_ratings_site_created", "site", "created_at"),)


#: the site survey's questions (issue 15, item 6): key → Vietnamese label
SURVEY_QUESTIONS = {
    "update_frequency": "Mức độ cập nhật thông tin thường xuyên",
    "ease_of_finding": "Mức độ dễ tìm kiếm thông tin",
    "speed": "Tốc độ tải trang",
    "layout": "Bố cục, trình bày dễ theo dõi",
    "support": "Sự hỗ trợ, giải đáp của cơ quan",
}


class SurveyResponse(Base):
    """One answer to the site survey: each question 1–5 or skipped, an optional remark."""

    __tablename__ = "survey_responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    update_frequency: Mapped[int | None] = mapped_column(SmallInteger)
    ease_of_finding: Mapped[int | None] = mapped_column(SmallInteger)
    speed: Mapped[int | None] = mapped_column(SmallInteger)
    layout: Mapped[int | None] = mapped_column(SmallInteger)
    support: Mapped[int | None] = mapped_column(SmallInteger)
    remark: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_survey_site_created", "site", "created_at"),)


ROLES = ("editor", "leader")


class User(Base):
    """A member of one or more Editorial Boards. ``leader`` may approve answers; ``editor`` answers."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    role: Mapped[str] = mapped_column(String(16), default="editor")
    password_hash: Mapped[str] = mapped_column(String(200))
    boards: Mapped[str] = mapped_column(Text, default="")   # site ids, comma-separated
    failed_logins: Mapped[int] = mapped_column(SmallInteger, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    @property
    def board_ids(self) -> list[str]:
        return [b for b in self.boards.split(",") if b]


class AuditEntry(Base):
    """One state change: who (a staff login, ``citizen`` or ``system``), when, what, on which item."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(32), index=True)   # a tracking code, or user:<login>
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
