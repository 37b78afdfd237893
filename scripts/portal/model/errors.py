"""Problems found in the project's input, reported as ``path:LINE: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from portal.model.messages import _


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class PortalError(Exception):
    """One or more problems that stop the work; each names its file and line."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("portal", None, problems)]
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class PostFailed(Exception):
    """A failure while building the page of one content file: ``path`` (absolute) and the ``cause``.

    Raised by the build's Pelican plugins around each post, so that the failure is reported
    as that post's ``file:line`` problem, never as the whole site's.
    """

    def __init__(self, path: str, cause: BaseException):
        super().__init__(f"{path}: {type(cause).__name__}")
        self.path = path
        self.cause = cause


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known word, or listing the known ones."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return _("did you mean '{word}'?", word=close[0])
    return _("known: {words}", words=", ".join(choices))
