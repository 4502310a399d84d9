"""Writes of the learning app: job profiles, interviews, hiring, onboarding and the readiness
gate. Each use case is one function in one transaction, with the permission check inside."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groundswell.core.lib.tokens import hash_token, looks_like_token, new_token
from groundswell.learning.choices import DEFAULT_STEPS, CandidateStatus, PanelKind, StepKind
from groundswell.learning.models import (
    SCALE_MAX,
    SCALE_MIN,
    Attitude,
    Candidate,
    Completion,
    Course,
    CourseClass,
    CourseCriterion,
    Enrolment,
    InterviewQuestion,
    InterviewScore,
    JobProfile,
    OnboardingStepTemplate,
    PanelMember,
    Programme,
    ProgrammeStep,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
    ReadinessOverride,
)
from groundswell.learning.reminders import REMINDER_DAYS_AHEAD
from groundswell.people import services as people_services
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can, may_assign
from groundswell.quality.selectors import behaviour_of_key

# How many new hires one person may guide at once.
MAX_BUDDIES_PER_PERSON = 2
# How long an outside panel member's link works.
PANEL_LINK_DAYS = 14


class LinkRefused(Exception):
    """A panel link that cannot be used (unknown, used, expired, or the decision is made)."""


# Job profiles ------------------------------------------------------------------------------------


def _check_profiles(actor: Person, department: Department) -> None:
    if not can(actor, Action.MANAGE_JOB_PROFILES, department):
        raise PermissionDenied(_("You may not keep the job profiles of %(d)s.") % {"d": department})


@transaction.atomic
def create_profile(
    *, actor: Person, department: Department, title: str, description: str
) -> JobProfile:
    """Add a job profile whose description states the culture the hire joins."""
    _check_profiles(actor, department)
    profile = JobProfile(department=department, title=title.strip(), description=description)
    profile.full_clean()
    profile.save()
    for position, (kind, step_title) in enumerate(DEFAULT_STEPS):
        OnboardingStepTemplate.objects.create(
            profile=profile, kind=kind, title=step_title, position=position
        )
    return profile


@transaction.atomic
def update_profile(*, actor: Person, profile: JobProfile, **changes: object) -> JobProfile:
    """Change a profile's title, description or whether it is in use."""
    _check_profiles(actor, profile.department)
    unknown = set(changes) - {"title", "description", "is_active"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save(update_fields=list(changes))
    return profile


@transaction.atomic
def add_attitude(
    *,
    actor: Person,
    profile: JobProfile,
    name: str,
    anchors: Sequence[str],
    description: str = "",
) -> Attitude:
    """Add an attitude to look for, with five anchors: what each score looks like, in words."""
    _check_profiles(actor, profile.department)
    if len(anchors) != SCALE_MAX or not all(text.strip() for text in anchors):
        raise ValidationError(
            {"anchors": _("Describe in words what each score from 1 to 5 looks like.")}
        )
    attitude = Attitude(
        profile=profile,
        name=name.strip(),
        description=description,
        position=profile.attitudes.count(),
        **{f"anchor_{n}": text.strip() for n, text in enumerate(anchors, start=1)},
    )
    attitude.full_clean()
    attitude.save()
    return attitude


@transaction.atomic
def add_question(*, actor: Person, attitude: Attitude, kind: str, text: str) -> InterviewQuestion:
    """Add a question to ask, or a moment to observe, to an attitude's interview plan."""
    _check_profiles(actor, attitude.profile.department)
    question = InterviewQuestion(
        attitude=attitude, kind=kind, text=text.strip(), position=attitude.questions.count()
    )
    question.full_clean()
    question.save()
    return question


# Candidates and interviews -------------------------------------------------------------------


def check_hiring(actor: Person, team: Team) -> None:
    """Raise PermissionDenied unless `actor` manages hiring for `team`."""
    if not can(actor, Action.MANAGE_CANDIDATES, team):
        raise PermissionDenied(_("You may not manage candidates for %(team)s.") % {"team": team})


@transaction.atomic
def add_candidate(
    *,
    actor: Person,
    profile: JobProfile,
    team: Team,
    full_name: str,
    email: str,
    consent: bool,
) -> Candidate:
    """Add a candidate; their data is kept only with their consent, for a limited time."""
    check_hiring(actor, team)
    if not consent:
        raise ValidationError(
            {"consent": _("The candidate must agree that we keep their data before we add them.")}
        )
    if profile.department_id != team.department_id:
        raise ValidationError({"team": _("The team must belong to the profile's department.")})
    candidate = Candidate(
        profile=profile,
        team=team,
        full_name=full_name.strip(),
        email=email.strip().lower(),
        consent_at=timezone.now(),
    )
    candidate.full_clean()
    candidate.save()
    return candidate


@dataclass(frozen=True)
class NewSeat:
    """A panel seat just made; `token` is the outside member's link token, shown once."""

    member: PanelMember
    token: str | None


@transaction.atomic
def add_panel_member(
    *,
    actor: Person,
    candidate: Candidate,
    person: Person | None = None,
    name: str = "",
    email: str = "",
    kind: str = PanelKind.COLLEAGUE,
) -> NewSeat:
    """Seat a colleague on the panel, or a customer or internal user who gets a one-time link."""
    check_hiring(actor, candidate.team)
    _check_open(candidate)
    if person is not None:
        if not person.is_active:
            raise ValidationError({"person": _("%(name)s has left.") % {"name": person}})
        if candidate.panel.filter(person=person).exists():
            raise ValidationError(
                {"person": _("%(name)s is on this panel already.") % {"name": person}}
            )
        member = PanelMember.objects.create(candidate=candidate, person=person, kind=kind)
        return NewSeat(member=member, token=None)
    if not name.strip():
        raise ValidationError({"name": _("Give the outside panel member's name.")})
    if kind == PanelKind.COLLEAGUE:
        kind = PanelKind.CUSTOMER
    token, digest = new_token()
    member = PanelMember(
        candidate=candidate,
        kind=kind,
        name=name.strip(),
        email=email.strip().lower(),
        token_hash=digest,
        link_expires_at=timezone.now() + datetime.timedelta(days=PANEL_LINK_DAYS),
    )
    member.full_clean(exclude=["candidate", "person"])
    member.save()
    return NewSeat(member=member, token=token)


def _check_open(candidate: Candidate) -> None:
    if candidate.is_decided:
        raise ValidationError(
            {"status": _("The decision on %(name)s is made.") % {"name": candidate}}
        )


def seat_for_link(token: str) -> PanelMember:
    """The outside member's seat behind a link, or LinkRefused saying why it cannot be used."""
    if not looks_like_token(token):
        raise LinkRefused(_("This interview link is not valid."))
    member = (
        PanelMember.objects.select_related("candidate__profile")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if member is None:
        raise LinkRefused(_("This interview link is not valid."))
    _check_link(member)
    return member


def _check_link(member: PanelMember) -> None:
    if member.submitted_at is not None:
        raise LinkRefused(_("This link was used already: your scores are in. Thank you."))
    if member.candidate.is_decided:
        raise LinkRefused(_("The decision on this candidate is made, so the panel is closed."))
    if member.link_expires_at is not None and member.link_expires_at < timezone.now():
        raise LinkRefused(_("This interview link has expired."))


def seat_of(actor: Person, candidate: Candidate) -> PanelMember:
    """`actor`'s own seat on `candidate`'s panel, or PermissionDenied."""
    if not can(actor, Action.SCORE_INTERVIEWS, actor):
        raise PermissionDenied(_("You may not score interviews."))
    member = candidate.panel.filter(person=actor).first()
    if member is None:
        raise PermissionDenied(_("You are not on this candidate's panel."))
    return member


@transaction.atomic
def submit_scores(
    *,
    member: PanelMember,
    scores: Mapping[int, int],
    notes: Mapping[int, str] | None = None,
    comment: str = "",
) -> PanelMember:
    """Record one panel member's scores, once: each attitude of the profile, 1 to 5."""
    locked = PanelMember.objects.select_for_update().select_related("candidate").get(pk=member.pk)
    if locked.person_id is None:
        try:
            _check_link(locked)
        except LinkRefused as refused:
            raise ValidationError({"token": str(refused)}) from refused
    else:
        _check_open(locked.candidate)
        if locked.submitted_at is not None:
            raise ValidationError({"scores": _("You have sent your scores already.")})
    attitudes = list(Attitude.objects.filter(profile_id=locked.candidate.profile_id))
    errors: dict[str, str] = {}
    for attitude in attitudes:
        value = scores.get(attitude.pk)
        if value is None:
            errors[f"attitude_{attitude.pk}"] = _("Score %(a)s.") % {"a": attitude}
        elif not SCALE_MIN <= value <= SCALE_MAX:
            errors[f"attitude_{attitude.pk}"] = _(
                "A score is from %(min)d to %(max)d, not %(value)d."
            ) % {"min": SCALE_MIN, "max": SCALE_MAX, "value": value}
    known = {attitude.pk for attitude in attitudes}
    for pk in set(scores) - known:
        errors[f"attitude_{pk}"] = _("This attitude is not part of the profile.")
    if errors:
        raise ValidationError(errors)
    InterviewScore.objects.bulk_create(
        InterviewScore(
            panel_member=locked,
            attitude_id=pk,
            score=scores[pk],
            note=(notes or {}).get(pk, "")[:1000],
        )
        for pk in known
    )
    locked.submitted_at = timezone.now()
    locked.comment = comment[:3000]
    locked.save(update_fields=["submitted_at", "comment"])
    return locked


@transaction.atomic
def decide(
    *,
    actor: Person,
    candidate: Candidate,
    hire: bool,
    reason: str,
    start_date: datetime.date | None = None,
) -> Candidate:
    """Decide on a candidate with a reason; hiring makes them a person with onboarding."""
    check_hiring(actor, candidate.team)
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    _check_open(locked)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: the decision needs a reason.")})
    locked.status = CandidateStatus.HIRED if hire else CandidateStatus.DECLINED
    locked.decision_reason = reason.strip()
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    if hire:
        locked.hired_person = _hire(actor, locked, start_date or timezone.localdate())
    locked.save(
        update_fields=["status", "decision_reason", "decided_at", "decided_by", "hired_person"]
    )
    # Outside links stop working with the decision.
    locked.panel.filter(person__isnull=True, submitted_at__isnull=True).update(token_hash=None)
    return locked


def _hire(actor: Person, candidate: Candidate, start: datetime.date) -> Person:
    person = people_services.create_person(
        actor=actor,
        full_name=candidate.full_name,
        email=candidate.email,
        role=Role.AGENT,
        job_title=candidate.profile.title,
        department=candidate.team.department,
        team=candidate.team,
        manager=candidate.team.lead,
        hire_date=start,
    )
    Person.objects.filter(pk=person.pk).update(on_readiness_hold=True)
    person.on_readiness_hold = True
    start_programme(person=person, profile=candidate.profile)
    return person


def start_programme(*, person: Person, profile: JobProfile) -> Programme:
    """Give a new hire the onboarding programme of their role, and hold them back from live
    customers until it is signed off (called by the hire)."""
    programme = Programme.objects.create(person=person, profile=profile)
    templates = list(profile.onboarding_steps.all()) or [
        OnboardingStepTemplate(kind=kind, title=title, position=n)
        for n, (kind, title) in enumerate(DEFAULT_STEPS)
    ]
    ProgrammeStep.objects.bulk_create(
        ProgrammeStep(programme=programme, kind=t.kind, title=t.title, position=t.position)
        for t in templates
    )
    return programme


@transaction.atomic
def purge_expired_candidates(*, today: datetime.date | None = None) -> int:
    """Delete candidates not hired whose retention period ran out; returns how many."""
    months = settings.GROUNDSWELL_LEARNING_CANDIDATE_RETENTION_MONTHS
    now = (
        timezone.now()
        if today is None
        else timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    )
    cutoff = now - datetime.timedelta(days=round(months * 30.44))
    expired = Candidate.objects.exclude(status=CandidateStatus.HIRED).filter(created_at__lt=cutoff)
    deleted, _rows = expired.delete()
    return deleted


# Onboarding ----------------------------------------------------------------------------------


def check_running(actor: Person, programme: Programme) -> None:
    """Raise PermissionDenied unless `actor` runs this programme (the hire's lead and above)."""
    if not may_assign(actor, Action.RUN_ONBOARDING, programme.person):
        raise PermissionDenied(
            _("You may not run the onboarding of %(p)s.") % {"p": programme.person}
        )


@transaction.atomic
def choose_buddy(*, actor: Person, programme: Programme, buddy: Person) -> Programme:
    """Pair a new hire with a buddy, who guides no more than MAX_BUDDIES_PER_PERSON at once."""
    check_running(actor, programme)
    errors = None
    if buddy.pk == programme.person_id:
        errors = _("Nobody is their own buddy.")
    elif not buddy.is_active or buddy.on_readiness_hold:
        errors = _("A buddy is an active colleague who is signed off themselves.")
    else:
        # Lock the buddy's row so two leads cannot both take their last place.
        Person.objects.select_for_update().filter(pk=buddy.pk).first()
        guiding = (
            Programme.objects.filter(buddy=buddy, signed_off_at__isnull=True)
            .exclude(pk=programme.pk)
            .count()
        )
        if guiding >= MAX_BUDDIES_PER_PERSON:
            errors = _("%(name)s already guides %(n)d new hires, the most one person may.") % {
                "name": buddy,
                "n": guiding,
            }
    if errors:
        raise ValidationError({"buddy": errors})
    programme.buddy = buddy
    programme.save(update_fields=["buddy"])
    Person.objects.filter(pk=programme.person_id).update(buddy=buddy)
    return programme


@transaction.atomic
def complete_step(*, actor: Person, step: ProgrammeStep, note: str = "") -> ProgrammeStep:
    """Record a step of the programme as done (the sign-off has its own function)."""
    check_running(actor, step.programme)
    if step.kind == StepKind.SIGN_OFF:
        raise ValidationError({"step": _("The sign-off is given with the sign-off button.")})
    updated = ProgrammeStep.objects.filter(pk=step.pk, completed_at__isnull=True).update(
        completed_at=timezone.now(), completed_by=actor, note=note.strip()[:500]
    )
    if not updated:
        raise ValidationError({"step": _("This step is done already.")})
    step.refresh_from_db()
    return step


@transaction.atomic
def sign_off(*, actor: Person, programme: Programme) -> Programme:
    """The lead's sign-off: the new hire is ready for live customers from now on."""
    check_running(actor, programme)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.signed_off_at is not None:
        raise ValidationError({"programme": _("This programme is signed off already.")})
    missing = list(
        locked.steps.filter(completed_at__isnull=True)
        .exclude(kind=StepKind.SIGN_OFF)
        .values_list("title", flat=True)
    )
    if missing:
        raise ValidationError(
            {
                "programme": _("Not every step is done yet: %(steps)s.")
                % {"steps": "; ".join(missing)}
            }
        )
    now = timezone.now()
    locked.steps.filter(kind=StepKind.SIGN_OFF).update(completed_at=now, completed_by=actor)
    locked.signed_off_at, locked.signed_off_by = now, actor
    locked.save(update_fields=["signed_off_at", "signed_off_by"])
    Person.objects.filter(pk=locked.person_id).update(
        on_readiness_hold=False, readiness_override_until=None
    )
    return locked


@transaction.atomic
def override_readiness(
    *, actor: Person, person: Person, reason: str, until: datetime.date | None
) -> ReadinessOverride:
    """A manager clears someone on hold for live customers until a date, with a reason."""
    if not may_assign(actor, Action.OVERRIDE_READINESS, person):
        raise PermissionDenied(
            _("You may not clear %(name)s for live customers.") % {"name": person}
        )
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Say why they may serve live customers before sign-off.")
    today = timezone.localdate()
    if until is None:
        errors["until"] = _("Give the last day the override holds.")
    elif until < today:
        errors["until"] = _("The end date is in the past.")
    if not person.on_readiness_hold:
        errors["person"] = _("%(name)s is not on hold: nothing to override.") % {"name": person}
    if errors or until is None:
        raise ValidationError(errors)
    Person.objects.filter(pk=person.pk).update(readiness_override_until=until)
    person.readiness_override_until = until
    return ReadinessOverride.objects.create(
        person=person, granted_by=actor, reason=reason.strip(), until=until
    )


# Courses and refreshers ----------------------------------------------------------------------


@transaction.atomic
def create_course(
    *,
    actor: Person,
    department: Department,
    title: str,
    content: str,
    links: str = "",
    refresher_months: int | None = None,
) -> Course:
    """Add a course to the catalogue; with `refresher_months` its certificates expire."""
    if not can(actor, Action.MANAGE_COURSES, department):
        raise PermissionDenied(_("You may not keep the courses of %(d)s.") % {"d": department})
    course = Course(
        department=department,
        title=title.strip(),
        content=content,
        links=links,
        refresher_months=refresher_months,
    )
    course.full_clean()
    course.save()
    return course


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - February always has a 28th


@transaction.atomic
def record_completion(
    *, actor: Person, course: Course, person: Person, completed_on: datetime.date | None = None
) -> Completion:
    """Record that `person` completed `course`; the certificate runs until the next refresher."""
    if not may_assign(actor, Action.RECORD_TRAINING, person):
        raise PermissionDenied(_("You may not record training for %(name)s.") % {"name": person})
    day = completed_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"completed_on": _("A completion cannot be in the future.")})
    return _complete(course=course, person=person, day=day, recorded_by=actor)


