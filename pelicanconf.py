"""Base Pelican settings shared by every portal.

`portal build` reads this file, then adds each site's own settings (paths, URLs,
language, names, contacts) from sites.yaml: see scripts/portal/stages/render/site.py.
"""

THEME = "themes/portal"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["portal_reader", "shared_directives", "portal_theme", "sitemap", "incremental", "interaction", "scoreboard",
           "media", "qr", "syndication", "press", "legal_documents", "drafts", "procedures", "organisation",
           "audit_page"]

TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
# Dates are written by Babel in each language (portal.model.i18n, the theme's `date` filter), never by Pelican's
# `locale_date`, which formats with the system's locale: no format, so that Pelican does not make that string for
# each of a run's 1,200 posts and copies (issue 20; its strftime was 3 % of a site's incremental build).
DEFAULT_DATE_FORMAT = ""
DATE_FORMATS: dict[str, str] = {}

# Content is read by the portal_reader plugin; folders do not make categories.
USE_FOLDER_AS_CATEGORY = False
ARTICLE_ORDER_BY = "reversed-date"
PAGE_ORDER_BY = "basename"
WITH_FUTURE_DATES = True  # the portal decides what is due (portal_reader skips the rest)
SUMMARY_MAX_LENGTH = 40
# Front matter is text, never Markdown or HTML: no field is "formatted" (the summary stays the text escaped once,
# see portal.stages.render.metadata; Pelican would otherwise rewrite it as a plain string).
FORMATTED_FIELDS: list[str] = []

# Lists: 20 items a page; later pages under <list>/page/N/ (no cat1/12 vs cat11/2 clash).
DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"category": None, "tag": None}

# Only Atom feeds: one for the site, one per section.
RSS_FEED_SUMMARY_ONLY = True
FEED_MAX_ITEMS = 50
FEED_ALL_RSS = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
TAG_FEED_ATOM = None

# Pages nobody asked for.
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""

# Autoescape: every value is HTML-escaped unless a template marks it trusted (portal build forces it on).
JINJA_ENVIRONMENT = {"extensions": ["jinja2.ext.i18n"], "trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
DELETE_OUTPUT_DIRECTORY = False
TYPOGRIFY = False
