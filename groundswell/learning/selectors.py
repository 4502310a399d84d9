"""Reads of the learning app shared by pages and the API, each scoped to the viewer."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.desk.models import Interaction
from groundswell.learning.models import (
    Attitude,
    Candidate,
    Completion,
    Course,
    CourseClass,
    CourseCriterion,
    Enrolment,
    InterviewScore,
    JobProfile,
    PanelMember,
    Programme,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
)
from groundswell.learning.services import MAX_BUDDIES_PER_PERSON, QuizTurn
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    Action,
    can,
    can_somewhere,
    may_assign,
    restrict,
    teams_in_scope,
)
from groundswell.quality.choices import DONE_STATUSES
from groundswell.quality.models import Review
from groundswell.quality.selectors import recent_criterion_results
from groundswell.recognition.models import Kudos

# A spread of scores (highest minus lowest) from this on is a disagreement worth discussing.
DISAGREEMENT_SPREAD = 2
# How far back the buddy ranking looks.
BUDDY_LOOKBACK_DAYS = 180


def list_profiles(viewer: Person) -> QuerySet[JobProfile]:
    """Every job profile: they state the culture, so everyone may read them."""
    if not can_somewhere(viewer, Action.VIEW_JOB_PROFILES):
        return JobProfile.objects.none()
    return JobProfile.objects.select_related("department").annotate(n_attitudes=Count("attitudes"))


def get_profile_for(viewer: Person, pk: int, *, manage: bool = False) -> JobProfile:
    """One profile with its attitudes and plan; `manage` asks for the right to change it."""
    profile = (
        JobProfile.objects.select_related("department")
        .prefetch_related("attitudes__questions", "onboarding_steps")
        .filter(pk=pk)
        .first()
    )
    if profile is None or not can_somewhere(viewer, Action.VIEW_JOB_PROFILES):
        raise Http404
    if manage and not can(viewer, Action.MANAGE_JOB_PROFILES, profile.department):
        raise PermissionDenied
    return profile


def may_manage_profile(viewer: Person, profile: JobProfile) -> bool:
    return can(viewer, Action.MANAGE_JOB_PROFILES, profile.department)


def list_candidates(viewer: Person, *, status: str = "") -> QuerySet[Candidate]:
    """The candidates the viewer may see: those on whose panel they sit, and all in their
    hiring reach."""
    candidates = Candidate.objects.visible_to(viewer).select_related("profile", "team")
    if status:
        candidates = candidates.filter(status=status)
    return candidates


def get_candidate_for(viewer: Person, pk: int) -> Candidate:
    """One candidate the viewer may see (404 otherwise)."""
    candidate = list_candidates(viewer).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    return candidate


def may_manage_candidate(viewer: Person, candidate: Candidate) -> bool:
    return can(viewer, Action.MANAGE_CANDIDATES, candidate.team)


@dataclass(frozen=True)
class AttitudeRow:
    """One attitude of the consolidated view: the scores shown, their mean and spread."""

    attitude: Attitude
    scores: list[tuple[str, int, str]]
    mean: float | None
    spread: int | None

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT_SPREAD


@dataclass(frozen=True)
class Consolidated:
    """The panel's scores as the viewer may see them."""

    rows: list[AttitudeRow]
    panel: list[PanelMember]
    blind: bool  # the viewer sits on the panel and has not submitted: only their own shown
    submitted: int


