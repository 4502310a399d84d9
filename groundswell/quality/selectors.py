"""Reads for quality, scoped to the viewer; shared by pages (and the API to come)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.desk.choices import PromiseStatus
from groundswell.desk.models import Interaction, InteractionNote, Promise
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.permissions import (
    Action,
    can,
    can_everywhere,
    can_somewhere,
    outranks,
    teams_in_scope,
)
from groundswell.quality.choices import DONE_STATUSES, DisputeStatus, ReviewStatus
from groundswell.quality.models import (
    CoachingSession,
    Criterion,
    CriterionScore,
    Dispute,
    QueueItem,
    QueueRule,
    Review,
    ReviewerGrant,
    RootCause,
    Scorecard,
    ScorecardVersion,
    ScoreChange,
)
from groundswell.voice.invitations.selectors import answers_for_review
from groundswell.voice.models import Response

# --- Who reviews whom -------------------------------------------------------------------------


def granted_teams(person: Person) -> QuerySet[Team]:
    """Teams for which `person` holds the quality reviewer capability."""
    if not person.is_active:
        return Team.objects.none()
    return Team.objects.filter(
        pk__in=ReviewerGrant.objects.active().filter(person=person).values("team_id")
    )


def reviewer_teams(person: Person) -> QuerySet[Team]:
    """Every team whose interactions `person` may review: by role, or by a grant."""
    by_role = teams_in_scope(person, Action.REVIEW_QUALITY).values("pk")
    granted = granted_teams(person).values("pk")
    return Team.objects.filter(Q(pk__in=by_role) | Q(pk__in=granted))


def may_review_somewhere(person: Person) -> bool:
    """Does `person` review anyone's work at all (a role's right, a grant, or themselves)?"""
    return (
        can_somewhere(person, Action.REVIEW_QUALITY)
        or can_somewhere(person, Action.SELF_REVIEW)
        or granted_teams(person).exists()
    )


def may_review_agent(actor: Person, team: Team, agent: Person | None) -> bool:
    """May `actor` score (or decide disputes on) the work of `agent` in `team`?

    By role: the right in that team, and the rank rule (nobody scores someone who ranks at or
    above them). By a grant: the agents of the granted team. Never one's own work: that is a
    self-review, decided by `may_self_review`.
    """
    if not actor.is_active or (agent is not None and agent.pk == actor.pk):
        return False
    if can(actor, Action.REVIEW_QUALITY, team) and (agent is None or outranks(actor, agent)):
        return True
    granted = ReviewerGrant.objects.active().filter(person=actor, team=team).exists()
    return granted and (agent is None or Role(agent.role) == Role.AGENT)


def may_self_review(actor: Person, interaction: Interaction) -> bool:
    return interaction.handled_by_id == actor.pk and can(actor, Action.SELF_REVIEW, actor)


def may_review(actor: Person, interaction: Interaction) -> bool:
    """May `actor` review `interaction` (themselves, as a self-review, when they handled it)?"""
    if interaction.handled_by_id == actor.pk:
        return may_self_review(actor, interaction)
    return may_review_agent(actor, interaction.team, interaction.handled_by)


def reviewable_interactions(person: Person) -> QuerySet[Interaction]:
    """Interactions `person` could open for review: their reviewer teams' and their own."""
    reach = Q(team__in=reviewer_teams(person))
    if can_somewhere(person, Action.SELF_REVIEW):
        reach |= Q(handled_by=person)
    return Interaction.objects.filter(reach)


def get_interaction_for_review(person: Person, pk: int) -> Interaction:
    """An interaction to review: 404 when outside `person`'s reviewer reach (as if it did not
    exist), 403 when in reach but not theirs to review (someone who outranks them)."""
    interaction = (
        reviewable_interactions(person)
        .select_related("team__department", "handled_by", "customer")
        .filter(pk=pk)
        .first()
    )
    if interaction is None:
        raise Http404(_("No such interaction."))
    if not may_review(person, interaction):
        raise PermissionDenied
    return interaction


# --- Scorecards -------------------------------------------------------------------------------


def list_scorecards(viewer: Person) -> QuerySet[Scorecard]:
    return Scorecard.objects.visible_to(viewer).select_related("department", "team")


