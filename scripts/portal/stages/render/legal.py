"""What the theme shows of a document, a draft and a procedure: plain data computed at build time.

The plugins (``legal_documents``, ``drafts``, ``procedures``) put these views into each
article's metadata, so that a page's incremental key changes with its status, its relations
and its attachments. Every value is text, a number or a date: the templates escape them.

A document's view carries its **facets** (``doc_type``, ``issuer``, ``field``, ``year``,
``status``: lists of ``{"slug", "label"}``), the same data the static filter pages list it
under and the search index filters on, and its **search text** (index-only): the number in
the spellings readers type and the text of its PDF attachments.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from portal.model import documents as docs_model
from portal.model import drafts as drafts_model
from portal.model.attachments import human_size
from portal.model.content import Post
from portal.model.documents import Record, Registry
from portal.model.sites import Network, Site
from portal.model.vocabulary import Legal, Term

#: the order facets are shown in, and the path segment of their filter pages
DOCUMENT_FACETS = {v: k for k, v in docs_model.FACETS.items()}


def _term(term: Term | None, lang: str) -> dict[str, str]:
    return {"slug": term.slug, "label": term.label(lang)} if term is not None else {"slug": "", "label": ""}


def _href(record: Record, site: Site | None) -> str:
    """Root-relative on the same site, else the absolute address."""
    if site is not None and record.site == site.id:
        return record.url
    return record.href


def attachments_view(post: Post, legal: Legal, lang: str) -> list[dict[str, Any]]:
    return [{"url": a.url, "title": a.title or a.name, "role": legal.role_label(a.role, lang), "kind": a.kind,
             "size": human_size(a.size), "bytes": a.size} for a in post.attachments]


def search_text(post: Post) -> str:
    """The index-only text of a document: its number as readers type it, then its PDFs' text."""
    parts = []
    if post.document is not None and post.document.number:
        parts.append(" ".join(docs_model.number_spellings(post.document.number)))
    parts += [a.text for a in post.attachments if a.text]
    return "\n".join(parts)


def document_view(post: Post, network: Network, site: Site | None, registry: Registry | None, today: dt.date,
                  lang: str) -> dict[str, Any]:
    """Everything the detail page, the lists and the exports show of a document (see the module docstring)."""
    legal = network.legal
    doc: docs_model.Document = post.document
    record = next((r for r in (registry.by_key.get(doc.key, []) if registry else []) if r.rel == post.rel), None)
    if record is None:  # not in the registry (not live now, or another language): computed alone
        record = Record(site.id if site else None, post.rel, "", "", post.title, doc, post.category)
    key, decided_by = registry.status(record, today, legal) if registry else ("in_force", [])
    related = []
    for ref in doc.references:
        target = registry.find(ref, legal, near=site.id if site else None, issuer=doc.issuer)[0] if registry and not ref.url else None
        related.append({"relation": legal.relations[ref.kind].label(lang), "kind": ref.kind, "number": ref.number,
                        "title": target.title if target else ref.title,
                        "href": _href(target, site) if target else ref.url})
    for kind, source in (registry.incoming.get(post.rel, []) if registry else []):
        related.append({"relation": legal.relations[kind].label(lang, reverse=True), "kind": kind, "reverse": True,
                        "number": source.document.number, "title": source.title, "href": _href(source, site)})
    year = str(doc.issued.year) if doc.issued else ""
    status = {"key": key, "slug": legal.status_slug(key), "label": legal.status_label(key, lang)}
    facets = {
        "doc_type": [_term(doc.doc_type, lang)] if doc.doc_type else [],
        "issuer": [_term(doc.issuer, lang)] if doc.issuer else [],
        "field": [_term(f, lang) for f in doc.fields],
        "year": [{"slug": year, "label": year}] if year else [],
        "status": [{"slug": status["slug"], "label": status["label"]}],
    }
    view = {
        "number": doc.number, "doc_type": _term(doc.doc_type, lang), "issuer": _term(doc.issuer, lang),
        "signer": doc.signer, "issued": doc.issued, "effective": doc.starts, "valid_until": doc.valid_until,
        "fields": facets["field"], "year": year, "status": status,
        "decided_by": [{"relation": legal.relations[k].label(lang, reverse=True), "number": s.document.number} for k, s in decided_by],
        "related": related, "attachments": attachments_view(post, legal, lang), "facets": facets,
        "search_text": search_text(post),
    }
    view["jsonld"] = legislation_jsonld(post, view, network, site)
    return view