def consolidated(
    viewer: Person | None, candidate: Candidate, *, seat: PanelMember | None = None
) -> Consolidated:
    """Each attitude's scores, mean and spread. A panel member who has not sent their scores
    sees only their own (nobody's, before they score): each scores alone."""
    panel = list(candidate.panel.select_related("person"))
    if seat is None and viewer is not None:
        seat = next((m for m in panel if m.person_id == viewer.pk), None)
    blind = seat is not None and seat.submitted_at is None
    shown = [] if blind else [m for m in panel if m.submitted_at is not None]
    by_member = {m.pk: m for m in shown}
    scores = InterviewScore.objects.filter(panel_member__in=list(by_member)).order_by("pk")
    per_attitude: dict[int, list[tuple[str, int, str]]] = {}
    for score in scores:
        member = by_member[score.panel_member_id]
        per_attitude.setdefault(score.attitude_id, []).append(
            (member.display_name, score.score, score.note)
        )
    rows = []
    for attitude in candidate.profile.attitudes.all():
        given = per_attitude.get(attitude.pk, [])
        values = [value for _name, value, _note in given]
        rows.append(
            AttitudeRow(
                attitude=attitude,
                scores=given,
                mean=round(statistics.fmean(values), 2) if values else None,
                spread=(max(values) - min(values)) if len(values) > 1 else None,
            )
        )
    submitted = sum(1 for m in panel if m.submitted_at is not None)
    return Consolidated(rows=rows, panel=panel, blind=blind, submitted=submitted)


# Onboarding ----------------------------------------------------------------------------------


def list_programmes(viewer: Person, *, open_only: bool = False) -> QuerySet[Programme]:
    """The onboarding programmes the viewer may read, with their progress."""
    programmes = (
        Programme.objects.visible_to(viewer)
        .select_related("person__team", "buddy", "profile")
        .annotate(
            n_steps=Count("steps"),
            n_done=Count("steps", filter=Q(steps__completed_at__isnull=False)),
        )
    )
    if open_only:
        programmes = programmes.filter(signed_off_at__isnull=True)
    return programmes


def get_programme_for(viewer: Person, pk: int) -> Programme:
    """One programme the viewer may read (404 otherwise)."""
    programme = (
        Programme.objects.visible_to(viewer)
        .select_related("person__team", "person__department", "buddy", "profile", "signed_off_by")
        .prefetch_related(Prefetch("steps"))
        .filter(pk=pk)
        .first()
    )
    if programme is None:
        raise Http404
    return programme


def may_run(viewer: Person, programme: Programme) -> bool:
    return may_assign(viewer, Action.RUN_ONBOARDING, programme.person)


def may_override(viewer: Person, person: Person) -> bool:
    return may_assign(viewer, Action.OVERRIDE_READINESS, person)


@dataclass(frozen=True)
class BuddyCandidate:
    """A colleague who could guide a new hire, and why they rank where they do."""

    person: Person
    satisfaction: float | None  # share of their customers' answers that were not poor
    quality: float | None  # mean quality review score
    kudos: int
    guiding: int

    @property
    def rank_key(self) -> tuple[float, float, int]:
        return (self.satisfaction or 0.0, (self.quality or 0.0) / 100, self.kudos)


def buddy_suggestions(programme: Programme, *, limit: int = 5) -> list[BuddyCandidate]:
    """The best colleagues of the new hire's team (else department) who have room to guide:
    ranked by customer satisfaction, then quality scores, then kudos received lately."""
    hire = programme.person
    since = timezone.now() - datetime.timedelta(days=BUDDY_LOOKBACK_DAYS)
    place = Q(team_id=hire.team_id) if hire.team_id else Q(department_id=hire.department_id)
    people = (
        Person.objects.filter(place, is_active=True, on_readiness_hold=False)
        .exclude(pk=hire.pk)
        .annotate(
            n_answers=Count(
                "survey_responses",
                filter=Q(survey_responses__submitted_at__gte=since),
                distinct=True,
            ),
            n_good=Count(
                "survey_responses",
                filter=Q(
                    survey_responses__submitted_at__gte=since, survey_responses__is_poor=False
                ),
                distinct=True,
            ),
            guiding=Count(
                "buddy_programmes",
                filter=Q(buddy_programmes__signed_off_at__isnull=True),
                distinct=True,
            ),
        )
        .filter(guiding__lt=MAX_BUDDIES_PER_PERSON)
    )
    found = {person.pk: person for person in people}
    quality = dict(
        Review.objects.filter(
            agent_id__in=found,
            status__in=DONE_STATUSES,
            calibration__isnull=True,
            is_self_review=False,
            submitted_at__gte=since,
        )
        .values("agent_id")
        .annotate(mean=Avg("score"))
        .values_list("agent_id", "mean")
    )
    kudos = dict(
        Kudos.objects.filter(recipient_id__in=found, created_at__gte=since)
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("recipient_id", "n")
    )
    ranked = [
        BuddyCandidate(
            person=person,
            satisfaction=(person.n_good / person.n_answers) if person.n_answers else None,  # type: ignore[attr-defined]
            quality=float(quality[person.pk]) if quality.get(person.pk) is not None else None,
            kudos=kudos.get(person.pk, 0),
            guiding=person.guiding,  # type: ignore[attr-defined]
        )
        for person in found.values()
    ]
    ranked.sort(key=lambda c: (c.rank_key, c.person.full_name), reverse=True)
    return ranked[:limit]


