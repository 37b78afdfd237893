"""The naive baseline: the ``pelican`` command once per site (and language), one after another.

``write_naive_network(root, dest)`` lays out, for every site and language, what a user
without ``portal build`` would keep: ``dest/<id>/<lang>/content/`` with that site's
posts and pages in that language and a copy of every shared directive of its audience,
and ``dest/<id>/<lang>/pelicanconf.py``, the same settings and theme as ``portal
build`` (see :func:`naive_settings`), with Pelican's default caching. Nothing is
parsed once or shared between sites: each ``pelican`` process starts from scratch.

The copies carry complete front matter (a translation gets its original's date,
category and slug), since no build reads the originals for them.

``python -m portal.bench.naive_pelican DEST [--jobs N]`` runs them all, N at a time (default 1:
one after another), as a user would with ``xargs -P`` on the same cores as ``portal build``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from portal.bench.hugo import dump, front_matter, read_shared, read_site
from portal.model import catalogue
from portal.model.content import Post
from portal.model.sites import load_network

CONF = '''# The naive Pelican baseline for {site} ({lang}), written by `portal bench`: the same
# settings and theme as `portal build`, run with the `pelican` command on its own.
from portal.bench.naive_pelican import naive_settings

globals().update(naive_settings({root!r}, {site!r}, {lang!r}, {content!r}, {output!r}))
'''


def naive_settings(root: str, site_id: str, lang: str, content: str, output: str) -> dict[str, Any]:
    """What ``portal build`` gives Pelican for this site and language, reading *content* instead."""
    from portal.model.sites import load_network
    from portal.stages.render.site import settings_for

    network = load_network(root)
    site = network.site(site_id)
    settings = settings_for(network, site, lang, Path(output), catalogue.now_in(network))
    settings["PATH"] = content
    settings["ARTICLE_EXCLUDES"] = [catalogue.PAGES_DIR, catalogue.FILES_DIR]
    return {k: v for k, v in settings.items() if k.isupper()}


def _meta(post: Post) -> dict:
    extra: dict = {"slug": post.slug}
    if post.kind == "article":
        extra["category"] = post.category
    tags = post.meta.get("tags") or []
    if tags:
        extra["tags"] = list(tags)
    if post.status != "published":
        extra["status"] = post.status
    if post.expires is not None:
        extra["expires"] = post.expires.strftime("%Y-%m-%d %H:%M")
    meta = front_matter(post, **extra)
    if "date" in meta:
        meta["date"] = post.date.strftime("%Y-%m-%d %H:%M")  # type: ignore[union-attr]
    return meta


def write_naive_network(root: Path, dest: Path) -> list[Path]:
    """Write the per-site, per-language content and settings; return the settings files in build order."""
    network = load_network(root)
    shared = read_shared(network)
    root = network.root.resolve()
    confs: list[Path] = []
    for site in network.sites:
        posts = read_site(network, site)
        for lang in site.languages:
            base = (dest / site.id / lang).resolve()
            if base.exists():
                shutil.rmtree(base)
            content = base / "content"
            suffix = "" if lang == site.default_language else f".{lang}"
            for post in posts:
                if post.lang != lang:
                    continue
                folder = catalogue.PAGES_DIR if post.kind == "page" else post.category
                dump(content / folder / f"{post.slug}{suffix}.md", _meta(post), post.body)
            for post, ids in shared:
                if site.id in ids and post.lang == lang:
                    dump(content / post.category / f"{post.slug}{suffix}.md", _meta(post), post.body)
            content.mkdir(parents=True, exist_ok=True)
            files = catalogue.site_dir(root, site.id) / catalogue.FILES_DIR
            if lang == site.default_language and files.is_dir():
                shutil.copytree(files, content / catalogue.FILES_DIR)
            conf = base / "pelicanconf.py"
            conf.write_text(CONF.format(site=site.id, lang=lang, root=str(root), content=str(content),
                                        output=str((dest / "output" / site.id).resolve())), encoding="utf-8")
            confs.append(conf)
    (dest / "order.txt").write_text("\n".join(str(c) for c in confs) + "\n", encoding="utf-8")
    return confs


def pelican_command() -> list[str]:
    exe = Path(sys.executable).with_name("pelican")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "pelican"]


def build_all(dest: Path, jobs: int = 1) -> list[str]:
    """Run ``pelican -s <conf>`` for every site and language into DEST/output/, *jobs* at a time; return the failures."""
    from concurrent.futures import ThreadPoolExecutor

    confs = [Path(line) for line in (dest / "order.txt").read_text(encoding="utf-8").split()]

    def one(conf: Path) -> str | None:
        res = subprocess.run([*pelican_command(), "-s", str(conf), "-q"], capture_output=True, text=True)
        return f"{conf}: pelican failed: {(res.stderr or res.stdout).strip()[-2000:]}" if res.returncode else None

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return [e for e in pool.map(one, confs) if e]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    jobs = 1
    if len(args) == 3 and args[1] == "--jobs" and args[2].isdigit():
        jobs = int(args.pop(2))
        args.pop(1)
    if len(args) != 1:
        print("usage: python -m portal.bench.naive_pelican DEST [--jobs N]   (after write_naive_network)", file=sys.stderr)
        return 2
    dest = Path(args[0])
    errors = build_all(dest, jobs)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
