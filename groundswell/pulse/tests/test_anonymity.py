"""Anonymity by construction: nothing joins a person to what they answered."""

import datetime

from django.db import models
from django.utils import timezone

from groundswell.pulse import services
from groundswell.pulse.models import (
    ActionItem,
    Answer,
    Comment,
    Participation,
    PendingSubmission,
    Submission,
)
from groundswell.pulse.tests.factories import close, full_answers, launched, members

ANONYMOUS = (Submission, Answer, Comment, PendingSubmission)
ALLOWED_TARGETS = {"Submission", "Wave", "Question", "Department", "Team"}


def test_answer_rows_reference_no_person_user_or_invitation():
    for model in ANONYMOUS:
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                assert field.related_model.__name__ in ALLOWED_TARGETS, (model, field.name)
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"person", "user", "participation", "token", "token_hash"}


def test_answer_rows_keep_no_time_finer_than_a_day_and_have_random_keys():
    for model in ANONYMOUS:
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateTimeField), (model, field.name)
        assert isinstance(model._meta.pk, models.UUIDField)
        assert model._meta.ordering == ["id"]


def test_participation_keeps_no_completion_time_and_no_answer_link():
    names = {f.name for f in Participation._meta.get_fields()}
    assert "has_completed" in names
    assert not names & {"completed_at", "submission", "answers", "submitted_at"}
    for field in Participation._meta.concrete_fields:
        if field.is_relation:
            assert field.related_model.__name__ in {"Wave", "Person"}


def test_no_path_leads_from_a_person_to_their_answers(manager, team_alpha):
    """Following every relation from a respondent reaches exactly what it reaches from a
    colleague who answered differently: whole waves, never one person's answers."""
    people = members(team_alpha, 5)
    campaign, _wave, tokens = launched(manager, teams=[team_alpha])
    target, colleague = people[0], people[1]
    services.submit_answers(
        token=tokens[target.email], answers=full_answers(campaign, 1, 0), comment="Only me"
    )
    services.submit_answers(token=tokens[colleague.email], answers=full_answers(campaign, 5, 10))
    pending_from_target = _anonymous_rows(_reachable_from(target))
    every_pending = _anonymous_rows(list(PendingSubmission.objects.all()))
    close(manager, campaign)

    assert pending_from_target in (set(), every_pending)
    from_target = _anonymous_rows(_reachable_from(target))
    from_colleague = _anonymous_rows(_reachable_from(colleague))

    assert from_target == from_colleague
    every_row = {(m._meta.label, str(r.pk)) for m in ANONYMOUS for r in m.objects.all()}
    assert from_target in (set(), every_row)


def test_an_action_on_results_names_people_but_holds_no_answer():
    """An action names its owner and author, so it must reach answers only as a whole wave."""
    for field in ActionItem._meta.get_fields():
        if field.is_relation and field.concrete:
            assert field.related_model.__name__ in {"Wave", "Team", "Department", "Person"}
    names = {f.name for f in ActionItem._meta.get_fields()}
    assert not names & {"submission", "answer", "comment", "score", "value", "participation"}


def test_owning_an_action_leads_to_no_ones_answers(manager, team_alpha):
    """The owner of an action, its author and a colleague reach the same anonymous rows."""
    people = members(team_alpha, 5)
    campaign, wave, tokens = launched(manager, teams=[team_alpha])
    owner, colleague = people[0], people[1]
    services.submit_answers(
        token=tokens[owner.email], answers=full_answers(campaign, 1, 0), comment="Only me"
    )
    services.submit_answers(token=tokens[colleague.email], answers=full_answers(campaign, 5, 10))
    for person in people[2:]:
        services.submit_answers(token=tokens[person.email], answers=full_answers(campaign))
    close(manager, campaign)
    wave.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    wave.save(update_fields=["closes_at"])
    services.create_action_item(
        actor=manager, wave=wave, element="training", team=team_alpha, title="Coaching",
        owner=owner, due_on=timezone.localdate() + datetime.timedelta(days=7),
    )  # fmt: skip

    from_owner = _anonymous_rows(_reachable_from(owner))
    from_author = _anonymous_rows(_reachable_from(manager))
    from_colleague = _anonymous_rows(_reachable_from(colleague))

    every_row = {(m._meta.label, str(r.pk)) for m in ANONYMOUS for r in m.objects.all()}
    assert from_owner == from_colleague
    assert from_owner in (set(), every_row)
    assert from_author in (set(), every_row)


def _anonymous_rows(rows: list[models.Model]) -> set[tuple[str, str]]:
    return {(r._meta.label, str(r.pk)) for r in rows if isinstance(r, ANONYMOUS)}


def _reachable_from(start: models.Model, depth: int = 5) -> list[models.Model]:
    """Every row reachable from `start` by following relations, in both directions."""
    seen: set[tuple[str, object]] = set()
    frontier, found = [start], []
    for _ in range(depth):
        following = []
        for row in frontier:
            for field in row._meta.get_fields():
                if not field.is_relation:
                    continue
                for related in _related_rows(row, field):
                    key = (related._meta.label, related.pk)
                    if key not in seen:
                        seen.add(key)
                        found.append(related)
                        following.append(related)
        frontier = following
    return found


def _related_rows(row: models.Model, field: object) -> list[models.Model]:
    accessor = getattr(field, "get_accessor_name", None)
    name = accessor() if accessor else field.name  # type: ignore[attr-defined]
    if not name or name.endswith("+"):
        return []
    try:
        value = getattr(row, name)
    except Exception:
        return []
    if value is None:
        return []
    if hasattr(value, "all"):
        return list(value.all()[:200])
    return [value] if isinstance(value, models.Model) else []


def test_completing_leaves_the_invitation_without_any_trace_of_the_answer(manager, team_alpha):
    people = members(team_alpha, 5)
    campaign, wave, tokens = launched(manager, teams=[team_alpha])
    services.submit_answers(token=tokens[people[0].email], answers=full_answers(campaign))
    close(manager, campaign)

    participation = Participation.objects.get(person=people[0], wave=wave)
    submission = Submission.objects.get()

    assert participation.has_completed
    assert not hasattr(submission, "participation")
    assert submission.submitted_on is not None