def flagged_interactions(viewer: Person) -> QuerySet[Interaction]:
    """Interactions ingested or imported while their handler was not yet ready, in the teams
    where the viewer runs onboarding (the leads are told here)."""
    return restrict(
        Interaction.objects.filter(handler_not_ready=True),
        viewer,
        Action.RUN_ONBOARDING,
        team="team",
    ).select_related("handled_by", "team")


def people_on_hold(viewer: Person) -> QuerySet[Person]:
    """People on readiness hold whose onboarding the viewer may read."""
    programmes = Programme.objects.visible_to(viewer).filter(signed_off_at__isnull=True)
    return Person.objects.filter(
        Exists(programmes.filter(person=OuterRef("pk"))), on_readiness_hold=True
    )


# Courses and refreshers ----------------------------------------------------------------------


def overdue_teams(viewer: Person) -> QuerySet[Team]:
    """The teams whose overdue list the viewer may read (where they record training)."""
    return teams_in_scope(viewer, Action.RECORD_TRAINING).order_by("name")


def overdue_team(viewer: Person, raw: str) -> Team | None:
    """The team asked for in a filter, refused with a clear message when out of reach."""
    if not raw:
        return None
    team = overdue_teams(viewer).filter(pk=int(raw)).first() if raw.isdigit() else None
    if team is None:
        raise ValidationError(_("There is no team %(team)s among yours.") % {"team": raw})
    return team


def get_course_to_manage(viewer: Person, pk: int) -> Course:
    """A course the viewer keeps (its quiz, its classes): 404 outside the catalogue, 403 for
    one they only read."""
    course = get_course_for(viewer, pk)
    if not can(viewer, Action.MANAGE_COURSES, course.department):
        raise PermissionDenied(
            _("You may not keep the courses of %(d)s.") % {"d": course.department}
        )
    return course


def list_courses(viewer: Person) -> QuerySet[Course]:
    """The catalogue: everyone reads it."""
    if not can_somewhere(viewer, Action.VIEW_JOB_PROFILES):
        return Course.objects.none()
    return Course.objects.filter(is_active=True).select_related("department")


def get_course_for(viewer: Person, pk: int) -> Course:
    course = list_courses(viewer).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def overdue_refreshers(
    viewer: Person, today: datetime.date | None = None, *, team: Team | None = None
) -> QuerySet[Completion]:
    """Certificates that ran out and were not renewed: the latest completion of a person and
    course whose validity ended, for the people where the viewer records training (and the
    viewer's own); `team` narrows it to one team (a lead's list of their team). One indexed
    range on the expiry, then a NOT EXISTS for a newer one."""
    today = today or timezone.localdate()
    newer = Completion.objects.filter(
        course=OuterRef("course"),
        person=OuterRef("person"),
        completed_on__gt=OuterRef("completed_on"),
    )
    expired = Completion.objects.filter(expires_on__lt=today).exclude(Exists(newer))
    if team is None and can(viewer, Action.RECORD_TRAINING, viewer.department):
        # A department or everyone: most expired certificates are in reach, so walking them
        # in expiry order through the join finds the first page at once.
        expired = restrict(
            expired.filter(person__is_active=True),
            viewer,
            Action.RECORD_TRAINING,
            team="person__team",
            department="person__department",
            also=Q(person=viewer),
        )
    else:
        # A team, or one's own: the few people's ids first, then their certificates by the
        # person index. (Through the join, the database walks every expired certificate in
        # expiry order looking for the few of this team: linear in the organisation, 80 ms at
        # 10,000 people on SQLite; bench/learning.py.)
        people = Person.objects.filter(is_active=True)
        if can_somewhere(viewer, Action.RECORD_TRAINING):
            people = restrict(
                people,
                viewer,
                Action.RECORD_TRAINING,
                team="team",
                department="department",
                also=Q(pk=viewer.pk),
            )
        else:
            people = people.filter(pk=viewer.pk)
        if team is not None:
            people = people.filter(team=team)
        expired = expired.filter(person_id__in=list(people.values_list("pk", flat=True)))
    return expired.select_related("course", "person__team").order_by("expires_on", "pk")


