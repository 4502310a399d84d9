"""The review queue: which interactions to review each week, and who reviews them.

Each team with a `QueueRule` gets, every week: a random sample of each agent's resolved
interactions, more for new hires in their first weeks, and every interaction a customer answered
poorly. Each pick goes to the reviewer with the fewest open items (the team's lead, its
department's managers, and the people granted the reviewer capability for the team), never to
the agent who handled it, due a set number of days later. Running it again in the same week
adds only what is missing: one queue item per interaction (a unique key), and the week's sample
counts what was already picked.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from groundswell.desk.choices import InteractionStatus
from groundswell.desk.models import Interaction
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.permissions import outranks
from groundswell.quality.choices import QueueReason
from groundswell.quality.models import QueueItem, QueueRule, Review, ReviewerGrant
from groundswell.voice.models import Response


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reviewers_for(rule: QueueRule) -> list[Person]:
    """Who reviews a team's queue: its lead, its department's managers, granted reviewers."""
    team = rule.team
    granted = ReviewerGrant.objects.active().filter(team=team).values("person_id")
    people = Person.objects.active().filter(
        Q(pk=team.lead_id)
        | Q(role=Role.MANAGER, department_id=team.department_id)
        | Q(pk__in=granted)
    )
    return list(people.order_by("pk"))


def fill_team_queue(rule: QueueRule, *, today: datetime.date | None = None) -> int:
    """Add this week's picks for one team; returns how many items were added."""
    today = today or timezone.localdate()
    monday = week_start(today)
    since, until = (
        _aware(monday - datetime.timedelta(days=7)),
        _aware(today + datetime.timedelta(days=1)),
    )
    reviewers = reviewers_for(rule)
    if not reviewers:
        return 0
    load = Counter(
        dict(
            QueueItem.objects.open()
            .filter(reviewer__in=reviewers)
            .values_list("reviewer")
            .annotate(n=Count("pk"))
            .values_list("reviewer", "n")
        )
    )
    picks: list[tuple[Interaction, QueueReason]] = []
    candidates = (
        Interaction.objects.filter(
            team=rule.team,
            status=InteractionStatus.RESOLVED,
            resolved_at__gte=since,
            resolved_at__lt=until,
            handled_by__isnull=False,
            handled_by__is_active=True,
        )
        .select_related("handled_by")
        .order_by("pk")
    )
    taken = set(
        QueueItem.objects.filter(interaction__in=candidates).values_list(
            "interaction_id", flat=True
        )
    ) | set(
        Review.objects.filter(interaction__in=candidates, calibration__isnull=True).values_list(
            "interaction_id", flat=True
        )
    )
    if rule.every_poor_answer:
        poor = set(
            Response.objects.filter(
                team=rule.team, is_poor=True, submitted_at__gte=since, submitted_at__lt=until
            ).values_list("invitation__interaction_id", flat=True)
        )
        for interaction in candidates.filter(pk__in=poor):
            if interaction.pk not in taken:
                picks.append((interaction, QueueReason.POOR_ANSWER))
                taken.add(interaction.pk)
    already = Counter(
        QueueItem.objects.filter(
            team=rule.team, week=monday, reason__in=(QueueReason.SAMPLE, QueueReason.NEW_HIRE)
        ).values_list("agent_id", flat=True)
    )
    by_agent: dict[int, list[Interaction]] = {}
    for interaction in candidates:
        if interaction.pk not in taken:
            by_agent.setdefault(interaction.handled_by_id, []).append(interaction)  # type: ignore[arg-type]
    # Not a secret: a sample seeded by team and week, so a rerun picks the same interactions.
    rng = random.Random(f"{rule.team_id}:{monday.isoformat()}")  # noqa: S311
    for agent_id, pool in sorted(by_agent.items()):
        agent = pool[0].handled_by
        if agent is None:  # the query asked for a handler; here for the type checker
            continue
        is_new = agent.hire_date is not None and agent.hire_date > today - datetime.timedelta(
            weeks=rule.new_hire_weeks
        )
        wanted = rule.sample_per_agent + (rule.new_hire_extra if is_new else 0)
        missing = wanted - already[agent_id]
        if missing <= 0:
            continue
        chosen = rng.sample(pool, min(missing, len(pool)))
        reason = QueueReason.NEW_HIRE if is_new else QueueReason.SAMPLE
        picks.extend((interaction, reason) for interaction in chosen)
    added = 0
    due = today + datetime.timedelta(days=rule.due_days)
    for interaction, reason in picks:
        agent = interaction.handled_by
        if agent is None:
            continue
        able = [r for r in reviewers if r.pk != agent.pk and _may_take(r, agent, rule)]
        if not able:
            continue
        reviewer = min(able, key=lambda r: (load[r.pk], r.pk))
        try:
            with transaction.atomic():
                QueueItem.objects.create(
                    interaction=interaction,
                    team=rule.team,
                    agent=agent,
                    reviewer=reviewer,
                    reason=reason,
                    week=monday,
                    due_on=due,
                )
        except IntegrityError:
            continue  # another run picked it a moment ago
        load[reviewer.pk] += 1
        added += 1
    return added


def _may_take(reviewer: Person, agent: Person, rule: QueueRule) -> bool:
    """A lead or manager outranks whom they review; a granted reviewer takes agents only."""
    if reviewer.role in (Role.TEAM_LEAD, Role.MANAGER) and (
        reviewer.pk == rule.team.lead_id or reviewer.role == Role.MANAGER
    ):
        return outranks(reviewer, agent)
    return agent.role == Role.AGENT


def fill_review_queues(*, today: datetime.date | None = None) -> int:
    """Fill every team's queue that has a rule; returns how many items were added."""
    added = 0
    for rule in QueueRule.objects.select_related("team").order_by("pk"):
        added += fill_team_queue(rule, today=today)
    return added
