"""Pelican plugin: read content through the portal's own parser (YAML front matter).

Posts are parsed and validated once per build by :mod:`portal.model.catalogue`; this reader
hands Pelican the parsed result. A file that is not live (draft, expired, not yet
due) or not in the language of this run is skipped: nothing is written for it.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.readers import BaseReader

from portal.model import catalogue
from portal.model.content import Post, read_post, validate
from portal.stages.render.markdown import render
from portal.stages.render.metadata import pelican_metadata


class PortalMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ("md",)

    def _post(self, path: str) -> Post:
        post = catalogue.CURRENT.get(path)
        if post is None:  # Pelican run by hand, outside `portal build`
            tz = ZoneInfo(self.settings.get("TIMEZONE", "Asia/Ho_Chi_Minh"))
            kind = "page" if f"/{catalogue.PAGES_DIR}/" in path else "article"
            post = read_post(Path(path), Path(self.settings["PATH"]), site=self.settings.get("PORTAL_SITE_ID"), kind=kind, tz=tz)
            validate(post, sections=None, languages=[self.settings["DEFAULT_LANG"]], tz=tz,
                     default_language=self.settings.get("PORTAL_DEFAULT_LANG", "vi"))
            if post.problems:
                raise ValueError("; ".join(str(p) for p in post.problems))
            post.html = render(post.body)
        return post

    def read(self, source_path: str) -> tuple[str, dict]:
        post = self._post(source_path)
        return post.html, pelican_metadata(post, self.settings)


def add_reader(readers) -> None:
    readers.reader_classes["md"] = PortalMarkdownReader
    readers.reader_classes.pop("markdown", None)
    readers.reader_classes.pop("mkd", None)


def register() -> None:
    signals.readers_init.connect(add_reader)