def legislation_jsonld(post: Post, view: dict[str, Any], network: Network, site: Site | None) -> dict[str, Any]:
    """schema.org ``Legislation`` of a document (emitted with ``|tojson``: <, > and & escaped)."""
    base = (site or network.home_site).url
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Legislation", "name": post.title,
        "legislationIdentifier": view["number"], "legislationType": view["doc_type"]["label"],
        "inLanguage": "vi", "url": base + "/" + post.url(),
    }
    if view["issuer"]["label"]:
        data["legislationPassedBy"] = {"@type": "GovernmentOrganization", "name": view["issuer"]["label"]}
    if view["issued"]:
        data["legislationDate"] = view["issued"].isoformat()
    if view["effective"]:
        data["legislationDateVersion"] = view["effective"].isoformat()
    if view["valid_until"]:
        data["expires"] = view["valid_until"].isoformat()
    data["legislationLegalForce"] = {"pending": "NotInForce", "expired": "NotInForce", "partly_expired": "PartiallyInForce"}.get(
        view["status"]["key"], "InForce")
    if post.meta.get("summary"):
        data["abstract"] = str(post.meta["summary"])
    if view["fields"]:
        data["about"] = [f["label"] for f in view["fields"]]
    if view["attachments"]:
        data["encoding"] = [{"@type": "LegislationObject", "contentUrl": base + a["url"], "encodingFormat": a["kind"].lower(),
                             "contentSize": str(a["bytes"])} for a in view["attachments"]]
    for item in view["related"]:
        if item["href"] and not item.get("reverse"):
            prop = {"replaces": "legislationRepeals", "repeals": "legislationRepeals", "amends": "legislationAmends",
                    "based_on": "legislationApplies", "guides": "legislationApplies", "implements": "legislationTransposes"}[item["kind"]]
            href = item["href"] if item["href"].startswith("http") else base + item["href"]
            data.setdefault(prop, []).append({"@type": "Legislation", "legislationIdentifier": item["number"], "url": href})
    return data


def draft_view(post: Post, network: Network, site: Site | None, registry: Registry | None, today: dt.date,
               lang: str) -> dict[str, Any]:
    """A draft's period, state (``upcoming``, ``open`` with ``days_left``, ``compiling``, ``reported``,
    ``adopted``), drafting agency, attachments, report and the document it became."""
    draft: drafts_model.Draft = post.draft
    adopted = None
    if draft.adopted_as and registry is not None:
        target, _why = registry.find(docs_model.Reference("adopted_as", draft.adopted_as), network.legal,
                                     near=site.id if site else None)
        if target is not None:
            adopted = {"number": target.document.number, "title": target.title, "href": _href(target, site)}
    state = drafts_model.state(draft, today, adopted=adopted is not None)
    return {"from": draft.comment_from, "until": draft.comment_until, "agency": draft.agency, "state": state.key,
            "days_left": state.days_left, "open": state.is_open, "report": draft.report, "adopted": adopted,
            "attachments": attachments_view(post, network.legal, lang)}


def procedure_view(post: Post, network: Network, lang: str) -> dict[str, Any]:
    """A procedure's keys for its page and the table, with its record's address on the national portal."""
    p = post.procedure
    facets = {"field": [_term(f, lang) for f in p.fields], "level": [_term(p.level, lang)] if p.level else [],
              "agency": [{"slug": _slug(p.agency), "label": p.agency}] if p.agency else []}
    return {"code": p.code, "level": _term(p.level, lang), "agency": p.agency, "time_limit": p.time_limit, "fee": p.fee,
            "required_documents": p.required_documents, "result": p.result, "online": _term(p.online, lang),
            "fields": facets["field"], "record_url": p.record_url(network.legal), "facets": facets}


def _slug(text: str) -> str:
    from portal.model.text import slugify

    return slugify(text)


# --- open data ------------------------------------------------------------------------------------

EXPORT_COLUMNS = ("number", "title", "doc_type", "issuer", "signer", "issued", "effective", "valid_until", "status",
                  "fields", "summary", "url", "attachments", "relations")


def export_rows(items: Iterable[tuple[Any, dict[str, Any]]], site_url: str) -> list[dict[str, Any]]:
    """One row per document of a site (``/van-ban/index.json`` and ``index.csv``): (article, view) pairs in."""
    rows = []
    for article, view in items:
        rows.append({
            "number": view["number"], "title": str(article.title), "doc_type": view["doc_type"]["label"],
            "issuer": view["issuer"]["label"], "signer": view["signer"].get("name", ""),
            "issued": view["issued"].isoformat() if view["issued"] else "",
            "effective": view["effective"].isoformat() if view["effective"] else "",
            "valid_until": view["valid_until"].isoformat() if view["valid_until"] else "",
            "status": view["status"]["label"], "fields": [f["label"] for f in view["fields"]],
            "summary": str(article.metadata.get("summary") or ""), "url": f"{site_url}/{article.url}",
            "attachments": [site_url + a["url"] for a in view["attachments"]],
            "relations": [{"relation": r["relation"], "number": r["number"]} for r in view["related"]],
        })
    return rows


def export_json(rows: list[dict[str, Any]], site_id: str) -> str:
    """The site's documents as JSON (no build date in it: an unchanged site rebuilds byte-identical)."""
    return json.dumps({"site": site_id, "columns": list(EXPORT_COLUMNS),
                       "documents": rows}, ensure_ascii=False, indent=1) + "\n"


def export_csv(rows: list[dict[str, Any]]) -> str:
    """CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read Vietnamese); a cell starting with
    ``= + - @`` is prefixed with ``'`` (no formula runs when it is opened)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        cells = []
        for col in EXPORT_COLUMNS:
            value = row[col]
            if col == "relations":
                value = "; ".join(f"{r['relation']} {r['number']}" for r in value)
            elif isinstance(value, list):
                value = "; ".join(value)
            value = str(value)
            cells.append("'" + value if value[:1] in ("=", "+", "-", "@") else value)
        writer.writerow(cells)
    return "\ufeff" + out.getvalue()
