"""Plotly figures from scoring results, as plain JSON-ready dicts. No database, no web.

Scores are drawn as readers see them on the page beside the chart: rounded by the scoring
rule (:func:`scoring.round_score`), so a point never sits in another level's ring than the
level the table names.

Plotly renders a little HTML in labels and hover texts (``<b>``, ``<a href>``, entities), so
every text that comes from a user or a definition author is HTML-escaped here, once, before it
reaches a figure: ``<script>`` in an organisation name is drawn as the characters, never as
markup. Pages embed the dict in a ``<script type="application/json">`` block (with ``<``,
``>`` and ``&`` escaped by Jinja's ``tojson``) and draw it with the locally served plotly.js.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scoring import SCORE_DECIMALS, round_score

SERIES_COLOURS = ("#0b5cad", "#b34700", "#2e7d32", "#6a1b9a")
SERIES_DASHES = ("solid", "dash", "dot", "dashdot")
BAND_COLOURS = ("#f4f5f7", "#e8eef6", "#dbe6f2", "#cddcee", "#bfd2ea")
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


@dataclass(frozen=True)
class Series:
    """One profile to draw: a name and one score (0-100 or None) per axis."""

    name: str
    scores: Sequence[float | None]


@dataclass(frozen=True)
class BandRing:
    """A level drawn as a background ring from ``low`` to ``high``."""

    label: str
    low: float
    high: float


def escape(text: str) -> str:
    """Text for plotly labels: HTML-escaped, so markup is shown, not interpreted."""
    return html.escape(text, quote=True)


def axis_label(text: str, width: int = 15) -> str:
    """An escaped axis label, wrapped into short lines so that it fits on a phone."""
    lines = textwrap.wrap(text, width, break_long_words=False) or [""]
    return "<br>".join(escape(line) for line in lines)


def band_rings(bands: Sequence[tuple[str, float]], top: float = 100.0) -> list[BandRing]:
    """Rings from (label, lower bound) pairs: each reaches up to the next band's bound."""
    ordered = sorted(bands, key=lambda band: band[1])
    uppers = [low for _, low in ordered[1:]] + [top]
    return [BandRing(label, low, high) for (label, low), high in zip(ordered, uppers, strict=True)]


def _closed(values: Sequence[Any]) -> list[Any]:
    return [*values, values[0]] if values else []


def plain_number(score: float) -> str:
    """A rounded score written with a decimal point (pages pass their locale's formatter)."""
    return f"{score:.{SCORE_DECIMALS}f}"


def _hover(axis: str, score: float | None, no_score: str, number: Callable[[float], str]) -> str:
    return f"{axis}: {no_score if score is None else escape(number(score))}"


def radar_figure(
    axes: Sequence[str],
    series: Sequence[Series],
    bands: Sequence[BandRing] = (),
    *,
    no_score: str = "–",
    description: str = "",
    number: Callable[[float], str] = plain_number,
) -> dict[str, Any]:
    """A radar (scatterpolar) chart: one axis per dimension, one line per series.

    ``axes`` are the dimension titles, ``no_score`` the hover text of a missing score
    (insufficient data is a gap in the line, never a zero). Scores are drawn rounded
    (:func:`scoring.round_score`) and written in hover texts by ``number``. All texts are
    escaped here.
    """
    labels = [escape(axis) for axis in axes]
    theta = _closed([axis_label(axis) for axis in axes])
    data: list[dict[str, Any]] = []
    for index, ring in reversed(list(enumerate(bands))):  # outermost first, inner ones on top
        data.append(
            {
                "type": "scatterpolar",
                "r": [ring.high] * len(theta),
                "theta": theta,
                "mode": "lines",
                "fill": "toself",
                "fillcolor": BAND_COLOURS[index % len(BAND_COLOURS)],
                "line": {"color": "#c3c8d0", "width": 0.5},
                "name": escape(ring.label),
                "legendgroup": "bands",
                "legendrank": 1000 + index,
                "hoverinfo": "skip",
                "showlegend": True,
            }
        )
    for index, one in enumerate(series):
        values = [round_score(score) for score in one.scores]
        name = escape(one.name)
        data.append(
            {
                "type": "scatterpolar",
                "r": _closed(values),
                "theta": theta,
                "mode": "lines+markers",
                "name": name,
                "legendrank": index,
                "connectgaps": False,
                "line": {
                    "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
                    "width": 3 if index == 0 else 2,
                    "dash": SERIES_DASHES[index % len(SERIES_DASHES)],
                },
                "marker": {"size": 7 if index == 0 else 6},
                "text": _closed(
                    [
                        _hover(a, s, escape(no_score), number)
                        for a, s in zip(labels, values, strict=True)
                    ]
                ),
                "hovertemplate": f"%{{text}}<extra>{name}</extra>",
            }
        )
    layout = {
        "polar": {
            "radialaxis": {
                "range": [0, 100],
                "tickvals": sorted({0, 100, *(ring.low for ring in bands)}),
                "angle": 90,
                "tickfont": {"size": 10},
                "gridcolor": "#c3c8d0",
            },
            "angularaxis": {"direction": "clockwise", "rotation": 90, "tickfont": {"size": 11}},
            "bgcolor": "#ffffff",
        },
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.08},
        "margin": {"l": 56, "r": 56, "t": 32, "b": 24},
        "font": {"family": FONT, "color": "#1b1f24"},
        "paper_bgcolor": "#ffffff",
        "meta": {"description": escape(description)},
    }
    # Plain JSON in plotly's figure format: building plotly.graph_objects per request cost
    # about 15 ms of validation (docs/performance.md); the tests validate the format instead.
    return {"data": data, "layout": layout}
