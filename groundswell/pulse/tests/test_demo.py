import datetime

import pytest

from groundswell.people.choices import Role
from groundswell.people.demo import DemoSize, seed_demo
from groundswell.people.models import Person
from groundswell.pulse import selectors
from groundswell.pulse.models import Campaign, Participation, Submission


@pytest.mark.django_db
def test_demo_has_campaigns_with_team_differences_and_suppressed_groups(settings):
    settings.GROUNDSWELL_DEMO_STEPS = [
        "groundswell.people.demo.ORGANISATION",
        "groundswell.pulse.demo.PULSE",
    ]
    seed_demo(size=DemoSize.SMALL, seed=7, today=datetime.date(2026, 3, 1))

    kinds = sorted(Campaign.objects.values_list("kind", flat=True))
    admin = Person.objects.filter(role=Role.ADMIN).first()
    results = selectors.campaign_results(admin, Campaign.objects.get(kind="culture"))
    shown = [g for g in results.groups if not g.is_hidden and g.level == "team"]

    assert kinds == ["culture", "pulse", "pulse"]
    assert Submission.objects.count() > 50
    # Small teams are not shown: hidden, or not even stored apart from their department.
    answering_teams = set(
        Participation.objects.filter(
            wave__campaign__kind="culture", has_completed=True
        ).values_list("person__team", flat=True)
    )
    assert len(shown) < len(answering_teams)
    assert any(g.is_hidden or g.key[0] == "no-team" for g in results.groups)
    assert shown
    assert all(g.enps is not None for g in shown)
    assert results.reliability
    assert results.strongest
