"""Bounds on the work any input can cause (issue 12, "Bounded work for untrusted input").

Set in ``sites.yaml`` under ``network.limits`` (every key optional)::

    network:
      limits: {markdown_kb: 2048, file_mb: 50, nesting: 16, build_seconds: 900}

- ``markdown_kb``: the largest content file (``.md``), in KiB;
- ``file_mb``: the largest static file under a site's ``files/``, in MiB;
- ``nesting``: the deepest nesting of lists, quotes and HTML elements in a post body;
- ``build_seconds``: the longest one site's build may take (all its languages and its
  search index); after that the site fails with a message naming it, the other sites
  still build.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    """The limits of a network; the defaults are those of a network without ``network.limits``."""

    markdown_kb: int = 2048
    file_mb: int = 50
    nesting: int = 16
    build_seconds: int = 900

    @property
    def markdown_bytes(self) -> int:
        return self.markdown_kb * 1024

    @property
    def file_bytes(self) -> int:
        return self.file_mb * 1024 * 1024


#: every key of ``network.limits`` → (smallest, largest) value accepted
RANGES: dict[str, tuple[int, int]] = {
    "markdown_kb": (1, 65536),
    "file_mb": (1, 4096),
    "nesting": (4, 64),
    "build_seconds": (10, 86400),
}
KEYS = tuple(f.name for f in fields(Limits))
DEFAULT = Limits()