def may_manage_scorecard(viewer: Person, scorecard: Scorecard) -> bool:
    place = scorecard.team if scorecard.team_id is not None else scorecard.department
    return can(viewer, Action.MANAGE_SCORECARDS, place)  # type: ignore[arg-type]


def get_scorecard_for(viewer: Person, pk: int, *, manage: bool = False) -> Scorecard:
    """One scorecard `viewer` can see (404 otherwise); 403 when `manage` and they may not."""
    scorecard = list_scorecards(viewer).filter(pk=pk).first()
    if scorecard is None:
        raise Http404(_("No such scorecard."))
    if manage and not may_manage_scorecard(viewer, scorecard):
        raise PermissionDenied
    return scorecard


def current_version(scorecard: Scorecard) -> ScorecardVersion | None:
    return scorecard.versions.order_by("-number").first()


def version_criteria(version: ScorecardVersion) -> list[Criterion]:
    return list(
        version.criteria.select_related("section").order_by("section__position", "position")
    )


# A version's criteria never change once written: revising a scorecard writes a new version
# row (a version nobody used yet is deleted and written again, under a new id). So the criteria
# of a version id can be kept in memory for the scoring path, checked against the version's
# scorecard, number and creation time (ids come back after a rolled-back transaction).
CRITERIA_CACHE_SIZE = 256
_criteria_cache: dict[int, tuple[tuple[int, int, datetime.datetime], tuple[Criterion, ...]]] = {}
_criteria_lock = threading.Lock()


def criteria_in_use(version: ScorecardVersion) -> tuple[Criterion, ...]:
    """`version_criteria`, read once per version and process (at most one query)."""
    stamp = (version.scorecard_id, version.number, version.created_at)
    kept = _criteria_cache.get(version.pk)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    criteria = tuple(version_criteria(version))
    with _criteria_lock:
        while len(_criteria_cache) >= CRITERIA_CACHE_SIZE:
            del _criteria_cache[next(iter(_criteria_cache))]
        _criteria_cache[version.pk] = (stamp, criteria)
    return criteria


def forget_criteria() -> None:
    """Empty the criteria cache (tests; a scorecard edited outside the services)."""
    with _criteria_lock:
        _criteria_cache.clear()


@dataclass(frozen=True)
class VersionInUse:
    version: ScorecardVersion
    queued: bool  # the interaction waits in a review queue (an open queue item)


# The scoring path's one read (`version_in_use`), written out in SQL: the ORM spends several
# times longer building this query than the database spends answering it. Portable SQL
# (SQLite and PostgreSQL); `test_submit` checks the order in which it picks.
_IN_USE_SQL = """
SELECT v.*, s.department_id AS card_department_id, EXISTS (
    SELECT 1 FROM {queue} q WHERE q.interaction_id = %s AND q.done_at IS NULL
) AS queued
FROM {version} v INNER JOIN {card} s ON s.id = v.scorecard_id
WHERE {where}
ORDER BY s.team_id IS NULL, s.channel = '', s.id, v.number DESC
LIMIT 1
"""
_IN_USE_WHERE = (
    "s.is_active = %s AND s.department_id = %s AND (s.team_id = %s OR s.team_id IS NULL)"
    " AND s.channel IN (%s, '')"
)


def version_in_use(interaction: Interaction, scorecard: Scorecard | None = None) -> VersionInUse:
    """The scorecard version a new review of `interaction` takes, in one query: the latest
    version of `scorecard`, or of the scorecard in use (the first active one of: the team's
    for the interaction's channel, the team's, the department's for the channel, the
    department's; the lowest id among equals), with
    whether the interaction has an open queue item. A ValidationError names what is missing."""
    params: list[object]
    if scorecard is not None:
        where, params = "v.scorecard_id = %s", [scorecard.pk]
    else:
        where = _IN_USE_WHERE
        params = [True, interaction.team.department_id, interaction.team_id, interaction.channel]
    sql = _IN_USE_SQL.format(
        queue=QueueItem._meta.db_table,
        version=ScorecardVersion._meta.db_table,
        card=Scorecard._meta.db_table,
        where=where,
    )
    found = next(iter(ScorecardVersion.objects.raw(sql, [interaction.pk, *params])), None)
    if found is None:
        raise ValidationError(
            {"scorecard": _("No scorecard is in use for %(team)s.") % {"team": interaction.team}}
        )
    if getattr(found, "card_department_id", None) != interaction.team.department_id:
        raise ValidationError({"scorecard": _("That scorecard is for another department.")})
    return VersionInUse(found, bool(getattr(found, "queued", False)))


