"""The one list of what a site reads: its Markdown files and its static files, and what is refused.

``portal check``, the pre-commit hook and the build all take a site's inputs from
:func:`list_inputs`, so the build reads exactly what the check validated (issue 12, item 1):

- ``*.md`` files are content (posts, ``pages/``); nothing else is ever rendered (no
  ``.rst``, ``.html``, ``.htm``, ``.mdown``…: any other file outside ``files/`` is an error);
- files under the site's ``files/`` are published as they are, if their type is one of
  :data:`STATIC_EXTENSIONS` (documents, images, audio, video; not HTML, SVG or scripts,
  which would run on the portal's origin) and not larger than ``network.limits.file_mb``;
- a symbolic link anywhere is an error naming it (a link would publish whatever it points
  at: ``.git/config``, ``/etc``…); nothing is ever read through one;
- names are taken in NFC without invisible characters (:func:`portal.model.text.clean_name`):
  a photo saved on a Mac (NFD) is published under the name its NFC link uses; two names
  that become the same are an error;
- names starting with ``.`` (``.gitkeep``, ``.DS_Store``) are neither read nor published.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from portal.model.errors import Problem
from portal.model.limits import DEFAULT, Limits
from portal.model.media import SIZES_DIR
from portal.model.messages import _
from portal.model.text import clean_name

FILES_DIR = "files"
MARKDOWN = ".md"
#: data files a site may hold at the top of its folder (read by their own model: portal.model.organisation)
DATA_FILES = frozenset({"to-chuc.yaml"})

#: the file types published from files/ (lower case, without the dot)
STATIC_EXTENSIONS = frozenset({
    # documents
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv",
    "zip", "rar", "7z",
    # images (not SVG: it can carry script)
    "jpg", "jpeg", "png", "gif", "webp", "avif",
    # audio, video, captions
    "mp3", "m4a", "aac", "oga", "ogg", "opus", "wav", "mp4", "m4v", "webm", "ogv", "vtt",
})
#: other markup that Pelican would render (and that could read files or run script): refused
_OTHER_MARKUP = frozenset({".rst", ".rest", ".html", ".htm", ".xhtml", ".shtml", ".svg", ".xml", ".adoc", ".asciidoc",
                           ".textile", ".ipynb", ".org", ".js", ".php"})
#: other spellings of Markdown, refused with a hint to rename
_MARKDOWN_LIKE = frozenset({".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext", ".rmd"})


@dataclass(frozen=True)
class StaticFile:
    """A file published as it is: ``path`` on disk, ``name`` under the site (NFC, ``files/…``), ``size`` in bytes."""

    path: Path
    name: str
    size: int


@dataclass
class Inputs:
    """What one folder of content gives the build: Markdown files, static files, and the problems found."""

    folder: Path
    markdown: list[Path] = field(default_factory=list)
    static: list[StaticFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: data files of :data:`DATA_FILES` found at the top of the folder: name → path
    data: dict[str, Path] = field(default_factory=dict)

    @property
    def static_names(self) -> dict[str, StaticFile]:
        """``files/…`` name (NFC) → file."""
        return {f.name: f for f in self.static}


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


#: a character a file name must not have: a control character, or a byte that was not UTF-8 (Python's surrogate escapes)
_UNREADABLE = re.compile("[\x00-\x1f\x7f\udc80-\udcff]")


def list_inputs(root: Path, folder: Path, limits: Limits = DEFAULT, *, static_dir: str | None = FILES_DIR) -> Inputs:
    """Walk *folder* (a site's ``content/sites/<id>/`` or ``content/shared/``) without following links.

    *static_dir* is the sub-folder whose files are published as they are (None: the
    folder has none, as ``content/shared/``). Problems are reported with paths relative
    to *root*. A missing folder gives no inputs and no problem. Never raises ``OSError``:
    a folder that cannot be read is a problem.
    """
    inputs = Inputs(folder=folder)
    add = inputs.problems.append

    def rel(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    try:
        st = folder.lstat()
    except FileNotFoundError:
        return inputs
    except OSError as exc:
        add(Problem(rel(folder), None, _("cannot be read ({reason}) — check the folder's permissions", reason=exc.strerror)))
        return inputs
    if stat.S_ISLNK(st.st_mode):
        add(Problem(rel(folder), None, _("is a symbolic link — links are not published: put the folder itself here")))
        return inputs
    if not stat.S_ISDIR(st.st_mode):
        add(Problem(rel(folder), None, _("is not a folder — content must be a folder of .md files")))
        return inputs

    stack: list[tuple[Path, tuple[str, ...]]] = [(folder, ())]
    while stack:
        here, parts = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as exc:
            add(Problem(rel(here), None, _("cannot be read ({reason}) — check the folder's permissions", reason=exc.strerror)))
            continue
        names: dict[str, str] = {}
        for entry in entries:
            path = Path(entry.path)
            raw = entry.name
            if raw.startswith("."):
                if entry.is_symlink():
                    add(Problem(rel(path), None, _("is a symbolic link — links are not published: remove it")))
                continue
            if _UNREADABLE.search(raw):
                add(Problem(rel(path), None, _("the name has an invisible or unreadable character — rename the file with letters, digits and '-'")))
                continue
            name = clean_name(raw)
            if name in names:
                add(Problem(rel(path), None, _("has the same name as '{other}' once written the standard way (Unicode NFC) — keep one of them",
                                               other=names[name])))
                continue
            names[name] = raw
            if entry.is_symlink():
                add(Problem(rel(path), None, _("is a symbolic link — links are not published: put the file itself here, or remove the link")))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                add(Problem(rel(path), None, _("cannot be read ({reason}) — check the file's permissions", reason=exc.strerror)))
                continue
            sub = (*parts, name)
            if stat.S_ISDIR(info.st_mode):
                stack.append((path, sub))
                continue
            if not stat.S_ISREG(info.st_mode):
                add(Problem(rel(path), None, _("is not a regular file — remove it")))
                continue
            suffix = Path(name).suffix
            in_static = static_dir is not None and sub[0] == static_dir and len(sub) > 1
            if in_static and len(sub) > 2 and sub[1] == SIZES_DIR:
                add(Problem(rel(path), None, _("files/{folder}/ is where the build writes image sizes — move the file to another folder",
                                               folder=SIZES_DIR)))
                continue
            if in_static:
                ext = suffix.lower().lstrip(".")
                if ext not in STATIC_EXTENSIONS:
                    add(Problem(rel(path), None, _("files of type '{ext}' are not published — use one of: {allowed}",
                                                   ext=suffix or _("(none)"), allowed=", ".join(sorted(STATIC_EXTENSIONS)))))
                elif info.st_size > limits.file_bytes:
                    add(Problem(rel(path), None, _("is {size}, over the limit of {limit} MB for a file — make it smaller (resize images, compress PDFs) or split it",
                                                   size=_size(info.st_size), limit=limits.file_mb)))
                else:
                    inputs.static.append(StaticFile(path, "/".join(sub), info.st_size))
                continue
            if static_dir is not None and len(sub) == 1 and name in DATA_FILES:
                if info.st_size > limits.markdown_bytes:
                    add(Problem(rel(path), None, _("is {size}, over the limit of {limit} KB for a post — split it into several posts, or put large tables in an attached file",
                                                   size=_size(info.st_size), limit=limits.markdown_kb)))
                else:
                    inputs.data[name] = path
                continue
            if suffix == MARKDOWN:
                if info.st_size > limits.markdown_bytes:
                    add(Problem(rel(path), None, _("is {size}, over the limit of {limit} KB for a post — split it into several posts, or put large tables in an attached file",
                                                   size=_size(info.st_size), limit=limits.markdown_kb)))
                else:
                    inputs.markdown.append(path)
            elif suffix.lower() in _MARKDOWN_LIKE or suffix == ".MD":
                add(Problem(rel(path), None, _("only files ending in .md are read — rename it to {name}", name=Path(name).stem + MARKDOWN)))
            elif suffix.lower() in _OTHER_MARKUP:
                add(Problem(rel(path), None, _("only Markdown posts (.md) are read — write it as a .md post ({ext} files are never published)",
                                               ext=suffix.lower())))
            elif static_dir is not None:
                add(Problem(rel(path), None, _("only .md posts are read here, and files to publish go under {files}/ — move it there (if it is a document or an image) or remove it",
                                               files=static_dir)))
            else:
                add(Problem(rel(path), None, _("only .md files are read here — remove it")))
    inputs.markdown.sort()
    inputs.static.sort(key=lambda f: f.name)
    return inputs