@dataclass(frozen=True)
class OverdueRow:
    """One line of the overdue page: who, in which team, which course, expired when."""

    person: str
    team: str
    course: str
    course_url: str
    expired_on: datetime.date


@dataclass(frozen=True)
class OverduePage:
    rows: list[OverdueRow]
    after: str | None  # the cursor of the next page, if there is one


OVERDUE_PAGE_ROWS = 50


def read_overdue_cursor(cursor: str) -> tuple[datetime.date, int] | None:
    """`<expiry date>.<id>` of the last line of a page, or None for the first page; a cursor
    that is not one is refused naming it."""
    if not cursor:
        return None
    day, _sep, pk = cursor.partition(".")
    try:
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        raise ValidationError(
            _("“%(cursor)s” is not a page of this list.") % {"cursor": cursor}
        ) from None


def overdue_page(viewer: Person, *, team: Team | None = None, after: str = "") -> OverduePage:
    """One page of `overdue_refreshers` (OVERDUE_PAGE_ROWS lines after the cursor `after`,
    keyset: no OFFSET, no COUNT), read as plain rows. At 100,000 people, building a certificate,
    a course, a person and a team object per line, and 200 lines at once, cost most of the
    page (bench/learning.py)."""
    start = read_overdue_cursor(after)
    found = overdue_refreshers(viewer, team=team)
    if start is not None:
        day, pk = start
        found = found.filter(Q(expires_on__gt=day) | Q(expires_on=day, pk__gt=pk))
    lines = list(
        found.values_list(
            "pk",
            "person__full_name",
            "person__team__name",
            "course_id",
            "course__title",
            "expires_on",
        )[: OVERDUE_PAGE_ROWS + 1]
    )
    urls: dict[int, str] = {}
    rows = []
    for _pk, person, team_name, course_id, course, expired in lines[:OVERDUE_PAGE_ROWS]:
        if course_id not in urls:
            urls[course_id] = reverse("learning:course-detail", kwargs={"pk": course_id})
        if expired is not None:  # always: the list is of certificates that expired
            rows.append(OverdueRow(person, team_name or "", course, urls[course_id], expired))
    last = lines[OVERDUE_PAGE_ROWS - 1] if len(lines) > OVERDUE_PAGE_ROWS else None
    after_next = f"{last[5].isoformat()}.{last[0]}" if last is not None and last[5] else None
    return OverduePage(rows, after_next)


# Quizzes -------------------------------------------------------------------------------------


def get_quiz_for(viewer: Person, course_pk: int) -> Quiz:
    """The quiz of a course the viewer may read, with its bank (404 when it has none)."""
    course = get_course_for(viewer, course_pk)
    quiz = (
        Quiz.objects.select_related("course__department")
        .prefetch_related("questions__choices")
        .filter(course=course)
        .first()
    )
    if quiz is None:
        raise Http404
    return quiz


def quiz_state(viewer: Person, quiz: Quiz) -> str:
    """Why the viewer may not answer the quiz now, or "" when they may."""
    from groundswell.learning.services import check_quiz_open

    try:
        check_quiz_open(viewer, quiz)
    except (ValidationError, PermissionDenied) as error:
        return error.messages[0] if isinstance(error, ValidationError) else str(error)
    return ""