@dataclass(frozen=True)
class SectionView:
    title: str
    criteria: list[Criterion]


def sections_of(criteria: list[Criterion]) -> list[SectionView]:
    """Criteria grouped by section, in order."""
    groups: dict[int, SectionView] = {}
    for criterion in criteria:
        groups.setdefault(criterion.section_id, SectionView(criterion.section.title, []))
        groups[criterion.section_id].criteria.append(criterion)
    return list(groups.values())


# --- Reviews ----------------------------------------------------------------------------------


def list_reviews(
    viewer: Person,
    *,
    agent: Person | int | None = None,
    team: Team | int | None = None,
    status: str = "",
) -> QuerySet[Review]:
    """Reviews `viewer` may read, newest first; drafts only their own."""
    reviews = (
        Review.objects.visible_to(viewer)
        .filter(Q(status__in=DONE_STATUSES) | Q(reviewer=viewer))
        .select_related("interaction", "agent", "reviewer", "team", "version__scorecard")
    )
    if agent is not None:
        reviews = reviews.filter(agent=agent)
    if team is not None:
        reviews = reviews.filter(team=team)
    if status:
        reviews = reviews.filter(status=status)
    return reviews.order_by("-created_at", "-pk")


def get_review_for(viewer: Person, pk: int) -> Review:
    """One review `viewer` may read (a draft only by its reviewer); 404 otherwise."""
    review = list_reviews(viewer).filter(pk=pk).first()
    if review is None:
        raise Http404(_("No such review."))
    return review


def get_review_to_score(viewer: Person, pk: int) -> Review:
    """A draft `viewer` is writing; 404 for anyone else's, 403 once it is submitted."""
    review = get_review_for(viewer, pk)
    if review.reviewer_id != viewer.pk:
        raise Http404(_("No such review."))
    return review


def get_dispute_for(viewer: Person, pk: int) -> Dispute:
    """A dispute on a review `viewer` may read; 404 otherwise (who decides is the service's)."""
    dispute = Dispute.objects.visible_to(viewer).select_related("criterion").filter(pk=pk).first()
    if dispute is None:
        raise Http404(_("No such dispute."))
    return dispute


@dataclass(frozen=True)
class InteractionContext:
    """What a reviewer sees beside the scores: the contact as it happened, and the customer."""

    interaction: Interaction
    notes: list[InteractionNote]
    promises: list[Promise]
    promises_kept: int
    promises_broken: int
    answers: list[Response]

    @property
    def handle_minutes(self) -> int | None:
        seconds = self.interaction.handle_time_seconds
        return None if seconds is None else round(seconds / 60)


def interaction_context(interaction: Interaction) -> InteractionContext:
    """The interaction's notes, promises and the customer's answers (the caller checked reach)."""
    promises = list(interaction.promises.all())
    return InteractionContext(
        interaction=interaction,
        notes=list(interaction.notes.select_related("author")),
        promises=promises,
        promises_kept=sum(1 for p in promises if p.status == PromiseStatus.KEPT),
        promises_broken=sum(1 for p in promises if p.status == PromiseStatus.BROKEN),
        answers=answers_for_review(interaction),
    )


@dataclass(frozen=True)
class ScoredCriterion:
    criterion: Criterion
    score: CriterionScore | None
    dispute: Dispute | None


@dataclass(frozen=True)
class ScoredSection:
    title: str
    rows: list[ScoredCriterion]


@dataclass(frozen=True)
class ReviewPage:
    """A review as `viewer` may see it, with what they may do about it."""

    review: Review
    context: InteractionContext
    sections: list[ScoredSection]
    disputes: list[Dispute]
    changes: list[ScoreChange]
    root_causes: list[RootCause]
    dispute_until: datetime.datetime | None
    can_score: bool
    can_acknowledge: bool
    can_dispute: bool
    can_decide: bool
    can_record_cause: bool
    can_coach: bool
    failed_criteria: list[Criterion] = field(default_factory=list)


def dispute_deadline(review: Review) -> datetime.datetime | None:
    if review.submitted_at is None:
        return None
    return review.submitted_at + datetime.timedelta(days=settings.GROUNDSWELL_QUALITY_DISPUTE_DAYS)


