"""Learning over the API: job profiles, candidates and their decisions, onboarding programmes
and readiness overrides. The same selectors and services as the pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.core.api.lookups import row_or_error
from groundswell.core.api.pagination import Pages
from groundswell.core.schemas import Id
from groundswell.learning import attitudes, impact, selectors, services
from groundswell.learning.models import (
    Candidate,
    Completion,
    Course,
    CourseClass,
    CourseCriterion,
    Enrolment,
    JobProfile,
    Programme,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    ReadinessOverride,
)
from groundswell.learning.schemas import (
    AttendanceIn,
    CandidateIn,
    CandidateOut,
    CompletionIn,
    CompletionOut,
    CourseClassIn,
    CourseClassOut,
    CourseCriterionIn,
    CourseCriterionOut,
    CourseOut,
    DecisionIn,
    EnrolmentIn,
    EnrolmentOut,
    ImpactOut,
    JobProfileIn,
    JobProfileOut,
    OverrideIn,
    OverrideOut,
    PanelMemberOut,
    ProfileOutcomesOut,
    ProgrammeOut,
    QuizAttemptIn,
    QuizAttemptOut,
    QuizIn,
    QuizOut,
    QuizQuestionIn,
    QuizQuestionOut,
    SuggestionOut,
)
from groundswell.people.models import Department, Person
from groundswell.people.permissions import Action, can, teams_in_scope
from groundswell.people.typing import ApiRequest

router = Router(tags=["learning"])


@router.get("/learning/profiles", response={200: list[JobProfileOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_profiles(request: ApiRequest) -> QuerySet[JobProfile]:
    """Every job profile with its attitudes and their anchors (everyone may read them)."""
    return selectors.list_profiles(request.auth).prefetch_related("attitudes")


@router.get("/learning/profiles/{int:profile_id}", response={200: JobProfileOut, **ERROR_RESPONSES})
def get_profile(request: ApiRequest, profile_id: int) -> JobProfile:
    return selectors.get_profile_for(request.auth, profile_id)


@router.post("/learning/profiles", response={201: JobProfileOut, **ERROR_RESPONSES})
def create_profile(request: ApiRequest, payload: JobProfileIn) -> Status[JobProfile]:
    """Add a job profile in a department where the caller keeps them."""
    department = row_or_error(Department.objects.all(), "department", payload.department)
    profile = services.create_profile(
        actor=request.auth,
        department=department,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, selectors.get_profile_for(request.auth, profile.pk))


@router.get("/learning/candidates", response={200: list[CandidateOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_candidates(request: ApiRequest, status: str = "") -> QuerySet[Candidate]:
    """Candidates the caller may see: their own panels', and all where they manage hiring."""
    return selectors.list_candidates(request.auth, status=status)


@router.get(
    "/learning/candidates/{int:candidate_id}", response={200: CandidateOut, **ERROR_RESPONSES}
)
def get_candidate(request: ApiRequest, candidate_id: int) -> Candidate:
    return selectors.get_candidate_for(request.auth, candidate_id)


@router.get(
    "/learning/candidates/{int:candidate_id}/panel",
    response={200: list[PanelMemberOut], **ERROR_RESPONSES},
)
def list_panel(request: ApiRequest, candidate_id: int) -> list[object]:
    """Who sits on the candidate's panel and who has scored (never the scores)."""
    candidate = selectors.get_candidate_for(request.auth, candidate_id)
    return list(candidate.panel.select_related("person"))


@router.post("/learning/candidates", response={201: CandidateOut, **ERROR_RESPONSES})
def create_candidate(request: ApiRequest, payload: CandidateIn) -> Status[Candidate]:
    """Add a candidate (their consent is required) for a team where the caller hires."""
    viewer = request.auth
    team = row_or_error(teams_in_scope(viewer, Action.MANAGE_CANDIDATES), "team", payload.team)
    profile = row_or_error(JobProfile.objects.active(), "profile", payload.profile)
    candidate = services.add_candidate(
        actor=viewer,
        profile=profile,
        team=team,
        full_name=payload.full_name,
        email=payload.email,
        consent=payload.consent,
    )
    return Status(201, candidate)


