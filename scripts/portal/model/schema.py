"""The front-matter schema as the web editor offers it: one declarative field per key ``portal check`` accepts.

Which keys a file may carry is decided by :func:`portal.model.content.known_keys` (the checker's
own list: :data:`~portal.model.content.COMMON_KEYS`, the document, draft, procedure and Q&A keys
of :mod:`~portal.model.documents`, :mod:`~portal.model.drafts`, :mod:`~portal.model.procedures`);
this module says, for each of those keys, how an editor fills it in: a label and a hint (editor
messages, Vietnamese through ``translations/vi/LC_MESSAGES/editor.po``), a widget kind, the
vocabulary a select lists (:class:`portal.model.vocabulary.Legal`), a pattern, whether it differs
per language. :func:`form` gives the fields of one section's form, required as the checker
requires them (``documents.REQUIRED``, ``drafts.REQUIRED``, ``procedures.REQUIRED``, a press release's
period and spokesperson).

The web editor (:mod:`portal.stages.cms`) turns a form into a Decap CMS collection; a test
(``tests/stages/test_cms.py``) fails when the checker accepts a key that has no field here.

Shapes::

    fields() -> {key: Field}                       # every key, in the order forms show them
    form("article", "van-ban") -> [FormField, …]   # the keys of that form, each with required
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.model import content, documents, drafts, outreach, procedures
from portal.model.messages import _

#: widget kinds (mapped onto Decap's widgets by portal.stages.cms)
WIDGETS = ("string", "text", "datetime", "date", "select", "list", "image", "file", "attachments", "relations",
           "signer", "hidden", "number", "markdown", "gallery", "infographic", "video")
#: sections whose forms offer a document's keys (any article may carry them; the editor offers them where
#: documents are written: van-ban and the shared directives, DESIGN.md "Content")
DOCUMENT_FORMS = (documents.CATEGORY,)
#: the category of shared directives (content/shared/)
SHARED_CATEGORY = "chi-dao-dieu-hanh"
#: ``date``/``YYYY-MM-DD HH:MM`` as Decap (moment.js) writes them
DATETIME_FORMAT = "YYYY-MM-DD HH:mm"
DATE_FORMAT = "YYYY-MM-DD"
#: JavaScript patterns (Decap tests them in the browser, without the ``u`` flag): a slug, a document number
#: (loose: the checker tests the type's code), a procedure's code (procedures.CODE_RE)
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
NUMBER_PATTERN = r"^\d{1,6}(/\d{4})?/[^\s/]+$"
CODE_PATTERN = r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$"
#: a press release's month (YYYY-MM), a radio bulletin's duration (m:ss or h:mm:ss), an https address
PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
DURATION_PATTERN = r"^(\d+:)?\d{1,2}:\d{2}$"
HTTPS_PATTERN = r"^https?://\S+$"
#: a radio bulletin's priorities (issue 16)
PRIORITIES = outreach.PRIORITIES
#: what a press release requires (portal.model.outreach.validate)
PRESS_REQUIRED = ("period", "spokesperson")


@dataclass(frozen=True)
class Field:
    """How one front-matter key is filled in.

    ``widget``: one of :data:`WIDGETS`; ``vocabulary``: what a select lists — an attribute of
    :class:`~portal.model.vocabulary.Legal` (``doc_types``, ``issuers``, ``fields``, ``levels``,
    ``online``), or ``statuses``, ``audience`` (the network's kinds and site ids); ``multiple``: a
    list of them; ``pattern``: a JavaScript regular expression with ``pattern_hint`` its message;
    ``translatable``: a translation (``foo.en.md``) has its own value, otherwise only the original has it.
    """

    key: str
    label: str
    widget: str
    hint: str = ""
    vocabulary: str = ""
    multiple: bool = False
    pattern: str = ""
    pattern_hint: str = ""
    translatable: bool = False


@dataclass(frozen=True)
class FormField:
    """A field of one form, and whether the checker requires it there."""

    field: Field
    required: bool

    @property
    def key(self) -> str:
        return self.field.key


def fields() -> dict[str, Field]:
    """Every front-matter key the checker knows, in the order a form shows them (labels in the editor's language)."""
    items = [
        Field("title", _("Title"), "string", _("The headline: the page's only level-1 heading"), translatable=True),
        Field("date", _("Date"), "datetime", _("Vietnam time; a future date is published when it comes")),
        Field("category", _("Section"), "hidden"),
        Field("summary", _("Summary"), "text", _("One or two sentences shown in lists and search results"), translatable=True),
        Field("image", _("Image"), "image", _("A photo under the site's files/; describe it below")),
        Field("image_alt", _("Image description (alt text)"), "string",
              _("Required when there is an image: what the photo shows, for readers who cannot see it"), translatable=True),
        Field("tags", _("Tags"), "list", _("A few words each, separated by commas"), translatable=True),
        Field("author", _("Author"), "string"),
        Field("slug", _("Address (slug)"), "string",
              _("Optional: lower-case ASCII words joined by '-'; by default the title folded (đ → d)"),
              pattern=SLUG_PATTERN, pattern_hint=_("lower-case letters a-z, digits and '-' only, e.g. ra-quan-ve-sinh")),
        Field("status", _("Status"), "select", _("A draft is not published"), vocabulary="statuses"),
        Field("expires", _("Unpublish after"), "date", _("Optional: the post is no longer published after this day")),
        Field("audience", _("Audience"), "select", _("Kinds of portal and/or portals that receive the directive; empty: every portal"),
              vocabulary="audience", multiple=True),
        Field("order", _("Order in menus"), "number"),
        # a legal document (portal.model.documents)
        Field("number", _("Number (số ký hiệu)"), "string", _("As on the document, without 'Số', e.g. 953/KH-UBND"),
              pattern=NUMBER_PATTERN, pattern_hint=_("a document number such as 953/KH-UBND or 45/2025/QĐ-UBND")),
        Field("doc_type", _("Document type"), "select", vocabulary="doc_types"),
        Field("issuer", _("Issuing body"), "select", vocabulary="issuers"),
        Field("signer", _("Signed by"), "signer"),
        Field("issued", _("Date issued"), "date"),
        Field("effective", _("In force from"), "date", _("Empty: the date issued")),
        Field("valid_until", _("Valid until"), "date", _("Optional: the last day it applies")),
        Field("fields", _("Fields"), "select", vocabulary="fields", multiple=True),
        # a draft for comment (portal.model.drafts)
        Field("comment_from", _("Comments from"), "date"),
        Field("comment_until", _("Comments until"), "date", _("At least the legal minimum period after the start")),
        Field("drafting_agency", _("Drafting agency"), "string"),
        Field("report", _("Report on the comments"), "file", _("Later: the report on the comments received")),
        Field("adopted_as", _("Adopted as"), "string", _("Later: the number of the document it became"),
              pattern=NUMBER_PATTERN, pattern_hint=_("a document number such as 953/KH-UBND or 45/2025/QĐ-UBND")),
        # an administrative procedure (portal.model.procedures)
        Field("code", _("Code"), "string", _("Its code in the National Database of Administrative Procedures, e.g. 1.004946")),
        Field("level", _("Level"), "select", vocabulary="levels"),
        Field("agency", _("Agency"), "string", _("Who receives and decides")),
        Field("time_limit", _("Time limit"), "string", _("e.g. 15 ngày làm việc")),
        Field("fee", _("Fee"), "string", _("e.g. 75.000 đồng, or Không")),
        Field("required_documents", _("Documents required"), "list"),
        Field("result", _("Result"), "string"),
        Field("online", _("Online service"), "select", vocabulary="online"),
        # files of documents and drafts, relations between documents
        Field("attachments", _("Attachments"), "attachments", _("Files under the site's files/, each with its role")),
        Field("relations", _("Related documents"), "relations", _("Other documents by number")),
        # multimedia on any post (issue 16: portal.model.media): every image with its alt text
        Field("gallery", _("Photo gallery"), "gallery", _("Images under the site's files/, each with its description and caption")),
        Field("infographic", _("Infographic"), "infographic", _("An image and its full text alternative (required)")),
        Field("video", _("Video"), "video", _("A video file with its captions (.vtt), or the address of an allowed video page")),
        # a press release (issue 16: portal.model.outreach)
        Field("period", _("Month covered"), "string", _("YYYY-MM, e.g. 2026-11"), pattern=PERIOD_PATTERN,
              pattern_hint=_("a month written YYYY-MM, e.g. 2026-11")),
        Field("briefing_date", _("Press briefing"), "datetime"),
        Field("spokesperson", _("Spokesperson"), "string", _("Name and position")),
        # a commune radio bulletin (issue 16): the body is the transcript
        Field("audio", _("Audio file"), "file", _("The recording under the site's files/; the body is its transcript")),
        Field("duration", _("Duration"), "string", _("m:ss, e.g. 4:35"), pattern=DURATION_PATTERN,
              pattern_hint=_("a duration written m:ss, e.g. 4:35")),
        Field("broadcast", _("Broadcast"), "datetime", _("When it went on air (default: the date)")),
        Field("priority", _("Priority"), "select", vocabulary="priorities"),
        # a directive imported from another portal's feed (portal import-feed)
        Field("canonical", _("Source address"), "string", _("The https:// address of the original"), pattern=HTTPS_PATTERN,
              pattern_hint=_("an address starting with https://")),
        Field("source_id", _("Source item id"), "string", _("Set by portal import-feed")),
        # a question answered through the interaction service (written by the service, editable)
        Field("received", _("Received"), "date"),
        Field("due", _("Answer due"), "date"),
        Field("answered", _("Answered"), "date"),
        Field("answered_by", _("Answered by"), "string"),
        Field("asker", _("Asked by"), "string", _("A name only with the sender's consent, otherwise initials")),
    ]
    return {f.key: f for f in items}


def _required(kind: str, category: str, shared: bool) -> set[str]:
    """The keys the checker requires in a new file of this form (content.validate, documents/drafts/procedures)."""
    keys = {"title"} | ({"date", "category"} if kind == "article" else set())
    if kind == "article" and not shared:
        keys |= {documents.CATEGORY: set(documents.REQUIRED), drafts.CATEGORY: set(drafts.REQUIRED),
                 procedures.CATEGORY: set(procedures.REQUIRED), outreach.PRESS_CATEGORY: set(PRESS_REQUIRED)}.get(category, set())
    return keys


def offered(kind: str, category: str, *, shared: bool = False) -> set[str]:
    """The keys a form of *kind* and *category* offers: what the checker accepts there (content.known_keys), less
    a document's keys outside :data:`DOCUMENT_FORMS` and the shared directives, and less ``expires`` where the
    checker refuses it (documents and drafts change status, they never vanish)."""
    keys = content.known_keys(kind, category, shared=shared)
    if kind == "article" and category not in DOCUMENT_FORMS and not shared:
        keys -= documents.KEYS - content.CATEGORY_KEYS.get(category, set())
    if category in (documents.CATEGORY, drafts.CATEGORY):
        keys.discard("expires")
    return keys


def form(kind: str, category: str, *, shared: bool = False) -> list[FormField]:
    """The fields of the form for a file of *kind* (``article`` | ``page``) in section *category*.

    Raises KeyError naming a key the checker accepts that has no :class:`Field` (a test catches it first).
    """
    known = fields()
    keys = offered(kind, category, shared=shared)
    missing = keys - set(known)
    if missing:
        raise KeyError(f"front-matter keys without a field in portal.model.schema: {sorted(missing)}")
    required = _required(kind, category, shared)
    return [FormField(f, f.key in required) for f in known.values() if f.key in keys]