def _complete(
    *, course: Course, person: Person, day: datetime.date, recorded_by: Person
) -> Completion:
    """The completion (certificate) of `course` by `person` on `day`, once a day."""
    expires = _add_months(day, course.refresher_months) if course.refresher_months else None
    completion, _created = Completion.objects.get_or_create(
        course=course,
        person=person,
        completed_on=day,
        defaults={"expires_on": expires, "recorded_by": recorded_by},
    )
    return completion


# Quizzes -----------------------------------------------------------------------------------------


def _check_courses(actor: Person, course: Course) -> None:
    if not can(actor, Action.MANAGE_COURSES, course.department):
        raise PermissionDenied(
            _("You may not keep the courses of %(d)s.") % {"d": course.department}
        )


@transaction.atomic
def set_quiz(
    *,
    actor: Person,
    course: Course,
    pass_mark: int = 80,
    max_attempts: int = 3,
    deadline: datetime.datetime | None = None,
) -> Quiz:
    """Give a course its quiz, or change the quiz's pass mark, attempts and deadline."""
    _check_courses(actor, course)
    # get_or_create, then the lock: two first sendings at once make one quiz, the later wins.
    made, _created = Quiz.objects.get_or_create(course=course)
    quiz = Quiz.objects.select_for_update().get(pk=made.pk)
    quiz.pass_mark, quiz.max_attempts, quiz.deadline = pass_mark, max_attempts, deadline
    quiz.full_clean(exclude=["course"])
    quiz.save()
    return quiz


