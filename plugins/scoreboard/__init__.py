"""Pelican plugin: the provincial portal's scoreboard of the monthly scoring (issue 17).

It publishes what :mod:`portal.score.board` prepared (the setting ``PORTAL_SCOREBOARD``, given to
the provincial portal's run in its default language only) through the theme's templates, so the
pages have the portal's header, navigation, footer, print style and accessibility:

- ``/cham-diem/``: the months and years scored, and how the scoring works;
- ``/cham-diem/<YYYY-MM>/``: the ranked table of every portal with its group scores and band, the
  charts (static SVG, each with its data table), and the month's CSV, XLSX and JSON;
- ``/cham-diem/<YYYY-MM>/<site>/``: the detail behind each criterion for one portal;
- ``/cham-diem/nam/<YYYY>/``: the yearly review, with its spreadsheet.

The plugin only reads files; it computes nothing (the build's command prepares the data).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from portal.model.sections import CATALOG

BASE = "cham-diem"
#: published name of each file the board's folder holds for a month / a year
MONTH_FILES = {"score.csv": "bang-diem-{m}.csv", "score.xlsx": "bang-diem-{m}.xlsx", "score.json": "bang-diem-{m}.json",
               "scores.svg": "bieu-do-diem.svg", "bands.svg": "bieu-do-xep-loai.svg"}
YEAR_FILES = {"year.csv": "tong-ket-{y}.csv", "year.xlsx": "tong-ket-{y}.xlsx", "year.json": "tong-ket-{y}.json",
              "averages.svg": "bieu-do-diem-trung-binh.svg"}


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def month_label(month: str) -> str:
    """``2026-11`` → ``11/2026`` (how Vietnamese writes a month)."""
    y, m = month.split("-")
    return f"{int(m)}/{y}"


class ScoreboardGenerator(Generator):
    """Writes the scoreboard pages when the run is the provincial portal's, in its default language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.filters["month_label"] = month_label

    def _folder(self) -> Path | None:
        folder = self.settings.get("PORTAL_SCOREBOARD")
        if not folder or not (Path(folder) / "index.json").is_file():
            return None
        return Path(folder)

    def generate_context(self) -> None:
        folder = self._folder()
        if folder is None:
            return
        index = _load(folder / "index.json")
        if index.get("latest"):
            self.context["SCOREBOARD_LATEST"] = {"month": index["latest"], "label": month_label(index["latest"]),
                                                 "url": f"/{BASE}/"}

    def _copy(self, src: Path, rel: str) -> None:
        dest = Path(self.output_path) / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)

    def generate_output(self, writer) -> None:
        folder = self._folder()
        if folder is None:
            return
        index = _load(folder / "index.json")
        lang = self.settings.get("PORTAL_LANG", "vi")
        sections = {slug: names.get(lang) or names["vi"] for slug, names in CATALOG.items()}  # every kind's sections
        sections.update(self.settings.get("PORTAL_SECTION_NAMES") or {})
        common = {"page_name": BASE, "BASE": BASE, "month_label": month_label, "index": index, "SECTION_NAMES": sections}
        months = index.get("months", [])
        reports = {}
        for entry in months:
            m = entry["month"]
            report = _load(folder / m / "score.json")
            trends = _load(folder / m / "trends.json") if (folder / m / "trends.json").is_file() else {}
            reports[m] = report
            files = {key: name.format(m=m) for key, name in MONTH_FILES.items()}
            for key, name in files.items():
                if (folder / m / key).is_file():
                    self._copy(folder / m / key, f"{BASE}/{m}/{name}")
            writer.write_file(f"{BASE}/{m}/index.html", self.get_template("scoreboard_month"), self.context,
                              report=report, entry=entry, files=files, page_url=f"/{BASE}/{m}/", **common)
            for s in report["sites"]:
                if (folder / m / s["site"] / "trend.svg").is_file():
                    self._copy(folder / m / s["site"] / "trend.svg", f"{BASE}/{m}/{s['site']}/bieu-do-xu-huong.svg")
                writer.write_file(f"{BASE}/{m}/{s['site']}/index.html", self.get_template("scoreboard_site"), self.context,
                                  report=report, entry=entry, s=s, trend=trends.get(s["site"], []), files=files,
                                  page_url=f"/{BASE}/{m}/{s['site']}/", **common)
        for year in index.get("years", []):
            yfolder = folder / "nam" / str(year)
            if not (yfolder / "year.json").is_file():
                continue
            files = {key: name.format(y=year) for key, name in YEAR_FILES.items()}
            for key, name in files.items():
                if (yfolder / key).is_file():
                    self._copy(yfolder / key, f"{BASE}/nam/{year}/{name}")
            writer.write_file(f"{BASE}/nam/{year}/index.html", self.get_template("scoreboard_year"), self.context,
                              review=_load(yfolder / "year.json"), year=year, files=files, page_url=f"/{BASE}/nam/{year}/", **common)
        latest = reports.get(index.get("latest") or "")
        writer.write_file(f"{BASE}/index.html", self.get_template("scoreboard_index"), self.context,
                          latest=latest, page_url=f"/{BASE}/", **common)


def get_generators(pelican_object):
    return ScoreboardGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
