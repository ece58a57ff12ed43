"""A round's profile for facilitators and the API: every organisation against the cohort.

Read from the scores stored at submission (one query over the round's submitted responses),
never by rescoring answers on a page view. Per organisation of the (filtered) cohort:

* its mean per dimension, area, index and the overall index, with the stakeholders' agreement
  and the disagreement flag (:func:`scoring.aggregate_columns`), or, below the project's
  minimum group size, nothing but the count ("not enough responses": no number, no chart
  point, no place in the cohort's statistics);
* each stakeholder group's dimension means side by side, only for groups at or above the
  minimum size;
* its position in the cohort (:func:`scoring.compare_cohort`): the cohort's mean, min and max
  per target, its difference to the mean and its percentile rank.

Filters narrow the cohort: country, kind, one stakeholder group (only that group's responses
count, and the minimum size applies to them) and a chosen set of organisations, each of the
round's project (an id of another project, or of none, is refused alike: "no organisation 7 in
this project", never an empty cohort).

Similar partners (:func:`similar_partners`): the ``k`` organisations nearest to a chosen one
by Gower's distance (Gower 1971, "A general coefficient of similarity"): the mean over the
chosen attributes of per-attribute distances in 0..1, numbers as their absolute difference
divided by the cohort's range (population on a log10 scale, as populations span orders of
magnitude), categories 0 when equal and 1 otherwise. Organisations without a chosen attribute
are left out and named. Percentile ranks use the mid-rank definition of
:func:`scoring.compare_cohort` (the percentage of scores below plus half of those equal, the
organisation itself included), within the group of the organisation and its similar partners
and within the whole cohort.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import and_, case, select
from sqlmodel import Session, col

from app import limits
from app.errors import NOT_IN_COHORT_ID, Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import (
    Organisation,
    Project,
    Response,
    ResponseScore,
    ResponseStatus,
    Round,
    ScoreKind,
)
from app.services import aggregate_cache, driver_rows, partner_fields, rounds
from app.services.responses import definition_of
from app.validation_messages import NOT_ONE_OF
from scoring import (
    CohortComparison,
    Definition,
    GroupScore,
    Summary,
    compare_cohort,
    group_scores,
    shorten,
    summarise_segments,
)

KINDS_OF_SCORE = (ScoreKind.DIMENSION, ScoreKind.AREA, ScoreKind.INDEX, ScoreKind.OVERALL)
OVERALL = "overall"
ATTRIBUTES = ("population", "foreign_born_share", "area_type", "kind", "country")
"""What similar partners are chosen by; numeric ones first."""
NUMERIC_ATTRIBUTES = frozenset({"population", "foreign_born_share"})
DEFAULT_K = 5
MAX_K = 50
FETCH_ROWS = 10_000
"""Score rows fetched from the driver at a time."""
MAX_CHOSEN = 200
"""The most organisations a chosen set may name (a query's ``IN`` list stays small)."""
TOO_MANY_CHOSEN = N_("organisations: %(count)s chosen, at most %(limit)s allowed")
NOT_AN_ATTRIBUTE = N_("attributes: %(value)s is none of %(allowed)s")
NOT_IN_PROJECT = N_("%(field)s: no organisation %(id)s in this project")
K_TOO_LARGE = N_("k: %(k)s is more than %(limit)s")
TOO_FEW_TO_COMPARE = N_("%(organisation)s has not enough responses to compare")
LACKS_ATTRIBUTES = N_("%(organisation)s has no %(attributes)s")


class NotComparable(Conflict):
    """An organisation that cannot be set against others: it has not enough responses, or
    lacks an attribute similar partners are chosen by (the request itself is well-formed)."""

    type_slug = "not-comparable"


@dataclass(frozen=True)
class Filters:
    """What narrows the cohort; each checked by :func:`filters`."""

    country: str | None = None
    kind: str | None = None
    group: str | None = None
    organisations: tuple[int, ...] = ()


def filters(
    *,
    country: str | None = None,
    kind: str | None = None,
    group: str | None = None,
    organisations: Iterable[int] = (),
) -> Filters:
    """Checked filters ("" counts as none); :class:`InvalidInput` names a wrong one."""
    if country:
        # any two letters: a well-formed code that no partner has matches nobody
        limits.text(country, N_("country"), column=Organisation.country)
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise InvalidInput(
                Message(partner_fields.NOT_TWO_LETTERS, code=shorten(country)), field="country"
            )
        country = country.upper()
    if kind:
        kind = partner_fields.kind_value(kind)
    if group:
        limits.text(group, N_("stakeholder group"), column=Response.stakeholder_group)
    chosen = tuple(dict.fromkeys(organisations))
    if len(chosen) > MAX_CHOSEN:
        raise InvalidInput(
            Message(TOO_MANY_CHOSEN, count=len(chosen), limit=MAX_CHOSEN), field="organisations"
        )
    for organisation_id in chosen:
        limits.integer(organisation_id, N_("organisations"), low=1)
    return Filters(country or None, kind or None, group or None, chosen)


@dataclass(frozen=True)
class Targets:
    """The ids the definition scores, per kind, in the definition's order."""

    dimensions: tuple[str, ...]
    areas: tuple[str, ...]
    indexes: tuple[str, ...]

    @classmethod
    def of(cls, definition: Definition) -> Targets:
        return cls(
            tuple(d.id for d in definition.dimensions),
            tuple(a.id for a in definition.areas),
            tuple(i.id for i in definition.indexes),
        )

    def of_kind(self, kind: ScoreKind) -> tuple[str, ...]:
        return {
            ScoreKind.DIMENSION: self.dimensions,
            ScoreKind.AREA: self.areas,
            ScoreKind.INDEX: self.indexes,
            ScoreKind.OVERALL: (OVERALL,),
        }[kind]


@dataclass(frozen=True)
class GroupMeans:
    """One stakeholder group of an organisation: its count and dimension scores."""

    group: str
    responses: int
    dimensions: Mapping[str, GroupScore]


@dataclass(frozen=True)
class OrganisationProfile:
    """One organisation of the cohort. ``shown`` is False below the minimum group size: then
    every mapping is empty and only the count is known."""

    organisation: Organisation
    responses: int
    shown: bool
    scores: Mapping[ScoreKind, Mapping[str, GroupScore]] = field(default_factory=dict)
    groups: tuple[GroupMeans, ...] = ()
    small_groups: int = 0
    """Stakeholder groups below the minimum size (their means are not shown)."""

    def means(self, kind: ScoreKind) -> dict[str, float | None]:
        return {key: value.mean for key, value in self.scores.get(kind, {}).items()}

    @property
    def overall(self) -> float | None:
        found = self.scores.get(ScoreKind.OVERALL, {}).get(OVERALL)
        return found.mean if found is not None else None

    @property
    def disagreements(self) -> tuple[str, ...]:
        return tuple(
            key
            for key, value in self.scores.get(ScoreKind.DIMENSION, {}).items()
            if value.disagreement
        )


@dataclass(frozen=True)
class RoundProfile:
    """The cohort of a round under filters; ``organisations`` sorted by overall index
    (highest first, then by name), those not shown last."""

    round: Round
    definition: Definition
    targets: Targets
    min_group_size: int
    filters: Filters
    organisations: tuple[OrganisationProfile, ...]
    comparisons: Mapping[ScoreKind, CohortComparison]
    groups_in_round: tuple[str, ...]
    """Every stakeholder group named by a submitted response of the round (filter choices)."""

    @property
    def shown(self) -> tuple[OrganisationProfile, ...]:
        return tuple(o for o in self.organisations if o.shown)

    @property
    def withheld(self) -> tuple[OrganisationProfile, ...]:
        return tuple(o for o in self.organisations if not o.shown)

    @property
    def empty(self) -> bool:
        """No submitted response with scores in the (filtered) cohort."""
        return not any(o.responses for o in self.organisations)

    def cohort(self, kind: ScoreKind) -> Mapping[str, Summary]:
        """Per target of ``kind``: the distribution of the shown organisations' means."""
        return self.comparisons[kind].cohort

    def find(self, organisation_id: int) -> OrganisationProfile | None:
        for one in self.organisations:
            if one.organisation.id == organisation_id:
                return one
        return None


def round_profile(
    session: Session, project: Project, round_: Round, chosen: Filters | None = None
) -> RoundProfile:
    """The round's profile (see the module's description) under ``chosen`` filters.

    The organisations' numbers come from the stored scores of the round's submitted responses
    (one query), kept by :mod:`app.services.aggregate_cache` while those responses and scores
    are unchanged (per stakeholder-group filter and minimum group size); organisations of the
    project that match the filters and have no response are listed with 0 responses.
    """
    chosen = chosen or Filters()
    check_chosen(session, project, chosen)
    definition = definition_of(session, round_)
    targets = Targets.of(definition)
    minimum = rounds.min_group_size_of(round_, project)
    assert round_.id is not None
    parts = aggregate_cache.fingerprints(session, round_.id)
    current = aggregate_cache.combined(parts)
    numbers = aggregate_cache.remember_parts(
        ("cohort", round_.id, minimum, chosen.group),
        parts,
        # most of the round stale (the first view): one pass over the round, no IN lists
        lambda stale: _numbers(
            session,
            round_,
            chosen.group,
            targets,
            minimum,
            None if 2 * len(stale) > len(parts) else stale,
        ),
    )
    profiles = [
        OrganisationProfile(organisation, *numbers.get(key, (0, False)))
        for key, organisation in _organisations(session, project, chosen).items()
    ]
    shown = [p for p in profiles if p.shown]
    # percentile ranks are quadratic in the organisations (about 3 s at 1,000): kept too, per
    # set of organisations shown (the other filters), while the numbers are unchanged
    comparisons = aggregate_cache.remember(
        ("comparisons", round_.id, minimum, chosen.group, tuple(p.organisation.id for p in shown)),
        current,
        lambda: _comparisons(shown, targets),
    )
    profiles.sort(key=_order)
    return RoundProfile(
        round=round_,
        definition=definition,
        targets=targets,
        min_group_size=minimum,
        filters=chosen,
        organisations=tuple(profiles),
        comparisons=comparisons,
        groups_in_round=aggregate_cache.remember(
            ("groups", round_.id), current, lambda: groups_in_round(session, round_)
        ),
    )


def check_chosen(
    session: Session, project: Project, filters: Filters, field: str = "organisations"
) -> None:
    """Refuse a chosen organisation that is not ``project``'s (:class:`InvalidInput` naming the
    parameter ``field`` and the first such id, in the order given), worded alike whether the
    id belongs to another project or to none, so that the answer reveals nothing of other
    projects. :func:`round_profile` calls it (the API's ``organisations``); the pages call it
    first with their own parameter's name (``only``)."""
    chosen = filters.organisations
    if not chosen:
        return
    found = set(
        session.execute(
            select(col(Organisation.id)).where(
                col(Organisation.project_id) == project.id, col(Organisation.id).in_(chosen)
            )
        ).scalars()
    )
    for organisation_id in chosen:
        if organisation_id not in found:
            raise InvalidInput(
                Message(NOT_IN_PROJECT, field=field, id=str(organisation_id)), field=field
            )  # an id, not a number to format


def _comparisons(
    shown: Sequence[OrganisationProfile], targets: Targets
) -> dict[ScoreKind, CohortComparison]:
    return {
        kind: compare_cohort(
            {str(p.organisation.id): p.means(kind) for p in shown},
            dimensions=list(targets.of_kind(kind)),
        )
        for kind in KINDS_OF_SCORE
    }


def _order(profile: OrganisationProfile) -> tuple[int, float, str, int]:
    overall = profile.overall
    return (
        0 if profile.shown else 1,
        -overall if overall is not None else math.inf,
        profile.organisation.name.casefold(),
        profile.organisation.id or 0,
    )


def _organisations(session: Session, project: Project, chosen: Filters) -> dict[int, Organisation]:
    query = select(Organisation).where(col(Organisation.project_id) == project.id)
    if chosen.country is not None:
        query = query.where(col(Organisation.country) == chosen.country)
    if chosen.kind is not None:
        query = query.where(col(Organisation.kind) == chosen.kind)
    if chosen.organisations:
        query = query.where(col(Organisation.id).in_(chosen.organisations))
    found = session.execute(query.order_by(col(Organisation.name))).scalars().all()
    return {row.id: row for row in found if row.id is not None}


Numbers = tuple[Any, ...]
"""An organisation's :class:`OrganisationProfile` fields after ``organisation``."""
Key = tuple[str, str]
"""A score's kind and target id."""


def _numbers(
    session: Session,
    round_: Round,
    group: str | None,
    targets: Targets,
    minimum: int,
    organisations: Sequence[int] | None,
) -> dict[int, Numbers]:
    """Per id of ``organisations`` (None: every one of the round) with submitted responses:
    its numbers (per :data:`MAX_CHOSEN` organisations, so an ``IN`` list stays small).

    Two queries of plain driver rows (:mod:`app.services.driver_rows`): the responses
    (organisation, id, stakeholder group), and their scores as (response id, score key number,
    score), the key numbered in SQL so that no string is made per score. The scores become
    numpy arrays, and every organisation's and stakeholder group's summaries come from one
    :func:`scoring.summarise_segments` each, bit for bit :func:`scoring.aggregate_columns`'
    (the result page's); a Python loop per score took ten times as long at 1.8 million.
    """
    if organisations is not None and len(organisations) > MAX_CHOSEN:
        chunks: dict[int, Numbers] = {}
        for start in range(0, len(organisations), MAX_CHOSEN):
            wanted = organisations[start : start + MAX_CHOSEN]
            chunks.update(_numbers(session, round_, group, targets, minimum, wanted))
        return chunks
    where = [
        col(Response.round_id) == round_.id,
        col(Response.status) == ResponseStatus.SUBMITTED.value,
    ]
    if group is not None:
        where.append(col(Response.stakeholder_group) == group)
    if organisations is not None:
        where.append(col(Response.organisation_id).in_(organisations))
    scored = col(ResponseScore.response_id) == col(Response.id)
    members = [
        row
        for page in driver_rows.pages(
            session,
            select(col(Response.organisation_id), col(Response.id), col(Response.stakeholder_group))
            # as before: a response counts where it has stored scores (of any kind)
            .where(*where, select(col(ResponseScore.id)).where(scored).exists())
            .order_by(col(Response.id)),
        )
        for row in page
    ]
    if not members:
        return {}
    keys = [(kind, key) for kind in KINDS_OF_SCORE for key in targets.of_kind(kind)]
    number = case(
        *(
            (
                and_(col(ResponseScore.kind) == kind.value, col(ResponseScore.target_id) == key),
                position,
            )
            for position, (kind, key) in enumerate(keys)
        ),
        else_=-1,
    )
    scores = (
        select(col(ResponseScore.response_id), number, col(ResponseScore.score))
        .join(Response, col(ResponseScore.response_id) == col(Response.id))
        .where(*where, col(ResponseScore.score).is_not(None))
    )
    pages = [
        np.array(page, dtype=np.float64).reshape(-1, 3)
        for page in driver_rows.pages(session, scores, FETCH_ROWS)
    ]
    table = np.concatenate(pages) if pages else np.empty((0, 3))
    table = table[table[:, 1] >= 0]  # a stored score of no target of the definition
    # responses in id order: each score's response by bisection
    response_ids = np.array([row[1] for row in members], dtype=np.float64)
    owner = np.searchsorted(response_ids, table[:, 0])
    # PostgreSQL's READ COMMITTED gives each query its own snapshot: scores of a response
    # submitted between the two queries are left out with it
    listed = owner < len(response_ids)
    listed[listed] = response_ids[owner[listed]] == table[listed, 0]
    table, owner = table[listed], owner[listed]
    org_ids = sorted({row[0] for row in members})
    org_index = {organisation_id: index for index, organisation_id in enumerate(org_ids)}
    group_names = sorted({row[2] for row in members if row[2]})
    group_index = {name: index for index, name in enumerate(group_names)}
    member_org = np.array([org_index[row[0]] for row in members], dtype=np.int64)
    member_group = np.array([group_index.get(row[2], -1) for row in members], dtype=np.int64)
    counted = np.bincount(member_org, minlength=len(org_ids))
    counts = counted.tolist()
    key = table[:, 1].astype(np.int64)
    values = table[:, 2]
    score_org = member_org[owner]
    summaries = group_scores(
        summarise_segments(values, score_org * len(keys) + key, len(org_ids) * len(keys)),
        np.repeat(counted, len(keys)).tolist(),
        minimum,
    )
    # stakeholder groups: dimension scores (the first keys) of responses with a group
    dimensions = len(targets.dimensions)
    in_group = (member_group[owner] >= 0) & (key < dimensions)
    group_cells = (score_org[in_group] * len(group_names) + member_group[owner][in_group]) * (
        dimensions
    ) + key[in_group]
    grouped = np.bincount(
        member_org[member_group >= 0] * len(group_names) + member_group[member_group >= 0],
        minlength=len(org_ids) * len(group_names),
    )
    group_counts = grouped.tolist()
    group_summaries = group_scores(
        summarise_segments(
            values[in_group], group_cells, len(org_ids) * len(group_names) * dimensions
        ),
        np.repeat(grouped, dimensions).tolist(),
        minimum,
    )
    found: dict[int, Numbers] = {}
    for index, organisation_id in enumerate(org_ids):
        count = counts[index]
        if count < minimum:
            found[organisation_id] = (count, False)
            continue
        base = index * len(keys)
        position = 0
        scores_of: dict[ScoreKind, dict[str, GroupScore]] = {}
        for kind in KINDS_OF_SCORE:
            own: dict[str, GroupScore] = {}
            for target in targets.of_kind(kind):
                own[target] = summaries[base + position]
                position += 1
            scores_of[kind] = own
        groups, small = [], 0
        for name_index, name in enumerate(group_names):
            size = group_counts[index * len(group_names) + name_index]
            if size == 0:
                continue
            if size < minimum:
                small += 1
                continue
            first = (index * len(group_names) + name_index) * dimensions
            means = {
                target: group_summaries[first + offset]
                for offset, target in enumerate(targets.dimensions)
            }
            groups.append(GroupMeans(name, size, means))
        found[organisation_id] = (count, True, scores_of, tuple(groups), small)
    return found


def groups_in_round(session: Session, round_: Round) -> tuple[str, ...]:
    found = session.execute(
        select(col(Response.stakeholder_group))
        .where(
            col(Response.round_id) == round_.id,
            col(Response.status) == ResponseStatus.SUBMITTED.value,
            col(Response.stakeholder_group).is_not(None),
        )
        .distinct()
    ).scalars()
    return tuple(sorted(name for name in found if name))


def check_group(session: Session, group: str | None, *rounds_: Round) -> None:
    """Refuse a stakeholder group filter that no submitted response of ``rounds_`` has
    (:class:`InvalidInput` naming ``group`` with the groups there are), as the facilitators'
    filter form does, rather than answer with an empty cohort as if nobody had answered."""
    if group is None:
        return
    groups = sorted({name for one in rounds_ for name in groups_in_round(session, one)})
    if group not in groups:
        raise InvalidInput(
            Message(NOT_ONE_OF, field="group", value=shorten(group), allowed=", ".join(groups)),
            field="group",
            allowed=groups,
        )


# Similar partners ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Neighbour:
    """A similar partner and its Gower distance (0: the same on every chosen attribute)."""

    profile: OrganisationProfile
    distance: float


@dataclass(frozen=True)
class SimilarPartners:
    """An organisation's nearest partners and its percentile ranks (0..100, mid-rank) per
    dimension and overall: within itself and its partners, and within the whole cohort."""

    organisation: OrganisationProfile
    attributes: tuple[str, ...]
    k: int
    neighbours: tuple[Neighbour, ...]
    left_out: tuple[Organisation, ...]
    """Organisations of the cohort with numbers but without a chosen attribute."""
    within_group: Mapping[str, float | None]
    within_cohort: Mapping[str, float | None]


def attributes(names: Iterable[str]) -> tuple[str, ...]:
    """Checked attribute names (default: all of :data:`ATTRIBUTES`), in that order."""
    wanted = [name.strip() for name in names if name.strip()]
    for name in wanted:
        if name not in ATTRIBUTES:
            raise InvalidInput(
                Message(NOT_AN_ATTRIBUTE, value=shorten(name), allowed=", ".join(ATTRIBUTES)),
                field="attributes",
            )
    return tuple(name for name in ATTRIBUTES if name in wanted) or ATTRIBUTES


def similar_partners(
    profile: RoundProfile,
    organisation_id: int,
    *,
    k: int = DEFAULT_K,
    chosen_attributes: Sequence[str] = ATTRIBUTES,
) -> SimilarPartners:
    """The ``k`` (1..:data:`MAX_K`) organisations of ``profile`` with numbers nearest to
    ``organisation_id`` by ``chosen_attributes`` (see the module's description).

    :class:`~app.errors.NotFound` if the organisation is not in the cohort;
    :class:`NotComparable` if it has not enough responses or lacks a chosen attribute;
    :class:`InvalidInput` for ``k`` out of range.
    """
    limits.integer(k, "k", low=1)
    if k > MAX_K:
        raise InvalidInput(Message(K_TOO_LARGE, k=k, limit=MAX_K), field="k")
    names = attributes(chosen_attributes)
    subject = profile.find(organisation_id)
    if subject is None:
        raise NotFound(Message(NOT_IN_COHORT_ID, id=str(organisation_id)))
    if not subject.shown:
        raise NotComparable(
            Message(TOO_FEW_TO_COMPARE, organisation=shorten(subject.organisation.name)),
            field="organisation",
        )
    lacking = [name for name in names if _value(subject.organisation, name) is None]
    if lacking:
        raise NotComparable(
            Message(
                LACKS_ATTRIBUTES,
                organisation=shorten(subject.organisation.name),
                attributes=", ".join(lacking),
            ),
            field="attributes",
            missing=lacking,
        )
    others = [p for p in profile.shown if p.organisation.id != organisation_id]
    complete = [p for p in others if all(_value(p.organisation, n) is not None for n in names)]
    # by identity: `not in` a list compared profiles field by field (seconds at 1,000)
    kept = {id(p) for p in complete}
    left_out = tuple(p.organisation for p in others if id(p) not in kept)
    pool = [subject, *complete]
    ranges = {name: _range(pool, name) for name in names if name in NUMERIC_ATTRIBUTES}
    distances = sorted(
        (
            Neighbour(p, _distance(subject.organisation, p.organisation, names, ranges))
            for p in complete
        ),
        key=lambda n: (n.distance, n.profile.organisation.name.casefold()),
    )[:k]
    group = [subject, *(n.profile for n in distances)]
    key = str(organisation_id)
    return SimilarPartners(
        organisation=subject,
        attributes=names,
        k=k,
        neighbours=tuple(distances),
        left_out=left_out,
        within_group=_ranks(group, key, profile.targets),
        # the whole cohort's ranks are the profile's comparisons (kept with it): computing
        # them again is quadratic in the organisations (seconds at 1,000)
        within_cohort=_cohort_ranks(profile.comparisons, key),
    )


def _cohort_ranks(
    comparisons: Mapping[ScoreKind, CohortComparison], key: str
) -> dict[str, float | None]:
    """Percentile ranks of organisation ``key`` per dimension and overall in ``comparisons``."""
    ranks: dict[str, float | None] = {}
    for kind in (ScoreKind.DIMENSION, ScoreKind.OVERALL):
        for target, position in comparisons[kind].organisations[key].dimensions.items():
            ranks[target] = position.percentile_rank
    return ranks


def _ranks(
    members: Sequence[OrganisationProfile], key: str, targets: Targets
) -> dict[str, float | None]:
    """:func:`_cohort_ranks` among ``members`` only."""
    return _cohort_ranks(_comparisons(members, targets), key)


def _value(organisation: Organisation, name: str) -> float | str | None:
    value = getattr(organisation, name)
    if name == "population":
        return None if value is None else math.log10(max(value, 1))
    if value is None or value == "":
        return None
    return value  # type: ignore[no-any-return]


def _range(pool: Sequence[OrganisationProfile], name: str) -> float:
    values = [float(v) for p in pool if isinstance(v := _value(p.organisation, name), float)]
    return max(values) - min(values) if values else 0.0


def _distance(
    a: Organisation, b: Organisation, names: Sequence[str], ranges: Mapping[str, float]
) -> float:
    """Gower's distance over ``names`` (both organisations have every one)."""
    total = 0.0
    for name in names:
        left, right = _value(a, name), _value(b, name)
        if name in NUMERIC_ATTRIBUTES:
            spread = ranges[name]
            assert isinstance(left, float)
            assert isinstance(right, float)
            total += abs(left - right) / spread if spread > 0 else 0.0
        else:
            total += 0.0 if left == right else 1.0
    return total / len(names)