@transaction.atomic
def add_quiz_question(
    *, actor: Person, quiz: Quiz, text: str, choices: Sequence[str], correct: int
) -> QuizQuestion:
    """Add a single-choice question to a quiz's bank: `choices` in order, `correct` the index
    (from 0) of the right one."""
    _check_courses(actor, quiz.course)
    texts = [choice.strip() for choice in choices]
    if len(texts) < 2 or any(not t for t in texts):
        raise ValidationError({"choices": _("Give at least two answers, none of them empty.")})
    if len(set(texts)) != len(texts):
        raise ValidationError({"choices": _("Two answers are the same.")})
    if not 0 <= correct < len(texts):
        raise ValidationError(
            {
                "correct": _("Say which answer is right: a number from 0 to %(n)s.")
                % {"n": len(texts) - 1}
            }
        )
    question = QuizQuestion(quiz=quiz, text=text.strip(), position=quiz.questions.count())
    question.full_clean(validate_constraints=False)
    if quiz.questions.filter(text=question.text).exists():
        raise ValidationError({"text": _("This question is in the bank already.")})
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:
        raise ValidationError({"text": _("This question is in the bank already.")}) from None
    for position, choice in enumerate(texts):
        made = QuizChoice(
            question=question, text=choice, is_correct=position == correct, position=position
        )
        made.full_clean()
        made.save()
    return question