@router.post(
    "/learning/candidates/{int:candidate_id}/decision",
    response={200: CandidateOut, **ERROR_RESPONSES},
)
def decide(request: ApiRequest, candidate_id: int, payload: DecisionIn) -> Candidate:
    """Hire (the candidate becomes a person with onboarding) or decline, with a reason."""
    candidate = selectors.get_candidate_for(request.auth, candidate_id)
    return services.decide(
        actor=request.auth,
        candidate=candidate,
        hire=payload.outcome == "hire",
        reason=payload.reason,
        start_date=payload.start_date,
    )


@router.get("/learning/programmes", response={200: list[ProgrammeOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_programmes(request: ApiRequest, open_only: bool = False) -> QuerySet[Programme]:
    """Onboarding programmes the caller may read, with their steps and readiness."""
    return selectors.list_programmes(request.auth, open_only=open_only).prefetch_related("steps")


@router.get(
    "/learning/programmes/{int:programme_id}", response={200: ProgrammeOut, **ERROR_RESPONSES}
)
def get_programme(request: ApiRequest, programme_id: int) -> Programme:
    return selectors.get_programme_for(request.auth, programme_id)


@router.post(
    "/learning/programmes/{int:programme_id}/sign-off",
    response={200: ProgrammeOut, **ERROR_RESPONSES},
)
def sign_off(request: ApiRequest, programme_id: int) -> Programme:
    """The lead's sign-off once every step is done: the person may serve live customers."""
    programme = selectors.get_programme_for(request.auth, programme_id)
    services.sign_off(actor=request.auth, programme=programme)
    return selectors.get_programme_for(request.auth, programme_id)


@router.post("/learning/readiness-overrides", response={201: OverrideOut, **ERROR_RESPONSES})
def override(request: ApiRequest, payload: OverrideIn) -> Status[ReadinessOverride]:
    """A manager clears someone on hold for live customers until a date, with a reason."""
    person = row_or_error(Person.objects.visible_to(request.auth), "person", payload.person)
    made = services.override_readiness(
        actor=request.auth, person=person, reason=payload.reason, until=payload.until
    )
    return Status(201, made)


@router.get("/learning/courses", response={200: list[CourseOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_courses(request: ApiRequest) -> QuerySet[Course]:
    """The course catalogue (everyone may read it)."""
    return selectors.list_courses(request.auth)


@router.post("/learning/completions", response={201: CompletionOut, **ERROR_RESPONSES})
def record_completion(request: ApiRequest, payload: CompletionIn) -> Status[Completion]:
    """Record that a person completed a course (again the same day changes nothing)."""
    viewer = request.auth
    course = row_or_error(selectors.list_courses(viewer), "course", payload.course)
    person = row_or_error(Person.objects.visible_to(viewer), "person", payload.person)
    made = services.record_completion(
        actor=viewer, course=course, person=person, completed_on=payload.completed_on
    )
    return Status(201, made)


@router.get("/learning/refreshers/overdue", response={200: list[CompletionOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_overdue(request: ApiRequest, team: int | None = None) -> QuerySet[Completion]:
    """Certificates that ran out and were not renewed: the caller's own, and their people's;
    `team` narrows the list to one team where the caller records training."""
    chosen = row_or_error(selectors.overdue_teams(request.auth), "team", team)
    return selectors.overdue_refreshers(request.auth, team=chosen)


@router.put("/learning/courses/{course_id}/quiz", response={200: QuizOut, **ERROR_RESPONSES})
def set_quiz(request: ApiRequest, course_id: Id, payload: QuizIn) -> Quiz:
    """Give a course its quiz, or change its pass mark, attempts allowed and deadline."""
    course = selectors.get_course_for(request.auth, course_id)
    services.set_quiz(actor=request.auth, course=course, **payload.dict())
    return selectors.get_quiz_for(request.auth, course.pk)


@router.get("/learning/courses/{course_id}/quiz", response={200: QuizOut, **ERROR_RESPONSES})
def get_quiz(request: ApiRequest, course_id: Id) -> Quiz:
    """A course's quiz with its questions and answers to choose from (never which is right)."""
    return selectors.get_quiz_for(request.auth, course_id)


@router.post(
    "/learning/courses/{course_id}/quiz/questions",
    response={201: QuizQuestionOut, **ERROR_RESPONSES},
)
def add_quiz_question(
    request: ApiRequest, course_id: Id, payload: QuizQuestionIn
) -> Status[QuizQuestion]:
    """Add a single-choice question to the bank; `correct` counts the choices from 0."""
    quiz = selectors.get_quiz_for(request.auth, course_id)
    made = services.add_quiz_question(
        actor=request.auth,
        quiz=quiz,
        text=payload.text,
        choices=payload.choices,
        correct=payload.correct,
    )
    return Status(201, made)


@router.post(
    "/learning/courses/{course_id}/quiz/attempts",
    response={201: QuizAttemptOut, **ERROR_RESPONSES},
)
def submit_quiz(request: ApiRequest, course_id: Id, payload: QuizAttemptIn) -> Status[QuizAttempt]:
    """Send one attempt's answers (question id to choice id); passing records the completion."""
    quiz = selectors.get_quiz_for(request.auth, course_id)
    made = services.submit_quiz(
        actor=request.auth, quiz=quiz, answers=payload.answers, number=payload.attempt
    )
    return Status(201, made)


@router.get(
    "/learning/courses/{course_id}/quiz/attempts",
    response={200: list[QuizAttemptOut], **ERROR_RESPONSES},
)
def list_quiz_attempts(request: ApiRequest, course_id: Id) -> list[QuizAttempt]:
    """The caller's own attempts at a course's quiz."""
    quiz = selectors.get_quiz_for(request.auth, course_id)
    return list(selectors.my_attempts(request.auth, quiz))


@router.post(
    "/learning/courses/{course_id}/classes", response={201: CourseClassOut, **ERROR_RESPONSES}
)
def schedule_class(
    request: ApiRequest, course_id: Id, payload: CourseClassIn
) -> Status[CourseClass]:
    """Plan a class of a course with a trainer and a number of seats."""
    course = selectors.get_course_for(request.auth, course_id)
    trainer = row_or_error(Person.objects.visible_to(request.auth), "trainer", payload.trainer)
    made = services.schedule_class(
        actor=request.auth,
        course=course,
        starts_at=payload.starts_at,
        capacity=payload.capacity,
        trainer=trainer,
        place=payload.place,
    )
    return Status(201, made)


@router.get(
    "/learning/courses/{course_id}/classes",
    response={200: list[CourseClassOut], **ERROR_RESPONSES},
)
@paginate(Pages)
def list_classes(request: ApiRequest, course_id: Id) -> QuerySet[CourseClass]:
    """A course's classes still to come, with the seats left."""
    course = selectors.get_course_for(request.auth, course_id)
    return selectors.list_classes(request.auth, course)


@router.post(
    "/learning/classes/{class_id}/enrolments", response={201: EnrolmentOut, **ERROR_RESPONSES}
)
def enrol(request: ApiRequest, class_id: Id, payload: EnrolmentIn) -> Status[Enrolment]:
    """Take a seat: for oneself, or (`person`) for someone whose training the caller records."""
    found = selectors.get_class_for(request.auth, class_id)
    person = (
        row_or_error(Person.objects.visible_to(request.auth), "person", payload.person)
        if payload.person is not None
        else request.auth
    )
    made = services.enrol(actor=request.auth, course_class=found, person=person)
    return Status(201, made)


@router.get(
    "/learning/classes/{class_id}/enrolments",
    response={200: list[EnrolmentOut], **ERROR_RESPONSES},
)
@paginate(Pages)
def list_enrolments(request: ApiRequest, class_id: Id) -> QuerySet[Enrolment]:
    """Who is enrolled, as far as the caller may see (the trainer sees everyone)."""
    return selectors.class_roster(request.auth, selectors.get_class_for(request.auth, class_id))


@router.put(
    "/learning/classes/{class_id}/attendance",
    response={200: list[CompletionOut], **ERROR_RESPONSES},
)
def mark_attendance(request: ApiRequest, class_id: Id, payload: AttendanceIn) -> list[Completion]:
    """The trainer says who came (everyone else is marked absent); each gets the completion."""
    found = selectors.get_class_for(request.auth, class_id)
    return services.mark_attendance(
        actor=request.auth, course_class=found, attended=payload.attended
    )


@router.post(
    "/learning/courses/{course_id}/criteria",
    response={201: CourseCriterionOut, **ERROR_RESPONSES},
)
def map_criterion(
    request: ApiRequest, course_id: Id, payload: CourseCriterionIn
) -> Status[CourseCriterion]:
    """Say which scorecard behaviour (criterion key) the course teaches."""
    course = selectors.get_course_for(request.auth, course_id)
    made = services.map_criterion(
        actor=request.auth, course=course, criterion_key=payload.criterion_key
    )
    return Status(201, made)


@router.get("/learning/suggestions", response={200: list[SuggestionOut], **ERROR_RESPONSES})
def list_suggestions(request: ApiRequest, team: int | None = None) -> list[dict[str, object]]:
    """Courses suggested for the caller's people whose reviews keep failing their behaviour."""
    chosen = row_or_error(selectors.overdue_teams(request.auth), "team", team)
    return [
        {
            "person": s.person.pk,
            "course": s.course.pk,
            "behaviour": s.behaviour,
            "fails": s.fails,
            "reviews": s.reviews,
        }
        for s in selectors.course_suggestions(request.auth, team=chosen)
    ]


@router.get("/learning/courses/{course_id}/impact", response={200: ImpactOut, **ERROR_RESPONSES})
def course_impact(request: ApiRequest, course_id: Id) -> dict[str, object]:
    """Did the course work? Per measure, the mean change of attendees and of colleagues who
    did not attend, their difference with its 95% interval, n, and whether n is too small."""
    course = selectors.get_course_for(request.auth, course_id)
    if not can(request.auth, Action.MANAGE_COURSES, course.department):
        raise PermissionDenied(_("Only those who keep the course read whether it worked."))
    found = impact.course_impact(course)
    return {
        "course": course.pk,
        "window_days": found.window_days,
        "effects": [
            {
                "measure": e.measure,
                "n_attended": e.n_attended,
                "n_others": e.n_others,
                "attended_change": e.attended.value if e.attended else None,
                "others_change": e.others.value if e.others else None,
                "difference": e.difference.value if e.difference else None,
                "low": e.difference.interval.low if e.difference else None,
                "high": e.difference.interval.high if e.difference else None,
                "too_few": e.too_few,
                "summary": e.summary,
            }
            for e in found.effects
        ],
    }


@router.get(
    "/learning/profiles/{int:profile_id}/outcomes",
    response={200: ProfileOutcomesOut, **ERROR_RESPONSES},
)
def profile_outcomes(request: ApiRequest, profile_id: int) -> dict[str, object]:
    """Did hiring for attitude work? Per attitude and later outcome (quality, CSAT, staying past
    a year): the coefficient, its 95% interval, n, and whether n is too small to tell."""
    profile = selectors.get_profile_for(request.auth, profile_id)
    if not can(request.auth, Action.MANAGE_CANDIDATES, profile.department):
        raise PermissionDenied(_("Only those who hire for this job read how its hires did."))
    found = attitudes.profile_outcomes(profile)
    return {
        "profile": profile.pk,
        "hires": found.hires,
        "min_hires": found.min_hires,
        "min_observations": found.min_observations,
        "attitudes": [
            {
                "attitude": row.attitude.pk,
                "name": row.attitude.name,
                "relations": [
                    {
                        "outcome": r.outcome.value,
                        "method": r.method,
                        "symbol": r.symbol,
                        "coefficient": r.coefficient,
                        "low": r.interval.low if r.interval else None,
                        "high": r.interval.high if r.interval else None,
                        "p_value": r.p_value,
                        "n": r.n,
                        "too_few": r.too_few,
                        "verdict": r.verdict.value,
                        "summary": r.sentence,
                    }
                    for r in row.relations
                ],
            }
            for row in found.attitudes
        ],
    }
