"""The board's manual adjustments of a month: ``scoring/adjustments/YYYY-MM.yaml``, each with a reason and its approver.

Shape::

    approved_by: "Nguyễn Văn An, Trưởng Ban Biên tập"    # the approver of every adjustment below that names none
    adjustments:
      - site: xa-mot
        deduction: personal-data          # a deduction of scoring.yaml: its points are taken off the total
        reason: "Đăng số điện thoại của người dân khi chưa có sự đồng ý (phản ánh ngày 12/11)"
      - site: so-a
        criterion: news                   # optional: the criterion the points correct (kept within 0 and its points)
        points: 2                         # + or −; without criterion, added to the total
        reason: "Hai tin đăng qua hệ thống cũ trong thời gian chuyển đổi"
        approved_by: "Trần Thị Bình"

Every problem (unknown site, criterion or deduction, no reason, no approver, points that are
not a number) is reported at once as ``scoring/adjustments/YYYY-MM.yaml:LINE: …``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.model import yamlio
from portal.model.errors import PortalError, Problem, did_you_mean
from portal.model.messages import _
from portal.model.sites import Network
from portal.model.text import nfc
from portal.score.months import Month
from portal.score.rubric import ADJUSTMENTS_DIR, FILENAME, Rubric, as_number
from portal.score.rubric import load as load_rubric

TOP_KEYS = {"approved_by", "adjustments"}
ITEM_KEYS = {"site", "criterion", "deduction", "points", "reason", "approved_by"}


@dataclass(frozen=True)
class Adjustment:
    """One adjustment: ``points`` (negative for a deduction) for ``site``, on ``criterion`` or on the total."""

    site: str
    points: float
    reason: str
    approved_by: str
    criterion: str | None = None
    deduction: str | None = None
    line: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"site": self.site, "points": self.points, "reason": self.reason, "approved_by": self.approved_by,
                "criterion": self.criterion, "deduction": self.deduction}


def path_of(root: Path | str, month: Month) -> Path:
    return Path(root) / ADJUSTMENTS_DIR / f"{month}.yaml"


def parse(text: str, rel: str, rubric: Rubric, site_ids: set[str]) -> list[Adjustment]:
    """Validate an adjustments file's text; :class:`PortalError` listing every problem at ``rel:LINE``."""
    problems: list[Problem] = []

    def add(line: int | None, message: str) -> None:
        problems.append(Problem(rel, line, message))

    try:
        data = yamlio.load(nfc(text))
    except yamlio.YamlError as exc:
        raise PortalError([Problem(rel, exc.line, exc.message)]) from None
    if data is None:
        return []
    if not isinstance(data, dict):
        raise PortalError([Problem(rel, 1, _("must be a mapping with approved_by and adjustments — see README.md, \"Monthly scoring\""))])
    for key in data:
        if key not in TOP_KEYS:
            add(data.line_of(key), _("unknown key '{key}' in {where} — {hint}", key=key, where=rel, hint=did_you_mean(str(key), TOP_KEYS)))
    default_approver = data.get("approved_by")
    if default_approver is not None and (not isinstance(default_approver, str) or not default_approver.strip()):
        add(data.line_of("approved_by"), _("approved_by must name the person who approved — write approved_by: \"Họ và tên, chức vụ\""))
        default_approver = None
    items = data.get("adjustments") or []
    if not isinstance(items, list):
        raise PortalError([Problem(rel, data.line_of("adjustments"), _("adjustments must be a list — start each with '- site: …'"))])
    result: list[Adjustment] = []
    for i, raw in enumerate(items):
        line = items.line_of(i)
        if not isinstance(raw, dict):
            add(line, _("an adjustment must be a mapping — start it with '- site: …'"))
            continue
        for key in raw:
            if key not in ITEM_KEYS:
                add(raw.line_of(key), _("unknown key '{key}' in {where} — {hint}", key=key, where="an adjustment", hint=did_you_mean(str(key), ITEM_KEYS)))
        site = raw.get("site")
        if not isinstance(site, str) or site not in site_ids:
            add(raw.line_of("site"), _("adjustment for site '{site}', which is not in sites.yaml — {hint}",
                                       site=site, hint=did_you_mean(str(site), site_ids)))
        reason = raw.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            add(line, _("adjustment for '{site}' has no reason — add reason: \"why the board changes the score\"", site=site))
            reason = ""
        approver = raw.get("approved_by", default_approver)
        if not isinstance(approver, str) or not approver.strip():
            add(line, _("adjustment for '{site}' names no approver — add approved_by: \"Họ và tên, chức vụ\" to it or to the file", site=site))
            approver = ""
        criterion = raw.get("criterion")
        if criterion is not None and rubric.criterion(str(criterion)) is None:
            add(raw.line_of("criterion"), _("unknown criterion '{criterion}' — {hint}", criterion=criterion,
                                            hint=did_you_mean(str(criterion), [c.id for c in rubric.criteria])))
            criterion = None
        deduction = raw.get("deduction")
        points = as_number(raw.get("points")) if raw.get("points") is not None else None
        if deduction is not None:
            d = rubric.deduction(str(deduction))
            if d is None:
                add(raw.line_of("deduction"), _("unknown deduction '{deduction}' — {hint}", deduction=deduction,
                                                hint=did_you_mean(str(deduction), [x.id for x in rubric.deductions] or ["correction"])))
                continue
            if points is not None or criterion is not None:
                add(line, _("a deduction takes its points from scoring.yaml — remove points and criterion, or remove deduction"))
            value = -d.points
        elif points is None:
            add(raw.line_of("points") if "points" in raw else line,
                _("adjustment for '{site}' needs points (a number, + or −) or a deduction — write points: -2", site=site))
            continue
        elif not -100 <= points <= 100 or points == 0:
            add(raw.line_of("points"), _("points {points} must be between -100 and 100 and not 0", points=f"{points:g}"))
            continue
        else:
            value = float(points)
        result.append(Adjustment(site=str(site), points=value, reason=nfc(str(reason).strip()), approved_by=nfc(str(approver).strip()),
                                 criterion=str(criterion) if criterion else None, deduction=str(deduction) if deduction else None,
                                 line=line))
    if problems:
        raise PortalError(problems)
    return result