def quiz_turn(viewer: Person, quiz: Quiz) -> tuple[QuizTurn | None, str]:
    """The viewer's next attempt at the quiz, or None and why they may not answer now."""
    from groundswell.learning.services import quiz_turn as next_turn

    try:
        return next_turn(viewer, quiz), ""
    except (ValidationError, PermissionDenied) as error:
        return None, (error.messages[0] if isinstance(error, ValidationError) else str(error))


def get_quiz_bank(course: Course) -> Quiz | None:
    """A course's quiz with its bank and each question's choices, for the course's keeper; each
    question carries `answered` (whether an attempt used it)."""
    answered = QuizAnswer.objects.filter(question=OuterRef("pk"))
    questions = QuizQuestion.objects.annotate(answered=Exists(answered)).prefetch_related("choices")
    return (
        Quiz.objects.filter(course=course)
        .prefetch_related(Prefetch("questions", queryset=questions))
        .annotate(attempt_count=Count("attempts"))
        .first()
    )


def get_question_to_manage(viewer: Person, course: Course, pk: int) -> QuizQuestion:
    """One question of a course's quiz bank (404 otherwise); the course is one the viewer keeps."""
    question = (
        QuizQuestion.objects.select_related("quiz__course__department")
        .filter(pk=pk, quiz__course=course)
        .first()
    )
    if question is None:
        raise Http404
    return question


def my_attempts(viewer: Person, quiz: Quiz) -> QuerySet[QuizAttempt]:
    """The viewer's own attempts at a quiz (nobody reads another's answers)."""
    return quiz.attempts.filter(person=viewer).order_by("number")


@dataclass(frozen=True)
class AnswerRow:
    question: QuizQuestion
    choice: QuizChoice

    @property
    def right(self) -> bool:
        return self.choice.is_correct


def attempt_for(viewer: Person, quiz: Quiz, number: int) -> tuple[QuizAttempt, list[AnswerRow]]:
    """One of the viewer's attempts with each answer and whether it was right (404 otherwise)."""
    attempt = my_attempts(viewer, quiz).filter(number=number).first()
    if attempt is None:
        raise Http404
    answers = attempt.answers.select_related("question", "choice").order_by(
        "question__position", "question__pk"
    )
    return attempt, [AnswerRow(a.question, a.choice) for a in answers]


# Classes -------------------------------------------------------------------------------------


def list_classes(viewer: Person, course: Course, *, upcoming: bool = True) -> QuerySet[CourseClass]:
    """A course's classes (the catalogue is open to all): by default those still to come."""
    classes = CourseClass.objects.filter(course=course).select_related("trainer")
    if upcoming:
        classes = classes.filter(starts_at__gt=timezone.now())
    return classes


def list_upcoming_classes(viewer: Person) -> QuerySet[CourseClass]:
    """Classes still to come of the catalogue's courses, soonest first; each carries `is_mine`
    (the viewer has a seat)."""
    mine = Enrolment.objects.filter(course_class=OuterRef("pk"), person=viewer)
    return (
        CourseClass.objects.filter(course__in=list_courses(viewer), starts_at__gt=timezone.now())
        .select_related("course", "trainer")
        .annotate(is_mine=Exists(mine))
        .order_by("starts_at", "pk")
    )


def classes_to_mark(viewer: Person) -> QuerySet[CourseClass]:
    """Classes that took place and wait for their attendance: those the viewer gives, and the
    classes of the courses they keep."""
    kept = Department.objects.visible_to(viewer, Action.MANAGE_COURSES)
    return (
        CourseClass.objects.filter(
            starts_at__lte=timezone.now(),
            attendance_marked_at__isnull=True,
            course__is_active=True,
        )
        .filter(Q(trainer=viewer) | Q(course__department__in=kept))
        .select_related("course", "trainer")
        .order_by("-starts_at", "pk")
    )


