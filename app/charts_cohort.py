"""Plotly figures of a round's cohort, as plain JSON-ready dicts. No database, no web.

Pure like :mod:`app.charts` (the same import-linter contract): the callers pass plain names
and scores (0-100, None where there is none; organisations below the minimum group size are
never passed, so they get no point anywhere). Every text from a user or an author is escaped
here once (:func:`app.charts.escape`); numbers are drawn rounded by the scoring rule and
written by the page's ``number`` formatter.

Colours stay distinguishable for colour-blind readers: the series use the Okabe-Ito palette
(Okabe & Ito 2008, "Color Universal Design"), and lines also differ by dash; the heatmap's
diverging scale is ColorBrewer's PuOr (purple-white-orange), which ColorBrewer marks as safe
for colour-blind readers, centred on the cohort mean; each cell also carries its number.
Axes and columns are the topics' numbers, which the tables under the charts repeat with
their titles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.charts import (
    FONT,
    Series,
    chart_key,
    escape,
    plain_number,
    radar_figure,
)
from scoring import round_score

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Okabe-Ito, without its yellow (too light on white)."""
MEAN_COLOUR = "#000000"
BAND_FILL = "rgba(86, 180, 233, 0.25)"
DIVERGING = [
    [0.0, "#b35806"],
    [0.25, "#f1a340"],
    [0.5, "#f7f7f7"],
    [0.75, "#998ec3"],
    [1.0, "#542788"],
]
"""ColorBrewer PuOr: below the cohort mean orange, above it purple."""
MAX_SERIES = 6
"""Organisations drawn over the cohort mean at most (the palette's distinct colours)."""


@dataclass(frozen=True)
class Band:
    """The cohort's range per axis: its lowest and highest organisation mean."""

    low: Sequence[float | None]
    high: Sequence[float | None]


def _layout(description: str, **extra: Any) -> dict[str, Any]:
    return {
        "showlegend": False,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 48},
        "font": {"family": FONT, "color": "#1b1f24"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "meta": {"description": escape(description)},
        **extra,
    }


def _numbers(count: int) -> list[str]:
    return [str(position) for position in range(1, count + 1)]


def overlay_radar(
    axes: Sequence[str],
    selected: Sequence[Series],
    mean: Series,
    band: Band,
    *,
    band_label: str,
    no_score: str = "–",
    description: str = "",
    number: Callable[[float], str] = plain_number,
    direction: str = "ltr",
) -> dict[str, Any]:
    """A radar of the ``selected`` organisations (at most :data:`MAX_SERIES`) over the cohort
    ``mean`` and the cohort's min-max ``band`` (a shaded ring between the two lines)."""
    series = [*selected[:MAX_SERIES], mean]
    colours = [*PALETTE[: len(series) - 1], MEAN_COLOUR]
    figure = radar_figure(
        axes,
        series,
        no_score=no_score,
        description=description,
        number=number,
        direction=direction,
        colours=colours,
    )
    theta = figure["data"][0]["theta"] if figure["data"] else []
    low = [round_score(value) for value in band.low]
    high = [round_score(value) for value in band.high]
    shaded = [
        {
            "type": "scatterpolar",
            "r": [*low, low[0]] if low else [],
            "theta": theta,
            "mode": "lines",
            "line": {"color": "#56B4E9", "width": 1},
            "name": escape(band_label),
            "hoverinfo": "skip",
        },
        {
            "type": "scatterpolar",
            "r": [*high, high[0]] if high else [],
            "theta": theta,
            "mode": "lines",
            "fill": "tonext",
            "fillcolor": BAND_FILL,
            "line": {"color": "#56B4E9", "width": 1},
            "name": escape(band_label),
            "hoverinfo": "skip",
        },
    ]
    figure["data"] = [*shaded, *figure["data"]]
    return figure


def overlay_key(selected: Sequence[Series], mean: Series) -> list[Any]:
    """The key of :func:`overlay_radar` (its series in the figure's colours)."""
    series = [*selected[:MAX_SERIES], mean]
    return chart_key(series, colours=[*PALETTE[: len(series) - 1], MEAN_COLOUR])