def load(root: Path | str, month: Month, rubric: Rubric, site_ids: set[str]) -> list[Adjustment]:
    """The adjustments of *month* (none when there is no file)."""
    path = path_of(root, month)
    rel = (ADJUSTMENTS_DIR / path.name).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except UnicodeDecodeError as exc:
        raise PortalError([Problem(rel, None, _("is not UTF-8 ({reason}) — save it as UTF-8", reason=exc.reason))]) from None
    return parse(text, rel, rubric, site_ids)


def check_files(network: Network) -> list[Problem]:
    """``portal check``: the problems of scoring.yaml and of every adjustments file (none without scoring.yaml)."""
    root = network.root
    if not (root / FILENAME).is_file():
        return []
    problems: list[Problem] = []
    try:
        rub: Rubric | None = load_rubric(root)
    except PortalError as exc:
        problems += exc.problems
        rub = None
    for path in sorted((root / ADJUSTMENTS_DIR).glob("*.yaml")):
        rel = (ADJUSTMENTS_DIR / path.name).as_posix()
        try:
            Month.parse(path.stem, rel)
            if rub is not None:  # without a valid rubric, criteria and deductions cannot be checked
                parse(path.read_text(encoding="utf-8-sig"), rel, rub, set(network.ids))
        except PortalError as exc:
            problems += exc.problems
        except UnicodeDecodeError as exc:
            problems.append(Problem(rel, None, _("is not UTF-8 ({reason}) — save it as UTF-8", reason=exc.reason)))
    return problems
