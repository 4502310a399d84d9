"""The demo's learning: job profiles, 40 candidates with panels, 10 new hires in onboarding."""

from django.db.models import Count, Q

from conftest import DEMO_TODAY
from groundswell.learning.models import (
    Candidate,
    Completion,
    Course,
    JobProfile,
    PanelMember,
    Programme,
)
from groundswell.people.demo import DemoSize, seed_demo
from groundswell.people.readiness import person_is_ready


def test_the_demo_has_profiles_candidates_and_new_hires(small_demo, db):
    programmes = Programme.objects.annotate(
        done=Count("steps", filter=Q(steps__completed_at__isnull=False))
    )

    assert JobProfile.objects.count() == 2
    assert all(profile.attitudes.count() == 4 for profile in JobProfile.objects.all())
    assert Candidate.objects.count() == 40
    assert PanelMember.objects.filter(person=None, kind="customer").count() == 40
    assert programmes.count() == 10
    stages = set(programmes.values_list("done", flat=True))
    assert len(stages) >= 4, "new hires at different stages"
    ready = [person_is_ready(p.person) for p in programmes.select_related("person")]
    assert 2 <= ready.count(True) <= 3  # two signed off, one cleared by a manager
    assert small_demo.counts["candidates"] == 40
    assert Course.objects.count() == 5
    assert Completion.objects.filter(expires_on__lt=DEMO_TODAY).exists(), "overdue refreshers"


def test_the_demo_loads_again_over_itself(small_demo, db):
    seed_demo(size=DemoSize.SMALL, seed=8, replace=True)

    assert Candidate.objects.count() == 40
