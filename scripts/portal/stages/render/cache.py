"""Markdown rendered once per content, per site, across builds and checks.

Keys are hashes of the body's text (not mtimes, which ``git clone`` resets) and of the
renderer's configuration (library versions, the renderer's own version, the nesting
limit: :func:`portal.stages.render.markdown.config_key`), so a cache entry is valid
wherever it is found. Only bodies without problems are kept: a post with problems is
rendered again (its messages are in the reader's language).

:data:`RENDERER` is the :class:`portal.model.catalogue.Renderer` the build and
``portal check`` pass to the catalogue.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from portal.model import store
from portal.stages.render import markdown as markdown_render

if TYPE_CHECKING:
    from portal.model.content import Post

FORMAT = "4"  # 4: written by portal.model.store (compressed, the key inside)


class RenderCache:
    """The cached renderings of one name (``site-<id>``, ``shared``) under ``.cache/markdown/``
    (:class:`portal.model.store.Kept`)."""

    def __init__(self, root: Path, name: str, nesting: int):
        self.version = f"{FORMAT}|{markdown_render.config_key(nesting)}"
        self.nesting = nesting
        self._kept = store.Kept(root / ".cache" / "markdown" / f"{name}.pickle.z", self.version)
        self.used: dict[str, markdown_render.Rendered] = self._kept.used
        self.hits = 0

    @property
    def old(self) -> dict[str, markdown_render.Rendered]:
        """The renderings an earlier build kept, read at the first use."""
        return self._kept.old

    def rendered(self, body: str) -> markdown_render.Rendered:
        key = hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()
        cached = self.old.get(key)
        if cached is None:
            cached = markdown_render.render(body, self.nesting)
        else:
            self.hits += 1
        if not cached.problems:
            self.used[key] = cached
        return cached

    def save(self) -> None:
        """Keep what this run used (entries of deleted or changed bodies drop out); a failure only costs time."""
        self._kept.save()


class CachedRenderer:
    """Renders posts through :class:`RenderCache` and finishes them with :func:`~portal.stages.render.markdown.finish`."""

    def render(self, root: Path, name: str, posts: list[Post], nesting: int) -> None:
        cache = RenderCache(root, name, nesting)
        for post in posts:
            try:
                rendered = cache.rendered(post.body)
            except Exception as exc:  # the renderer must never take a site down: name the post
                from portal.model.messages import _

                post.problems.append(post.body_problem(0, _("this post could not be rendered ({error}) — simplify it, and report it if it looks fine",
                                                            error=type(exc).__name__)))
                continue
            post.rendered = rendered
            post.refs = rendered.refs
            post.anchors = rendered.anchors
            post.problems.extend(post.body_problem(offset, message) for offset, message in rendered.problems)
        cache.save()

    def finish(self, post: Post, urls: dict[int, str], embed_origins: frozenset[str]) -> None:
        post.html = markdown_render.finish(post.rendered, urls, embed_origins)


RENDERER = CachedRenderer()
