"""Pelican plugin: the audit of required information (``portal audit``), published on the provincial portal for the board.

``/kiem-tra-thong-tin-bat-buoc/`` on the provincial portal, in its default language: the
network summary table (each portal, each required item: present, stale or missing) and each
portal's items with the file to fix (:mod:`portal.stages.audit`). Built with the provincial
portal, so it is as current as the last build of it (the scheduled build keeps it so).
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from portal.model import catalogue
from portal.stages import audit

PATH = audit.PAGE_PATH


class AuditPage(Generator):
    def generate_output(self, writer) -> None:
        s = self.settings
        site = s.get("PORTAL_SITE")
        network = catalogue.NETWORK
        if not site or not site.get("is_home") or network is None or s.get("DEFAULT_LANG") != s.get("PORTAL_DEFAULT_LANG"):
            return
        report = audit.audit(network, s["PORTAL_NOW"])
        lang = s["PORTAL_LANG"]
        legal = network.legal
        items = [{"key": k, "short": legal.required[k].short(lang), "label": legal.required[k].label(lang),
                  "basis": legal.basis_text(legal.required[k].basis), "cadence": legal.required[k].cadence} for k in report.items]
        sites = []
        for site_id, found in report.findings.items():
            by = {f.item: f for f in found}
            sites.append({"id": site_id, "name": network.site(site_id).name(lang), "url": network.site(site_id).url,
                          "counts": report.counts(site_id), "cells": [by.get(i["key"]) for i in items], "findings": found})
        writer.write_file(f"{PATH}index.html", self.get_template("audit"), self.context, relative_urls=False, url=PATH,
                          audit_items=items, audit_sites=sites, audit_date=report.today)


def get_generators(pelican_object):
    return AuditPage


def register() -> None:
    signals.get_generators.connect(get_generators)
