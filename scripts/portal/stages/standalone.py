"""Pages outside the Pelican theme (the directory of sites, a retired site's notice), rendered the one safe way.

Jinja2 with autoescape on, the Content-Security-Policy of every page (:mod:`portal.model.csp`;
an inline ``<style>`` is allowed by its hash only), ``<html lang>`` and the viewport: a child
template fills the blocks ``head`` and ``body`` of :data:`BASE`.
"""

from __future__ import annotations

from jinja2 import DictLoader, Environment
from markupsafe import Markup

from portal.model import csp

BASE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ policy }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
{% if style %}<style>{{ style }}</style>
{% endif %}{% block head %}{% endblock %}
</head>
<body>
<main>
{% block body %}{% endblock %}
</main>
</body>
</html>
"""


def render(template: str, *, title: str, lang: str = "vi", style: str = "", **context: object) -> str:
    """Render *template* (a Jinja template extending ``base.html``) with autoescape; *style* is a trusted constant."""
    env = Environment(loader=DictLoader({"base.html": BASE, "page.html": template}), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    policy = csp.policy(style_src=[csp.style_hash(style)]) if style else csp.POLICY
    return env.get_template("page.html").render(title=title, lang=lang, style=Markup(style), policy=policy, **context)