@transaction.atomic
def remove_quiz_question(*, actor: Person, question: QuizQuestion) -> None:
    """Take a question out of a quiz's bank, while nobody has answered it (an answered one
    stays, so that every attempt can still be read back as it was scored)."""
    _check_courses(actor, question.quiz.course)
    if QuizAnswer.objects.filter(question=question).exists():
        raise ValidationError(
            _("“%(text)s” has been answered already: it stays, so that past attempts still read.")
            % {"text": question.text}
        )
    question.delete()


def _cycle_start(person: Person, quiz: Quiz, today: datetime.date) -> datetime.datetime | None:
    """When the person's present cycle of the course began: at their latest completion once its
    certificate is due for a refresher (a reminder goes out), so the quiz can be taken again
    with all its attempts; None while no refresher is due (every attempt counts)."""
    latest = (
        Completion.objects.filter(course=quiz.course, person=person)
        .order_by("-completed_on", "-pk")
        .values_list("expires_on", "created_at")
        .first()
    )
    if latest is None:
        return None
    expires_on, created_at = latest
    due = today + datetime.timedelta(days=REMINDER_DAYS_AHEAD)
    return created_at if expires_on is not None and expires_on <= due else None


@dataclass(frozen=True)
class QuizTurn:
    """The attempt a person may make now: its number, and how many are left after it."""

    number: int
    left_after: int


