"""sites.yaml: the network of portals, loaded into a typed model and validated.

Every problem is reported at once as ``sites.yaml:LINE: what is wrong — how to fix it``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.model import addresses, vocabulary, yamlio
from portal.model import limits as limits_model
from portal.model.errors import PortalError, Problem, did_you_mean
from portal.model.limits import Limits
from portal.model.links import short
from portal.model.messages import _
from portal.model.sections import CATALOG, DEFAULTS, KINDS, LANGUAGES, REQUIRED, RESERVED_PATHS
from portal.model.text import clean, nfc

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

NETWORK_KEYS = {"home", "default_language", "timezone", "maintainers", "limits", "embed_origins",
                "answer_days", "days_off", "make_up_days", "public_services", "media_url", "notify"}
DEFAULTS_KEYS = {"sections", "languages"}
SITE_KEYS = {
    "id", "kind", "name", "url", "languages", "parent", "editors", "contact", "social",
    "sections", "description", "answer_days", "owner", "responsible", "short_name", "notify",
}
#: working days a board has to answer a citizen's question unless sites.yaml says otherwise
#: (the province's rule for the Q&A section; Decree 42/2022 art. 8 asks for a time limit)
DEFAULT_ANSWER_DAYS = 10
#: the person responsible for a portal (shown in every footer)
RESPONSIBLE_KEYS = {"name", "position", "phone", "email"}
#: the national public service portal (Cổng Dịch vụ công quốc gia), linked from every home page's
#: "online public services" task unless ``network.public_services`` names another address
DEFAULT_PUBLIC_SERVICES = "https://dichvucong.gov.vn"
#: how Vietnamese portal names begin; the header's short name leaves it out (the kicker says it)
PORTAL_PREFIX = "cổng thông tin điện tử "
CONTACT_KEYS = {"address", "phone", "email", "fax", "hotline", "spokesperson"}
SOCIAL_KEYS = {"facebook", "zalo", "youtube", "tiktok", "instagram"}
#: a social account written as a mapping: its address and the account's name (2024 plan task 4: the agency's full name)
SOCIAL_ACCOUNT_KEYS = {"url", "name"}
#: network.notify: how notices reach the boards (issue 16.7); secrets come from the environment
NOTIFY_KEYS = {"smtp", "webhook"}
SMTP_KEYS = {"host", "port", "from", "starttls"}
#: a site's notify: who on its board receives notices (default: contact.email)
SITE_NOTIFY_KEYS = {"email", "phone"}
SECTION_KEYS = {"slug", "name"}


@dataclass(frozen=True)
class Section:
    slug: str
    names: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("vi") or self.slug


@dataclass
class Site:
    id: str
    kind: str
    names: dict[str, str]
    url: str
    languages: list[str]
    parent: str | None
    editors: list[str]
    contact: dict[str, str]
    social: dict[str, str]
    sections: list[Section]
    description: dict[str, str] = field(default_factory=dict)
    line: int = 0
    #: working days to answer a question sent to this portal (None: the network's ``answer_days``)
    answer_days: int | None = None
    #: the name of each social account (``social: {facebook: {url: …, name: …}}``), when sites.yaml gives it
    social_names: dict[str, str] = field(default_factory=dict)
    #: who on the board receives notices: ``{"email": [...], "phone": [...]}`` (``notify``; e-mail default: contact.email)
    notify: dict[str, list[str]] = field(default_factory=dict)
    #: the governing agency (cơ quan chủ quản) per language, e.g. {"vi": "UBND xã Tiên Du", "en": "…"}
    owner: dict[str, str] = field(default_factory=dict)
    #: the person responsible for the portal: name, position (a position of the vocabulary), phone, email
    responsible: dict[str, str] = field(default_factory=dict)
    #: the name for a phone's header, per language (``short_name`` in sites.yaml); see Network.short_name
    short_names: dict[str, str] = field(default_factory=dict)

    def notice_emails(self) -> list[str]:
        """The board's addresses for notices: ``notify.email``, else the contact e-mail."""
        return list(self.notify.get("email") or ([self.contact["email"]] if self.contact.get("email") else []))

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def name(self, lang: str = "vi") -> str:
        return self.names.get(lang) or self.names["vi"]

    @property
    def section_slugs(self) -> list[str]:
        return [s.slug for s in self.sections]

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


