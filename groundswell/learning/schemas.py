"""API shapes for learning: job profiles, candidates and their decisions, onboarding
programmes and readiness overrides."""

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import EmailStr, Id, TextStr, storable
from groundswell.learning.models import (
    Attitude,
    Candidate,
    Completion,
    Course,
    CourseClass,
    CourseCriterion,
    Enrolment,
    JobProfile,
    PanelMember,
    Programme,
    ProgrammeStep,
    Quiz,
    QuizChoice,
    QuizQuestion,
    ReadinessOverride,
)

TitleStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(storable),
]
NameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=150),
    AfterValidator(storable),
]


class AttitudeOut(Schema):
    id: int
    name: str
    description: str
    anchors: list[str]

    @staticmethod
    def resolve_anchors(attitude: Attitude) -> list[str]:
        return [text for _n, text in attitude.anchors]


class JobProfileOut(Schema):
    id: int
    department: int
    title: str
    description: str
    is_active: bool
    attitudes: list[AttitudeOut]

    @staticmethod
    def resolve_department(profile: JobProfile) -> int:
        return profile.department_id

    @staticmethod
    def resolve_attitudes(profile: JobProfile) -> list[Attitude]:
        return list(profile.attitudes.all())


class JobProfileIn(Schema):
    department: Id
    title: TitleStr
    description: TextStr


class CandidateOut(Schema):
    id: int
    profile: int
    team: int
    full_name: str
    status: str
    decision_reason: str
    decided_at: datetime.datetime | None
    hired_person: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_profile(candidate: Candidate) -> int:
        return candidate.profile_id

    @staticmethod
    def resolve_team(candidate: Candidate) -> int:
        return candidate.team_id

    @staticmethod
    def resolve_hired_person(candidate: Candidate) -> int | None:
        return candidate.hired_person_id


class CandidateIn(Schema):
    profile: Id
    team: Id
    full_name: NameStr
    email: EmailStr
    consent: bool


class DecisionIn(Schema):
    outcome: Literal["hire", "decline"]
    reason: TextStr
    start_date: datetime.date | None = None


class PanelMemberOut(Schema):
    id: int
    kind: str
    name: str
    submitted: bool

    @staticmethod
    def resolve_name(member: PanelMember) -> str:
        return member.display_name

    @staticmethod
    def resolve_submitted(member: PanelMember) -> bool:
        return member.submitted_at is not None


class StepOut(Schema):
    id: int
    kind: str
    title: str
    completed_at: datetime.datetime | None

    @staticmethod
    def resolve_completed_at(step: ProgrammeStep) -> datetime.datetime | None:
        return step.completed_at


class ProgrammeOut(Schema):
    id: int
    person: int
    profile: int
    buddy: int | None
    started_at: datetime.datetime
    signed_off_at: datetime.datetime | None
    ready_for_customers: bool
    steps: list[StepOut]

    @staticmethod
    def resolve_person(programme: Programme) -> int:
        return programme.person_id

    @staticmethod
    def resolve_profile(programme: Programme) -> int:
        return programme.profile_id

    @staticmethod
    def resolve_buddy(programme: Programme) -> int | None:
        return programme.buddy_id

    @staticmethod
    def resolve_ready_for_customers(programme: Programme) -> bool:
        from groundswell.people.readiness import person_is_ready

        return person_is_ready(programme.person)

    @staticmethod
    def resolve_steps(programme: Programme) -> list[ProgrammeStep]:
        return list(programme.steps.all())


class OverrideIn(Schema):
    person: Id
    reason: TextStr
    until: datetime.date | None = None


class OverrideOut(Schema):
    id: int
    person: int
    reason: str
    until: datetime.date
    created_at: datetime.datetime

    @staticmethod
    def resolve_person(override: ReadinessOverride) -> int:
        return override.person_id


class CourseOut(Schema):
    id: int
    department: int
    title: str
    content: str
    links: list[str]
    refresher_months: int | None

    @staticmethod
    def resolve_department(course: Course) -> int:
        return course.department_id

    @staticmethod
    def resolve_links(course: Course) -> list[str]:
        return course.link_list


class CompletionIn(Schema):
    course: Id
    person: Id
    completed_on: datetime.date | None = None