def is_poor(review: Review) -> bool:
    """A critical fail, or a score under the poor mark."""
    return review.is_failed or (
        review.score is not None and review.score < settings.GROUNDSWELL_QUALITY_POOR_SCORE
    )


def get_review_page(viewer: Person, pk: int) -> ReviewPage:
    review = get_review_for(viewer, pk)
    criteria = version_criteria(review.version)
    scores = {s.criterion_id: s for s in review.scores.all()}
    disputes = list(review.disputes.select_related("criterion", "raised_by", "decided_by"))
    by_criterion = {d.criterion_id: d for d in disputes}
    sections = [
        ScoredSection(
            section.title,
            [
                ScoredCriterion(c, scores.get(c.pk), by_criterion.get(c.pk))
                for c in section.criteria
            ],
        )
        for section in sections_of(criteria)
    ]
    done = review.status in DONE_STATUSES
    is_agent = review.agent_id == viewer.pk and not review.is_self_review
    deadline = dispute_deadline(review)
    open_window = deadline is not None and timezone.now() <= deadline
    is_decider = may_review_agent(viewer, review.team, review.agent) and viewer.pk not in (
        review.reviewer_id,
        review.agent_id,
    )
    failed = [c for c in criteria if (s := scores.get(c.pk)) is not None and s.is_fail]
    return ReviewPage(
        review=review,
        context=interaction_context(review.interaction),
        sections=sections,
        disputes=disputes,
        changes=list(review.changes.select_related("criterion", "changed_by")),
        root_causes=list(review.root_causes.select_related("criterion", "idea", "recorded_by")),
        dispute_until=deadline,
        can_score=review.is_draft and review.reviewer_id == viewer.pk,
        can_acknowledge=is_agent and review.status == ReviewStatus.SUBMITTED,
        can_dispute=is_agent
        and open_window
        and review.status in (ReviewStatus.SUBMITTED, ReviewStatus.DISPUTED)
        and can(viewer, Action.DISPUTE_REVIEWS, viewer),
        can_decide=is_decider and any(d.status == DisputeStatus.OPEN for d in disputes),
        can_record_cause=done
        and may_record_cause(viewer, review)
        and (bool(failed) or is_poor(review)),
        can_coach=review.agent is not None and may_coach(viewer, review.agent),
        failed_criteria=failed,
    )


def may_record_cause(viewer: Person, review: Review) -> bool:
    """The reviewer, another reviewer of the agent, or their coach records a root cause."""
    if review.reviewer_id == viewer.pk:
        return True
    if review.agent is not None and may_coach(viewer, review.agent):
        return True
    return may_review_agent(viewer, review.team, review.agent)


# --- Queue ------------------------------------------------------------------------------------


def list_my_queue(viewer: Person) -> QuerySet[QueueItem]:
    """Interactions waiting for `viewer`'s review, soonest due first."""
    return (
        QueueItem.objects.open()
        .filter(reviewer=viewer)
        .select_related("interaction", "agent", "team")
        .order_by("due_on", "pk")
    )


def list_overdue(viewer: Person, today: datetime.date | None = None) -> QuerySet[QueueItem]:
    """Queued reviews past their due day in the teams whose queue `viewer` runs."""
    today = today or timezone.localdate()
    if not can_somewhere(viewer, Action.MANAGE_REVIEW_QUEUE):
        raise PermissionDenied
    return (
        QueueItem.objects.visible_to(viewer)
        .overdue(today)
        .select_related("interaction", "agent", "team", "reviewer")
        .order_by("due_on", "pk")
    )


def queue_teams(viewer: Person) -> QuerySet[Team]:
    """Teams whose review queue `viewer` sets, with their rules."""
    return (
        teams_in_scope(viewer, Action.MANAGE_REVIEW_QUEUE)
        .select_related("department", "quality_queue_rule")
        .order_by("department__name", "name")
    )


def get_queue_team_for(viewer: Person, pk: int) -> Team:
    team = queue_teams(viewer).filter(pk=pk).first()
    if team is None:
        raise Http404(_("No such team."))
    return team


def rule_of(team: Team) -> QueueRule | None:
    return QueueRule.objects.filter(team=team).first()


# --- Coaching ---------------------------------------------------------------------------------


