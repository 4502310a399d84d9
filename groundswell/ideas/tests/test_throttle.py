"""The open door's per-address brake on submitting, named and anonymous alike."""

from django.test import Client
from django.urls import reverse

from groundswell.ideas.models import Idea
from groundswell.ideas.tests.factories import submission_form


def _client(person, address):
    client = Client(REMOTE_ADDR=address)
    client.force_login(person.user, backend="groundswell.people.backends.PersonBackend")
    return client


def test_submissions_from_one_address_are_braked_named_and_anonymous_alike(
    agent, other_agent, settings
):
    settings.GROUNDSWELL_IDEA_SUBMITS_PER_ADDRESS = 2
    office = "192.0.2.10"
    url = reverse("ideas:idea-create")

    anonymous = _client(agent, office).post(url, submission_form(agent, is_anonymous="on"))
    named = _client(other_agent, office).post(url, submission_form(other_agent))
    braked = _client(agent, office).post(
        url, submission_form(agent, is_anonymous="on", title="Third")
    )
    braked_named = _client(other_agent, office).post(
        url, submission_form(other_agent, title="Fourth")
    )
    elsewhere = _client(agent, "192.0.2.99").post(url, submission_form(agent, title="From home"))

    assert (anonymous.status_code, named.status_code, elsewhere.status_code) == (200, 200, 200)
    assert braked.status_code == braked_named.status_code == 429
    assert "Too many submissions from here" in braked.text
    assert "Third" in braked.text  # what they wrote is still in the form
    assert set(Idea.objects.values_list("title", flat=True)) == {"Quiet room", "From home"}


def test_the_api_brakes_submissions_from_one_address(agent, settings):
    settings.GROUNDSWELL_IDEA_SUBMITS_PER_ADDRESS = 1
    client = _client(agent, "192.0.2.10")

    def create(**extra):
        return client.post(
            "/api/v1/ideas", submission_form(agent, **extra), content_type="application/json"
        )

    first, second = create(is_anonymous=True), create()

    assert first.status_code == 201
    assert second.status_code == 429
    assert second.json()["detail"].startswith("Too many submissions")
    assert Idea.objects.count() == 1


def test_an_invalid_form_does_not_count(agent, settings):
    settings.GROUNDSWELL_IDEA_SUBMITS_PER_ADDRESS = 1
    client = _client(agent, "192.0.2.10")
    url = reverse("ideas:idea-create")

    invalid = client.post(url, submission_form(agent, title=""))
    valid = client.post(url, submission_form(agent))

    assert invalid.status_code == 200
    assert valid.status_code == 200
    assert Idea.objects.count() == 1
