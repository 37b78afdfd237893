"""Reaching people where they are (issue 16): press releases, commune radio, imported directives.

**Press releases** (``category: thong-tin-bao-chi``; the provincial portal has the section by
default, any portal may list it in its ``sections``; 2024 plan task 3, plan 953 row 5: a monthly
release to the press on the provincial leaders' direction)::

    period: 2026-11                    # the month it covers (YYYY-MM), required
    spokesperson: "Nguyễn Văn Bình, Chánh Văn phòng UBND tỉnh"     # required
    briefing_date: 2026-12-02 09:00    # the press briefing, optional
    attachments: [files/bao-chi/thong-cao-11-2026.pdf]

**Commune radio** (``category: phat-thanh``; 2024 plan task 9: radio news on the portal and the
portal's news on the radio). The body is the transcript (required when there is audio: people
who cannot hear it read it)::

    audio: files/phat-thanh/2026-09-10.mp3     # or https://<network.media_url>/… listed in media.yaml
    duration: "4:35"                           # read from the file when it is under files/
    broadcast: 2026-09-10 17:00                # when it went on air (default: date)
    priority: normal                           # normal | priority | emergency (thường, ưu tiên, khẩn cấp)

**Imported directives** (``portal import-feed``): a shared directive may carry ``canonical`` (the
source's ``https://`` address: its pages then name the source as canonical) and ``source_id``
(the item's id in the source feed: an item already imported is skipped).
"""

from __future__ import annotations

import re
from typing import Any

from portal.model.errors import Problem
from portal.model.links import short
from portal.model.media import AUDIO_TYPES, extension, parse_duration
from portal.model.messages import _

PRESS_CATEGORY = "thong-tin-bao-chi"
RADIO_CATEGORY = "phat-thanh"
PRESS_KEYS = frozenset({"period", "briefing_date", "spokesperson"})
RADIO_KEYS = frozenset({"audio", "duration", "broadcast", "priority"})
IMPORTED_KEYS = frozenset({"canonical", "source_id"})
#: the press section's own page: the monthly archive (a post may not take its slug)
PRESS_ARCHIVE = "theo-thang"
#: priorities of a radio bulletin, and how editors may write them
PRIORITIES = ("normal", "priority", "emergency")
PRIORITY_ALIASES = {"normal": "normal", "thuong": "normal", "binh thuong": "normal", "thường": "normal", "bình thường": "normal",
                    "priority": "priority", "uu tien": "priority", "ưu tiên": "priority",
                    "emergency": "emergency", "khan cap": "emergency", "khẩn cấp": "emergency", "khan": "emergency", "khẩn": "emergency"}
#: a transcript shorter than this is not a transcript
TRANSCRIPT_MIN = 80
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_of(value: Any) -> tuple[int, int] | None:
    """``2026-11`` → (2026, 11); None when it is not a month."""
    m = _PERIOD.match(str(value).strip()) if value is not None else None
    return (int(m.group(1)), int(m.group(2))) if m else None


def priority_of(value: Any) -> str | None:
    """The priority an editor wrote, as one of :data:`PRIORITIES` (None: not one)."""
    return PRIORITY_ALIASES.get(" ".join(str(value).strip().lower().split())) if value is not None else None


def keys_for(category: str, shared: bool) -> frozenset[str]:
    """The keys this module adds for a post of *category* (and for a shared directive)."""
    keys: frozenset[str] = frozenset()
    if category == PRESS_CATEGORY:
        keys |= PRESS_KEYS
    if category == RADIO_CATEGORY:
        keys |= RADIO_KEYS
    if shared:
        keys |= IMPORTED_KEYS
    return keys


def validate(meta: dict[str, Any], line: Any, rel: str, body: str) -> list[Problem]:
    """Check the keys of a press release, a radio bulletin and an imported directive (see the module)."""
    problems: list[Problem] = []
    category = str(meta.get("category") or "")

    def add(key: str, message: str) -> None:
        problems.append(Problem(rel, line(key) if key in meta else 1, message))

    if category == PRESS_CATEGORY:
        if meta.get("period") is None:
            add("period", _("a press release needs the month it covers — add period: YYYY-MM (e.g. period: 2026-11)"))
        elif period_of(meta["period"]) is None:
            add("period", _("period '{value}' is not a month — write YYYY-MM, e.g. 2026-11", value=short(str(meta["period"]), 30)))
        if not isinstance(meta.get("spokesperson"), str) or not meta["spokesperson"].strip():
            add("spokesperson", _("a press release names its spokesperson — add spokesperson: \"Họ tên, chức vụ\""))
    if category == RADIO_CATEGORY:
        audio = meta.get("audio")
        if audio is not None:
            if not isinstance(audio, str) or not audio.strip():
                add("audio", _("audio must be one file — write audio: files/phat-thanh/ban-tin.mp3"))
            elif extension(audio) not in AUDIO_TYPES:
                add("audio", _("audio must be an MP3, M4A, AAC, Ogg/Opus or WAV file — convert it to MP3"))
            words = len(re.sub(r"<!--.*?-->", "", body, flags=re.S).split())
            if len(body.strip()) < TRANSCRIPT_MIN or words < 12:
                add("audio", _("a radio bulletin with audio needs its transcript as the text of the post (people who cannot hear it read it) — write what is said below the front matter"))
        if "duration" in meta and parse_duration(meta["duration"]) is None:
            add("duration", _("duration '{value}' is not a duration — write minutes:seconds, e.g. duration: \"4:35\"", value=short(str(meta["duration"]), 20)))
        if "priority" in meta and priority_of(meta["priority"]) is None:
            add("priority", _("priority '{value}' is not known — use normal, priority or emergency (thường, ưu tiên, khẩn cấp)",
                              value=short(str(meta["priority"]), 30)))
    canonical = meta.get("canonical")
    if canonical is not None and (not isinstance(canonical, str) or not re.match(r"^https?://[^\s/\"'<>]+(/\S*)?$", canonical.strip())):
        add("canonical", _("canonical must be the source's web address — write canonical: https://…"))
    if "source_id" in meta and not isinstance(meta.get("source_id"), str):
        add("source_id", _("source_id must be text — write source_id: \"…\""))
    return problems
