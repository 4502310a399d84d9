"""The demo tells one believable story across the apps: every moment is in the past and each
thing happens after what caused it (issue 12, C8). Uses the module's one load of the demo."""

import datetime
import itertools

import pytest
from django.db.models import Count, F, Q

from groundswell.desk.models import Customer, Interaction, Promise
from groundswell.ideas.models import Idea
from groundswell.voice.models import FollowUp, Invitation, Response, Survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(small_demo, db) -> datetime.datetime:
    return small_demo.now


def _bad(queryset, **condition) -> list:
    return list(queryset.filter(**condition).values_list("pk", flat=True)[:5])


def test_nothing_happens_after_the_demo_day(now):
    assert _bad(Interaction.objects, opened_at__gt=now) == []
    assert _bad(Interaction.objects, resolved_at__gt=now) == []
    assert _bad(Promise.objects, created_at__gt=now) == []
    assert _bad(Promise.objects, settled_at__gt=now) == []
    assert _bad(Invitation.objects, sent_at__gt=now) == []
    assert _bad(Response.objects, submitted_at__gt=now) == []
    assert _bad(FollowUp.objects, created_at__gt=now) == []
    assert _bad(FollowUp.objects, closed_at__gt=now) == []
    assert _bad(Idea.objects, submitted_at__gt=now) == []


def test_each_thing_follows_what_caused_it(now):
    assert _bad(Interaction.objects, resolved_at__lt=F("opened_at")) == []
    assert _bad(Promise.objects, created_at__lt=F("interaction__opened_at")) == []
    assert _bad(Promise.objects, due_at__lte=F("created_at")) == []
    assert _bad(Promise.objects, settled_at__lt=F("created_at")) == []
    assert _bad(Invitation.objects, sent_at__lt=F("interaction__resolved_at")) == []
    assert (
        _bad(Invitation.objects.filter(sent_at__isnull=False), interaction__resolved_at=None) == []
    )
    assert _bad(Response.objects, submitted_at__lt=F("invitation__sent_at")) == []
    assert _bad(Response.objects, invitation__sent_at=None) == []
    assert _bad(FollowUp.objects, created_at__lt=F("response__submitted_at")) == []
    assert _bad(FollowUp.objects, due_at__lte=F("created_at")) == []
    assert _bad(FollowUp.objects, closed_at__lt=F("created_at")) == []
    assert _bad(Idea.objects, acknowledged_at__lt=F("submitted_at")) == []


def test_no_idea_is_told_twice(now):
    repeated = (
        Idea.objects.values("title").annotate(n=Count("pk")).filter(n__gt=1).values_list("title")
    )
    assert list(repeated) == []


def test_recent_resolutions_are_surveyed_not_silently_skipped(now):
    """Of the interactions resolved in the demo's last fortnight, most got an invitation."""
    recent = Interaction.objects.filter(resolved_at__gte=now - datetime.timedelta(days=14))
    asked = recent.filter(Q(invitations__isnull=False)).distinct().count()
    assert recent.count() > 20
    assert asked / recent.count() > 0.5, f"{asked} of {recent.count()} recent ones asked"


def test_the_demo_keeps_its_own_re_survey_rule(now):
    """No customer is asked twice within a survey's window, and on the demo's last day most
    customers may be asked again, so resolving one of their interactions sends a survey."""
    window = datetime.timedelta(days=max(Survey.objects.values_list("resurvey_days", flat=True)))
    asked = sorted(Invitation.objects.values_list("customer_id", "created_at"))
    too_soon = [
        (customer, later)
        for (customer, earlier), (next_customer, later) in itertools.pairwise(asked)
        if customer == next_customer and later - earlier < window
    ]
    recently_asked = (
        Invitation.objects.filter(created_at__gte=now - window).values("customer_id").distinct()
    )

    assert too_soon == []
    assert recently_asked.count() < Customer.objects.count() / 3
