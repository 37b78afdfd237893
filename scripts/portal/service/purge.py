"""Erasing personal data after the retention period (issue 15, item 8): ``portal service purge``.

Closed questions (approved, published, duplicate, rejected) and moderated comments older than
the retention period (``PORTAL_RETENTION_DAYS``, default 365 days after they were closed, or
received for items never closed and never confirmed) lose their name, address, phone and
e-mail; the initials, the text and the figures stay. Each erasure is in the audit log.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.service.models import AuditEntry, Comment, Question

PERSONAL = ("name", "address", "phone", "email")


def purge(db: Session, now: dt.datetime, retention_days: int, *, dry_run: bool = False) -> dict[str, int]:
    """Erase personal data older than *retention_days*; returns counts per kind ({"questions": n, "comments": m})."""
    cut = now - dt.timedelta(days=retention_days)
    done = {"questions": 0, "comments": 0}
    q_closed = or_(
        Question.state.in_(("approved", "published")) & (Question.approved_at < cut),
        Question.state.in_(("duplicate", "rejected", "unconfirmed")) & (Question.received_at < cut),
    )
    c_closed = or_(
        Comment.state.in_(("approved", "published", "rejected")) & (Comment.moderated_at < cut),
        (Comment.state == "unconfirmed") & (Comment.received_at < cut),
    )
    for kind, model, closed in (("questions", Question, q_closed), ("comments", Comment, c_closed)):
        for item in db.scalars(select(model).where(closed, model.purged_at.is_(None))):
            done[kind] += 1
            if dry_run:
                continue
            for key in PERSONAL:
                setattr(item, key, None)
            item.purged_at = now
            db.add(AuditEntry(at=now, actor="system", item=item.code, action="personal_data.erased",
                              detail=f"retention={retention_days}d"))
    if dry_run:
        db.rollback()
    else:
        db.commit()
    return done
