"""Past reviews from another QA tool, read from a CSV or XLSX file onto one scorecard.

One row is one review: the interaction (its Groundswell number, or its id in the source system),
the reviewer's email, when it was reviewed, one column per criterion of the scorecard's current
version (named by its behaviour) and an optional comment. Every row is checked before anything
is written; the import is all rows or none, or (with `skip_bad_rows`) only the good ones. Each
problem names the line of the file, the column as the file wrote it, and what is wrong.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.imports import fields
from groundswell.core.imports.reader import (
    UnreadableFile,
    all_records,
    extra_cells_problem,
    find_columns,
    header_key,
    read_table,
    row_values,
)
from groundswell.core.imports.report import Report
from groundswell.desk.models import Interaction
from groundswell.people.models import Person
from groundswell.quality import selectors
from groundswell.quality.choices import CriterionScale, ReviewStatus
from groundswell.quality.models import TEXT_LENGTH, Criterion, CriterionScore, Review, Scorecard
from groundswell.quality.services import fraction_of, score_review

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
NA_WORDS = frozenset({"n/a", "na", "-"})
YES_NO_WORDS = {"yes": 1, "y": 1, "true": 1, "1": 1, "no": 0, "n": 0, "false": 0, "0": 0}

ALIASES: dict[str, tuple[str, ...]] = {
    "interaction": ("interaction", "interaction number", "interaction id", "number", "ticket"),
    "external_id": ("external id", "external_id", "ticket id", "conversation id"),
    "reviewer": ("reviewer email", "reviewer", "reviewer_email", "evaluator email"),
    "reviewed_at": ("reviewed at", "reviewed_at", "review date", "evaluated at"),
    "comment": ("comment", "overall comment", "notes"),
}


@dataclass
class ReviewRow:
    line: int
    interaction: Interaction
    reviewer: Person
    reviewed_at: datetime.datetime
    comment: str
    scores: dict[int, int | None]  # criterion id -> value, None for N/A


@dataclass
class Plan:
    """What a file would import, and every problem found in it."""

    report: Report = field(default_factory=Report)
    rows: list[ReviewRow] = field(default_factory=list)
    total: int = 0

    @property
    def bad_lines(self) -> int:
        return self.report.bad_lines


@dataclass(frozen=True)
class Outcome:
    plan: Plan
    committed: bool
    created: int


def may_import(actor: Person, scorecard: Scorecard) -> bool:
    """Past reviews are imported onto a scorecard by whoever manages it."""
    return selectors.may_manage_scorecard(actor, scorecard)


def _score(criterion: Criterion, text: str) -> int | None:
    word = text.strip().lower()
    if word in NA_WORDS or not word:
        if criterion.allows_na:
            return None
        raise fields.Invalid(
            _("“%(name)s” needs a score here; it cannot be N/A.") % {"name": criterion.behaviour}
        )
    if criterion.scale == CriterionScale.YES_NO:
        return fields.choice(
            word,
            YES_NO_WORDS,
            message=_("Write yes or no, not “%(value)s”."),
        )
    if word not in {"1", "2", "3", "4", "5"}:
        raise fields.Invalid(_("A score from 1 to 5, not “%(value)s”.") % {"value": text})
    return int(word)


def check_file(*, actor: Person, scorecard: Scorecard, content: bytes, filename: str = "") -> Plan:
    """Read and check every row; nothing is written."""
    if not may_import(actor, scorecard):
        raise PermissionDenied
    plan = Plan()
    report = plan.report
    version = selectors.current_version(scorecard)
    if version is None:
        report.add_file_problem(_("The scorecard has no version to score with."))
        return plan
    criteria = selectors.version_criteria(version)
    try:
        table = read_table(content, filename, max_bytes=MAX_BYTES)
        records = all_records(table, max_rows=MAX_ROWS)
    except UnreadableFile as error:
        report.add_file_problem(str(error))
        return plan
    header = table.header
    aliases = dict(ALIASES)
    for criterion in criteria:
        aliases[f"criterion:{criterion.pk}"] = (header_key(criterion.behaviour),)
    positions = find_columns(header, aliases)
    report.columns = {name: header[index].strip() for name, index in positions.items()}
    known = set(positions.values())
    for index, name in enumerate(header):
        if index not in known and name.strip():
            report.add_file_problem(
                _("“%(name)s” is neither a known column nor a criterion of %(card)s v%(v)s.")
                % {"name": name.strip(), "card": scorecard.name, "v": version.number},
                column=name.strip(),
            )
    if "interaction" not in positions and "external_id" not in positions:
        report.add_file_problem(
            _("Name the interaction: an “interaction” (number) or “external id” column.")
        )
    for required in ("reviewer", "reviewed_at"):
        if required not in positions:
            report.add_file_problem(
                _("The file has no “%(name)s” column.") % {"name": ALIASES[required][0]}
            )
    for criterion in criteria:
        if f"criterion:{criterion.pk}" not in positions:
            report.add_file_problem(
                _("The file has no column for the criterion “%(name)s”.")
                % {"name": criterion.behaviour}
            )
    if report.file_problems:
        return plan
    plan.total = len(records)
    people = {
        person.email.lower(): person
        for person in Person.objects.filter(is_active=True).exclude(email="")
    }
    zone = timezone.get_current_timezone()
    seen: dict[tuple[int, int], int] = {}
    rows_with_values = []
    for line, record in records:
        width_problem = extra_cells_problem(line, record, len(header))
        if width_problem is not None:
            report.problems.append(width_problem)
        values, problems = row_values(line, record, positions)
        report.problems.extend(problems)
        rows_with_values.append((line, values))
    numbers = {
        int(values["interaction"])
        for _line, values in rows_with_values
        if values.get("interaction", "").isdigit() and len(values["interaction"]) < 19
    }
    external = {
        values["external_id"] for _line, values in rows_with_values if values.get("external_id")
    }
    department = scorecard.department_id
    found = Interaction.objects.filter(team__department_id=department).select_related("team")
    by_number = {i.pk: i for i in found.filter(pk__in=numbers)}
    by_external: dict[str, Interaction] = {}
    for match in found.filter(external_id__in=external):
        by_external.setdefault(match.external_id, match)
    reviewed_pairs = set(
        Review.objects.filter(
            calibration__isnull=True,
            interaction__in=[*by_number.values(), *by_external.values()],
        ).values_list("interaction_id", "reviewer_id")
    )
    for line, values in rows_with_values:
        before = len(report.problems)
        interaction: Interaction | None = None
        number = values.get("interaction", "")
        if number:
            interaction = (
                by_number.get(int(number)) if number.isdigit() and len(number) < 19 else None
            )
            if interaction is None:
                report.add(
                    line,
                    "interaction",
                    _("No interaction number %(value)s in %(department)s.")
                    % {"value": number, "department": scorecard.department},
                )
        elif values.get("external_id"):
            interaction = by_external.get(values["external_id"])
            if interaction is None:
                report.add(
                    line,
                    "external_id",
                    _("No interaction with the external id “%(value)s” in %(department)s.")
                    % {"value": values["external_id"], "department": scorecard.department},
                )
        else:
            column = "interaction" if "interaction" in positions else "external_id"
            report.add(line, column, _("Name the interaction this review is of."))
        reviewer = None
        address = values["reviewer"]
        if not address:
            report.add(line, "reviewer", _("Give the reviewer's email address."))
        else:
            try:
                reviewer = people.get(fields.email(address))
                if reviewer is None:
                    report.add(
                        line,
                        "reviewer",
                        _("Nobody active has the email address “%(email)s”.") % {"email": address},
                    )
            except fields.Invalid as error:
                report.add(line, "reviewer", error.message)
        reviewed_at = None
        if not values["reviewed_at"]:
            report.add(line, "reviewed_at", _("Give the date and time of the review."))
        else:
            try:
                text = values["reviewed_at"]
                if len(text) == 10:
                    text += "T12:00:00"
                reviewed_at = fields.moment(text, zone=zone)
                if reviewed_at > timezone.now():
                    report.add(line, "reviewed_at", _("The review date is in the future."))
            except fields.Invalid as error:
                report.add(line, "reviewed_at", error.message)
        scores: dict[int, int | None] = {}
        for criterion in criteria:
            name = f"criterion:{criterion.pk}"
            try:
                scores[criterion.pk] = _score(criterion, values[name])
            except fields.Invalid as error:
                report.add(line, name, error.message)
        comment = values.get("comment", "")
        if len(comment) > TEXT_LENGTH:
            report.add(line, "comment", _("At most %(limit)s characters.") % {"limit": TEXT_LENGTH})
        if interaction is not None and reviewer is not None:
            pair = (interaction.pk, reviewer.pk)
            if pair in reviewed_pairs:
                report.add(
                    line,
                    "reviewer",
                    _("%(name)s has reviewed interaction %(number)s already.")
                    % {"name": reviewer, "number": interaction.pk},
                )
            elif pair in seen:
                report.add(
                    line,
                    "reviewer",
                    _("Line %(other)s has the same interaction and reviewer.")
                    % {"other": seen[pair]},
                )
            else:
                seen[pair] = line
        if (
            len(report.problems) == before
            and interaction is not None
            and reviewer is not None
            and reviewed_at is not None
        ):
            if all(scores[c.pk] is None for c in criteria if not c.is_bonus):
                report.add(line, "", _("Every counted criterion is N/A: nothing to score."))
                continue
            plan.rows.append(ReviewRow(line, interaction, reviewer, reviewed_at, comment, scores))
    bad = {problem.line for problem in report.problems}
    plan.rows = [row for row in plan.rows if row.line not in bad]
    return plan


def commit_plan(
    *, actor: Person, scorecard: Scorecard, plan: Plan, skip_bad_rows: bool = False
) -> Outcome:
    """Write the plan's reviews at once (set-based), or nothing when a row is bad and
    `skip_bad_rows` is off, or the file as a whole is wrong."""
    report = plan.report
    if report.file_problems or not plan.total:
        return Outcome(plan, committed=False, created=0)
    if (report.problems and not skip_bad_rows) or not plan.rows:
        return Outcome(plan, committed=not report.problems or skip_bad_rows, created=0)
    version = selectors.current_version(scorecard)
    if version is None:  # check_file reported it already
        return Outcome(plan, committed=False, created=0)
    criteria = selectors.version_criteria(version)
    with transaction.atomic():
        reviews = []
        all_scores: list[list[CriterionScore]] = []
        for row in plan.rows:
            scores = []
            for criterion in criteria:
                value = row.scores[criterion.pk]
                scores.append(
                    CriterionScore(
                        criterion=criterion,
                        value=value,
                        is_na=value is None,
                        fraction=None if value is None else fraction_of(criterion, value),
                    )
                )
            outcome = score_review(criteria, {s.criterion.pk: s for s in scores})
            interaction = row.interaction
            reviews.append(
                Review(
                    version=version,
                    interaction=interaction,
                    team=interaction.team,
                    agent_id=interaction.handled_by_id,
                    reviewer=row.reviewer,
                    is_self_review=interaction.handled_by_id == row.reviewer.pk,
                    status=ReviewStatus.SUBMITTED,
                    score=outcome.score,
                    weighted_score=outcome.weighted_score,
                    is_failed=outcome.is_failed,
                    comment=row.comment,
                    created_at=row.reviewed_at,
                    submitted_at=row.reviewed_at,
                )
            )
            all_scores.append(scores)
        created = Review.objects.bulk_create(reviews)
        rows = []
        for review, scores in zip(created, all_scores, strict=True):
            for score in scores:
                score.review = review
                rows.append(score)
        CriterionScore.objects.bulk_create(rows)
    return Outcome(plan, committed=True, created=len(created))


def import_reviews(
    *,
    actor: Person,
    scorecard: Scorecard,
    content: bytes,
    filename: str = "",
    skip_bad_rows: bool = False,
) -> Outcome:
    """Check a file and import it: all rows or none, or only the good ones if `skip_bad_rows`."""
    plan = check_file(actor=actor, scorecard=scorecard, content=content, filename=filename)
    return commit_plan(actor=actor, scorecard=scorecard, plan=plan, skip_bad_rows=skip_bad_rows)
