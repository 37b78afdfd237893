"""Publishing through the board's sign-off: an approved answer or comment becomes a commit on a branch.

The file is written into a new commit on ``hoi-dap/<site>/<code>`` (answers) or
``gop-y/<site>/<code>`` (comments), based on the branch the service publishes from
(``PORTAL_GIT_BASE``, default HEAD), through a temporary index with Git plumbing (GitPython):
the working tree, the index and HEAD of the checkout are never touched. The branch is pushed
to the configured remote when there is one (``PORTAL_GIT_REMOTE``, default ``origin``); the
board's merge of that branch (a pull request on a hosting service) is the editorial sign-off.

Personal data never enters Git: the answer's file names the sender only with their consent
(otherwise by initials), and phone numbers and e-mail addresses are removed from the text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import git

from portal.model import yamlio
from portal.service.forms import scrub
from portal.stages import repository

IDENTITY = {"name": "portal service", "email": "portal-service@localhost"}
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.M)


def md_escape(text: str) -> str:
    """Plain text as Markdown that renders as the same text: no markup, links, HTML or lists."""
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return text


class PublishError(RuntimeError):
    """The branch could not be written (no Git checkout, a broken base); message in Vietnamese."""


@dataclass
class Published:
    branch: str
    commit: str
    path: str            # project-relative
    pushed: bool
    push_error: str = ""


def _local(moment: dt.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def front_matter(meta: dict) -> str:
    """YAML front matter text for *meta*, keys in order (ruamel.yaml, as content is read)."""
    return yamlio.front_matter(meta)


def question_file(q, tz: ZoneInfo, site_name: str) -> tuple[str, str]:
    """(project-relative path, Markdown text) of an approved question's Q&A post.

    Front matter: title, date (approval), category ``hoi-dap``, slug (the code), summary, code,
    received, due, answered, answered_by, asker (name with consent, else initials), author.
    """
    slug = q.code.lower()
    who = q.name if (q.consent and q.name) else (q.initials or "")
    question = scrub(q.body, "" if q.consent else (q.name or ""), q.initials)
    summary = " ".join(scrub(q.subject, "" if q.consent else (q.name or ""), q.initials).split())[:240]
    meta = {
        "title": scrub(q.subject, "" if q.consent else (q.name or ""), q.initials),
        "date": _local(q.approved_at, tz),
        "category": "hoi-dap",
        "slug": slug,
        "summary": summary,
        "tags": ["hỏi đáp"] if q.kind == "question" else ["phản ánh kiến nghị"],
        "author": q.answered_by or f"Ban Biên tập {site_name}",
        "code": q.code,
        "received": _local(q.received_at, tz),
        "due": q.due.isoformat() if q.due else "",
        "answered": _local(q.approved_at, tz),
        "answered_by": q.answered_by or "",
        "asker": who,
    }
    head = front_matter(meta)
    body = f"## Câu hỏi\n\n{md_escape(question)}\n\n## Trả lời\n\n{q.answer.strip()}\n"
    return f"content/sites/{q.site}/hoi-dap/{slug}.md", f"---\n{head}\n---\n{body}"


def comment_file(c, tz: ZoneInfo) -> tuple[str, str]:
    """(project-relative path, JSON text) of an approved comment, read by the draft's page."""
    who = c.name if (c.consent and c.name) else (c.initials or "")
    data = {
        "code": c.code, "draft": c.draft, "part": c.part,
        "received": _local(c.received_at, tz), "approved": _local(c.moderated_at, tz),
        "author": who,
        "text": scrub(c.body, "" if c.consent else (c.name or ""), c.initials),
    }
    return (f"data/interaction/{c.site}/gop-y/{c.draft}/{c.code.lower()}.json",
            json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def commit_file(root: Path, rel: str, text: str, branch: str, message: str, *, base: str = "",
                remote: str = "origin", push: bool = True, author: dict[str, str] | None = None) -> Published:
    """Commit *text* as *rel* (project-relative) on *branch*, on top of *base* (default HEAD).

    Raises :class:`PublishError` when *root* is not in a Git repository or *base* is unknown.
    """
    pr = repository.open_repo(root)
    if pr is None:
        raise PublishError("Thư mục dự án không phải kho Git: không thể tạo nhánh để Ban Biên tập duyệt.")
    repo = pr.repo
    try:
        repo.commit(base or "HEAD")
    except (ValueError, git.BadName, git.GitCommandError) as exc:
        raise PublishError(f"Không tìm thấy nhánh gốc '{base or 'HEAD'}' trong kho Git.") from exc
    ref = f"refs/heads/{branch}"
    commit = repository.commit_files(root, {rel: text.encode("utf-8")}, branch, message, base=base,
                                     author=author or IDENTITY, committer=IDENTITY)
    pushed, error = False, ""
    if push and remote in [r.name for r in repo.remotes]:
        try:
            repo.git.push(remote, f"{ref}:{ref}")
            pushed = True
        except git.GitCommandError as exc:
            error = str(exc.stderr or exc).strip()[-300:]
    return Published(branch=branch, commit=commit, path=rel, pushed=pushed, push_error=error)


def in_base(root: Path, rel: str, base: str = "") -> bool:
    """Whether *rel* exists in the base branch: the board merged it, the page comes with the next build."""
    pr = repository.open_repo(root)
    if pr is None:
        return False
    try:
        pr.repo.git.cat_file("-e", f"{base or 'HEAD'}:{pr.to_repo(rel)}")
        return True
    except git.GitCommandError:
        return False