def quiz_turn(person: Person, quiz: Quiz, *, now: datetime.datetime | None = None) -> QuizTurn:
    """The person's next attempt at `quiz`, or a ValidationError saying why there is none.

    Attempts count within the present cycle: once a certificate is due for its refresher, the
    quiz opens again with all its attempts (numbers keep counting up across cycles)."""
    now = now or timezone.now()
    if not can(person, Action.VIEW_JOB_PROFILES, quiz.course.department):
        raise PermissionDenied(_("You may not take this course's quiz."))
    if quiz.deadline is not None and now > quiz.deadline:
        raise ValidationError(
            _("This quiz closed on %(day)s: answers are no longer taken.")
            % {"day": timezone.localtime(quiz.deadline).strftime("%d %B %Y %H:%M")}
        )
    # A person's attempts at one quiz are a handful: one read, counted here.
    mine = list(quiz.attempts.filter(person=person).values_list("passed", "submitted_at"))
    start = _cycle_start(person, quiz, timezone.localdate(now))
    attempts = [passed for passed, at in mine if start is None or at > start]
    taken = len(mine)
    if any(attempts):
        raise ValidationError(_("You passed this quiz already."))
    if len(attempts) >= quiz.max_attempts:
        raise ValidationError(
            _("You have used all %(n)s attempts at this quiz.") % {"n": quiz.max_attempts}
        )
    if not quiz.questions.exists():
        raise ValidationError(_("This quiz has no questions yet."))
    return QuizTurn(number=taken + 1, left_after=quiz.max_attempts - len(attempts) - 1)


