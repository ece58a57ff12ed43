"""Stakeholder groups: the short names invitations carry and the labels pages show.

An invitation names its group in a short, language-neutral form (``radar invite --group
civil-society``), which is what exports and aggregates keep. People read the label in the page
language: the groups the network usually invites have labels in the UI catalogues; a group of
a facilitator's own is shown as typed, a slug-like one (``city-council``) made readable
("City council").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.i18n import N_

LABELS = {
    "administration": N_("Public administration"),
    "politics": N_("Politics"),
    "civil-society": N_("Civil society"),
    "migrant-organisations": N_("Migrant organisations"),
    "education": N_("Education"),
    "employers": N_("Employers"),
}
"""The usual groups (the demo invites them) with their labels, translated where shown."""

SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
KEY_PATTERN = f"^{SLUG.pattern}$"
"""Every group key's shape (a round's own keys and the usual ones), for declared parameters:
older keys may join their words with underscores, so filters and exports still name them."""
NEW_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""The shape of a key given from now on (a round's groups, an invitation's or a response's
group): words joined by hyphens only, as every message says, so that ``civil_society`` does
not become a second group beside ``civil-society``."""


def label(group: str | None, gettext: Callable[[str], str]) -> str:
    """The label of ``group`` in the language of ``gettext`` ("" for no group).

    >>> label("civil-society", str), label("city_council", str), label("Stadtrat Nord", str)
    ('Civil society', 'City council', 'Stadtrat Nord')
    """
    if not group:
        return ""
    if group in LABELS:
        return gettext(LABELS[group])
    if SLUG.fullmatch(group):
        words = re.sub(r"[-_]+", " ", group)
        return words[:1].upper() + words[1:]
    return group
