"""PersonBackend: the session's user and their active person come in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from groundswell.people.backends import PERSON_ATTRIBUTE, PersonBackend
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_active_person_in_one_query(
    team_lead, team_alpha, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = PersonBackend().get_user(team_lead.user_id)
        person = getattr(user, PERSON_ATTRIBUTE)
        assert person.pk == team_lead.pk
        assert person.team == team_alpha  # loaded with it
        assert person.department.pk == team_alpha.department_id
        assert can(person, Action.VIEW_INTERACTIONS, team_alpha)  # the led teams came too
    assert user.pk == team_lead.user_id


def test_a_user_without_an_active_person_is_still_signed_in(agent, django_assert_num_queries):
    Person.objects.filter(pk=agent.pk).update(is_active=False)

    with django_assert_num_queries(
        2
    ):  # the joined lookup finds nothing; Django's own finds the user
        user = PersonBackend().get_user(agent.user_id)

    assert user is not None
    assert user.pk == agent.user_id
    assert getattr(user, PERSON_ATTRIBUTE) is None


def test_an_inactive_user_is_refused_with_or_without_a_person(agent):
    get_user_model().objects.filter(pk=agent.user_id).update(is_active=False)

    assert PersonBackend().get_user(agent.user_id) is None
    Person.objects.filter(pk=agent.pk).update(is_active=False)
    assert PersonBackend().get_user(agent.user_id) is None


@pytest.mark.parametrize("user_id", [None, "", "abc", 987654])
def test_an_unknown_or_malformed_id_gives_nobody(user_id, db):
    assert PersonBackend().get_user(user_id) is None


def test_a_signed_in_page_reads_the_person_from_the_users_query(
    client, team_lead, django_assert_num_queries
):
    client.force_login(team_lead.user, backend="groundswell.people.backends.PersonBackend")
    client.get(reverse("desk:interaction-list"))  # warm: prepared statements, caches

    with django_assert_num_queries(3):  # the session, the user with the person, the list
        response = client.get(reverse("desk:interaction-list"))

    assert response.status_code == 200
    assert response.wsgi_request.person.pk == team_lead.pk


def test_signing_in_with_a_password_uses_the_person_backend(client, agent):
    agent.user.set_password("correct horse battery staple")
    agent.user.save()

    response = client.post(
        reverse("login"),
        {"username": agent.user.username, "password": "correct horse battery staple"},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "groundswell.people.backends.PersonBackend"
    assert client.get(reverse("desk:interaction-list")).wsgi_request.person.pk == agent.pk
