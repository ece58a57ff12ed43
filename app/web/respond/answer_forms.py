"""Between HTML forms and stored answers: parsing posted values, describing items for templates.

Which items are shown and what counts as answered are respondent rules shared with the API
(:mod:`app.services.respondent_rules`); this module only speaks HTML forms.

Stored encoding: a scale item holds one of its scale's values (a number) or ``"na"``; a single
choice its choice id; a multi choice a list of ids; a number item a number; a text item a
string. A value that does not parse is passed on as posted, so that validation names it.

A number item is read in the page's language (:mod:`app.locale_numbers`: "1.500" on a German
page is 1500) and written back into its field the same way. A text item and a comment have
their line breaks normalised to ``"\\n"``, as the browser counts them (:func:`scoring.text_length`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from app import locale_numbers
from app.i18n import N_, Localizer, Message
from app.services.respondent_rules import visible_ids
from scoring import (
    NOT_APPLICABLE,
    NUMBER_LIMIT,
    AnswerProblem,
    Definition,
    Item,
    ItemType,
    canonical_value,
    normalise_line_breaks,
)

SHOWN_FIELD = "shown"
COMMENT_FIELD = "comment"


def anchor(item_id: str) -> str:
    """The HTML id of an item's first control (item ids contain dots)."""
    return "q-" + item_id.replace(".", "--")


def format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _number(raw: str) -> float | int | str:
    text = raw.strip().replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw.strip()
    try:
        number = float(text)
    except ValueError:
        return raw
    if not math.isfinite(number):
        return raw
    return int(number) if number.is_integer() and "." not in text and "e" not in text else number


def _typed_number(raw: str, language: str) -> float | int | str:
    """A number typed in ``language``; what was typed when it is not one (validation names it).

    Beyond the shared limit the value goes on as a float, so the range message names it
    (one too large for a float becomes infinite: "please enter a number").
    """
    number = locale_numbers.parse_number(raw, language)
    if number is None:
        return raw
    if number == number.to_integral_value() and abs(number) <= NUMBER_LIMIT:
        return int(number)
    return float(number)


def parse_value(definition: Definition, item: Item, form: FormData, language: str) -> Any:
    """The stored form of what the form holds for ``item``; None when it holds nothing.

    ``language`` is the page's: number items are read as people write numbers in it.
    """
    if item.type is ItemType.MULTI_CHOICE:
        chosen = [str(v) for v in form.getlist(item.id) if str(v)]
        return chosen or None
    raw = form.get(item.id)
    if not isinstance(raw, str) or not raw.strip():
        return None
    if item.type is ItemType.SCALE:
        if raw == NOT_APPLICABLE:
            return NOT_APPLICABLE
        parsed = _number(raw)
        if isinstance(parsed, str):
            return raw
        canonical = canonical_value(definition, item, parsed)
        return canonical if canonical in definition.scales[item.scale or ""].values else raw
    if item.type is ItemType.NUMBER:
        return _typed_number(raw, language)
    if item.type is ItemType.TEXT:
        return normalise_line_breaks(raw).strip()
    return raw


def parse_page(
    definition: Definition, dimension_id: str, form: FormData, language: str
) -> tuple[dict[str, Any], str | None]:
    """Answers of one page (None = remove) and its comment (None = leave unchanged).

    Items the page listed as shown but that the form holds nothing for are removed (an
    unticked checkbox list sends nothing); items not listed are only changed if posted.
    """
    shown = set(form.getlist(SHOWN_FIELD))
    answers: dict[str, Any] = {}
    for item in definition.items_of(dimension_id):
        value = parse_value(definition, item, form, language)
        if value is not None or item.id in shown or item.id in form:
            answers[item.id] = value
    comment = form.get(COMMENT_FIELD)
    return answers, normalise_line_breaks(comment) if isinstance(comment, str) else None


def typed_values(definition: Definition, dimension_id: str, form: FormData) -> dict[str, str]:
    """What the respondent typed into the page's number and text fields, exactly as posted,
    so that a refused entry is shown back unchanged (never replaced by the stored one)."""
    typed = {}
    for item in definition.items_of(dimension_id):
        raw = form.get(item.id)
        if item.type in (ItemType.NUMBER, ItemType.TEXT) and isinstance(raw, str):
            typed[item.id] = normalise_line_breaks(raw)
    return typed


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    checked: bool
    exclusive: bool = False


