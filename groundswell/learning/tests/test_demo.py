"""The demo's learning: job profiles, 40 candidates with panels, 10 new hires in onboarding."""

import datetime

from django.db.models import Count, Q

from conftest import DEMO_TODAY
from groundswell.learning import attitudes
from groundswell.learning.models import (
    Candidate,
    Completion,
    Course,
    CourseClass,
    Enrolment,
    JobProfile,
    PanelMember,
    Programme,
    Quiz,
    QuizChoice,
    QuizQuestion,
)
from groundswell.learning.reminders import due_for_reminder
from groundswell.learning.selectors import overdue_refreshers
from groundswell.people.choices import Role
from groundswell.people.demo import DEMO_EMAILS, DemoSize, seed_demo
from groundswell.people.models import Person
from groundswell.people.readiness import person_is_ready


def test_the_demo_has_profiles_candidates_and_new_hires(small_demo, db):
    programmes = Programme.objects.annotate(
        done=Count("steps", filter=Q(steps__completed_at__isnull=False))
    )

    assert JobProfile.objects.count() == 2
    assert all(profile.attitudes.count() == 4 for profile in JobProfile.objects.all())
    earlier = small_demo.counts["earlier hires"]
    assert Candidate.objects.count() == 40 + earlier
    customers = PanelMember.objects.filter(person=None, kind="customer").count()
    assert customers == 40 + 2 * earlier  # one on each current panel, two on an earlier one
    assert programmes.count() == 10
    stages = set(programmes.values_list("done", flat=True))
    assert len(stages) >= 4, "new hires at different stages"
    ready = [person_is_ready(p.person) for p in programmes.select_related("person")]
    assert 2 <= ready.count(True) <= 3  # two signed off, one cleared by a manager
    assert small_demo.counts["candidates"] == 40
    assert Course.objects.count() == 5
    assert Completion.objects.filter(expires_on__lt=DEMO_TODAY).exists(), "overdue refreshers"


def test_the_demo_has_quizzes_classes_and_the_agents_refreshers(small_demo, db):
    quizzes = Quiz.objects.annotate(n=Count("questions"))
    right = QuizChoice.objects.filter(is_correct=True).values("question").annotate(n=Count("pk"))
    noon = datetime.datetime.combine(DEMO_TODAY, datetime.time(12), tzinfo=datetime.UTC)
    past = CourseClass.objects.filter(starts_at__lt=noon)
    coming = CourseClass.objects.filter(starts_at__gt=noon)
    agent = small_demo_agent()
    owed = overdue_refreshers(agent, DEMO_TODAY).filter(person=agent)

    assert quizzes.count() == 4
    assert all(quiz.n >= 2 for quiz in quizzes)
    assert QuizQuestion.objects.count() == right.count()
    assert {row["n"] for row in right} == {1}, "exactly one right answer per question"
    assert past.count() == coming.count() == 8
    assert all(c.attendance_marked_at is not None for c in past)
    attended = Enrolment.objects.filter(course_class__in=past, attended=True)
    assert attended.exists()
    assert all(
        Completion.objects.filter(
            person=seat.person_id,
            course=seat.course_class.course_id,
            completed_on=seat.course_class.starts_at.date(),
        ).exists()
        for seat in attended.select_related("course_class")
    ), "each who came holds the completion of the class's day"
    for course_class in coming:
        seats = Enrolment.objects.filter(course_class=course_class).count()
        assert seats == course_class.seats_taken
        assert 0 < seats < course_class.capacity, "coming classes are part-full"
    assert owed.filter(expires_on=DEMO_TODAY - datetime.timedelta(days=20)).exists()
    soon = due_for_reminder(DEMO_TODAY).filter(person=agent, expires_on__gte=DEMO_TODAY)
    assert soon.exists(), "one of the agent's certificates runs out soon"


def small_demo_agent() -> Person:
    return Person.objects.get(email=DEMO_EMAILS[Role.AGENT])


def test_the_demo_loads_again_over_itself(small_demo, db):
    again = seed_demo(size=DemoSize.SMALL, seed=8, replace=True)

    assert Candidate.objects.count() == 40 + again.counts["earlier hires"]


def test_the_demo_shows_one_attitude_that_relates_and_one_that_does_not(small_demo, db):
    """docs/measurement.md: "Helps without being asked" goes
    with a better later quality score; "Treats everyone with respect" shows no clear relation."""
    profile = JobProfile.objects.get(title="Customer service advisor")

    found = attitudes.profile_outcomes(profile, today=DEMO_TODAY)

    by_name = {row.attitude.name: row.relations for row in found.attitudes}
    helps_quality = by_name["Helps without being asked"][0]
    respect_quality = by_name["Treats everyone with respect"][0]
    assert helps_quality.n >= attitudes.MIN_HIRES
    assert helps_quality.verdict == attitudes.Verdict.HIGHER
    assert respect_quality.n >= attitudes.MIN_HIRES
    assert respect_quality.verdict == attitudes.Verdict.NO_CLEAR_RELATION
