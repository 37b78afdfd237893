"""Organisation and contacts as data: ``content/sites/<id>/to-chuc.yaml``.

Decree 42/2022/NĐ-CP art. 4 asks every portal for its organisation, its leaders' short profiles
and the contacts (name, position, phone, e-mail) of its officials; art. 7.2 asks for them in
English too. Written once as data, they give the organisation page in Vietnamese and in English
(positions translated by the vocabulary of ``legal.yaml``, extended by sites.yaml
``documents.positions``)::

    units:
      - name: {vi: Lãnh đạo UBND xã, en: Commune leadership}
        leaders: true                 # its officials' profiles are shown
        phone: "0222 3837 208"
        email: ubnd@tiendu.bacninh.gov.vn
        officials:
          - name: Nguyễn Văn Hùng
            position: Chủ tịch UBND xã
            phone: "0222 3837 200"
            email: hungnv@bacninh.gov.vn
            photo: files/to-chuc/nguyen-van-hung.jpg
            profile: {vi: "Sinh năm 1976, …", en: "Born in 1976, …"}
    information_contact:              # who answers information requests (Law on Access to Information)
      name: Trần Thị Lan
      position: Chánh Văn phòng HĐND và UBND
      phone: "0222 3837 209"
      email: lantt@bacninh.gov.vn

Every problem is ``to-chuc.yaml:LINE: what is wrong — how to fix it``, in the editors' language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.model import addresses, yamlio
from portal.model.errors import Problem, did_you_mean
from portal.model.inputs import Inputs
from portal.model.links import short
from portal.model.messages import _
from portal.model.sites import Network, Site
from portal.model.text import clean
from portal.model.vocabulary import Legal

FILE = "to-chuc.yaml"
#: the page it fills (content/sites/<id>/pages/co-cau-to-chuc.md, or made from the data alone)
PAGE_SLUG = "co-cau-to-chuc"
#: the title of the page made from the data alone, per language
PAGE_TITLES = {"vi": "Cơ cấu tổ chức", "en": "Organisation and contacts"}


def languages(site_languages: list[str]) -> list[str]:
    """The languages the organisation page is made in: the site's default, and English where the site has it."""
    return [lang for i, lang in enumerate(site_languages) if i == 0 or lang == "en"]


def page_base(site_folder: str | Path) -> str:
    """The base path (:attr:`portal.model.content.Post.base`) the organisation page's language versions share."""
    return str(Path(site_folder) / "pages" / PAGE_SLUG)
TOP_KEYS = {"units", "information_contact"}
UNIT_KEYS = {"name", "leaders", "phone", "email", "address", "officials", "description"}
PERSON_KEYS = {"name", "position", "phone", "email", "photo", "profile"}
CONTACT_KEYS = {"name", "position", "phone", "email"}
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp")
PROFILE_MAX = 1500


@dataclass
class Person:
    """An official: name, position (a term of the vocabulary), phone, e-mail, photo URL (``/files/…``), profile per language."""

    name: str
    position: str
    positions: dict[str, str]
    phone: str = ""
    email: str = ""
    photo: str = ""
    profile: dict[str, str] = field(default_factory=dict)


@dataclass
class Unit:
    """A unit of the agency, its contacts and officials; ``leaders``: its officials' profiles are shown."""

    names: dict[str, str]
    leaders: bool = False
    phone: str = ""
    email: str = ""
    address: str = ""
    description: dict[str, str] = field(default_factory=dict)
    officials: list[Person] = field(default_factory=list)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["vi"]