class CompletionOut(Schema):
    id: int
    course: int
    person: int
    completed_on: datetime.date
    expires_on: datetime.date | None

    @staticmethod
    def resolve_course(completion: Completion) -> int:
        return completion.course_id

    @staticmethod
    def resolve_person(completion: Completion) -> int:
        return completion.person_id


class QuizIn(Schema):
    pass_mark: Annotated[int, Field(ge=1, le=100)] = 80
    max_attempts: Annotated[int, Field(ge=1, le=20)] = 3
    deadline: datetime.datetime | None = None


QuestionStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(storable),
]
ChoiceStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(storable),
]


class QuizQuestionIn(Schema):
    text: QuestionStr
    choices: Annotated[list[ChoiceStr], Field(min_length=2, max_length=10)]
    correct: Annotated[int, Field(ge=0, le=9)]


class QuizChoiceOut(Schema):
    id: int
    text: str


class QuizQuestionOut(Schema):
    id: int
    text: str
    choices: list[QuizChoiceOut]

    @staticmethod
    def resolve_choices(question: QuizQuestion) -> list[QuizChoice]:
        return list(question.choices.all())


class QuizOut(Schema):
    id: int
    course: int
    pass_mark: int
    max_attempts: int
    deadline: datetime.datetime | None
    questions: list[QuizQuestionOut]

    @staticmethod
    def resolve_course(quiz: Quiz) -> int:
        return quiz.course_id

    @staticmethod
    def resolve_questions(quiz: Quiz) -> list[QuizQuestion]:
        return list(quiz.questions.all())


class QuizAttemptIn(Schema):
    answers: Annotated[dict[Id, Id], Field(min_length=1, max_length=200)]
    # The attempt the caller means: sent again once stored, it is refused (422), not counted.
    attempt: Annotated[int, Field(ge=1, le=10_000)] | None = None


class QuizAttemptOut(Schema):
    id: int
    number: int
    score: int
    passed: bool
    submitted_at: datetime.datetime


PlaceStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(storable),
]


class CourseClassIn(Schema):
    starts_at: datetime.datetime
    capacity: Annotated[int, Field(ge=1, le=500)]
    trainer: Id
    place: PlaceStr = ""


class CourseClassOut(Schema):
    id: int
    course: int
    starts_at: datetime.datetime
    place: str
    trainer: int
    capacity: int
    seats_left: int

    @staticmethod
    def resolve_course(course_class: CourseClass) -> int:
        return course_class.course_id

    @staticmethod
    def resolve_trainer(course_class: CourseClass) -> int:
        return course_class.trainer_id


class EnrolmentIn(Schema):
    person: Id | None = None


class EnrolmentOut(Schema):
    id: int
    course_class: int
    person: int
    attended: bool | None

    @staticmethod
    def resolve_course_class(enrolment: Enrolment) -> int:
        return enrolment.course_class_id

    @staticmethod
    def resolve_person(enrolment: Enrolment) -> int:
        return enrolment.person_id


class AttendanceIn(Schema):
    attended: Annotated[list[Id], Field(max_length=500)]


class CourseCriterionIn(Schema):
    criterion_key: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
    ]


class CourseCriterionOut(Schema):
    id: int
    course: int
    criterion_key: str
    behaviour: str

    @staticmethod
    def resolve_course(mapped: CourseCriterion) -> int:
        return mapped.course_id


class SuggestionOut(Schema):
    person: int
    course: int
    behaviour: str
    fails: int
    reviews: int


class EffectOut(Schema):
    measure: str
    n_attended: int
    n_others: int
    attended_change: float | None
    others_change: float | None
    difference: float | None
    low: float | None
    high: float | None
    too_few: bool
    summary: str


class ImpactOut(Schema):
    course: int
    window_days: int
    effects: list[EffectOut]


class RelationOut(Schema):
    outcome: str
    method: str
    symbol: str
    coefficient: float | None
    low: float | None
    high: float | None
    p_value: float | None
    n: int
    too_few: bool
    verdict: str
    summary: str


class AttitudeOutcomesOut(Schema):
    attitude: int
    name: str
    relations: list[RelationOut]


class ProfileOutcomesOut(Schema):
    profile: int
    hires: int
    min_hires: int
    min_observations: int
    attitudes: list[AttitudeOutcomesOut]
