"""Plotly figures from scoring results, as plain JSON-ready dicts. No database, no web.

Scores are drawn as readers see them on the page beside the chart: rounded by the scoring
rule (:func:`scoring.round_score`), so a point never sits in another level's ring than the
level the table names.

Plotly renders a little HTML in labels and hover texts (``<b>``, ``<a href>``, entities), so
every text that comes from a user or a definition author is HTML-escaped here, once, before it
reaches a figure: ``<script>`` in an organisation name is drawn as the characters, never as
markup. Pages embed the dict in a ``<script type="application/json">`` block (with ``<``,
``>`` and ``&`` escaped by Jinja's ``tojson``) and draw it with the locally served plotly.js.
Plotly decodes only a few named entities (``&amp;``, ``&lt;``, ``&gt;``, numeric ones), not
``&quot;``: quotes are therefore left as they are (harmless without a ``<``), so an
organisation called ``Verein "Miteinander"`` reads as typed, not as ``&quot;Miteinander&quot;``.

Layout rule (docs/architecture.md, "Chart and table layout"): the axes are the topics'
numbers, which the table beside the chart repeats; a wide chart adds the topic's title, in at
most :data:`LABEL_LINES` lines of about :data:`LABEL_WIDTH` characters (a longer one ends in
"…", the table and the hover text give it whole), a chart narrower than result.js's threshold
shows the numbers alone. The key (legend) is HTML under the chart (:func:`chart_key`), so it
wraps at any width, reads in the page's direction and is escaped by the template. A
right-to-left page draws the axes counter-clockwise, mirroring the left-to-right chart.
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


LABEL_WIDTH = 20
LABEL_LINES = 3
DASH_PATTERNS = {"solid": "", "dash": "6 3", "dot": "2 3", "dashdot": "6 3 2 3"}


@dataclass(frozen=True)
class KeyEntry:
    """One line of the chart's key: a series (a line) or a level (a shaded ring).

    ``label`` is plain text (the template escapes it); ``dashes`` is an SVG
    ``stroke-dasharray`` ("" for a solid line).
    """

    label: str
    colour: str
    dashes: str = ""
    ring: bool = False


def escape(text: str) -> str:
    """Text for plotly labels: ``&``, ``<``, ``>`` escaped, so markup is shown, not
    interpreted; quotes stay (plotly would show ``&quot;`` as it is)."""
    return html.escape(text, quote=False)


def axis_label(number: int, text: str) -> str:
    """An escaped axis label for a wide chart: the topic's number and title, wrapped.

    The number is joined to the first word by a no-break space (textwrap breaks only at
    ASCII whitespace), so it never stands alone on a line; beyond :data:`LABEL_LINES` lines
    the title ends in "…".

    >>> axis_label(7, "Quartiere und öffentlicher Raum")
    '7\xa0Quartiere und<br>öffentlicher Raum'
    """
    lines = textwrap.wrap(
        f"{number}\N{NO-BREAK SPACE}{text}",
        LABEL_WIDTH,
        break_long_words=False,
        break_on_hyphens=False,
        max_lines=LABEL_LINES,
        placeholder=" …",
    )
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
    direction: str = "ltr",
    colours: Sequence[str] = SERIES_COLOURS,
) -> dict[str, Any]:
    """A radar (scatterpolar) chart: one axis per dimension, one line per series.

    ``axes`` are the dimension titles, ``no_score`` the hover text of a missing score
    (insufficient data is a gap in the line, never a zero). Scores are drawn rounded
    (:func:`scoring.round_score`) and written in hover texts by ``number``. All texts are
    escaped here. The angular axis is categorical over the topics' numbers ("1", "2", ...),
    labelled with :func:`axis_label`; ``direction`` "rtl" runs it counter-clockwise.
    ``colours`` are the series' line colours in turn (the dashboard passes a palette safe for
    colour-blind readers, :data:`app.charts_cohort.PALETTE`).
    """
    labels = [escape(axis) for axis in axes]
    numbers = [str(position) for position in range(1, len(axes) + 1)]
    theta = _closed(numbers)
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
                "hoverinfo": "skip",
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
                "connectgaps": False,
                "line": {
                    "color": colours[index % len(colours)],
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
                # the name through meta: in the template itself "%{r}" in a name would be
                # replaced by a value
                "meta": name,
                "hovertemplate": "%{text}<extra>%{meta}</extra>",
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
            "angularaxis": {
                "type": "category",
                "categoryorder": "array",
                "categoryarray": numbers,
                "tickmode": "array",
                "tickvals": numbers,
                "ticktext": [axis_label(n, axis) for n, axis in enumerate(axes, start=1)],
                "direction": "counterclockwise" if direction == "rtl" else "clockwise",
                "rotation": 90,
                "tickfont": {"size": 11},
            },
            "bgcolor": "#ffffff",
        },
        "showlegend": False,  # the key is HTML under the chart (chart_key)
        "margin": {"l": 40, "r": 40, "t": 40, "b": 40},  # result.js widens them to fit labels
        "font": {"family": FONT, "color": "#1b1f24"},
        "paper_bgcolor": "#ffffff",
        "meta": {"description": escape(description)},
    }
    # Plain JSON in plotly's figure format: building plotly.graph_objects per request cost
    # about 15 ms of validation (docs/performance.md); the tests validate the format instead.
    return {"data": data, "layout": layout}


def chart_key(
    series: Sequence[Series],
    bands: Sequence[BandRing] = (),
    colours: Sequence[str] = SERIES_COLOURS,
) -> list[KeyEntry]:
    """The key under the chart, in the figure's colours: the series first, then the levels
    from the lowest up. Labels stay plain text: the page escapes them once."""
    lines = [
        KeyEntry(
            one.name,
            colours[index % len(colours)],
            DASH_PATTERNS[SERIES_DASHES[index % len(SERIES_DASHES)]],
        )
        for index, one in enumerate(series)
    ]
    rings = [
        KeyEntry(ring.label, BAND_COLOURS[index % len(BAND_COLOURS)], ring=True)
        for index, ring in enumerate(bands)
    ]
    return lines + rings
