"""Pelican plugin: the portal's writer.

- reuses the previous build's page when nothing it shows has changed (see
  :mod:`portal.stages.render.incremental` for what a page's key covers);
- writes the sections' and tags' list pages numbered from the oldest item
  (:mod:`portal.stages.render.pagination`), and reuses a list page whose items and
  links did not change: a new post rewrites one or two pages of each list it is in;
- renders a shared directive's copy from the template of its shape of site when there is one
  (:mod:`portal.stages.render.copies`): a directive is rendered once per language and shape, not
  once per site;
- reuses the previous build's Atom feed when the pages of its entries are unchanged
  (:func:`portal.stages.render.incremental.feed_key`);
- reports a failure while writing one post's page or feed entry as that post's problem
  (:class:`portal.model.errors.PostFailed`), never as the whole site's;
- gives every post and page its ``url`` and ``save_as`` once, when the contents are final
  (:func:`freeze_urls`): Pelican formats them from the settings at every read.
"""

from __future__ import annotations

import copy
import datetime
import io
import os

from pelican import signals
from pelican.contents import Article, Content, Page, Static
from pelican.utils import path_to_url, posixize_path, sanitised_join
from pelican.writers import Writer

from portal.model.errors import PostFailed
from portal.stages.render import copies, incremental
from portal.stages.render.pagination import StableList

#: what Pelican passes with a section's or a tag's list: an archive page of such a list shows nothing else
#: besides its items and links; what a plugin passes besides (the documents' table: the listing, the filters)
#: goes into the key (incremental.context_digest), or the list is always rendered when it cannot be read
_LIST_KWARGS = frozenset({"category", "tag", "url", "articles", "dates", "blog", "page_name", "all_articles"})