def heatmap(
    organisations: Sequence[str],
    axes: Sequence[str],
    scores: Sequence[Sequence[float | None]],
    cohort_means: Sequence[float | None],
    *,
    no_score: str = "–",
    description: str = "",
    number: Callable[[float], str] = plain_number,
) -> dict[str, Any]:
    """Organisations (rows, in the given order: the caller sorts by overall index) by topics
    (columns, numbered); the colour is the difference to the column's cohort mean (diverging,
    white at the mean), the number in each cell the organisation's score."""
    numbers = _numbers(len(axes))
    rounded = [[round_score(value) for value in row] for row in scores]
    centres = [round_score(mean) for mean in cohort_means]
    difference = [
        [
            None if value is None or centre is None else value - centre
            for value, centre in zip(row, centres, strict=True)
        ]
        for row in rounded
    ]
    spread = max(
        (abs(value) for row in difference for value in row if value is not None), default=1.0
    )
    names = [escape(name) for name in organisations]
    text = [[no_score if v is None else escape(number(v)) for v in row] for row in rounded]
    hover = [
        [f"{name}<br>{escape(axis)}: {cell}" for axis, cell in zip(axes, row, strict=True)]
        for name, row in zip(names, text, strict=True)
    ]
    data = [
        {
            "type": "heatmap",
            "x": numbers,
            "y": names,
            "z": difference,
            "zmid": 0,
            "zmin": -spread,
            "zmax": spread,
            "colorscale": DIVERGING,
            "showscale": False,
            "text": text,
            "texttemplate": "%{text}",
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
            "xgap": 1,
            "ygap": 1,
        }
    ]
    layout = _layout(
        description,
        xaxis={"side": "top", "type": "category", "tickfont": {"size": 12}},
        yaxis={"autorange": "reversed", "type": "category", "automargin": True},
        height=max(160, 28 * len(organisations) + 64),
    )
    return {"data": data, "layout": layout}


def distribution(
    axes: Sequence[str],
    scores: Sequence[Sequence[float]],
    highlighted: Series | None,
    *,
    description: str = "",
    number: Callable[[float], str] = plain_number,
) -> dict[str, Any]:
    """Per topic (numbered) the organisations' scores as a box with every point, and the
    ``highlighted`` organisation's scores as larger marks on top."""
    numbers = _numbers(len(axes))
    data: list[dict[str, Any]] = []
    for position, axis, values in zip(numbers, axes, scores, strict=True):
        shown = [round_score(value) for value in values]
        data.append(
            {
                "type": "box",
                "x": [position] * len(shown),
                "y": shown,
                "name": escape(axis),
                "boxpoints": "all",
                "jitter": 0.4,
                "pointpos": 0,
                "marker": {"color": "#56B4E9", "size": 5},
                "line": {"color": "#0072B2", "width": 1},
                "fillcolor": "rgba(86, 180, 233, 0.15)",
                "hoverinfo": "y",
            }
        )
    if highlighted is not None:
        marks = [round_score(value) for value in highlighted.scores]
        name = escape(highlighted.name)
        data.append(
            {
                "type": "scatter",
                "x": numbers,
                "y": marks,
                "mode": "markers",
                "name": name,
                "marker": {"color": PALETTE[1], "size": 12, "symbol": "diamond"},
                "text": ["–" if value is None else escape(number(value)) for value in marks],
                "meta": name,
                "hovertemplate": "%{text}<extra>%{meta}</extra>",
            }
        )
    layout = _layout(
        description,
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": numbers},
        yaxis={"range": [0, 100], "tickvals": [0, 25, 50, 75, 100]},
        height=360,
    )
    return {"data": data, "layout": layout}


def dumbbell(
    rows: Sequence[str],
    before: Sequence[float | None],
    after: Sequence[float | None],
    *,
    before_label: str,
    after_label: str,
    description: str = "",
    number: Callable[[float], str] = plain_number,
) -> dict[str, Any]:
    """One topic's change between two rounds: per row (an organisation, or the cohort mean;
    in the given order, top to bottom) the earlier score as a circle and the later one as a
    diamond on a 0-100 axis, joined by a line. Marks differ by shape as well as colour
    (Okabe-Ito blue and vermillion); a row without both scores draws only what it has."""
    names = [escape(name) for name in rows]
    old = [round_score(value) for value in before]
    new = [round_score(value) for value in after]
    xs: list[float | None] = []
    ys: list[str | None] = []
    for name, start, end in zip(names, old, new, strict=True):
        if start is not None and end is not None:
            xs += [start, end, None]
            ys += [name, name, None]

    def marks(values: Sequence[float | None], label: str, colour: str, symbol: str) -> Any:
        return {
            "type": "scatter",
            "mode": "markers",
            "x": values,
            "y": names,
            "name": escape(label),
            "marker": {"color": colour, "size": 12, "symbol": symbol},
            "text": ["–" if value is None else escape(number(value)) for value in values],
            "meta": escape(label),
            "hovertemplate": "%{y}: %{text}<extra>%{meta}</extra>",
        }

    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": ys,
            "line": {"color": "#8c8c8c", "width": 3},
            "hoverinfo": "skip",
            "showlegend": False,
        },
        marks(old, before_label, PALETTE[0], "circle"),
        marks(new, after_label, PALETTE[1], "diamond"),
    ]
    layout = _layout(
        description,
        showlegend=True,
        legend={"orientation": "h", "y": -0.2},
        xaxis={"range": [0, 100], "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"autorange": "reversed", "type": "category", "automargin": True},
        height=max(180, 32 * len(rows) + 96),
    )
    return {"data": data, "layout": layout}
