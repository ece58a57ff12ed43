"""plotly.js from the installed plotly package (no page loads anything from a CDN) and its
style rules as a stylesheet; :mod:`app.web.assets` serves both.

plotly.js normally injects its own ``<style>`` element, which our CSP (``style-src 'self'``,
no inline styles) blocks. It skips the injection when the page links a stylesheet with the id
``plotly.js-style-global`` and the class ``no-inline-styles``, so :func:`plotly_css` extracts
plotly's rules from the bundle of the installed version and serves them as a file. The bundle
also injects maplibre's styles (maps only) unless an element with a known id exists: pages
add empty ``<template>`` elements with the ids of :func:`plotly_style_guards`.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path

import plotly

log = logging.getLogger(__name__)

RULES_START = '{"X,X div":'
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
STYLE_GUARD = re.compile(
    r'getElementById\("([\w-]+)"\)\)\{var \w+=document\.createElement\("style"\)'
)


@lru_cache
def plotly_js() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def _js_string(source: str, start: int) -> tuple[str, int]:
    """A JavaScript string literal at ``start``: its value and the index after it."""
    quote, end = source[start], start + 1
    if quote not in "\"'":
        raise ValueError(f"no string at {start}")
    while source[end] != quote:
        end += 2 if source[end] == "\\" else 1
    raw = source[start + 1 : end]
    if quote == "'":
        raw = raw.replace("\\'", "'").replace('"', '\\"')
    return str(json.loads(f'"{raw}"')), end + 1


def extract_css(source: str) -> str:
    """plotly's own style rules (selector -> declarations, with its X/Y shorthands)."""
    position = source.index(RULES_START) + 1
    rules: list[str] = []
    while source[position] != "}":
        name = IDENTIFIER.match(source, position)
        if name:
            key, position = name.group(0), name.end()
        else:
            key, position = _js_string(source, position)
        if source[position] != ":":
            raise ValueError(f"unexpected {source[position]!r} at {position}")
        value, position = _js_string(source, position + 1)
        selector = re.sub(r"^,", " ,", key).replace("X", ".js-plotly-plot .plotly")
        rules.append(f"{selector.replace('Y', '.plotly-notifier')}{{{value}}}")
        position += source[position] == ","
    return "\n".join(rules) + "\n"


@lru_cache
def plotly_css() -> str:
    try:
        return extract_css(plotly_js().read_text(encoding="utf-8"))
    except (ValueError, IndexError, json.JSONDecodeError):  # pragma: no cover (new plotly)
        log.warning("could not extract plotly's style rules; charts may look plain")
        return ""


@lru_cache
def plotly_style_guards() -> tuple[str, ...]:
    """Ids whose presence stops plotly.js from injecting other styles (maplibre's, unused)."""
    return tuple(STYLE_GUARD.findall(plotly_js().read_text(encoding="utf-8")))