def may_coach(viewer: Person, agent: Person) -> bool:
    return agent.pk != viewer.pk and can(viewer, Action.COACH, agent) and outranks(viewer, agent)


def list_coaching(viewer: Person) -> QuerySet[CoachingSession]:
    return (
        CoachingSession.objects.visible_to(viewer)
        .select_related("agent", "coach", "team")
        .order_by("-planned_for", "-pk")
    )


def get_coaching_for(viewer: Person, pk: int) -> CoachingSession:
    session = list_coaching(viewer).filter(pk=pk).first()
    if session is None:
        raise Http404(_("No such coaching session."))
    return session


def coachable_agents(viewer: Person) -> QuerySet[Person]:
    """People `viewer` may coach (the rank rule is checked again when the session is planned)."""
    teams = teams_in_scope(viewer, Action.COACH)
    return (
        Person.objects.active().filter(team__in=teams).exclude(pk=viewer.pk).order_by("full_name")
    )


def behaviours_of(agent: Person) -> list[tuple[str, str]]:
    """(key, behaviour) of every criterion the agent was scored on, newest wording first."""
    rows = (
        Criterion.objects.filter(scores__review__agent=agent, scores__review__calibration=None)
        .order_by("key", "-version__number")
        .values_list("key", "behaviour")
    )
    seen: dict[str, str] = {}
    for key, behaviour in rows:
        seen.setdefault(key, behaviour)
    return sorted(seen.items(), key=lambda item: item[1])


@dataclass(frozen=True)
class BeforeAfter:
    """One behaviour in focus: its mean (0..1) and n before the session and after it."""

    key: str
    behaviour: str
    before: float | None
    before_n: int
    after: float | None
    after_n: int

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def before_after(session: CoachingSession) -> list[BeforeAfter]:
    """Reviews of the focus behaviours before and after the session (self-reviews left out)."""
    pivot = session.held_at or session.planned_for
    scored = CriterionScore.objects.filter(
        review__agent=session.agent_id,
        review__calibration=None,
        review__is_self_review=False,
        review__status__in=DONE_STATUSES,
        criterion__key__in=session.focus_keys,
        fraction__isnull=False,
    )
    before = Q(review__submitted_at__lt=pivot)
    after = Q(review__submitted_at__gte=pivot)
    rows = {
        row["criterion__key"]: row
        for row in scored.values("criterion__key").annotate(
            before=Avg("fraction", filter=before),
            before_n=Count("pk", filter=before),
            after=Avg("fraction", filter=after),
            after_n=Count("pk", filter=after),
        )
    }
    labels = dict(zip(session.focus_keys, session.focus_labels, strict=False))
    empty: dict[str, Any] = {"before": None, "before_n": 0, "after": None, "after_n": 0}
    return [
        BeforeAfter(
            key=key,
            behaviour=labels.get(key, key),
            before=rows.get(key, empty)["before"],
            before_n=int(rows.get(key, empty)["before_n"] or 0),
            after=rows.get(key, empty)["after"],
            after_n=int(rows.get(key, empty)["after_n"] or 0),
        )
        for key in session.focus_keys
    ]


# --- Grants -----------------------------------------------------------------------------------


def list_grants(viewer: Person) -> QuerySet[ReviewerGrant]:
    return (
        ReviewerGrant.objects.visible_to(viewer)
        .filter(revoked_at__isnull=True)
        .select_related("person", "team", "granted_by")
    )


def get_grant_for(viewer: Person, pk: int) -> ReviewerGrant:
    grant = list_grants(viewer).filter(pk=pk).first()
    if grant is None:
        raise Http404(_("No such grant."))
    return grant


def grantable_teams(viewer: Person) -> QuerySet[Team]:
    return teams_in_scope(viewer, Action.GRANT_QUALITY_REVIEWERS).order_by("name")


def grantable_people(viewer: Person) -> QuerySet[Person]:
    people = Person.objects.active().order_by("full_name")
    if can_everywhere(viewer, Action.GRANT_QUALITY_REVIEWERS):
        return people
    return people.filter(
        Q(team__in=teams_in_scope(viewer, Action.GRANT_QUALITY_REVIEWERS))
        | Q(department_id=viewer.department_id)
    )


# --- The quality home -------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityHome:
    my_reviews: list[Review]
    my_queue: list[QueueItem]
    drafts: list[Review]
    open_disputes: list[Dispute]
    may_review: bool


