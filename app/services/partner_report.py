"""A partner report: one organisation of a round against the anonymous cohort (issue 12.4).

Everything comes from :func:`app.services.cohort.round_profile` (the round's stored scores,
the whole unfiltered cohort) and :func:`app.services.cohort.similar_partners`; nothing is
rescored here. The rules (docs/scoring.md, "Partner report"):

* below the minimum group size the organisation has no numbers at all: the report says "not
  enough responses" and carries nothing but the count;
* the **cohort** it is compared with is the *other* organisations with enough responses; when
  there are fewer of them than the minimum group size, the cohort's figures (mean, range,
  differences, percentile ranks, relative strengths and weaknesses, similar partners, the
  cohort's mean change) could reveal another partner's scores, so the report carries none of
  them (``compared`` False, "not enough partners to compare"): only the organisation's own
  numbers and the recommendations of dimensions below ``weakness_below``;
* **strengths and weaknesses relative to the cohort** are :func:`scoring.compare_cohort`'s:
  a dimension whose mean ranks at or above the 75th percentile of the cohort and lies above
  the cohort mean is a strength; at or below the 25th and below the mean a weakness;
* **weak dimensions**, which get the definition's recommendations
  (:func:`scoring.recommendations_for`), are the relative weaknesses and every dimension whose
  rounded mean lies below the definition's ``weakness_below`` (the threshold of a respondent's
  result): a partner below the threshold needs the advice even where the cohort is as weak;
* **change since the previous round** is :func:`app.services.round_change.round_change`
  from the latest earlier round of a comparable version
  (:func:`~app.services.round_change.previous_round`) over the whole cohort: the
  organisation's own change and the cohort's mean change, nothing of any other partner; none
  when there is no such round;
* similar partners are the default :func:`~app.services.cohort.similar_partners` (five, by
  every attribute); an organisation lacking an attribute simply has none.

Other partners' names stay in :attr:`PartnerReport.profile` for the facilitators' view; the
shared page shows only cohort statistics and counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from app.models import Organisation, Project, Round, ScoreKind
from app.services import cohort, round_change
from app.services.round_change import OrganisationChange, RoundChange
from scoring import OrganisationStanding, recommendations_for, round_score


@dataclass(frozen=True)
class ChangeSince:
    """The organisation's change since the previous comparable round: ``organisation.shown``
    False when it had fewer responses than the minimum in either round (then no number); the
    cohort's mean change is in ``rounds.cohort``, shown only when ``compared``: at least the
    minimum group size (the larger of the two rounds') of other organisations shown in both."""

    rounds: RoundChange
    organisation: OrganisationChange
    compared: bool = True


@dataclass(frozen=True)
class PartnerReport:
    """One organisation's report. ``subject.shown`` False: too few responses, and then
    ``standing`` is None and every tuple and mapping is empty. ``compared`` False: too few
    other partners (see the module's description), and then ``standing`` and ``similar`` are
    None and the page shows no cohort figure."""

    profile: cohort.RoundProfile
    subject: cohort.OrganisationProfile
    standing: OrganisationStanding | None
    """Its dimensions against the cohort (means, differences, percentile ranks)."""
    weak: tuple[str, ...]
    """Dimension ids that get recommendations, in the definition's order."""
    recommendations: Mapping[str, list[str]]
    similar: cohort.SimilarPartners | None
    change: ChangeSince | None = None
    """Change since the previous comparable round; None when there is none."""
    compared: bool = True
    """Enough other partners (at least the minimum group size) to show cohort figures."""

    @property
    def shown(self) -> bool:
        return self.subject.shown

    @property
    def strengths(self) -> tuple[str, ...]:
        return self.standing.strengths if self.standing else ()

    @property
    def weaknesses(self) -> tuple[str, ...]:
        return self.standing.weaknesses if self.standing else ()


def partner_report(
    session: Session, project: Project, round_: Round, organisation: Organisation, language: str
) -> PartnerReport:
    """The report of ``organisation`` (of ``project``) in ``round_``, recommendations in
    ``language`` (else the definition's default language)."""
    assert organisation.id is not None
    profile = cohort.round_profile(session, project, round_)
    subject = profile.find(organisation.id) or cohort.OrganisationProfile(organisation, 0, False)
    if not subject.shown:
        return PartnerReport(profile, subject, None, (), {}, None)
    compared = enough_partners(profile, organisation.id)
    standing = (
        profile.comparisons[ScoreKind.DIMENSION].organisations[str(organisation.id)]
        if compared
        else None
    )
    relative = standing.weaknesses if standing is not None else ()
    threshold = profile.definition.scoring.weakness_below
    means = subject.means(ScoreKind.DIMENSION)
    weak = tuple(
        key
        for key in profile.targets.dimensions
        if key in relative
        or ((rounded := round_score(means.get(key))) is not None and rounded < threshold)
    )
    similar = None
    if compared:
        try:
            similar = cohort.similar_partners(profile, organisation.id)
        except cohort.NotComparable:
            similar = None
    return PartnerReport(
        profile,
        subject,
        standing,
        weak,
        recommendations_for(profile.definition, weak, language),
        similar,
        _change_since(session, project, round_, organisation.id),
        compared,
    )


def enough_partners(profile: cohort.RoundProfile, organisation_id: int) -> bool:
    """Whether the organisations shown in ``profile`` other than ``organisation_id`` are at
    least the minimum group size: below it the cohort's figures could reveal one of them
    (with two others, the mean and the organisation's own score give away the third's)."""
    others = sum(1 for one in profile.shown if one.organisation.id != organisation_id)
    return others >= profile.min_group_size


def _change_since(
    session: Session, project: Project, round_: Round, organisation_id: int
) -> ChangeSince | None:
    previous = round_change.previous_round(session, round_)
    if previous is None:
        return None
    found = round_change.round_change(session, project, previous, round_)
    own = found.find(organisation_id)
    if own is None:
        return None
    others = sum(1 for one in found.shown if one.organisation.id != organisation_id)
    minimum = max(found.min_group_size_before, found.min_group_size_after)
    return ChangeSince(found, own, others >= minimum)
