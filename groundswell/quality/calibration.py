"""Calibration: several reviewers score the same interactions blind, then see how far they agree.

A manager (Action.CALIBRATE, for the scorecard's department) picks the interactions, at least
two reviewers and the scorecard version. Each reviewer scores every interaction on a
calibration review (a `Review` with `calibration` set, never shown among the ordinary reviews).
Nobody, the manager included, reads anyone's calibration scores while the calibration is open:
a reviewer reads only their own. When the last reviewer submits, the results are computed once
(`statistics.calibration_results`), kept on the calibration (`Calibration.results`), the agreed
scores are stored as the interaction's reference (`ReferenceScore`) and the calibration is
revealed. Pages read the kept results; nothing recomputes on a page view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib.stats import Interval
from groundswell.desk.models import Interaction
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can, can_somewhere, departments_in_scope
from groundswell.quality import selectors, services, statistics
from groundswell.quality.choices import CalibrationStatus, CriterionScale, ReviewStatus
from groundswell.quality.models import (
    Calibration,
    CalibrationItem,
    CalibrationReviewer,
    Criterion,
    CriterionScore,
    ReferenceScore,
    Review,
    ScorecardVersion,
)

MAX_ITEMS = 100
MAX_REVIEWERS = 30

# --- Creating -----------------------------------------------------------------------------------


def may_run(person: Person, calibration: Calibration) -> bool:
    """May `person` create, follow and recompute calibrations of this department?"""
    return can(person, Action.CALIBRATE, calibration.department)


@transaction.atomic
def create_calibration(
    *,
    actor: Person,
    name: str,
    version: ScorecardVersion,
    interactions: Sequence[Interaction],
    reviewers: Sequence[Person],
    due_on: Any = None,
) -> Calibration:
    """A calibration of `interactions` by `reviewers` on one scorecard version.

    Every problem is a ValidationError naming it, raised before anything is written: fewer
    than two reviewers, no interaction, an interaction of another department (or outside the
    manager's reach: the same answer as one that does not exist), a reviewer outside reach.
    """
    department = version.scorecard.department
    if not can(actor, Action.CALIBRATE, department):
        raise PermissionDenied
    people = list({person.pk: person for person in reviewers}.values())
    if len(people) < 2:
        raise ValidationError(
            {
                "reviewers": _("A calibration needs at least two reviewers; this one has %(n)s.")
                % {"n": len(people)}
            }
        )
    if len(people) > MAX_REVIEWERS:
        raise ValidationError(
            {"reviewers": _("At most %(n)s reviewers in one calibration.") % {"n": MAX_REVIEWERS}}
        )
    for person in people:
        if not person.is_active or not can(actor, Action.CALIBRATE, person):
            raise ValidationError(
                {"reviewers": _("%(name)s is not someone you can ask.") % {"name": person}}
            )
    items = list({item.pk: item for item in interactions}.values())
    if not items:
        raise ValidationError({"interactions": _("Choose at least one interaction to score.")})
    if len(items) > MAX_ITEMS:
        raise ValidationError(
            {"interactions": _("At most %(n)s interactions in one calibration.") % {"n": MAX_ITEMS}}
        )
    for interaction in items:
        if interaction.team.department_id != department.pk:
            raise ValidationError(
                {"interactions": _("No interaction %(pk)s in reach.") % {"pk": interaction.pk}}
            )
    if not name.strip():
        raise ValidationError({"name": _("Give the calibration a name.")})
    calibration = Calibration.objects.create(
        name=name.strip()[:150],
        version=version,
        department=department,
        due_on=due_on,
        created_by=actor,
    )
    CalibrationItem.objects.bulk_create(
        CalibrationItem(calibration=calibration, interaction=item) for item in items
    )
    CalibrationReviewer.objects.bulk_create(
        CalibrationReviewer(calibration=calibration, reviewer=person) for person in people
    )
    return calibration


def interactions_to_calibrate(actor: Person, pks: Sequence[int]) -> list[Interaction]:
    """The interactions with these numbers that `actor` may calibrate on; a number outside
    reach is an error naming it (the same as one that does not exist)."""
    wanted = list(dict.fromkeys(pks))
    found = {
        item.pk: item
        for item in Interaction.objects.filter(
            pk__in=wanted, team__department_id__in=_calibrate_departments(actor)
        ).select_related("team")
    }
    for pk in wanted:
        if pk not in found:
            raise ValidationError(
                {"interactions": _("No interaction %(pk)s in reach.") % {"pk": pk}}
            )
    return [found[pk] for pk in wanted]


def _calibrate_departments(actor: Person) -> QuerySet[Any]:
    """Ids of the departments where `actor` calibrates (every one for an admin)."""
    from groundswell.people.models import Department

    if not can_somewhere(actor, Action.CALIBRATE):
        return Department.objects.none().values("pk")
    departments = departments_in_scope(actor, Action.CALIBRATE)
    everything = Department.objects.all()
    return (everything if departments is None else everything.filter(pk__in=departments)).values(
        "pk"
    )


def calibratable_versions(actor: Person) -> QuerySet[ScorecardVersion]:
    """Current and past versions of the scorecards `actor` may calibrate on."""
    if not can_somewhere(actor, Action.CALIBRATE):
        return ScorecardVersion.objects.none()
    return ScorecardVersion.objects.filter(
        scorecard__department_id__in=_calibrate_departments(actor), scorecard__is_active=True
    ).select_related("scorecard")


def possible_reviewers(actor: Person) -> QuerySet[Person]:
    """Active people of the departments where `actor` calibrates."""
    return Person.objects.filter(
        is_active=True, department_id__in=_calibrate_departments(actor)
    ).order_by("full_name")


# --- Reading ------------------------------------------------------------------------------------


def list_calibrations(viewer: Person) -> QuerySet[Calibration]:
    return (
        Calibration.objects.visible_to(viewer)
        .select_related("version__scorecard", "department")
        .annotate(
            reviewer_count=Count("participants", distinct=True),
            submitted_count=Count(
                "participants", filter=Q(participants__submitted_at__isnull=False), distinct=True
            ),
        )
    )


def get_calibration_for(viewer: Person, pk: int) -> Calibration:
    calibration = (
        Calibration.objects.visible_to(viewer)
        .select_related("version__scorecard", "department")
        .filter(pk=pk)
        .first()
    )
    if calibration is None:
        raise Http404(_("No such calibration."))
    return calibration


def participant(calibration: Calibration, person: Person) -> CalibrationReviewer | None:
    return calibration.participants.filter(reviewer=person).first()


def is_revealed(calibration: Calibration) -> bool:
    return calibration.status != CalibrationStatus.OPEN


@dataclass(frozen=True)
class ItemProgress:
    item: CalibrationItem
    review: Review | None  # the viewer's own calibration review of it

    @property
    def is_done(self) -> bool:
        return self.review is not None and self.review.status != ReviewStatus.DRAFT


def my_items(calibration: Calibration, viewer: Person) -> list[ItemProgress]:
    """The viewer's own progress: their reviews only, whatever the calibration's state."""
    mine = {
        review.interaction_id: review
        for review in Review.objects.filter(calibration=calibration, reviewer=viewer)
    }
    items = calibration.items.select_related("interaction__team", "interaction__handled_by")
    return [ItemProgress(item, mine.get(item.interaction_id)) for item in items]


def visible_scores(calibration: Calibration, viewer: Person) -> QuerySet[CriterionScore]:
    """The calibration's scores `viewer` may read: only their own while it is open (blind);
    everyone's once all have submitted, for those who may read the calibration."""
    scores = CriterionScore.objects.filter(review__calibration=calibration)
    if is_revealed(calibration):
        return scores
    return scores.filter(review__reviewer=viewer)


def get_calibration_review(viewer: Person, calibration: Calibration, pk: int) -> Review:
    """One calibration review: the viewer's own, or anyone's once revealed; 404 otherwise."""
    reviews = Review.objects.filter(calibration=calibration, pk=pk)
    if not is_revealed(calibration):
        reviews = reviews.filter(reviewer=viewer)
    review = reviews.select_related("interaction", "reviewer", "version").first()
    if review is None:
        raise Http404(_("No such review."))
    return review


# --- Scoring ------------------------------------------------------------------------------------


def calibration_interaction(calibration: Calibration, interaction_pk: int) -> Interaction:
    """One of the calibration's interactions; 404 for any other number."""
    item = (
        calibration.items.select_related("interaction__team", "interaction__handled_by")
        .filter(interaction_id=interaction_pk)
        .first()
    )
    if item is None:
        raise Http404(_("No such interaction in this calibration."))
    return item.interaction


def own_review(calibration: Calibration, actor: Person, interaction: Interaction) -> Review | None:
    return Review.objects.filter(
        calibration=calibration, interaction=interaction, reviewer=actor
    ).first()


def open_calibration_review(
    *, actor: Person, calibration: Calibration, interaction: Interaction
) -> Review:
    """The actor's calibration review of one of its interactions, created as a draft once
    (twice at once gives the same row: the unique constraint decides)."""
    if participant(calibration, actor) is None:
        raise PermissionDenied
    if not calibration.items.filter(interaction=interaction).exists():
        raise Http404(_("No such interaction in this calibration."))
    existing = own_review(calibration, actor, interaction)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Review.objects.create(
                version=calibration.version,
                interaction=interaction,
                team=interaction.team,
                agent=interaction.handled_by,
                reviewer=actor,
                calibration=calibration,
            )
    except IntegrityError:
        return Review.objects.get(calibration=calibration, interaction=interaction, reviewer=actor)


@transaction.atomic
def save_calibration_review(
    *,
    actor: Person,
    review: Review,
    scores: dict[int, services.ScoreInput],
    comment: str = "",
    submit: bool = False,
) -> Review:
    """Keep or submit one calibration review; the last submission of the last reviewer
    reveals the calibration and computes its results once."""
    if review.calibration_id is None:
        raise PermissionDenied
    calibration = Calibration.objects.select_for_update().get(pk=review.calibration_id)
    if calibration.status != CalibrationStatus.OPEN:
        raise ValidationError({"review": _("This calibration is closed to new scores.")})
    if review.reviewer_id != actor.pk:
        raise PermissionDenied
    saved = services.save_review(
        actor=actor,
        review=review,
        scores=scores,
        comment=comment,
        submit=submit,
        calibration=True,
    )
    if submit:
        _after_submit(calibration, actor)
    return saved


def _after_submit(calibration: Calibration, actor: Person) -> None:
    items = calibration.items.count()
    done = Review.objects.filter(
        calibration=calibration, reviewer=actor, status=ReviewStatus.SUBMITTED
    ).count()
    if done < items:
        return
    now = timezone.now()
    CalibrationReviewer.objects.filter(
        calibration=calibration, reviewer=actor, submitted_at__isnull=True
    ).update(submitted_at=now)
    if calibration.participants.filter(submitted_at__isnull=True).exists():
        return
    calibration.status = CalibrationStatus.REVEALED
    calibration.revealed_at = now
    calibration.save(update_fields=["status", "revealed_at"])
    compute_results(calibration)


# --- Results ------------------------------------------------------------------------------------

SCALES = {
    CriterionScale.YES_NO: statistics.YES_NO,
    CriterionScale.ONE_TO_FIVE: statistics.ONE_TO_FIVE,
}


def _interval(interval: Interval | None) -> dict[str, float] | None:
    if interval is None:
        return None
    return {"low": interval.low, "high": interval.high, "level": interval.level}


def _agreement(agreement: statistics.Agreement) -> dict[str, Any]:
    return {
        "alpha": agreement.alpha,
        "interval": _interval(agreement.interval),
        "units": agreement.units,
        "pairable_values": agreement.pairable_values,
        "resamples": agreement.resamples,
        "method": agreement.method,
    }


def _distance(distance: statistics.Distance) -> dict[str, Any]:
    return {"value": distance.value, "n": distance.n}


def results_data(
    results: statistics.CalibrationResults, *, labels: dict[int, str], names: dict[int, str]
) -> dict[str, Any]:
    """The results as kept on the calibration (`Calibration.results`, JSON): what the page
    shows and the API returns (`api_analysis.calibration_results_out`), built only here."""
    return {
        "reword_below": results.reword_below,
        "overall": _agreement(results.overall),
        "criteria": [
            {
                "criterion": item.criterion,
                "behaviour": labels[int(item.criterion)],
                "scale": item.scale.name,
                "level": item.scale.level,
                "agreement": _agreement(item.agreement),
                "needs_rewording": item.needs_rewording,
                "note": item.note,
            }
            for item in results.criteria
        ],
        "agreed": [
            {
                "interaction": item.interaction,
                "criterion": item.criterion,
                "value": item.value,
                "n": item.n,
                "is_tied": item.is_tied,
            }
            for item in results.agreed
        ],
        "reviewers": [
            {
                "reviewer": reviewer.reviewer,
                "name": names.get(int(reviewer.reviewer), ""),
                "disagreement_rate": _distance(reviewer.disagreement_rate),
                "mean_absolute_distance": _distance(reviewer.mean_absolute_distance),
            }
            for reviewer in results.reviewers
        ],
    }


@transaction.atomic
def compute_results(calibration: Calibration, *, actor: Person | None = None) -> Calibration:
    """Compute the agreement from the submitted calibration reviews, keep it on the
    calibration, and store the agreed scores as the reference of each interaction."""
    criteria = selectors.version_criteria(calibration.version)
    reviewers = list(
        calibration.participants.order_by("pk").values_list("reviewer_id", "reviewer__full_name")
    )
    units = list(calibration.items.order_by("pk").values_list("interaction_id", flat=True))
    rows = CriterionScore.objects.filter(
        review__calibration=calibration, review__status=ReviewStatus.SUBMITTED
    ).values_list("review__reviewer_id", "review__interaction_id", "criterion_id", "value")
    given: dict[int, dict[tuple[int, int], int | None]] = defaultdict(dict)
    for reviewer_id, interaction_id, criterion_id, value in rows:
        given[criterion_id][(reviewer_id, interaction_id)] = value
    reviewer_ids = [pk for pk, _name in reviewers]
    inputs = [
        statistics.CriterionScores(
            criterion=criterion.pk,
            scale=SCALES[CriterionScale(criterion.scale)],
            scores=[
                [given[criterion.pk].get((reviewer, unit)) for unit in units]
                for reviewer in reviewer_ids
            ],
        )
        for criterion in criteria
    ]
    labels = {criterion.pk: criterion.behaviour for criterion in criteria}
    names = dict(reviewers)
    data: dict[str, Any]
    try:
        results = statistics.calibration_results(inputs, reviewers=reviewer_ids, interactions=units)
    except statistics.QualityStatisticsError as error:
        data = {"error": str(error), "code": error.code}
        calibration.overall_alpha = None
        calibration.overall_alpha_low = calibration.overall_alpha_high = None
        calibration.pairable_values = 0
    else:
        data = results_data(results, labels=labels, names=names)
        overall = results.overall
        calibration.overall_alpha = overall.alpha
        calibration.overall_alpha_low = overall.interval.low if overall.interval else None
        calibration.overall_alpha_high = overall.interval.high if overall.interval else None
        calibration.pairable_values = overall.pairable_values
        now = timezone.now()
        ReferenceScore.objects.filter(calibration=calibration).delete()
        ReferenceScore.objects.bulk_create(
            ReferenceScore(
                calibration=calibration,
                interaction_id=int(agreed.interaction),
                criterion_id=int(agreed.criterion),
                value=None if agreed.value is None else round(agreed.value),
                is_na=agreed.value is None,
                note=_("Decided by the tie rule.") if agreed.is_tied else "",
                agreed_by=actor,
                agreed_at=now,
            )
            for agreed in results.agreed
        )
    calibration.results = data
    calibration.results_at = timezone.now()
    calibration.save(
        update_fields=[
            "results",
            "results_at",
            "overall_alpha",
            "overall_alpha_low",
            "overall_alpha_high",
            "pairable_values",
        ]
    )
    return calibration


@dataclass(frozen=True)
class ReferenceRow:
    interaction: Interaction
    values: list[tuple[Criterion, ReferenceScore | None]]


def reference_rows(calibration: Calibration) -> list[ReferenceRow]:
    """The agreed (reference) score of each interaction and criterion, in two queries."""
    criteria = selectors.version_criteria(calibration.version)
    stored = {
        (ref.interaction_id, ref.criterion_id): ref
        for ref in ReferenceScore.objects.filter(calibration=calibration)
    }
    items = calibration.items.select_related("interaction")
    return [
        ReferenceRow(
            item.interaction,
            [
                (criterion, stored.get((item.interaction_id, criterion.pk)))
                for criterion in criteria
            ],
        )
        for item in items
    ]
