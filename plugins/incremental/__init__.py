"""Pelican plugin: reuse the previous build's page when nothing it shows has changed.

See :mod:`portal.stages.render.incremental` for what a page's key covers.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from portal.stages.render import incremental


class IncrementalWriter(Writer):
    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        item = kwargs.get("article") or kwargs.get("page")
        run_key = self.settings.get("PORTAL_RENDER_KEY")
        if item is not None and name and not paginated and run_key:
            key = incremental.page_key(run_key, item)
            if incremental.reuse(name, key, Path(self.output_path)):
                path = sanitised_join(self.output_path, name)
                if path in self._written_files:
                    raise RuntimeError(f"File {path} is to be written twice")
                self._written_files.add(path)
                signals.content_written.send(path, context=context)
                return None
        return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                  override_output, url, **kwargs)


def get_writer(pelican_object):
    return IncrementalWriter


def register() -> None:
    signals.get_writer.connect(get_writer)
