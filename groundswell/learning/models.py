"""Learning: job profiles that state the culture, structured interviews with the customer on
the panel, and onboarding programmes that end in the readiness sign-off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.learning.choices import CandidateStatus, PanelKind, QuestionKind, StepKind
from groundswell.people.models import Department, Person, Team

if TYPE_CHECKING:
    from groundswell.people.permissions import Action

SCALE_MIN, SCALE_MAX = 1, 5


class JobProfileQuerySet(models.QuerySet["JobProfile"]):
    """Composable filters for job profiles."""

    def active(self) -> JobProfileQuerySet:
        return self.filter(is_active=True)


class JobProfile(models.Model):
    """A role we hire for: the job description that states the culture, and the attitudes to
    look for."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="job_profiles"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(
        _("job description"),
        help_text=_("What the job is, and the service culture the person joins."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = JobProfileQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "title"], name="learning_profile_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:profile-detail", kwargs={"pk": self.pk})


class Attitude(models.Model):
    """A service attitude or behaviour a profile looks for, rated 1 to 5 against anchors."""

    profile = models.ForeignKey(JobProfile, on_delete=models.CASCADE, related_name="attitudes")
    name = models.CharField(_("attitude"), max_length=120)
    description = models.TextField(_("what it looks like"), blank=True)
    anchor_1 = models.CharField(_("1: what a 1 looks like"), max_length=300)
    anchor_2 = models.CharField(_("2"), max_length=300)
    anchor_3 = models.CharField(_("3: what a 3 looks like"), max_length=300)
    anchor_4 = models.CharField(_("4"), max_length=300)
    anchor_5 = models.CharField(_("5: what a 5 looks like"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="learning_attitude_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def anchors(self) -> list[tuple[int, str]]:
        return [(n, getattr(self, f"anchor_{n}")) for n in range(SCALE_MIN, SCALE_MAX + 1)]


class InterviewQuestion(models.Model):
    """The interview plan: a question to ask, or a moment to observe, for one attitude."""

    attitude = models.ForeignKey(Attitude, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("text"), max_length=400)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class OnboardingStepTemplate(models.Model):
    """A step of a profile's onboarding programme, copied into each new hire's programme."""

    profile = models.ForeignKey(
        JobProfile, on_delete=models.CASCADE, related_name="onboarding_steps"
    )
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class CandidateQuerySet(models.QuerySet["Candidate"]):
    """Composable filters for candidates."""

    def visible_to(self, person: Person, action: Action | None = None) -> CandidateQuerySet:
        """Candidates `person` may see: those whose panel they sit on, and every candidate of
        the departments where they manage hiring."""
        from groundswell.people.permissions import Action, restrict

        in_reach = restrict(
            Candidate.objects.all(),
            person,
            action or Action.MANAGE_CANDIDATES,
            department="team__department",
        )
        seats = PanelMember.objects.filter(person=person).values("candidate")
        return self.filter(models.Q(pk__in=in_reach.values("pk")) | models.Q(pk__in=seats))


class Candidate(models.Model):
    """Someone applying for a job profile, interviewed by a panel; kept only with consent and
    for a limited time unless hired."""

    profile = models.ForeignKey(JobProfile, on_delete=models.PROTECT, related_name="candidates")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="candidates")
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"))
    consent_at = models.DateTimeField(
        _("consent given"), help_text=_("When the candidate agreed we keep their data.")
    )
    status = models.CharField(
        max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.INTERVIEWING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hired_person = models.OneToOneField(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="candidacy"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="learning_candidate_age")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("learning:candidate-detail", kwargs={"pk": self.pk})

    @property
    def is_decided(self) -> bool:
        return self.status != CandidateStatus.INTERVIEWING


class PanelMember(models.Model):
    """A seat on a candidate's interview panel: a colleague with an account, or a customer or
    internal user who joins by a one-time link (only the link's SHA-256 is kept)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="panel")
    kind = models.CharField(max_length=20, choices=PanelKind.choices, default=PanelKind.COLLEAGUE)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="panel_seats"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("overall impression"), blank=True, max_length=3000)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "person"],
                condition=models.Q(person__isnull=False),
                name="learning_panel_one_seat",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(name=""),
                name="learning_panel_named",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person) if self.person_id else self.name

    @property
    def display_name(self) -> str:
        return str(self)


class InterviewScore(models.Model):
    """One panel member's score for one attitude, given alone."""

    panel_member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores")
    attitude = models.ForeignKey(Attitude, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    note = models.CharField(_("evidence"), max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["panel_member", "attitude"], name="learning_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCALE_MIN, score__lte=SCALE_MAX),
                name="learning_score_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attitude_id}: {self.score}"


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    """Composable filters for onboarding programmes."""

    def visible_to(self, person: Person, action: Action | None = None) -> ProgrammeQuerySet:
        """Programmes `person` may read: their own, those they buddy, and those in reach."""
        from groundswell.people.permissions import Action, restrict

        return restrict(
            self,
            person,
            action or Action.VIEW_ONBOARDING,
            team="person__team",
            department="person__department",
            also=models.Q(person=person) | models.Q(buddy=person),
        )


class Programme(models.Model):
    """A new hire's onboarding: steps from the role's template, a buddy, and the lead's
    sign-off that clears them for live customers."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="programme")
    profile = models.ForeignKey(JobProfile, on_delete=models.PROTECT, related_name="programmes")
    buddy = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="buddy_programmes"
    )
    started_at = models.DateTimeField(default=timezone.now)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Onboarding of {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("learning:programme-detail", kwargs={"pk": self.pk})


class ProgrammeStep(models.Model):
    """One step of a new hire's programme, done when someone records it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ReadinessOverride(models.Model):
    """A manager's decision to clear someone for live customers before sign-off, until a date,
    with a reason: the audit of every override."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="readiness_overrides")
    granted_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} until {self.until}"


class Course(models.Model):
    """A course of the catalogue: its content (text and links) and how often it must be
    refreshed, if at all."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("title"), max_length=150)
    content = models.TextField(_("content"), help_text=_("What the course teaches, in words."))
    links = models.TextField(
        _("links"), blank=True, help_text=_("Further material, one address a line.")
    )
    refresher_months = models.PositiveSmallIntegerField(
        _("refresh every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Empty: taken once. Otherwise the certificate expires after this long."),
    )
    is_active = models.BooleanField(_("in the catalogue"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "title"], name="learning_course_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:course-detail", kwargs={"pk": self.pk})

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class Completion(models.Model):
    """A person completed a course: the certificate, valid until `expires_at` when the course
    must be refreshed. The latest completion per person and course counts."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person", "completed_on"], name="learning_completion_once_a_day"
            )
        ]
        indexes = [
            # The overdue list: certificates by expiry, only those that expire.
            models.Index(
                fields=["expires_on", "person"],
                condition=models.Q(expires_on__isnull=False),
                name="learning_completion_expiry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} completed {self.course}"


class RefresherReminder(models.Model):
    """The reminder that one certificate runs out: one per person and course cycle (the
    completion that expires), mailed by the worker that claimed it (core/lib/leases.py)."""

    completion = models.OneToOneField(Completion, on_delete=models.CASCADE, related_name="reminder")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["person"],
                condition=models.Q(sent_at__isnull=True),
                name="learning_reminder_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder of {self.completion_id}"


class Quiz(models.Model):
    """A course's quiz: single-choice questions from its bank, a pass mark, a limit on
    attempts, and an optional deadline. Passing records the completion."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=1, pass_mark__lte=100),
                name="learning_quiz_pass_mark",
            ),
            models.CheckConstraint(
                condition=models.Q(max_attempts__gte=1), name="learning_quiz_attempts"
            ),
        ]

    def __str__(self) -> str:
        return f"Quiz of {self.course}"

    def get_absolute_url(self) -> str:
        return reverse("learning:quiz", kwargs={"pk": self.course_id})


class QuizQuestion(models.Model):
    """A single-choice question of a quiz's bank."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # A second click on "add" must not put the same question in the bank twice.
            models.UniqueConstraint(fields=["quiz", "text"], name="learning_question_once")
        ]

    def __str__(self) -> str:
        return self.text


class QuizChoice(models.Model):
    """One possible answer of a question; exactly one per question is right."""

    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(is_correct=True),
                name="learning_choice_one_right",
            )
        ]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One sending of a quiz's answers by a learner: numbered, so two sendings at once cannot
    both take the same (last) attempt."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "person", "number"], name="learning_attempt_numbered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} attempt {self.number}: {self.score}%"


class QuizAnswer(models.Model):
    """The choice a learner picked for one question in one attempt."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(QuizChoice, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="learning_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id}"


class CourseClass(models.Model):
    """A class of a course on a date, with a trainer and a number of seats; attending it
    records the completion."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="classes")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    trainer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="classes_given")
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    # Seats taken, counted by one conditional UPDATE so that two enrolments for the last seat
    # cannot both get it.
    seats_taken = models.PositiveSmallIntegerField(default=0)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name_plural = "classes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")),
                name="learning_class_not_overbooked",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="learning_class_has_seats"
            ),
            # A second click on "schedule" must not put the same class on the calendar twice.
            models.UniqueConstraint(
                fields=["course", "trainer", "starts_at"], name="learning_class_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} on {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("learning:class-detail", kwargs={"pk": self.pk})

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class Enrolment(models.Model):
    """A seat in a class, and whether the person came (the trainer marks it)."""

    course_class = models.ForeignKey(
        CourseClass, on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course_class", "person"], name="learning_enrolment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.course_class_id}"


class CourseCriterion(models.Model):
    """A quality scorecard behaviour a course teaches (by the criterion's key, which lasts
    across scorecard versions): failing it again and again suggests the course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="criteria")
    criterion_key = models.CharField(max_length=40)
    behaviour = models.CharField(_("behaviour"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["behaviour", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "criterion_key"], name="learning_course_criterion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.behaviour}"
