"""Theme strings (gettext catalogs compiled with Babel) and dates in each language.

Nothing here calls ``setlocale``: Babel carries its own locale data.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"

#: the BCP 47 tag for <html lang> and hreflang
HTML_LANG = {"vi": "vi", "en": "en", "ja": "ja", "zh": "zh-Hans", "ko": "ko"}
#: each language's name in itself, for the language switcher
NATIVE_NAMES = {"vi": "Tiếng Việt", "en": "English", "ja": "日本語", "zh": "中文", "ko": "한국어"}
#: the one date form of each language, in lists, articles and documents alike (a Babel pattern or width):
#: 06/04/2021 (vi, as Vietnamese administrative documents write it), 6 April 2021 (en), 2021年4月6日 (ja, zh), 2021년 4월 6일 (ko)
DATE_FORMAT = {"vi": "dd/MM/yyyy", "en": "d MMMM yyyy", "ja": "long", "zh": "long", "ko": "long"}
#: the Babel locale used for dates and numbers
BABEL_LOCALE = {"vi": "vi", "en": "en_GB", "ja": "ja", "zh": "zh_Hans_CN", "ko": "ko"}


def compile_catalogs(translations: Path) -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or older; return what was compiled."""
    done = []
    for po_path in sorted(translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo_path)
        done.append(mo_path)
    return done


@cache
def translations(translations_dir: str, lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=translations_dir, languages=[lang], fallback=True)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALE.get(lang, lang))


def format_date(value: dt.date | dt.datetime | None, lang: str = "vi", fmt: str | None = None) -> str:
    """*value* as readers of *lang* write dates: ``06/04/2021`` (vi), ``6 April 2021`` (en), ``2021年4月6日`` (ja)…

    *fmt* (a Babel pattern or width) overrides :data:`DATE_FORMAT`; templates never pass one,
    so every page of a language shows dates one way. ``None`` gives ``""``.
    """
    if value is None:
        return ""
    return _babel_date(value, format=fmt or DATE_FORMAT.get(lang, "long"), locale=_locale(lang))


def format_datetime(value: dt.datetime | None, lang: str = "vi", fmt: str = "short") -> str:
    if value is None:
        return ""
    return _babel_datetime(value, format=fmt, locale=_locale(lang), tzinfo=value.tzinfo)


def iso_date(value: dt.date | dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""
