"""A leaver's link answers exactly like an unknown one, whether or not they had answered."""

import re

import pytest
from django.core import mail

from groundswell.people import services as people_services
from groundswell.pulse import services
from groundswell.pulse.models import Participation, PendingSubmission
from groundswell.pulse.tests.factories import (
    ANSWER_PAGE,
    answer_through_link,
    full_answers,
    launched,
    members,
    open_link,
)


@pytest.fixture
def survey(manager, team_alpha):
    people = members(team_alpha, 6)
    campaign, wave, tokens = launched(manager, teams=[team_alpha])
    return campaign, wave, tokens, people


def _seen(token):
    response = open_link(token).get(ANSWER_PAGE)
    return response.status_code, re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


@pytest.mark.parametrize("had_answered", [False, True])
def test_a_leavers_link_looks_like_an_unknown_link(had_answered, survey, admin):
    campaign, wave, tokens, people = survey
    leaver = people[0]
    if had_answered:
        answer_through_link(tokens[leaver.email], full_answers(campaign))

    people_services.update_person(actor=admin, person=leaver, is_active=False)
    seen = _seen(tokens[leaver.email])
    sent = answer_through_link(tokens[leaver.email], full_answers(campaign))

    assert seen == _seen("an-unknown-link-of-the-same-length-xx")
    assert seen[0] == 404
    assert sent == 404
    participation = Participation.objects.get(wave=wave, person=leaver)
    assert participation.has_completed is had_answered  # revoked, nothing else changed
    assert PendingSubmission.objects.count() == (1 if had_answered else 0)


def test_revoking_replaces_the_link_and_keeps_the_answered_flag(survey, admin):
    campaign, wave, tokens, people = survey
    answer_through_link(tokens[people[0].email], full_answers(campaign))
    before = {p.person_id: p for p in Participation.objects.filter(wave=wave)}

    for person in people[:2]:
        people_services.update_person(actor=admin, person=person, is_active=False)
        assert services.revoke_invitations(person=person) == 1
    after = {p.person_id: p for p in Participation.objects.filter(wave=wave)}

    for person in people[:2]:
        assert after[person.pk].token_hash != before[person.pk].token_hash
        assert after[person.pk].has_completed == before[person.pk].has_completed
    assert after[people[2].pk].token_hash == before[people[2].pk].token_hash


def test_reminders_skip_leavers(survey, admin):
    _campaign, _wave, _tokens, people = survey
    people_services.update_person(actor=admin, person=people[1], is_active=False)
    mail.outbox.clear()

    sent = services.remind_open_waves()

    assert sent == 5
    assert people[1].email not in {m.to[0] for m in mail.outbox}


def test_switching_someone_off_revokes_their_open_links_at_once(survey, admin, client_for):
    """Through the real page and API: the people app announces it, pulse revokes (a hook)."""
    _campaign, wave, _tokens, people = survey
    before = {p.person_id: p.token_hash for p in Participation.objects.filter(wave=wave)}

    people_services.update_person(actor=admin, person=people[0], is_active=False)
    response = client_for(admin).patch(
        f"/api/v1/people/{people[1].pk}",
        data={"is_active": False},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    after = {p.person_id: p.token_hash for p in Participation.objects.filter(wave=wave)}
    assert after[people[0].pk] != before[people[0].pk]
    assert after[people[1].pk] != before[people[1].pk]
    assert after[people[2].pk] == before[people[2].pk]