@dataclass
class Organisation:
    """A site's organisation data; ``rel`` is the file it was read from."""

    rel: str
    units: list[Unit] = field(default_factory=list)
    information_contact: Person | None = None

    @property
    def officials(self) -> list[Person]:
        return [p for u in self.units for p in u.officials]

    def missing_english(self) -> list[str]:
        """What the English page would show in Vietnamese: unit names and leaders' profiles without ``en``."""
        missing = [u.names["vi"] for u in self.units if "en" not in u.names]
        missing += [p.name for u in self.units if u.leaders for p in u.officials if p.profile and "en" not in p.profile]
        return missing

    def view(self, lang: str) -> dict[str, Any]:
        """Plain data for the theme, in *lang* (English where given, else Vietnamese)."""
        def person(p: Person) -> dict[str, Any]:
            return {"name": p.name, "position": p.positions.get(lang) or p.position, "phone": p.phone, "email": p.email,
                    "photo": p.photo, "profile": p.profile.get(lang, "")}
        return {
            "units": [{"name": u.name(lang), "leaders": u.leaders, "phone": u.phone, "email": u.email, "address": u.address,
                       "description": u.description.get(lang) or u.description.get("vi", ""),
                       "officials": [person(p) for p in u.officials]} for u in self.units],
            "information_contact": person(self.information_contact) if self.information_contact else None,
        }