def get_class_for(viewer: Person, pk: int) -> CourseClass:
    """One class of a course in the catalogue (404 otherwise)."""
    found = (
        CourseClass.objects.select_related("course__department", "trainer")
        .filter(pk=pk, course__in=list_courses(viewer))
        .first()
    )
    if found is None:
        raise Http404
    return found


def class_roster(viewer: Person, course_class: CourseClass) -> QuerySet[Enrolment]:
    """Who is enrolled: the whole list for the trainer and the course's keepers, the people in
    reach for those who record training, and one's own seat for anyone else."""
    from groundswell.learning.services import may_run_class

    enrolments = course_class.enrolments.select_related("person__team")
    if may_run_class(viewer, course_class):
        return enrolments
    if not can_somewhere(viewer, Action.RECORD_TRAINING):
        return enrolments.filter(person=viewer)
    return restrict(
        enrolments,
        viewer,
        Action.RECORD_TRAINING,
        team="person__team",
        department="person__department",
        also=Q(person=viewer),
    )


# Course suggestions from failing reviews ------------------------------------------------------

# A course is suggested when a person failed its behaviour in SUGGEST_FAILS of their last
# SUGGEST_LAST reviews that scored it, within SUGGEST_LOOKBACK_DAYS.
SUGGEST_FAILS, SUGGEST_LAST, SUGGEST_LOOKBACK_DAYS = 2, 3, 180


@dataclass(frozen=True)
class Suggestion:
    """A course suggested for a person, and the behaviour whose reviews keep failing."""

    person: Person
    course: Course
    behaviour: str
    fails: int
    reviews: int


def course_suggestions(viewer: Person, *, team: Team | None = None) -> list[Suggestion]:
    """Courses to suggest for the people whose training the viewer records (never the viewer
    themselves): those mapped to a behaviour the person failed in SUGGEST_FAILS of their last
    SUGGEST_LAST reviews, unless they completed the course after the first of those reviews."""
    if not can_somewhere(viewer, Action.RECORD_TRAINING):
        return []
    mapped = list(CourseCriterion.objects.filter(course__is_active=True).select_related("course"))
    if not mapped:
        return []
    people = restrict(
        Person.objects.filter(is_active=True),
        viewer,
        Action.RECORD_TRAINING,
        team="team",
        department="department",
    ).exclude(pk=viewer.pk)
    if team is not None:
        people = people.filter(team=team)
    since = timezone.now() - datetime.timedelta(days=SUGGEST_LOOKBACK_DAYS)
    # The people in reach go in as a subquery: a manager's department may hold 100,000 people,
    # of whom only those with recent reviews are read, and only those failing are loaded.
    results = {
        found_key: seen
        for found_key, seen in recent_criterion_results(
            people.values("pk"),
            sorted({m.criterion_key for m in mapped}),
            last=SUGGEST_LAST,
            since=since,
        ).items()
        if sum(1 for failed, _when in seen if failed) >= SUGGEST_FAILS
    }
    failing = {person_id for person_id, _key in results}
    if not failing:
        return []
    found = {p.pk: p for p in Person.objects.filter(pk__in=failing).select_related("team")}
    completed: dict[tuple[int, int], datetime.date] = {}
    for person_id, course_id, day in (
        Completion.objects.filter(person_id__in=failing, course__criteria__isnull=False)
        .values_list("person_id", "course_id")
        .annotate(last=Max("completed_on"))
    ):
        completed[(person_id, course_id)] = day
    suggestions = []
    for (person_id, key), seen in sorted(results.items()):
        fails = sum(1 for failed, _when in seen if failed)
        if fails < SUGGEST_FAILS:
            continue
        first = timezone.localdate(seen[-1][1])
        for mapping in mapped:
            if mapping.criterion_key != key:
                continue
            done = completed.get((person_id, mapping.course_id))
            if done is not None and done >= first:
                continue
            suggestions.append(
                Suggestion(found[person_id], mapping.course, mapping.behaviour, fails, len(seen))
            )
    suggestions.sort(key=lambda s: (s.person.full_name, s.course.title))
    return suggestions