class IncrementalWriter(Writer):
    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        item = kwargs.get("article") or kwargs.get("page")
        run_key = self.settings.get("PORTAL_RENDER_KEY")
        if item is not None and name and item.metadata.get("search_shared"):
            incremental.shared.add(name)
        if paginated is None:
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        if paginated and name and template_name in self.settings["PAGINATED_TEMPLATES"]:
            return self._write_list(name, template, context, relative_urls, paginated, template_name, override_output,
                                    url, run_key, kwargs)
        try:
            if item is not None and name and not paginated and run_key:
                key = incremental.page_key(run_key, item)
                if incremental.reuse(name, key, self.output_path):
                    path = sanitised_join(self.output_path, name)
                    if path in self._written_files:
                        raise RuntimeError(f"File {path} is to be written twice")
                    self._written_files.add(path)
                    signals.content_written.send(path, context=context)
                    return None
            plan = self.settings.get("PORTAL_COPIES")
            if (plan is not None and item is not None and name and not paginated and not relative_urls
                    and item.metadata.get("shared")):
                key = incremental.page_key(plan.shape, item)
                if key is not None:
                    return self._write_copy(name, template, context, override_output, kwargs, plan, key)
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
        """Every page of one list (:class:`~portal.stages.render.pagination.StableList`); a page whose key
        (:func:`~portal.stages.render.incremental.list_key`) is unchanged is linked from the last build."""
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        lists = {key: StableList(name, url or "", items, per_page) for key, items in paginated.items()}
        first = next(iter(lists.values()))
        subject_obj = kwargs.get("category") or kwargs.get("tag")
        subject: str | None = f"{subject_obj!s}|{getattr(subject_obj, 'slug', '')}"
        extra = {k: v for k, v in kwargs.items() if k not in _LIST_KWARGS}
        if extra:  # a plugin's list (the documents' table): what else it shows, if it can be read the same way
            digest = incremental.context_digest({**extra, "category": kwargs.get("category"), "tag": kwargs.get("tag")})
            subject = None if digest is None else f"{subject}|{digest}"
        if subject is not None:  # the templates test whether the list has any post (its feed links)
            subject += f"|{bool(kwargs.get('articles'))}"
        reusable = bool(run_key) and subject is not None
        for number in first.numbers():
            page_kwargs = dict(kwargs)
            for key, stable in lists.items():
                page = stable.page(number)
                page_kwargs.update({f"{key}_paginator": stable, f"{key}_page": page,
                                    f"{key}_previous_page": stable.page(page.newer) if page.newer is not None else None,
                                    f"{key}_next_page": stable.page(page.older) if page.older is not None else None})
            page = first.page(number)
            path = sanitised_join(self.output_path, page.save_as)
            # a file another list already wrote (the documents' table over its section's list) is left to Pelican's rules
            if reusable and path not in self._written_files and path not in self._overridden_files:
                key = incremental.list_key(run_key, template_name, subject, page.signature(), page.object_list)  # type: ignore[arg-type]
                if incremental.reuse(page.save_as, key, self.output_path, count=False):
                    self._written_files.add(path)
                    if override_output:
                        self._overridden_files.add(path)
                    signals.content_written.send(path, context=context)
                    continue
            super().write_file(page.save_as, template, context, relative_urls, {}, None, override_output, page.url,
                               **page_kwargs)

    def _render(self, template, context, name, kwargs, swap=None) -> str:
        """Pelican's render of one page (its local context, without relative URLs); with *swap*, the
        site's values swapped for sentinels in the context and the settings (which the plugins' helpers
        read: ``jsonld``, ``page_jsonld``), and the footer and nav rendered in the page, not pre-rendered."""
        local = context.copy()
        local["localsiteurl"] = local.get("localsiteurl", None)
        local["output_file"] = name
        local.update(kwargs)
        if not swap:
            return template.render(local)
        local.update(swap)
        local.pop("FOOTER_HTML", None)
        local.pop("NAV_HTML", None)
        saved = {key: self.settings[key] for key in swap if key in self.settings}
        self.settings.update(swap)
        try:
            return template.render(local)
        finally:
            for key in swap:
                self.settings.pop(key, None)
            self.settings.update(saved)

    def _write_copy(self, name, template, context, override_output, kwargs, plan, key) -> None:
        """A shared directive's copy: filled from its shape's template, or rendered (and, the first time,
        the template made and checked: :func:`portal.stages.render.copies.make`)."""
        found = copies.lookup(plan, key)
        text = copies.fill(found, plan.values) if isinstance(found, str) else None
        if text is None:
            text = self._render(template, context, name, kwargs)
            if found is None:
                swap = {"SITE": plan.context, "PORTAL_SITE": plan.context, **plan.top}
                copies.make(plan, key, text, self._render(template, context, name, kwargs, swap))
        path = sanitised_join(self.output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with self._open_w(path, "utf-8", override=override_output) as f:
            f.write(text)
        signals.content_written.send(path, context=context)

    def _open_w(self, filename, encoding, override=False):
        """Pelican's, but a file already there is removed first: it may be a hard link to the last build's
        file (a reused page that a later list overrides), and writing into it would change the published site."""
        writes = filename not in self._overridden_files and (override or filename not in self._written_files)
        if writes and os.path.lexists(filename):
            os.unlink(filename)
        return super()._open_w(filename, encoding, override)

    def _add_item_to_the_feed(self, feed, item):
        try:
            return super()._add_item_to_the_feed(feed, item)
        except Exception as exc:
            raise PostFailed(getattr(item, "source_path", "") or "", exc) from exc

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False, feed_title=None):
        run_key = self.settings.get("PORTAL_RENDER_KEY")
        if path and run_key:  # the last build's feed when the pages of its entries are unchanged
            items = elements[: self.settings["FEED_MAX_ITEMS"]]
            complete = sanitised_join(self.output_path, path)
            key = incremental.feed_key(run_key, f"{feed_type}|{path}|{url}|{feed_title}", items)
            if (key is not None and complete not in self._written_files and complete not in self._overridden_files
                    and incremental.reuse(path, key, self.output_path, count=False)):
                self._written_files.add(complete)
                if override_output:
                    self._overridden_files.add(complete)
                return None
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


#: the generators' lists of contents (articles, pages, their translations, drafts and hidden ones)
_CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles", "hidden_translations",
                  "pages", "hidden_pages", "draft_pages", "draft_translations")


