"""The interaction service's first tables: questions, comments, ratings, survey, users, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def personal_columns() -> list[sa.Column]:
    """Who sent a question or a comment (erased by purge but the initials) and when."""
    return [sa.Column("name", sa.String(150)), sa.Column("address", sa.String(350)),
            sa.Column("phone", sa.String(30)), sa.Column("email", sa.String(254)),
            sa.Column("initials", sa.String(30), nullable=False), sa.Column("received_at", TS, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("login", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("boards", sa.Text, nullable=False),
        sa.Column("failed_logins", sa.SmallInteger, nullable=False),
        sa.Column("locked_until", TS),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("site", sa.String(64), nullable=False, index=True),
        sa.Column("received_site", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("consent", sa.Boolean, nullable=False),
        *personal_columns(),
        sa.Column("due", sa.Date),
        sa.Column("forwarded_from", sa.String(64)),
        sa.Column("forwarded_at", TS),
        sa.Column("duplicate_of", sa.String(16)),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("assignee_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("answered_by", sa.String(200), nullable=False),
        sa.Column("answered_at", TS),
        sa.Column("approved_at", TS),
        sa.Column("approved_by_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("published_at", TS),
        sa.Column("branch", sa.String(200)),
        sa.Column("path", sa.String(300)),
        sa.Column("confirm_hash", sa.String(128)),
        sa.Column("confirm_attempts", sa.SmallInteger, nullable=False),
        sa.Column("purged_at", TS),
    )
    op.create_index("ix_questions_site_state_due", "questions", ["site", "state", "due"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("site", sa.String(64), nullable=False, index=True),
        sa.Column("draft", sa.String(200), nullable=False, index=True),
        sa.Column("draft_title", sa.String(300), nullable=False),
        sa.Column("part", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("consent", sa.Boolean, nullable=False),
        *personal_columns(),
        sa.Column("moderated_at", TS),
        sa.Column("moderated_by_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("branch", sa.String(200)),
        sa.Column("path", sa.String(300)),
        sa.Column("confirm_hash", sa.String(128)),
        sa.Column("confirm_attempts", sa.SmallInteger, nullable=False),
        sa.Column("purged_at", TS),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("section", sa.String(64), nullable=False),
        sa.Column("page", sa.String(300), nullable=False),
        sa.Column("score", sa.SmallInteger, nullable=False),
        sa.Column("remark", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_ratings_site_created", "ratings", ["site", "created_at"])
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.String(64), nullable=False),
        *[sa.Column(k, sa.SmallInteger) for k in ("update_frequency", "ease_of_finding", "speed", "layout", "support")],
        sa.Column("remark", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_survey_site_created", "survey_responses", ["site", "created_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False, index=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("item", sa.String(32), nullable=False, index=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_index("ix_survey_site_created", "survey_responses")
    op.drop_table("survey_responses")
    op.drop_index("ix_ratings_site_created", "ratings")
    op.drop_table("ratings")
    op.drop_table("comments")
    op.drop_index("ix_questions_site_state_due", "questions")
    op.drop_table("questions")
    op.drop_table("users")
