"""A step page's items as HTML, each rendered once per item, language and answer and then kept.

Drawing the items was half of a step page's rendering, and an item looks the same for every
respondent who gave the same answer in the same language (unanswered, most of all). Kept with
the definition (:meth:`~scoring.Definition.derived`: they go when it goes), under everything
of an :class:`~app.web.respond.answer_forms.ItemView` that is not fixed by the item and the
language: the field's value, which options are checked, whether it is shown, and whether the
page is read-only. Items with an error or a note ("read as 1,5") and text answers (one
respondent's own words: nobody else would meet them again) are rendered each time.
"""

from __future__ import annotations

from markupsafe import Markup

from app.i18n import Localizer
from app.templating import environment
from app.web.respond.answer_forms import ItemView
from scoring import Definition, ItemType

ITEMS_KEPT = 10_000
"""Rendered items kept per definition (1 to 3 KB each; then the map starts again)."""

Key = tuple[str, str, str, str, tuple[bool, ...], bool, bool]


def _new_items(definition: Definition) -> dict[Key, Markup]:
    return {}


def _key(view: ItemView, i18n: Localizer, disabled: bool) -> Key | None:
    if view.error is not None or view.note is not None:
        return None
    if view.type == ItemType.TEXT.value and view.value:
        return None
    checked = tuple(option.checked for option in view.options)
    return (view.id, i18n.language, i18n.fallback, view.value, checked, view.visible, disabled)


def _render(view: ItemView, i18n: Localizer, disabled: bool) -> Markup:
    template = environment.get_template("respond/_item.html")
    html = template.render(i18n=i18n, item=view, disabled=disabled)
    return Markup(html)  # noqa: S704  (rendered by the autoescaping environment)


def items_html(
    definition: Definition, views: list[ItemView], i18n: Localizer, *, disabled: bool
) -> list[Markup]:
    """Each item of a step page as the ``item`` macro of ``respond/_macros.html`` draws it."""
    kept = definition.derived("step-item-html", _new_items)
    found = []
    for view in views:
        key = _key(view, i18n, disabled)
        html = kept.get(key) if key is not None else None
        if html is None:
            html = _render(view, i18n, disabled)
            if key is not None:
                if len(kept) >= ITEMS_KEPT:
                    kept.clear()
                kept[key] = html
        found.append(html)
    return found
