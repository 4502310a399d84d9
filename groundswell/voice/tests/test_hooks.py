"""voice's "response recorded" hook: called after commit for compliments and changed answers,
never in the customer's way, and not queued at all while no app listens."""

import pytest

from groundswell.voice import hooks
from groundswell.voice.invitations.services import record_response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    calls: list[object] = []
    monkeypatch.setattr(hooks, "_on_recorded", [])
    hooks.on_response_recorded(calls.append)
    return calls


def answer(team, agent, capture, *, score, comment="Thank you"):
    interaction = make_interaction(team, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction)
    with capture(execute=True):
        return record_response(invitation, score=score, comment=comment)


def test_a_compliment_is_announced_once_committed(
    heard, team_alpha, agent, django_capture_on_commit_callbacks
):
    compliment = answer(team_alpha, agent, django_capture_on_commit_callbacks, score=5)
    answer(team_alpha, agent, django_capture_on_commit_callbacks, score=3)

    assert heard == [compliment]


def test_a_failing_hook_never_fails_the_customers_answer(
    monkeypatch, team_alpha, agent, django_capture_on_commit_callbacks, caplog
):
    def broken(response):
        raise RuntimeError("down")

    monkeypatch.setattr(hooks, "_on_recorded", [])
    hooks.on_response_recorded(broken)

    response = answer(team_alpha, agent, django_capture_on_commit_callbacks, score=5)

    assert response.pk is not None
    assert "hook" in caplog.text


def test_with_no_listener_nothing_is_queued(
    monkeypatch, team_alpha, agent, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(hooks, "_on_recorded", [])
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction)

    with django_capture_on_commit_callbacks() as callbacks:
        record_response(invitation, score=5, comment="Thank you")

    assert callbacks == []
