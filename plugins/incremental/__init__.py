"""Pelican plugin: the portal's writer.

- reuses the previous build's page when nothing it shows has changed (see
  :mod:`portal.stages.render.incremental` for what a page's key covers);
- writes the sections' and tags' list pages numbered from the oldest item
  (:mod:`portal.stages.render.pagination`), and reuses an archive page whose items and
  links did not change: a new post rewrites one or two pages of each list it is in;
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
from portal.stages.render.pagination import StableList

#: what Pelican passes with a section's or a tag's list: an archive page of such a list shows nothing else
#: besides its items and links (a list written by a plugin with more, e.g. the documents' table, is always rendered)
_LIST_KWARGS = frozenset({"category", "tag", "url", "articles", "dates", "blog", "page_name", "all_articles"})


class IncrementalWriter(Writer):
    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        item = kwargs.get("article") or kwargs.get("page")
        run_key = self.settings.get("PORTAL_RENDER_KEY")
        if paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        if paginated and name and template_name in self.settings["PAGINATED_TEMPLATES"]:
            return self._write_list(name, template, context, relative_urls, paginated, template_name, override_output,
                                    url, run_key, kwargs)
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

    def _write_list(self, name, template, context, relative_urls, paginated, template_name, override_output, url,
                    run_key, kwargs) -> None:
        """Every page of one list (:class:`~portal.stages.render.pagination.StableList`); an archive page whose
        key (:func:`~portal.stages.render.incremental.list_key`) is unchanged is linked from the last build."""
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        lists = {key: StableList(name, url or "", items, per_page) for key, items in paginated.items()}
        first = next(iter(lists.values()))
        reusable = bool(run_key) and set(kwargs) <= _LIST_KWARGS
        subject = kwargs.get("category") or kwargs.get("tag")
        for number in first.numbers():
            page_kwargs = dict(kwargs)
            for key, stable in lists.items():
                page = stable.page(number)
                page_kwargs.update({f"{key}_paginator": stable, f"{key}_page": page,
                                    f"{key}_previous_page": stable.page(page.newer) if page.newer is not None else None,
                                    f"{key}_next_page": stable.page(page.older) if page.older is not None else None})
            page = first.page(number)
            if reusable and number:
                key = incremental.list_key(run_key, template_name, f"{subject!s}|{getattr(subject, 'slug', '')}",
                                           page.signature(), page.object_list)
                if incremental.reuse(page.save_as, key, Path(self.output_path), count=False):
                    path = sanitised_join(self.output_path, page.save_as)
                    self._written_files.add(path)
                    signals.content_written.send(path, context=context)
                    continue
            super().write_file(page.save_as, template, context, relative_urls, {}, None, override_output, page.url,
                               **page_kwargs)

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