def check_quiz_open(person: Person, quiz: Quiz, *, now: datetime.datetime | None = None) -> int:
    """Why `person` may not answer `quiz` now (a ValidationError), else their attempt's number."""
    return quiz_turn(person, quiz, now=now).number


class QuizAlreadySent(ValidationError):
    """The answers of an attempt that is stored already came again (a second click)."""

    def __init__(self, number: int) -> None:
        super().__init__(_("These answers were stored already as attempt %(n)s.") % {"n": number})
        self.number = number


def submit_quiz(
    *, actor: Person, quiz: Quiz, answers: Mapping[int, int], number: int | None = None
) -> QuizAttempt:
    """Score the actor's answers (question id to choice id), every question answered; passing
    records the completion, with its certificate's expiry from the course's cadence. Two
    sendings at once take one attempt: the second is refused. `number`, when given, is the
    attempt the learner's page was for: sent again after it is stored, it is refused with
    `QuizAlreadySent` instead of becoming the next attempt."""
    try:
        with transaction.atomic():
            return _submit_quiz(actor, quiz, answers, number)
    except IntegrityError:
        raise ValidationError(
            _("These answers were sent twice at once: only the first one counts.")
        ) from None


def _submit_quiz(
    actor: Person, quiz: Quiz, answers: Mapping[int, int], expected: int | None
) -> QuizAttempt:
    if expected is not None and quiz.attempts.filter(person=actor, number=expected).exists():
        raise QuizAlreadySent(expected)
    number = check_quiz_open(actor, quiz)
    if expected is not None and expected != number:
        raise ValidationError(
            {
                "attempt": _("This page was for attempt %(n)s: open the quiz again.")
                % {"n": expected}
            }
        )
    questions = {q.pk: q for q in quiz.questions.prefetch_related("choices")}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValidationError(
            {"answers": _("Question %(id)s is not in this quiz.") % {"id": min(unknown)}}
        )
    missing = [q for pk, q in questions.items() if pk not in answers]
    if missing:
        raise ValidationError(
            {
                "answers": _("Answer every question: “%(text)s” has no answer.")
                % {"text": missing[0].text}
            }
        )
    picked: list[tuple[QuizQuestion, QuizChoice]] = []
    for pk, question in questions.items():
        choice = next((c for c in question.choices.all() if c.pk == answers[pk]), None)
        if choice is None:
            raise ValidationError(
                {
                    "answers": _("Answer %(choice)s is not one of the answers to “%(text)s”.")
                    % {"choice": answers[pk], "text": question.text}
                }
            )
        picked.append((question, choice))
    right = sum(1 for _question, choice in picked if choice.is_correct)
    score = round(100 * right / len(picked))
    attempt = QuizAttempt.objects.create(
        quiz=quiz, person=actor, number=number, score=score, passed=score >= quiz.pass_mark
    )
    QuizAnswer.objects.bulk_create(
        QuizAnswer(attempt=attempt, question=question, choice=choice) for question, choice in picked
    )
    if attempt.passed:
        _complete(
            course=quiz.course,
            person=actor,
            day=timezone.localdate(attempt.submitted_at),
            recorded_by=actor,
        )
    return attempt