def quality_home(viewer: Person, *, limit: int = 10) -> QualityHome:
    """The quality start page: reviews of my work, my queue, my drafts, disputes to decide."""
    role_teams = set(teams_in_scope(viewer, Action.REVIEW_QUALITY).values_list("pk", flat=True))
    grants = set(granted_teams(viewer).values_list("pk", flat=True))
    disputes = (
        Dispute.objects.filter(status=DisputeStatus.OPEN, review__team__in=role_teams | grants)
        .exclude(review__reviewer=viewer)
        .exclude(review__agent=viewer)
        .select_related("review__agent", "review__team", "criterion")
        .order_by("raised_at", "pk")
    )

    def decides(dispute: Dispute) -> bool:
        # may_review_agent's rule, from the teams read once above (no query per dispute).
        agent, team_id = dispute.review.agent, dispute.review.team_id
        by_role = team_id in role_teams and (agent is None or outranks(viewer, agent))
        granted = team_id in grants and (agent is None or Role(agent.role) == Role.AGENT)
        return by_role or granted

    decidable = [d for d in disputes[: limit * 5] if decides(d)][:limit]
    return QualityHome(
        my_reviews=list(
            list_reviews(viewer, agent=viewer).exclude(status=ReviewStatus.DRAFT)[:limit]
        ),
        my_queue=list(list_my_queue(viewer)[:limit]),
        drafts=list(
            list_reviews(viewer, status=ReviewStatus.DRAFT).filter(reviewer=viewer)[:limit]
        ),
        open_disputes=decidable,
        may_review=may_review_somewhere(viewer),
    )


def has_open_queue_item(interaction: Interaction) -> bool:
    return QueueItem.objects.filter(interaction=interaction, done_at__isnull=True).exists()


# --- For other apps (learning's course suggestions) -----------------------------------------


def behaviour_of_key(key: str) -> str | None:
    """The newest wording of the behaviour a criterion key scores, None for an unknown key."""
    return (
        Criterion.objects.filter(key=key)
        .order_by("-version__number", "-pk")
        .values_list("behaviour", flat=True)
        .first()
    )


def recent_criterion_results(
    agent_ids: Collection[int] | QuerySet[Any, Any],
    keys: list[str],
    *,
    last: int,
    since: datetime.datetime,
) -> dict[tuple[int, str], list[tuple[bool, datetime.datetime]]]:
    """For each agent and criterion key: (failed?, when) of the `last` most recent reviews
    since `since` that scored it, newest first; `agent_ids` may be a subquery of ids. Done
    reviews only; calibrations, self-reviews and N/A answers left out; a fail is what
    `CriterionScore.is_fail` says."""
    rows = (
        CriterionScore.objects.filter(
            review__agent_id__in=agent_ids,
            criterion__key__in=keys,
            review__calibration=None,
            review__is_self_review=False,
            review__status__in=DONE_STATUSES,
            review__submitted_at__gte=since,
            fraction__isnull=False,
        )
        .order_by("review__agent_id", "criterion__key", "-review__submitted_at", "-pk")
        .values_list("review__agent_id", "criterion__key", "fraction", "review__submitted_at")
    )
    found: dict[tuple[int, str], list[tuple[bool, datetime.datetime]]] = {}
    for agent_id, key, fraction, submitted_at in rows:
        results = found.setdefault((agent_id, key), [])
        if len(results) < last and submitted_at is not None:
            results.append((fraction is not None and fraction < 0.5, submitted_at))
    return found


def review_scores_of(
    agent_ids: list[int], since: datetime.datetime, until: datetime.datetime
) -> list[tuple[int, datetime.datetime, float]]:
    """(agent, when, score 0..100) of each done review of `agent_ids` submitted in [since,
    until); calibrations and self-reviews left out."""
    rows = Review.objects.filter(
        agent_id__in=agent_ids,
        status__in=DONE_STATUSES,
        calibration=None,
        is_self_review=False,
        submitted_at__gte=since,
        submitted_at__lt=until,
        score__isnull=False,
    ).values_list("agent_id", "submitted_at", "score")
    return [
        (agent_id, when, float(score))
        for agent_id, when, score in rows
        if agent_id is not None and when is not None and score is not None
    ]
