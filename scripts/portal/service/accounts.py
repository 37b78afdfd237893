"""Board members' accounts: argon2 password hashes, lockout after failed logins, boards per person.

A person belongs to one or more boards (site ids); ``portal service create-user`` names them
directly (``--site``) or through a team of ``sites.yaml``'s ``editors`` (``--team``: every
site whose board that team is, a site without editors falling to its parent's board, as
``portal codeowners`` assigns them).
"""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.model.sites import Network
from portal.service.config import Limits
from portal.service.models import ROLES, AuditEntry, User

_hasher = PasswordHasher()
#: a hash verified when the login does not exist, so both cases take the same time
_DUMMY = _hasher.hash("not a password")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A refused account change or login; the message is Vietnamese, for the person."""


def sites_of_team(network: Network, team: str) -> list[str]:
    """The sites whose board is *team* (its own ``editors``, or its nearest parent's when it has none)."""
    result = []
    for site in network.sites:
        cur = site
        while cur is not None and not cur.editors and cur.parent:
            cur = network.site(cur.parent)
        if cur is not None and team in cur.editors:
            result.append(site.id)
    return result


def create_user(db: Session, network: Network, *, login: str, name: str, password: str, role: str,
                sites: list[str], now: dt.datetime, actor: str = "system") -> User:
    """Add a person (or reset their password, role and boards when the login exists)."""
    if role not in ROLES:
        raise AccountError(f"Vai trò '{role}' không có; dùng một trong: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    unknown = [s for s in sites if s not in network]
    if unknown or not sites:
        raise AccountError(f"Ban biên tập không có trong sites.yaml: {', '.join(unknown) or '(chưa chọn)'}.")
    user = db.scalar(select(User).where(User.login == login))
    if user is None:
        user = User(login=login, created_at=now)
        db.add(user)
    user.name, user.role, user.boards = name, role, ",".join(dict.fromkeys(sites))
    user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until, user.active = 0, None, True
    db.add(AuditEntry(at=now, actor=actor, item=f"user:{login}", action="user.saved",
                      detail=f"role={role} boards={user.boards}"))
    db.commit()
    return user


def authenticate(db: Session, login: str, password: str, now: dt.datetime, limits: Limits) -> User:
    """The user for *login* and *password*; :class:`AccountError` when wrong or locked.

    After ``limits.login_attempts`` wrong passwords in a row the account is locked for
    ``limits.lockout_seconds``; the lock and each failure are in the audit log.
    """
    user = db.scalar(select(User).where(User.login == login))
    if user is None or not user.active:
        try:
            _hasher.verify(_DUMMY, password)
        except VerificationError:
            pass
        raise AccountError("Tên đăng nhập hoặc mật khẩu không đúng.")
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AccountError(f"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần; thử lại sau {minutes} phút.")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_logins += 1
        action = "login.failed"
        if user.failed_logins >= limits.login_attempts:
            user.locked_until = now + dt.timedelta(seconds=limits.lockout_seconds)
            user.failed_logins = 0
            action = "login.locked"
        db.add(AuditEntry(at=now, actor=login, item=f"user:{login}", action=action, detail=""))
        db.commit()
        if action == "login.locked":
            raise AccountError("Nhập sai mật khẩu quá số lần cho phép: tài khoản bị tạm khóa "
                               f"{limits.lockout_seconds // 60} phút.") from None
        raise AccountError("Tên đăng nhập hoặc mật khẩu không đúng.") from None
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.add(AuditEntry(at=now, actor=login, item=f"user:{login}", action="login", detail=""))
    db.commit()
    return user