@dataclass(frozen=True)
class ItemView:
    """What a template needs to draw one item."""

    id: str
    anchor: str
    type: str
    text: str
    help: str
    examples: list[str]
    required: bool
    visible: bool
    options: list[Option] = field(default_factory=list)
    value: str = ""
    error: str | None = None
    note: str | None = None
    """A non-blocking note beside the field ("read as 1,5")."""
    min: float | None = None
    max: float | None = None
    max_length: int = 4000
    answer_label: str = ""


OPTION_LISTS_KEPT = 20_000
"""Option lists kept per definition (items x languages x answers; then it starts again)."""


def _new_option_lists(definition: Definition) -> dict[tuple[str, str, str, Any], list[Option]]:
    return {}


def _options(definition: Definition, item: Item, value: Any, i18n: Localizer) -> list[Option]:
    """The item's answer options in the page's language, those of ``value`` checked.

    Kept with the definition (:meth:`~scoring.Definition.derived`: they go when it goes) per
    item, language and answer: a review or result page lists every item of the questionnaire,
    and making the options again was a seventh of its time. :class:`Option` is frozen, so a
    kept list is shared safely."""
    chosen_key = tuple(value) if isinstance(value, list) else value
    key = (item.id, i18n.language, i18n.fallback, chosen_key)
    kept = definition.derived("option-lists", _new_option_lists)
    try:
        found = kept.get(key)
    except TypeError:  # an unhashable stored value (a malformed answer): not kept
        return _make_options(definition, item, value, i18n)
    if found is None:
        found = _make_options(definition, item, value, i18n)
        if len(kept) >= OPTION_LISTS_KEPT:
            kept.clear()
        kept[key] = found
    return found


def _make_options(definition: Definition, item: Item, value: Any, i18n: Localizer) -> list[Option]:
    chosen = value if isinstance(value, list) else [value]
    if item.type is ItemType.SCALE:
        scale = definition.scales[item.scale or ""]
        labels = i18n.texts(scale.labels)
        options = [
            Option(format_value(v), labels[i] if i < len(labels) else format_value(v), v in chosen)
            for i, v in enumerate(scale.values)
        ]
        if scale.not_applicable:
            label = i18n.text(scale.not_applicable_label) or i18n.gettext("Not applicable")
            options.append(Option(NOT_APPLICABLE, label, NOT_APPLICABLE in chosen))
        return options
    return [
        Option(choice.id, i18n.text(choice.label), choice.id in chosen, choice.exclusive)
        for choice in item.choices or []
    ]


def answer_label(
    definition: Definition,
    item: Item,
    value: Any,
    i18n: Localizer,
    options: list[Option] | None = None,
) -> str:
    """An answer as the respondent saw it ("mostly true", "Yes, partly", "12"); ``options``:
    the item's :func:`_options` for this value where the caller has them already."""
    if value is None:
        return ""
    if item.type in (ItemType.SCALE, ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE):
        if options is None:
            options = _options(definition, item, value, i18n)
        labels = [o.label for o in options if o.checked]
        return ", ".join(labels) if labels else str(value)
    if item.type is ItemType.NUMBER and isinstance(value, int | float):
        return locale_numbers.as_read(value, i18n.language)
    return str(value)


def _field_value(item: Item, value: Any, i18n: Localizer) -> str:
    """What a number or text field holds when the page is drawn from stored answers."""
    if value is None or isinstance(value, list):
        return ""
    if item.type is ItemType.NUMBER and isinstance(value, int | float):
        return locale_numbers.as_typed(value, i18n.language)
    return str(value)