@dataclass
class Network:
    home: str
    default_language: str
    timezone: str
    maintainers: list[str]
    sites: list[Site]
    path: Path
    root: Path
    limits: Limits = field(default_factory=Limits)
    #: origins (``https://host``) whose pages a post may embed in an ``<iframe>``
    embed_origins: frozenset[str] = frozenset()
    #: working days to answer a question (``network.answer_days``, default 10)
    answer_days: int = DEFAULT_ANSWER_DAYS
    #: the government's announced days off beyond the public holidays, per year (``network.days_off``)
    days_off: dict[int, list[dt.date]] = field(default_factory=dict)
    #: Saturdays or Sundays announced as working days to make up for them (``network.make_up_days``)
    make_up_days: dict[int, list[dt.date]] = field(default_factory=dict)
    #: the province's media origin (``https://media.host``): large files referenced by address, listed in media.yaml
    media_url: str = ""
    #: ``network.notify``: ``{"smtp": {"host", "port", "from", "starttls"}, "webhook": url}`` (issue 16.7)
    notify: dict[str, Any] = field(default_factory=dict)
    #: the vocabularies of legal documents, their settings and the required items (legal.yaml + sites.yaml)
    legal: vocabulary.Legal = field(default_factory=vocabulary.defaults)
    #: the address of the national public service portal (``network.public_services``)
    public_services: str = DEFAULT_PUBLIC_SERVICES

    def __post_init__(self) -> None:
        self._by_id = {s.id: s for s in self.sites}

    def site(self, site_id: str) -> Site:
        return self._by_id[site_id]

    def __contains__(self, site_id: str) -> bool:
        return site_id in self._by_id

    @property
    def home_site(self) -> Site:
        return self._by_id[self.home]

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.sites]

    def answer_days_of(self, site_id: str) -> int:
        """Working days a board has to answer a question sent to *site_id*."""
        site = self._by_id.get(site_id)
        return site.answer_days if site is not None and site.answer_days else self.answer_days
    def display_name(self, site: Site, lang: str) -> str:
        """The site's name without the words every portal's name begins with (the header's kicker says them).

        ``Cổng Thông tin điện tử tỉnh Bắc Ninh`` → ``Tỉnh Bắc Ninh``; ``Xã Tiên Du`` stays.
        """
        name = site.name(lang)
        if name.lower().startswith(PORTAL_PREFIX) and len(name) > len(PORTAL_PREFIX):
            rest = name[len(PORTAL_PREFIX):]
            return rest[0].upper() + rest[1:]
        return name

    def short_name(self, site: Site, lang: str) -> str:
        """The name for the header of a phone: ``short_name`` from sites.yaml, else the display name
        without the province's own name at its end (``Sở Nội vụ tỉnh Bắc Ninh`` → ``Sở Nội vụ``)."""
        if site.short_names.get(lang):
            return site.short_names[lang]
        name = self.display_name(site, lang)
        if site.id != self.home:
            home = self.display_name(self.home_site, lang)
            suffix = " " + home[0].lower() + home[1:]
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return name

    def children(self, site_id: str) -> list[Site]:
        return [s for s in self.sites if s.parent == site_id]

    def summary(self) -> list[dict[str, Any]]:
        """A light, picklable description of every site, for templates."""
        return [
            {"id": s.id, "kind": s.kind, "names": s.names, "url": s.url, "parent": s.parent}
            for s in self.sites
        ]


