"""What quality puts on home pages: reviews of my work to read, and reviews waiting for me.

Registered by `QualityConfig.ready()`; two counting queries, whatever the numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from groundswell.core.registry import HomePanel
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.quality.choices import ReviewStatus
from groundswell.quality.models import QueueItem, Review


@dataclass(frozen=True)
class MyQuality:
    """Reviews of the person's work not yet acknowledged, and their review queue."""

    to_acknowledge: int
    to_review: int
    overdue: int
    today: datetime.date


def my_quality(person: Person) -> MyQuality:
    today = timezone.localdate()
    unread = Review.objects.filter(
        agent=person,
        is_self_review=False,
        calibration__isnull=True,
        status=ReviewStatus.SUBMITTED,
    ).count()
    queue = QueueItem.objects.open().aggregate(
        waiting=Count("pk", filter=Q(reviewer=person)),
        late=Count("pk", filter=Q(reviewer=person, due_on__lt=today)),
    )
    return MyQuality(unread, queue["waiting"], queue["late"], today)


PANELS = (
    HomePanel("my_quality", frozenset({Role.AGENT, Role.TEAM_LEAD, Role.MANAGER}), my_quality),
)