class _Reader:
    def __init__(self, rel: str, legal: Legal, static: dict[str, Any], site: Site):
        self.rel, self.legal, self.static, self.site = rel, legal, static, site
        self.problems: list[Problem] = []

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.rel, line, message))

    def keys(self, data: yamlio.LineDict, known: set[str], where: str) -> None:
        for key in data:
            if key not in known:
                self.add(data.line_of(key), _("unknown key '{key}' in {where} — {hint}", key=short(str(key), 40), where=where,
                                              hint=did_you_mean(str(key), known)))

    def text(self, data: yamlio.LineDict, key: str, what: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if problem := addresses.check_text(value, what):
            self.add(data.line_of(key), problem)
            return ""
        return str(value).strip()

    def languages(self, data: yamlio.LineDict, key: str, what: str, limit: int = 300) -> dict[str, str]:
        value = data.get(key)
        if value is None:
            return {}
        values = {"vi": value} if isinstance(value, str) else value if isinstance(value, dict) else None
        if values is None or not all(isinstance(v, str) for v in values.values()) or "vi" not in values:
            self.add(data.line_of(key), _("{what} must be text, or {{vi: …, en: …}} — the Vietnamese first", what=what))
            return {}
        out = {}
        for lang, text in values.items():
            if len(text) > limit:
                self.add(data.line_of(key), _("{what} has {n} characters, more than {limit} — shorten it", what=what, n=len(text), limit=limit))
            elif problem := addresses.check_text(text, f"{what}.{lang}"):
                self.add(data.line_of(key), problem)
            else:
                out[str(lang)] = text.strip()
        return out

    def contact(self, data: yamlio.LineDict, where: str) -> tuple[str, str]:
        phone = email = ""
        if data.get("phone") is not None:
            if problem := addresses.check_phone(data["phone"], f"{where}: phone"):
                self.add(data.line_of("phone"), problem)
            else:
                phone = str(data["phone"]).strip()
        if data.get("email") is not None:
            if problem := addresses.check_email(data["email"], f"{where}: email"):
                self.add(data.line_of("email"), problem)
            else:
                email = str(data["email"]).strip()
        return phone, email

    def person(self, data: Any, line: int, where: str, known: set[str]) -> Person | None:
        if not isinstance(data, dict):
            self.add(line, _("{where} must be a mapping — write name:, position:, phone:, email: under it", where=where))
            return None
        self.keys(data, known, where)
        name = self.text(data, "name", f"{where}: name")
        position = self.text(data, "position", f"{where}: position")
        if not name or not position:
            self.add(data.line, _("{where} needs name and position — e.g. name: Nguyễn Văn Hùng, position: Chủ tịch UBND xã", where=where))
            return None
        term = self.legal.positions.find(position)
        if term is None:
            self.add(data.line_of("position"), _("position '{position}' is not in the list of positions — {hint} (sites.yaml documents.positions adds one, with its English name)",
                                                 position=short(position, 60), hint=self.legal.positions.hint(position)))
            return None
        phone, email = self.contact(data, where)
        photo = ""
        if data.get("photo") is not None:
            value = str(data["photo"]).strip().lstrip("/")
            f = self.static.get(value)
            if not value.startswith("files/") or f is None:
                self.add(data.line_of("photo"), _("photo '{photo}' is not a file of the site — put the photo under files/ and write photo: files/to-chuc/name.jpg",
                                                  photo=short(value, 60)))
            elif not value.lower().endswith(PHOTO_TYPES):
                self.add(data.line_of("photo"), _("photo '{photo}' is not a JPEG, PNG or WebP image", photo=short(value, 60)))
            else:
                photo = "/" + value
        profile = self.languages(data, "profile", f"{where}: profile", PROFILE_MAX) if "profile" in known else {}
        return Person(name, term.name, dict(term.names) | {"vi": term.name}, phone, email, photo, profile)


def load(network: Network, site: Site, inputs: Inputs) -> tuple[Organisation | None, list[Problem]]:
    """The organisation data of *site* (None without ``to-chuc.yaml``), and its problems."""
    path = inputs.data.get(FILE)
    if path is None:
        return None, []
    return read(path, network.root, network.legal, site, inputs.static_names)


def read(path: Path, root: Path, legal: Legal, site: Site, static: dict[str, Any]) -> tuple[Organisation | None, list[Problem]]:
    """Read and check one ``to-chuc.yaml``; problems at ``file:line``."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    r = _Reader(rel, legal, static, site)
    try:
        text, bad = clean(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, [Problem(rel, None, _("is not UTF-8 (byte {byte}) — save it as UTF-8", byte=exc.start))]
    except OSError as exc:
        return None, [Problem(rel, None, _("cannot be read ({reason}) — check the file's permissions", reason=exc.strerror))]
    if bad:
        return None, [Problem(rel, b.line, _("contains the invisible control character {char} — delete it", char=b.name)) for b in bad]
    try:
        data = yamlio.load(text)
    except yamlio.YamlError as exc:
        return None, [Problem(rel, exc.line, exc.message)]
    if not isinstance(data, dict) or not isinstance(data.get("units"), list) or not data["units"]:
        return None, [Problem(rel, 1, _("must list the agency's units — start with units:, then '- name: …' for each unit with its officials"))]
    org = Organisation(rel)
    r.keys(data, TOP_KEYS, FILE)
    units = data["units"]
    for i, raw in enumerate(units):
        line = units.line_of(i)
        if not isinstance(raw, dict):
            r.add(line, _("each unit must be a mapping — write '- name: …' and its keys under it"))
            continue
        where = _("unit {n}", n=i + 1)
        r.keys(raw, UNIT_KEYS, where)
        names = r.languages(raw, "name", f"{where}: name")
        if not names:
            r.add(raw.line, _("{where} needs a name — write name: {{vi: …, en: …}}", where=where))
            continue
        phone, email = r.contact(raw, where)
        leaders = raw.get("leaders")
        if leaders not in (None, "true", "false"):
            r.add(raw.line_of("leaders"), _("leaders must be true or false"))
        unit = Unit(names, leaders == "true", phone, email, r.text(raw, "address", f"{where}: address"),
                    r.languages(raw, "description", f"{where}: description", PROFILE_MAX))
        officials = raw.get("officials")
        if officials is not None and not isinstance(officials, list):
            r.add(raw.line_of("officials"), _("officials must be a list — '- name: …' for each"))
            officials = []
        for j, person in enumerate(officials or ()):
            p = r.person(person, officials.line_of(j), _("{where}, official {n}", where=where, n=j + 1), PERSON_KEYS)
            if p is not None:
                unit.officials.append(p)
        org.units.append(unit)
    contact = data.get("information_contact")
    if contact is not None:
        org.information_contact = r.person(contact, data.line_of("information_contact"), "information_contact", CONTACT_KEYS)
    return org, r.problems
