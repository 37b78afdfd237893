"""Static SVG charts of the scores (matplotlib's SVG backend): no script, no font or file from elsewhere.

Each chart is a standalone SVG file that a page shows with ``<img alt="…">`` next to a table of
the same figures (for screen readers and for print): the scores of every portal, the number of
portals per band, and a portal's totals over twelve months. Text stays text (``svg.fonttype:
none``: Vietnamese letters come from the reader's fonts) and the output is byte-for-byte the same
for the same figures (no date, fixed ids).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

#: one colour per band, darkest for the best; contrast ≥ 3:1 against white for the bars
BAND_COLOURS = ["#1b5e20", "#2e7d32", "#1565c0", "#ef6c00", "#b71c1c", "#4a148c", "#37474f"]
INK = "#1f2933"


def _plt():
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none", "svg.hashsalt": "portal-score", "font.family": "sans-serif",
        "font.sans-serif": ["Noto Sans", "DejaVu Sans", "Arial", "sans-serif"], "font.size": 10,
        "axes.edgecolor": INK, "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK, "text.color": INK,
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


def _svg(fig) -> str:
    plt = _plt()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def band_colour(bands: Sequence[dict[str, Any]], band_id: str) -> str:
    ids = [b["id"] for b in bands]
    return BAND_COLOURS[ids.index(band_id) % len(BAND_COLOURS)] if band_id in ids else INK


def scores(sites: Sequence[dict[str, Any]], bands: Sequence[dict[str, Any]], title: str, axis: str) -> str:
    """A horizontal bar per portal (rank order), coloured by band, its total at the bar's end."""
    plt = _plt()
    n = max(1, len(sites))
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.24 * n))
    labels = [s["name"] for s in sites][::-1]
    values = [s["total"] for s in sites][::-1]
    colours = [band_colour(bands, s["band"]) for s in sites][::-1]
    ax.barh(range(n), values, color=colours, height=0.7)
    ax.set_yticks(range(n), labels, fontsize=8)
    ax.set_xlim(0, 108)
    ax.set_xlabel(axis)
    ax.set_title(title, loc="left")
    for y, v in enumerate(values):
        ax.text(v + 1, y, f"{v:g}", va="center", fontsize=8)
    for b in bands:
        if 0 < b["min"] <= 100:
            ax.axvline(b["min"], color="#9aa5b1", linewidth=0.6, linestyle=":")
    return _svg(fig)


def distribution(counts: Sequence[tuple[str, str, int]], bands: Sequence[dict[str, Any]], title: str, axis: str) -> str:
    """Portals per band: *counts* are (band id, band name, count), best band first."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3))
    names = [name for _bid, name, _n in counts]
    values = [n for _bid, _name, n in counts]
    ax.bar(range(len(counts)), values, color=[band_colour(bands, bid) for bid, _name, _n in counts])
    ax.set_xticks(range(len(counts)), names)
    ax.set_ylabel(axis)
    ax.set_title(title, loc="left")
    top = max(values or [0])
    ax.set_ylim(0, max(1, top) * 1.2)
    for x, v in enumerate(values):
        ax.text(x, v + max(1, top) * 0.03, str(v), ha="center")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _svg(fig)


def trend(points: Sequence[tuple[str, float | None]], bands: Sequence[dict[str, Any]], title: str, axis: str) -> str:
    """A portal's totals month by month (None: not scored that month), with the bands' lower limits."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 3))
    xs = list(range(len(points)))
    ys = [v if v is not None else float("nan") for _m, v in points]
    for b in bands:
        if 0 < b["min"] <= 100:
            ax.axhline(b["min"], color="#9aa5b1", linewidth=0.6, linestyle=":")
            ax.text(len(points) - 0.6, b["min"] + 0.8, b["names"].get("vi", b["id"]), fontsize=7, color="#52606d")
    ax.plot(xs, ys, marker="o", color="#0b4f9c", linewidth=2)
    for x, y in zip(xs, ys, strict=True):
        if y == y:  # not NaN
            ax.text(x, y + 2.5, f"{y:g}", ha="center", fontsize=8)
    ax.set_xticks(xs, [m for m, _v in points], rotation=45, ha="right", fontsize=8)
    ax.set_ylim(0, 108)
    ax.set_xlim(-0.5, max(0.5, len(points) - 0.5))
    ax.set_ylabel(axis)
    ax.set_title(title, loc="left")
    return _svg(fig)
