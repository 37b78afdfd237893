"""Pelican plugin: the only reader — posts as the portal read, validated and rendered them.

Posts are listed (:func:`portal.model.inputs.list_inputs`), parsed, validated and
rendered once per build by :mod:`portal.model.catalogue`; this reader hands Pelican the
result for a path of that list, and refuses any other path (outside ``portal build``, as
the naive benchmark runs Pelican, it reads, validates and renders the file on its own). Every other Pelican reader
(``.rst`` with its ``include`` directive, ``.html``/``.htm``, ``.mdown``/``.markdown``…) is
switched off here, so nothing that ``portal check`` did not validate is rendered. A file
that is not live (draft, expired, not yet due) or not in the language of this run is
skipped: nothing is written for it.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.readers import BaseReader

from portal.model import catalogue
from portal.model.content import Post, read_post, validate
from portal.model.messages import _
from portal.stages.render import markdown
from portal.stages.render.metadata import pelican_metadata


class PortalMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ("md",)

    def read(self, source_path: str) -> tuple[str, dict]:
        post = catalogue.CURRENT.get(source_path)
        if post is None:
            if catalogue.BUILDING:
                raise ValueError(_("{path} is not among the inputs of this build — build with `portal build`, which reads only the files `portal check` validates",
                                   path=source_path))
            post = self._outside_build(source_path)
        return post.html, pelican_metadata(post, self.settings)

    def _outside_build(self, source_path: str) -> Post:
        """Pelican run by hand (the naive benchmark): read, validate and render the file on its own."""
        tz = ZoneInfo(self.settings.get("TIMEZONE", "Asia/Ho_Chi_Minh"))
        kind = "page" if f"/{catalogue.PAGES_DIR}/" in source_path else "article"
        post = read_post(Path(source_path), Path(self.settings["PATH"]), site=self.settings.get("PORTAL_SITE_ID"), kind=kind, tz=tz)
        validate(post, sections=None, languages=[self.settings["DEFAULT_LANG"]], tz=tz,
                 default_language=self.settings.get("PORTAL_DEFAULT_LANG", "vi"))
        if post.problems:
            raise ValueError("; ".join(str(p) for p in post.problems))
        rendered = markdown.render(post.body)
        if rendered.problems:
            raise ValueError("; ".join(str(post.body_problem(o, m)) for o, m in rendered.problems))
        post.html = markdown.finish(rendered, {r.index: r.url for r in rendered.refs})
        return post


def only_portal_reader(readers) -> None:
    """Switch off every reader but ours (rst, html, htm, markdown, mdown, mkd…)."""
    readers.reader_classes.clear()
    readers.reader_classes["md"] = PortalMarkdownReader


def register() -> None:
    signals.readers_init.connect(only_portal_reader)