def freeze_urls(generators) -> int:
    """Set each post's and page's ``override_url`` and ``override_save_as`` (which Pelican's
    ``Content.get_url_setting`` returns when set) to the values formatted now, once all generators are
    done: nothing changes a slug, date, language or category after that. Pelican formats a content's
    address from the settings and a copy of its metadata at every read of ``url`` (1.9 million reads in a
    full build at the reference scale, about 8 % of the sites' workers' time). Static files are left to
    Pelican (their addresses follow the pages that link them). Returns how many contents were frozen."""
    frozen = 0
    for generator in generators:
        for name in _CONTENT_LISTS:
            for item in getattr(generator, name, None) or ():
                if isinstance(item, Static) or hasattr(item, "override_url") or hasattr(item, "override_save_as"):
                    continue
                item.override_url, item.override_save_as = _addresses(item)
                frozen += 1
    return frozen


def _addresses(item) -> tuple[str, str]:
    """``(item.url, item.save_as)``, both formatted from one ``url_format``: Pelican makes it again for each
    (a copy of the metadata and the source's relative path, most of the cost). Pelican's rule
    (``Content.get_url_setting`` and the ``_expand_settings`` of ``Article`` and ``Page``, 4.12): the setting
    ``{CLASS}_URL`` (``{CLASS}_LANG_URL`` for a translation) formatted with it, the class ``DRAFT`` or
    ``DRAFT_PAGE`` for a draft. Any other class is left to Pelican."""
    kind = type(item)
    if kind is Article:
        klass = "DRAFT" if item.status == "draft" else "ARTICLE"
    elif kind is Page:
        klass = "DRAFT_PAGE" if item.status == "draft" else "PAGE"
    else:
        return item.url, item.save_as
    fields = _url_format(item)
    prefix = klass + ("_" if item.in_default_lang else "_LANG_")
    return str(item.settings[prefix + "URL"]).format(**fields), str(item.settings[prefix + "SAVE_AS"]).format(**fields)


def _url_format(item) -> dict:
    """Pelican's ``Content.url_format`` (4.12), with the source's path relative to the content folder that
    Pelican worked out when it made the item (``relative_source_path``) instead of working it out again
    (``os.path.relpath`` of two ``abspath``: a third of freezing a site's 1,200 addresses)."""
    fields = copy.copy(item.metadata)
    path = item.metadata.get("path", getattr(item, "relative_source_path", None) or item.get_relative_source_path())
    fields.update({
        "path": path_to_url(path),
        "slug": getattr(item, "slug", ""),
        "lang": getattr(item, "lang", "en"),
        "date": getattr(item, "date", None) or datetime.datetime.now(),
        "author": item.author.slug if hasattr(item, "author") else "",
        "category": item.category.slug if hasattr(item, "category") else "",
    })
    return fields


def relative_source_path(self, source_path: str | None = None) -> str | None:
    """Pelican's ``Content.get_relative_source_path`` (4.12), the same result worked out once per folder.

    Pelican takes ``os.path.relpath`` of two ``abspath`` for every post, page and shared directive of a run
    (1,200 a site, and again for its addresses: 9 % of making a site's contents under the profiler). For a
    source that is a plain file name in a folder, that is the folder's relative path (kept, a few folders a
    site) joined with the name; any other source (``..``, ``.``, an empty name) goes to Pelican's way.
    Tested against Pelican's own on absolute, relative, outside and odd paths.
    """
    if not source_path:
        source_path = self.source_path
    if source_path is None:
        return None
    content = self.settings["PATH"]
    folder, name = os.path.split(source_path)
    if name in ("", ".", "..") or not folder:
        return _PELICAN_RELATIVE(self, source_path)
    key = (content, folder)
    rel = _FOLDERS.get(key)
    if rel is None:
        rel = _FOLDERS[key] = os.path.relpath(os.path.abspath(os.path.join(content, folder)), os.path.abspath(content))
    return posixize_path(name if rel == "." else os.path.join(rel, name))


#: {(content folder, a source's folder): that folder relative to the content folder} (:func:`relative_source_path`)
_FOLDERS: dict[tuple[str, str], str] = {}
#: Pelican's own (kept on ours: a second import of this plugin, another project's, must not take ours for it)
_PELICAN_RELATIVE = getattr(Content.get_relative_source_path, "pelican_original", Content.get_relative_source_path)
relative_source_path.pelican_original = _PELICAN_RELATIVE  # type: ignore[attr-defined]


def get_writer(pelican_object):
    return IncrementalWriter


def register() -> None:
    Content.get_relative_source_path = relative_source_path  # type: ignore[method-assign]
    signals.get_writer.connect(get_writer)
    signals.all_generators_finalized.connect(freeze_urls)
