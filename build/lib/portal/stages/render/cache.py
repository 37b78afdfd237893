"""Markdown output cached by content hash, per site, across builds.

Keys are hashes of the file's bytes (not mtimes, which ``git clone`` resets) and of
the renderer's configuration, so a cache entry is valid wherever it is found.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import markdown

from portal.stages.render import markdown as markdown_render

if TYPE_CHECKING:
    from portal.model.content import Post

VERSION = hashlib.sha1(
    f"{markdown.__version__}|{markdown_render._EXTENSIONS}|{sorted(markdown_render._CONFIG)}|1".encode()
).hexdigest()[:12]


class RenderCache:
    def __init__(self, root: Path, name: str):
        self.path = root / ".cache" / "markdown" / f"{name}.pickle"
        self.old: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.hits = 0
        try:
            with self.path.open("rb") as f:
                data = pickle.load(f)
            if data.get("version") == VERSION:
                self.old = data["entries"]
        except (OSError, EOFError, pickle.UnpicklingError, KeyError, AttributeError, TypeError):
            self.old = {}

    def html(self, digest: str, body: str) -> str:
        cached = self.old.get(digest)
        if cached is None:
            cached = markdown_render.render(body)
        else:
            self.hits += 1
        self.used[digest] = cached
        return cached

    def save(self) -> None:
        """Keep what this build used (entries of deleted or changed files drop out)."""
        if self.used == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                pickle.dump({"version": VERSION, "entries": self.used}, f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


def render_posts(root: Path, name: str, posts: list[Post]) -> None:
    """Render each post's Markdown into ``post.html`` through the cache *name* (a :data:`portal.model.catalogue.Renderer`)."""
    cache = RenderCache(root, name)
    for post in posts:
        post.html = cache.html(post.digest, post.body)
    cache.save()