# Classes -----------------------------------------------------------------------------------------


@transaction.atomic
def schedule_class(
    *,
    actor: Person,
    course: Course,
    starts_at: datetime.datetime,
    capacity: int,
    trainer: Person,
    place: str = "",
) -> CourseClass:
    """Put a class of a course on the calendar, with a trainer and a number of seats."""
    _check_courses(actor, course)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A class is planned for a time still to come.")})
    if not trainer.is_active:
        raise ValidationError({"trainer": _("%(name)s has left.") % {"name": trainer}})
    made = CourseClass(
        course=course, starts_at=starts_at, capacity=capacity, trainer=trainer, place=place.strip()
    )
    made.full_clean(validate_constraints=False)
    twice = ValidationError(
        {
            "starts_at": _("%(name)s gives a class of this course at that time already.")
            % {"name": trainer}
        }
    )
    if CourseClass.objects.filter(course=course, trainer=trainer, starts_at=starts_at).exists():
        raise twice
    try:
        with transaction.atomic():
            made.save()
    except IntegrityError:
        raise twice from None
    return made


def may_run_class(actor: Person, course_class: CourseClass) -> bool:
    """The class's trainer, and those who keep the course, mark attendance and see the list."""
    return actor.pk == course_class.trainer_id or can(
        actor, Action.MANAGE_COURSES, course_class.course.department
    )


def _check_enrolling(actor: Person, person: Person) -> None:
    if person.pk == actor.pk:
        if not can(actor, Action.VIEW_JOB_PROFILES, person):
            raise PermissionDenied(_("You may not enrol in classes."))
    elif not may_assign(actor, Action.RECORD_TRAINING, person):
        raise PermissionDenied(_("You may not enrol %(name)s.") % {"name": person})