class _Checker:
    def __init__(self, rel: str):
        self.rel = rel
        self.problems: list[Problem] = []

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.rel, line, message))

    def unknown_keys(self, data: yamlio.LineDict, known: set[str], where: str) -> None:
        for key in data:
            if key not in known:
                self.add(data.line_of(key), _("unknown key '{key}' in {where} — {hint}",
                                              key=short(str(key), 40), where=where, hint=did_you_mean(str(key), known)))

    def mapping(self, value: Any, line: int, what: str) -> yamlio.LineDict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.add(line, _("{what} must be a mapping (key: value lines) — indent its keys under it", what=what))
            return None
        return value  # type: ignore[return-value]

    def strings(self, value: Any, line: int, what: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(line, _("{what} must be a list of words — write it as [a, b]", what=what))
            return []
        return [nfc(v) for v in value]


def _languages(c: _Checker, value: Any, line: int, default: list[str]) -> list[str]:
    if value is None:
        return list(default)
    langs = c.strings(value, line, "languages")
    for i, lang in enumerate(langs):
        if lang not in LANGUAGES:
            lline = value.line_of(i) if isinstance(value, yamlio.LineList) else line
            c.add(lline, _("unsupported language '{lang}' — use one of {langs}", lang=short(lang, 20), langs=", ".join(LANGUAGES)))
    if len(set(langs)) != len(langs):
        c.add(line, _("a language is listed twice in languages — list each once"))
    if not langs:
        c.add(line, _("languages is empty — list at least 'vi'"))
    return [lang for lang in langs if lang in LANGUAGES] or list(default)


def _sections(c: _Checker, value: Any, line: int, where: str) -> list[Section] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        c.add(line, _("sections of {where} must be a list of section slugs — write [tin-tuc, van-ban, …]", where=where))
        return None
    result: list[Section] = []
    for i, item in enumerate(value):
        iline = value.line_of(i) if isinstance(value, yamlio.LineList) else line
        if isinstance(item, str):
            slug, names = item, {}
        elif isinstance(item, dict):
            c.unknown_keys(item, SECTION_KEYS, _("a section of {where}", where=where))
            slug = item.get("slug")
            names = item.get("name") or {}
            if not isinstance(names, dict):
                c.add(iline, _("a section's name must be a mapping of languages — write name: {vi: …}"))
                names = {}
        else:
            c.add(iline, _("a section of {where} must be a slug or {{slug, name}} — write e.g. tin-tuc", where=where))
            continue
        if not isinstance(slug, str) or not ID_RE.match(slug):
            c.add(iline, _("section slug '{slug}' is not [a-z0-9-]+ — use lower-case ASCII and '-'", slug=short(str(slug), 40)))
            continue
        if slug in RESERVED_PATHS:
            c.add(iline, _("section slug '{slug}' is a path the portal itself uses — choose another slug", slug=slug))
            continue
        if slug not in CATALOG and "vi" not in names:
            c.add(iline, _("section '{slug}' is not a known section and has no name.vi — add name: {{vi: …}}", slug=slug))
        merged = {**CATALOG.get(slug, {}), **{k: nfc(str(v)) for k, v in names.items()}}
        if any(s.slug == slug for s in result):
            c.add(iline, _("section '{slug}' is listed twice in {where} — list it once", slug=slug, where=where))
            continue
        result.append(Section(slug, merged))
    for required in REQUIRED:
        if not any(s.slug == required for s in result):
            c.add(line, _("sections of {where} lack '{required}' — every portal carries it (shared directives land there)", where=where, required=required))
    return result


def _names(c: _Checker, value: Any, line: int, key: str) -> dict[str, str]:
    """A text per language (``{vi: …, en: …}`` under *key*: ``name``, ``short_name``), each one line of text."""
    raw = c.mapping(value, line, key)
    names: dict[str, str] = {}
    for lang, text in (raw or {}).items():
        where = raw.line_of(lang) if isinstance(raw, yamlio.LineDict) else line
        if lang not in LANGUAGES:
            c.add(where, _("unsupported language '{lang}' in {key} — use one of {langs}",
                           lang=short(str(lang), 20), key=key, langs=", ".join(LANGUAGES)))
        elif not isinstance(text, str) or not text.strip():
            c.add(where, _("{key}.{lang} is empty — write the portal's name there, or leave the language out", key=key, lang=lang))
        elif problem := addresses.check_text(text, f"{key}.{lang}"):
            c.add(where, problem)
        else:
            names[lang] = nfc(text.strip())
    return names


def _url(c: _Checker, value: Any, line: int) -> str:
    if not isinstance(value, str) or not value:
        c.add(line, _("url is missing — give the portal's address, e.g. https://sotc.bacninh.gov.vn"))
        return ""
    problem = addresses.check_site_url(value)
    if problem:
        c.add(line, problem)
    return value.rstrip("/")


def _answer_days(c: _Checker, value: Any, line: int, where: str) -> int | None:
    if value is None:
        return None
    text = str(value).strip()  # scalars are read as text (portal.model.yamlio)
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 60:
        c.add(line, _("answer_days of {where} must be a whole number of working days from 1 to 60 — e.g. answer_days: 10",
                      where=where))
        return None
    return int(text)


def _dates_per_year(c: _Checker, value: Any, line: int, key: str) -> dict[int, list[dt.date]]:
    """``{2026: [2026-01-02, …]}``: each year's dates, each date in its year."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.add(line, _("network.{key} must map each year to its dates — write {key}: {{2026: [2026-01-02]}}", key=key))
        return {}
    result: dict[int, list[dt.date]] = {}
    for year, dates in value.items():
        yline = value.line_of(year) if isinstance(value, yamlio.LineDict) else line
        if not str(year).isdigit() or len(str(year)) != 4:
            c.add(yline, _("network.{key}: '{year}' is not a year — write the year as 2026", key=key, year=year))
            continue
        items = dates if isinstance(dates, list) else [dates]
        parsed: list[dt.date] = []
        for item in items:
            try:
                day = dt.date.fromisoformat(str(item).strip())
            except ValueError:
                c.add(yline, _("network.{key}: '{value}' is not a date — write YYYY-MM-DD", key=key, value=item))
                continue
            if day.year != int(year):
                c.add(yline, _("network.{key}: {value} is not in {year} — list it under its own year",
                               key=key, value=item, year=year))
                continue
            parsed.append(day)
        result[int(year)] = sorted(set(parsed))
    return result


def _contact(c: _Checker, craw: yamlio.LineDict, sid: str) -> dict[str, str]:
    """The contact details that pass their checks (portal.model.addresses), as text."""
    contact: dict[str, str] = {}
    for k, v in craw.items():
        if k not in CONTACT_KEYS or not v:
            continue
        what = f"{sid}: contact.{k}"
        if k in ("phone", "hotline", "fax"):
            problem = addresses.check_phone(v, what)
        elif k == "email":
            problem = addresses.check_email(v, what)
        else:
            problem = addresses.check_text(v, what)
        if problem:
            c.add(craw.line_of(k), problem)
        else:
            contact[k] = nfc(str(v).strip())
    return contact


def load_network(root: Path | str, filename: str = "sites.yaml") -> Network:
    """Load and validate ``sites.yaml`` under *root*; raise PortalError listing every problem."""
    root = Path(root).resolve()
    path = root / filename
    rel = filename
    c = _Checker(rel)
    try:
        if path.is_symlink():
            raise PortalError([Problem(rel, None, _("is a symbolic link — keep the file itself in the project"))])
        text, bad = clean(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise PortalError([Problem(rel, None, _("not found in {root} — run from a project checkout or pass --root DIR", root=str(root)))]) from None
    except UnicodeDecodeError as exc:
        raise PortalError([Problem(rel, None, _("is not UTF-8 (byte {byte}) — save it as UTF-8", byte=exc.start))]) from None
    if bad:
        raise PortalError([Problem(rel, b.line, _("contains the invisible control character {char} — delete it", char=b.name)) for b in bad])
    try:
        data = yamlio.load(text)
    except yamlio.YamlError as exc:
        raise PortalError([Problem(rel, exc.line, exc.message)]) from None
    if not isinstance(data, dict):
        raise PortalError([Problem(rel, 1, _("must be a mapping with 'network' and 'sites' — see README.md"))])

    c.unknown_keys(data, {"network", "defaults", "sites", "documents", "audit"}, "sites.yaml")
    legal = vocabulary.extend(vocabulary.defaults(), data.get("documents"), data.get("audit"), c.add, data.line_of)

    net = c.mapping(data.get("network"), data.line_of("network"), "network")
    if net is None:
        c.add(1, _("the 'network' mapping is missing — add network: {home: <province id>, …}"))
        net = yamlio.LineDict()
        net.line, net.key_lines = 1, {}
    c.unknown_keys(net, NETWORK_KEYS, "network")
    default_language = net.get("default_language", "vi")
    if default_language not in LANGUAGES:
        c.add(net.line_of("default_language"), _("unsupported default_language '{lang}' — use one of {langs}",
                                                 lang=short(str(default_language), 20), langs=", ".join(LANGUAGES)))
        default_language = "vi"
    timezone = net.get("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        c.add(net.line_of("timezone"), _("unknown timezone '{tz}' — use an IANA name such as Asia/Ho_Chi_Minh", tz=short(str(timezone), 40)))
        timezone = "Asia/Ho_Chi_Minh"
    maintainers = c.strings(net.get("maintainers"), net.line_of("maintainers"), "maintainers")
    limits = _limits(c, net.get("limits"), net.line_of("limits"))
    embed_origins = _embed_origins(c, net.get("embed_origins"), net.line_of("embed_origins"))
    answer_days = _answer_days(c, net.get("answer_days"), net.line_of("answer_days"), "network") or DEFAULT_ANSWER_DAYS
    days_off = _dates_per_year(c, net.get("days_off"), net.line_of("days_off"), "days_off")
    make_up_days = _dates_per_year(c, net.get("make_up_days"), net.line_of("make_up_days"), "make_up_days")
    media_url = _media_url(c, net.get("media_url"), net.line_of("media_url"))
    notify = _network_notify(c, net.get("notify"), net.line_of("notify"))
    public_services = net.get("public_services", DEFAULT_PUBLIC_SERVICES)
    if problem := addresses.check_web_address(public_services, "network.public_services"):
        c.add(net.line_of("public_services"), problem)
        public_services = DEFAULT_PUBLIC_SERVICES

    defaults = c.mapping(data.get("defaults"), data.line_of("defaults"), "defaults")
    kind_sections: dict[str, list[Section]] = {
        k: [Section(s, CATALOG[s]) for s in v] for k, v in DEFAULTS.items()
    }
    default_langs = [default_language]
    if defaults is not None:
        c.unknown_keys(defaults, DEFAULTS_KEYS, "defaults")
        ds = c.mapping(defaults.get("sections"), defaults.line_of("sections"), "defaults.sections")
        if ds is not None:
            for kind, value in ds.items():
                if kind not in KINDS:
                    c.add(ds.line_of(kind), _("unknown kind '{kind}' in defaults.sections — {hint}", kind=short(kind, 30), hint=did_you_mean(kind, KINDS)))
                    continue
                secs = _sections(c, value, ds.line_of(kind), _("kind '{kind}'", kind=kind))
                if secs is not None:
                    kind_sections[kind] = secs
        if "languages" in defaults:
            default_langs = _languages(c, defaults["languages"], defaults.line_of("languages"), default_langs)

    raw_sites = data.get("sites")
    if not isinstance(raw_sites, list) or not raw_sites:
        c.add(data.line_of("sites") if "sites" in data else 1, _("'sites' must be a non-empty list of portals — each item starts with '- id: …'"))
        raw_sites = []

    sites: list[Site] = []
    seen: dict[str, int] = {}
    for raw in raw_sites:
        if not isinstance(raw, dict):
            c.add(getattr(raw_sites, "line", None), _("each item of 'sites' must be a mapping — start it with '- id: …'"))
            continue
        line = raw.line
        sid = raw.get("id")
        c.unknown_keys(raw, SITE_KEYS, _("site '{id}'", id=short(sid, 40) if isinstance(sid, str) else "?"))
        if not isinstance(sid, str) or not sid:
            c.add(line, _("a site has no id — add id: <lower-case-ascii-name>"))
            continue
        if not ID_RE.match(sid):
            c.add(raw.line_of("id"), _("id '{id}' is not [a-z0-9-]+ — use lower-case ASCII letters, digits and '-'", id=short(sid, 40)))
        if sid in seen:
            c.add(raw.line_of("id"), _("id '{id}' is repeated (first on line {line}) — give each site its own id", id=sid, line=seen[sid]))
            continue
        seen[sid] = raw.line_of("id")
        kind = raw.get("kind")
        if kind not in KINDS:
            c.add(raw.line_of("kind"), _("unknown kind '{kind}' for site '{id}' — use one of {kinds}",
                                         kind=short(kind, 30) if isinstance(kind, str) else "…", id=sid, kinds=", ".join(KINDS)))
            kind = "commune"
        names = _names(c, raw.get("name"), raw.line_of("name"), "name")
        if "vi" not in names:
            c.add(raw.line_of("name"), _("site '{id}' has no name.vi — add name: {{vi: \"Cổng Thông tin điện tử …\"}}", id=sid))
            names.setdefault("vi", sid)
        desc_raw = raw.get("description")
        description = (
            {"vi": desc_raw} if isinstance(desc_raw, str)
            else {k: v for k, v in desc_raw.items() if isinstance(v, str)} if isinstance(desc_raw, dict) else {}
        )
        short_names = _names(c, raw.get("short_name"), raw.line_of("short_name"), "short_name")
        url = _url(c, raw.get("url"), raw.line_of("url"))
        languages = _languages(c, raw.get("languages"), raw.line_of("languages"), default_langs)
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            c.add(raw.line_of("parent"), _("parent must be a site id or null"))
            parent = None
        editors = c.strings(raw.get("editors"), raw.line_of("editors"), "editors")
        contact: dict[str, str] = {}
        craw = c.mapping(raw.get("contact"), raw.line_of("contact"), "contact")
        if craw is not None:
            c.unknown_keys(craw, CONTACT_KEYS, f"contact of '{sid}'")
            contact = _contact(c, craw, sid)
        social: dict[str, str] = {}
        social_names: dict[str, str] = {}
        sraw = c.mapping(raw.get("social"), raw.line_of("social"), "social")
        if sraw is not None:
            c.unknown_keys(sraw, SOCIAL_KEYS, _("social of '{id}'", id=sid))
            for k, v in sraw.items():
                if k in SOCIAL_KEYS and isinstance(v, dict):
                    c.unknown_keys(v, SOCIAL_ACCOUNT_KEYS, f"social.{k} of '{sid}'")
                    if isinstance(v.get("name"), str) and v["name"].strip():
                        if problem := addresses.check_text(v["name"], f"social.{k}.name"):
                            c.add(sraw.line_of(k), problem)
                        else:
                            social_names[k] = nfc(v["name"].strip())
                    v = v.get("url")
                    if not v:
                        c.add(sraw.line_of(k), _("social.{network} of '{id}' has no url — write {network}: {{url: https://…, name: \"…\"}}",
                                                 network=k, id=sid))
                        continue
                if k in SOCIAL_KEYS and v:
                    if problem := addresses.check_social(k, v):
                        c.add(sraw.line_of(k), problem)
                    else:
                        social[k] = v
        sections = _sections(c, raw.get("sections"), raw.line_of("sections"), _("site '{id}'", id=sid))
        owner = _owner(c, raw.get("owner"), raw.line_of("owner"), sid)
        responsible = _responsible(c, raw.get("responsible"), raw.line_of("responsible"), sid, legal)
        site = Site(
            id=sid, kind=kind, names=names, url=url, languages=languages, parent=parent,
            editors=editors, contact=contact, social=social,
            sections=sections if sections is not None else list(kind_sections[kind]),
            description=description, line=line, owner=owner, responsible=responsible, short_names=short_names,
            answer_days=_answer_days(c, raw.get("answer_days"), raw.line_of("answer_days"), f"site '{sid}'"),
            social_names=social_names, notify=_site_notify(c, raw.get("notify"), raw.line_of("notify"), sid),
        )
        site._parent_line = raw.line_of("parent")  # type: ignore[attr-defined]
        sites.append(site)

    by_id = {s.id: s for s in sites}
    for s in sites:
        if s.parent is not None and s.parent not in by_id:
            c.add(s._parent_line, _("parent '{parent}' of site '{id}' is not a site in sites.yaml — {hint}",  # type: ignore[attr-defined]
                                    parent=short(s.parent, 40), id=s.id, hint=did_you_mean(s.parent, by_id)))
    reported: set[str] = set()
    for s in sites:
        chain = [s.id]
        cur = s.parent
        while cur is not None and cur in by_id:
            if cur in chain:
                cycle = [*chain[chain.index(cur):], cur]
                if not reported.intersection(cycle):
                    c.add(s._parent_line, _("parent of '{id}' makes a cycle ({cycle}) — a portal cannot oversee itself; fix one parent",  # type: ignore[attr-defined]
                                            id=s.id, cycle=" → ".join(cycle)))
                reported.update(cycle)
                break
            chain.append(cur)
            cur = by_id[cur].parent

    home = net.get("home")
    if not home:
        c.add(net.line, _("network.home is missing — name the provincial portal's id"))
    elif home not in by_id:
        c.add(net.line_of("home"), _("network.home '{home}' is not a site — {hint}", home=short(str(home), 40), hint=did_you_mean(str(home), by_id)))
    elif by_id[home].kind != "province":
        c.add(net.line_of("home"), _("network.home '{home}' is a {kind}, not a province — point it at the provincial portal", home=home, kind=by_id[home].kind))

    if c.problems:
        raise PortalError(c.problems)
    for s in sites:
        del s._parent_line  # type: ignore[attr-defined]
    legal = legal.with_owners(vocabulary.Term(s.owner["vi"], tuple((k, v) for k, v in s.owner.items() if k != "vi"))
                              for s in sites if s.owner.get("vi"))
    return Network(
        home=str(home), default_language=default_language, timezone=str(timezone),
        maintainers=maintainers, sites=sites, path=path, root=root, limits=limits, embed_origins=embed_origins,
        answer_days=answer_days, days_off=days_off, make_up_days=make_up_days, legal=legal,
        public_services=str(public_services), media_url=media_url, notify=notify,
    )


def _owner(c: _Checker, value: Any, line: int, sid: str) -> dict[str, str]:
    """``owner``: the governing agency, as text (Vietnamese) or a mapping of languages."""
    if value is None:
        return {}
    names = {"vi": value} if isinstance(value, str) else value if isinstance(value, dict) else None
    if names is None or not isinstance(names.get("vi"), str) or not names["vi"].strip():
        c.add(line, _("owner of '{id}' must name the governing agency — write owner: \"UBND xã …\" or owner: {{vi: …, en: …}}", id=sid))
        return {}
    out: dict[str, str] = {}
    for lang, text in names.items():
        if lang not in LANGUAGES or not isinstance(text, str):
            c.add(line, _("owner of '{id}': '{lang}' is not a language — use one of {langs}", id=sid, lang=short(str(lang), 20),
                          langs=", ".join(LANGUAGES)))
        elif problem := addresses.check_text(text, f"{sid}: owner.{lang}"):
            c.add(line, problem)
        else:
            out[lang] = nfc(text.strip())
    return out


def _responsible(c: _Checker, value: Any, line: int, sid: str, legal: vocabulary.Legal) -> dict[str, str]:
    """``responsible``: the person responsible for the portal, {name, position[, phone, email]}."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not isinstance(value.get("name"), str) or not isinstance(value.get("position"), str):
        c.add(line, _("responsible of '{id}' must give name and position — write responsible: {{name: \"…\", position: \"…\"}}", id=sid))
        return {}
    c.unknown_keys(value, RESPONSIBLE_KEYS, f"responsible of '{sid}'")
    out: dict[str, str] = {}
    for key in RESPONSIBLE_KEYS & set(value):
        text = value[key]
        what = f"{sid}: responsible.{key}"
        problem = (addresses.check_phone(text, what) if key == "phone" else addresses.check_email(text, what) if key == "email"
                   else addresses.check_text(text, what))
        if problem:
            c.add(value.line_of(key), problem)
        else:
            out[key] = nfc(str(text).strip())
    if "position" in out and legal.positions.find(out["position"]) is None:
        c.add(value.line_of("position"), _("position '{position}' of {id}'s responsible is not in the list of positions — {hint} (add it to documents.positions with its English name)",
                                           position=short(out["position"], 60), id=sid, hint=legal.positions.hint(out["position"])))
    return out


def _limits(c: _Checker, value: Any, line: int) -> Limits:
    """``network.limits``: positive whole numbers within :data:`portal.model.limits.RANGES`."""
    raw = c.mapping(value, line, "network.limits")
    if raw is None:
        return Limits()
    c.unknown_keys(raw, set(limits_model.KEYS), "network.limits")
    values: dict[str, int] = {}
    for key in limits_model.KEYS:
        if key not in raw:
            continue
        low, high = limits_model.RANGES[key]
        text = raw[key]
        if not isinstance(text, str) or not text.isdigit() or not low <= int(text) <= high:
            c.add(raw.line_of(key), _("network.limits.{key} must be a whole number from {low} to {high}", key=key, low=low, high=high))
            continue
        values[key] = int(text)
    return Limits(**values)


def _embed_origins(c: _Checker, value: Any, line: int) -> frozenset[str]:
    """``network.embed_origins``: the https origins (``https://host``) whose pages posts may show in an iframe."""
    origins: set[str] = set()
    items = c.strings(value, line, "network.embed_origins")
    for i, item in enumerate(items):
        iline = value.line_of(i) if isinstance(value, yamlio.LineList) else line
        parts = urlsplit(item)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if (parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/") or parts.query or parts.fragment
                or parts.username or parts.password or port == -1 or any(ch in item for ch in " \"'<>")):
            c.add(iline, _("embed origin '{origin}' must be https://host only (no path) — e.g. https://video.bacninh.gov.vn", origin=short(item)))
            continue
        origins.add(f"https://{parts.hostname.lower()}" + (f":{port}" if port else ""))
    return frozenset(origins)


def _media_url(c: _Checker, value: Any, line: int) -> str:
    """``network.media_url``: the https address of the province's media origin (issue 16.3)."""
    if value is None:
        return ""
    problem = addresses.check_web_address(value, "network.media_url")
    if problem or not str(value).startswith("https://"):
        c.add(line, problem or _("network.media_url must be an https:// address — e.g. https://media.bacninh.gov.vn"))
        return ""
    return str(value).rstrip("/")


def _network_notify(c: _Checker, value: Any, line: int) -> dict[str, Any]:
    """``network.notify``: ``smtp: {host, port, from, starttls}`` and ``webhook: https://…`` (passwords: environment)."""
    raw = c.mapping(value, line, "network.notify")
    if raw is None:
        return {}
    c.unknown_keys(raw, NOTIFY_KEYS, "network.notify")
    result: dict[str, Any] = {}
    smtp = c.mapping(raw.get("smtp"), raw.line_of("smtp"), "network.notify.smtp")
    if smtp is not None:
        c.unknown_keys(smtp, SMTP_KEYS, "network.notify.smtp")
        port = str(smtp.get("port", "25")).strip()
        if not port.isdigit() or not 0 < int(port) < 65536:
            c.add(smtp.line_of("port"), _("network.notify.smtp.port must be a port number, e.g. 587"))
            port = "25"
        sender = smtp.get("from")
        if sender is not None and (problem := addresses.check_email(sender, "network.notify.smtp.from")):
            c.add(smtp.line_of("from"), problem)
        result["smtp"] = {"host": str(smtp.get("host") or ""), "port": int(port), "from": str(sender or ""),
                          "starttls": str(smtp.get("starttls", "false")).lower() in ("true", "yes", "1")}
    hook = raw.get("webhook")
    if hook is not None:
        if problem := addresses.check_web_address(hook, "network.notify.webhook"):
            c.add(raw.line_of("webhook"), problem)
        else:
            result["webhook"] = str(hook)
    return result


def _site_notify(c: _Checker, value: Any, line: int, sid: str) -> dict[str, list[str]]:
    """A site's ``notify: {email: [...], phone: [...]}``: the board members who receive notices."""
    raw = c.mapping(value, line, f"notify of '{sid}'")
    if raw is None:
        return {}
    c.unknown_keys(raw, SITE_NOTIFY_KEYS, f"notify of '{sid}'")
    result: dict[str, list[str]] = {}
    for key, check in (("email", addresses.check_email), ("phone", addresses.check_phone)):
        items = c.strings(raw.get(key), raw.line_of(key), f"notify.{key}")
        good = []
        for item in items:
            if problem := check(item, f"{sid}: notify.{key}"):
                c.add(raw.line_of(key), problem)
            else:
                good.append(item.strip())
        if good:
            result[key] = good
    return result
