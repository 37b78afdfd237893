"""Pelican plugin: the only reader — posts as the portal read, validated and rendered them.

Posts are listed (:func:`portal.model.inputs.list_inputs`), parsed, validated and
rendered once per build by :mod:`portal.model.catalogue`; this reader hands Pelican the
result for a path of that list, and refuses any other path. Every other Pelican reader
(``.rst`` with its ``include`` directive, ``.html``/``.htm``, ``.mdown``/``.markdown``…) is
switched off here, so nothing that ``portal check`` did not validate is rendered. A file
that is not live (draft, expired, not yet due) or not in the language of this run is
skipped: nothing is written for it.
"""

from __future__ import annotations

from pelican import signals
from pelican.readers import BaseReader

from portal.model import catalogue
from portal.model.messages import _
from portal.stages.render.metadata import pelican_metadata


class PortalMarkdownReader(BaseReader):
    enabled = True
    file_extensions = ("md",)

    def read(self, source_path: str) -> tuple[str, dict]:
        post = catalogue.CURRENT.get(source_path)
        if post is None:
            raise ValueError(_("{path} is not among the inputs of this build — build with `portal build`, which reads only the files `portal check` validates",
                               path=source_path))
        return post.html, pelican_metadata(post, self.settings)


def only_portal_reader(readers) -> None:
    """Switch off every reader but ours (rst, html, htm, markdown, mdown, mkd…)."""
    readers.reader_classes.clear()
    readers.reader_classes["md"] = PortalMarkdownReader


def register() -> None:
    signals.readers_init.connect(only_portal_reader)