def enrol(*, actor: Person, course_class: CourseClass, person: Person) -> Enrolment:
    """Take a seat in a class for `person` (oneself, or someone whose training the actor
    records). The seat is counted by one conditional UPDATE, so of two enrolments for the last
    seat exactly one gets it and the other is told the class is full."""
    _check_enrolling(actor, person)
    if not person.is_active:
        raise ValidationError(_("%(name)s has left.") % {"name": person})
    if course_class.starts_at <= timezone.now():
        raise ValidationError(_("This class has started: enrolment is closed."))
    try:
        with transaction.atomic():
            if Enrolment.objects.filter(course_class=course_class, person=person).exists():
                raise ValidationError(
                    _("%(name)s is enrolled in this class already.") % {"name": person}
                )
            taken = CourseClass.objects.filter(
                pk=course_class.pk, seats_taken__lt=F("capacity")
            ).update(seats_taken=F("seats_taken") + 1)
            if not taken:
                raise ValidationError(
                    ngettext(
                        "This class is full: its one seat is taken.",
                        "This class is full: all %(n)s seats are taken.",
                        course_class.capacity,
                    )
                    % {"n": course_class.capacity}
                )
            return Enrolment.objects.create(
                course_class=course_class, person=person, enrolled_by=actor
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s is enrolled in this class already.") % {"name": person}
        ) from None


@transaction.atomic
def cancel_enrolment(*, actor: Person, enrolment: Enrolment) -> None:
    """Give a seat back before the class starts."""
    _check_enrolling(actor, enrolment.person)
    course_class = enrolment.course_class
    if course_class.starts_at <= timezone.now():
        raise ValidationError(_("This class has started: the seat cannot be given back."))
    if Enrolment.objects.filter(pk=enrolment.pk).delete()[0]:
        CourseClass.objects.filter(pk=course_class.pk, seats_taken__gt=0).update(
            seats_taken=F("seats_taken") - 1
        )


@transaction.atomic
def mark_attendance(
    *, actor: Person, course_class: CourseClass, attended: Sequence[int]
) -> list[Completion]:
    """The trainer says who came (person ids, all enrolled); each one's completion is recorded
    on the class's day, with its certificate's expiry. The others are marked absent. Marking
    again corrects it, but a completion once recorded stays."""
    if not may_run_class(actor, course_class):
        raise PermissionDenied(_("Only the trainer marks who came to this class."))
    if course_class.starts_at > timezone.now():
        raise ValidationError(_("The class has not started yet: mark who came once it has."))
    enrolments = {
        e.person_id: e
        for e in Enrolment.objects.select_for_update()
        .filter(course_class=course_class)
        .select_related("person")
    }
    strangers = sorted(set(attended) - set(enrolments))
    if strangers:
        raise ValidationError(
            {"attended": _("Person %(id)s is not enrolled in this class.") % {"id": strangers[0]}}
        )
    came = set(attended)
    for person_id, enrolment in enrolments.items():
        enrolment.attended = person_id in came
    Enrolment.objects.bulk_update(enrolments.values(), ["attended"])
    CourseClass.objects.filter(pk=course_class.pk).update(attendance_marked_at=timezone.now())
    day = timezone.localdate(course_class.starts_at)
    return [
        _complete(
            course=course_class.course, person=enrolments[pk].person, day=day, recorded_by=actor
        )
        for pk in sorted(came)
    ]


# Course suggestions from quality -------------------------------------------------------------


def map_criterion(*, actor: Person, course: Course, criterion_key: str) -> CourseCriterion:
    """Say that `course` teaches the scorecard behaviour with key `criterion_key` (mapping it
    twice keeps one)."""
    _check_courses(actor, course)
    key = criterion_key.strip()
    behaviour = behaviour_of_key(key) if key else None
    if behaviour is None:
        raise ValidationError(
            {"criterion_key": _("No scorecard has a behaviour with key “%(key)s”.") % {"key": key}}
        )
    mapped, _created = CourseCriterion.objects.get_or_create(
        course=course, criterion_key=key, defaults={"behaviour": behaviour}
    )
    return mapped
