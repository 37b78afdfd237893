"""Pelican plugin: the portal's writer.

- reuses the previous build's page when nothing it shows has changed (see
  :mod:`portal.stages.render.incremental` for what a page's key covers);
- reports a failure while writing one post's page or feed entry as that post's problem
  (:class:`portal.model.errors.PostFailed`), never as the whole site's.
"""

from __future__ import annotations

import io
from pathlib import Path

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from portal.model.errors import PostFailed
from portal.stages.render import incremental


class IncrementalWriter(Writer):
    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        item = kwargs.get("article") or kwargs.get("page")
        run_key = self.settings.get("PORTAL_RENDER_KEY")
        try:
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
        except PostFailed:
            raise
        except Exception as exc:
            if item is not None and getattr(item, "source_path", None):
                raise PostFailed(item.source_path, exc) from exc
            raise

    def _add_item_to_the_feed(self, feed, item):
        try:
            return super()._add_item_to_the_feed(feed, item)
        except Exception as exc:
            raise PostFailed(getattr(item, "source_path", "") or "", exc) from exc

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False, feed_title=None):
        try:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        except PostFailed:
            raise
        except Exception as exc:  # find the entry that breaks the feed: that post is the problem
            for item in elements:
                feed = self._create_new_feed(feed_type, feed_title, context)
                try:
                    self._add_item_to_the_feed(feed, item)
                    feed.write(io.StringIO(), "utf-8")
                except Exception as item_exc:
                    raise PostFailed(getattr(item, "source_path", "") or "", item_exc) from exc
            raise


def get_writer(pelican_object):
    return IncrementalWriter


def register() -> None:
    signals.get_writer.connect(get_writer)
