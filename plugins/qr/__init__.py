"""Pelican plugin: the printable QR poster of a site, ``/qr/`` (issue 16.5).

In the site's default language: an A4 page for offices and one-stop desks with a QR code (SVG,
:mod:`portal.stages.render.qr`) and its address in text for the portal, each social account
(Facebook, Zalo, …) and the Q&A form (``/hoi-dap/gui-cau-hoi/``, when the site has the Q&A
section). The codes are files (``/qr/cong-thong-tin.svg``, ``/qr/facebook.svg``…) so a board can also
put them on leaflets. The templates also get ``qr_svg(url, label)`` for the QR code of a printed
article's address and of a procedure's national record.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from portal.stages.render import qr

FOLDER = "qr"
#: the procedure record on the National Public Service Portal, by the procedure's code (lenient until
#: the documents issue, whose sites.yaml documents.public_service_url replaces it)
PUBLIC_SERVICE_URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}"


def codes(settings: dict) -> list[dict[str, str]]:
    """The poster's codes: ``{"key", "label", "url", "file"}`` for the portal, its social accounts, its Q&A form."""
    site = settings["PORTAL_SITE"]
    names = settings.get("PORTAL_SOCIAL_NAMES", {})
    items = [{"key": "cong-thong-tin", "label": "Cổng Thông tin điện tử", "url": site["url"] + "/"}]
    for network, url in sorted(site.get("social", {}).items()):
        items.append({"key": network, "label": names.get(network, network), "url": url})
    if any(s["slug"] == "hoi-dap" for s in site["sections"]):
        items.append({"key": "hoi-dap", "label": "Gửi câu hỏi, phản ánh, kiến nghị", "url": site["url"] + "/hoi-dap/gui-cau-hoi/"})
    for item in items:
        item["file"] = f"/{FOLDER}/{item['key']}.svg"
    return items


def record_url(code: str) -> str:
    from urllib.parse import quote

    return PUBLIC_SERVICE_URL.replace("{code}", quote(str(code), safe=""))


def context(generator) -> None:
    if generator.settings.get("PORTAL_SITE"):
        generator.context["qr_svg"] = qr.inline
        generator.context["procedure_record"] = record_url


class QrPoster(Generator):
    """Writes ``/qr/index.html`` and its SVG codes in the site's default language."""

    def generate_output(self, writer) -> None:
        s = self.settings
        if not s.get("PORTAL_SITE_ID") or s.get("DEFAULT_LANG") != s.get("PORTAL_DEFAULT_LANG"):
            return
        items = codes(s)
        for item in items:
            qr.write(Path(self.output_path) / item["file"].lstrip("/"), item["url"], f"{item['label']}: {item['url']}")
        writer.write_file(f"{FOLDER}/index.html", self.get_template("qr"), {**self.context, "qr_codes": items},
                          relative_urls=False, url=f"{FOLDER}/")


def get_generators(pelican_object):
    return QrPoster


def register() -> None:
    signals.generator_init.connect(context)
    signals.get_generators.connect(get_generators)