def item_views(
    definition: Definition,
    items: list[Item],
    answers: Mapping[str, Any],
    i18n: Localizer,
    errors: Mapping[str, AnswerProblem] | None = None,
    typed: Mapping[str, str] | None = None,
    read_as: Collection[str] = (),
    visible: frozenset[str] | None = None,
) -> list[ItemView]:
    """The items as templates draw them; a refused item's field holds what was ``typed``; a
    number item in ``read_as`` (saved from text that :func:`locale_numbers.looks_grouped`)
    gets the note "read as 1,5". ``visible``: :func:`visible_ids` of these answers, where a
    caller draws several pages of them at once (evaluated once, not per page)."""
    if visible is None:
        visible = visible_ids(definition, answers)
    views = []
    for item in items:
        value = answers.get(item.id)
        options = _options(definition, item, value, i18n)
        scalar = _field_value(item, value, i18n)
        if errors and typed and item.id in errors and item.id in typed:
            scalar = typed[item.id]
        views.append(
            ItemView(
                id=item.id,
                anchor=anchor(item.id),
                type=item.type.value,
                text=i18n.text(item.text),
                help=i18n.text(item.help),
                examples=i18n.texts(item.examples),
                required=item.required,
                visible=item.id in visible,
                options=options,
                value=scalar,
                error=problem_message(definition, item, i18n, errors[item.id].code)
                if errors and item.id in errors
                else None,
                min=item.min,
                max=item.max,
                max_length=item.max_length,
                answer_label=answer_label(definition, item, value, i18n, options),
                note=_read_as(item, value, i18n) if item.id in read_as else None,
            )
        )
    return views


READ_AS = N_("read as %(value)s")


def _read_as(item: Item, value: Any, i18n: Localizer) -> str | None:
    if item.type is not ItemType.NUMBER or not isinstance(value, int | float):
        return None
    return i18n.message(Message(READ_AS, value=locale_numbers.as_read(value, i18n.language)))


def read_as_grouped(dimension_items: list[Item], form: FormData, language: str) -> list[str]:
    """The number items of a saved page whose text looks like another language's grouping
    ("1,500" on a German page, read as 1,5): the page says how it read them."""
    return [
        item.id
        for item in dimension_items
        if item.type is ItemType.NUMBER
        and isinstance(form.get(item.id), str)
        and locale_numbers.looks_grouped(str(form.get(item.id)), language)
    ]


def problem_message(
    definition: Definition, item: Item, i18n: Localizer, code: str | None = None
) -> str:
    """What is wrong with a posted value and what is allowed, in the page's language.

    ``code`` is the :class:`~scoring.AnswerProblem` code where known; an open bound of a
    number item is the limit every number shares.
    """
    if item.type in (ItemType.SCALE, ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE):
        options = _options(definition, item, None, i18n)
        # semicolons between the answers: a label may hold commas ("Yes, elected")
        if item.type is ItemType.SCALE:
            allowed = "; ".join(f"{o.value} ({o.label})" for o in options)
        else:
            allowed = "; ".join(f"“{o.label}”" for o in options)
        return i18n.gettext("Please choose from the offered answers: %(allowed)s.") % {
            "allowed": allowed
        }
    if item.type is ItemType.NUMBER:
        bounded = item.min is not None and item.max is not None
        if code == "wrong_type" or (code is None and not bounded):
            return i18n.gettext("Please enter a number, written like this: %(example)s.") % {
                "example": locale_numbers.example(i18n.language)
            }
        low = -NUMBER_LIMIT if item.min is None else item.min
        high = NUMBER_LIMIT if item.max is None else item.max
        return i18n.gettext("Please enter a number from %(min)s to %(max)s.") % {
            "min": locale_numbers.as_read(low, i18n.language),
            "max": locale_numbers.as_read(high, i18n.language),
        }
    return text_message(i18n, code, item.max_length)


def text_message(
    i18n: Localizer, code: str | None, max_length: int, *, comment: bool = False
) -> str:
    """What to do about a refused free text (a text answer or a comment)."""
    if code == "invalid_characters":
        return i18n.gettext(
            "The text contains control characters that cannot be saved. Please remove them."
        )
    if comment:
        return i18n.message(
            Message(N_("Please shorten the comment to at most %(max)s characters."), max=max_length)
        )
    return i18n.message(
        Message(N_("Please shorten the text to at most %(max)s characters."), max=max_length)
    )
