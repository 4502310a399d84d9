"""Edges of the desk's rules: changes through the API, races, timelines and odd files."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.desk import imports, selectors, services
from groundswell.desk.models import Interaction
from groundswell.desk.tests.factories import InteractionFactory, PromiseFactory
from groundswell.voice.models import Invitation


def test_patching_status_to_resolved_resolves_and_surveys(
    agent, client_for, team_alpha, django_capture_on_commit_callbacks
):
    interaction = InteractionFactory.create(team=team_alpha, handled_by=agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(agent).patch(
            f"/api/v1/interactions/{interaction.pk}",
            {"status": "resolved", "handled_by_id": None, "handle_time_seconds": 90},
            content_type="application/json",
        )

    body = response.json()
    assert response.status_code == 200
    assert body["resolved_at"] is not None
    assert body["handled_by_id"] is None
    assert body["handle_time_seconds"] == 90
    assert Invitation.objects.filter(interaction=interaction).count() == 1


def test_moving_an_interaction_needs_the_right_on_the_new_team(agent, client_for, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha)
    other_team = InteractionFactory.create().team

    response = client_for(agent).patch(
        f"/api/v1/interactions/{interaction.pk}",
        {"team_id": other_team.pk},
        content_type="application/json",
    )

    assert response.status_code == 403
    interaction.refresh_from_db()
    assert interaction.team == team_alpha


def test_agent_named_by_email_or_id(admin, agent, team_alpha):
    base = {"team_id": team_alpha.pk, "channel": "email", "subject": "x"}

    by_email = services.upsert_interaction(
        actor=admin, data={**base, "handled_by_email": "AGENT@example.test"}
    )
    by_id = services.upsert_interaction(actor=admin, data={**base, "handled_by_id": agent.pk})

    assert by_email.interaction.handled_by == agent
    assert by_id.interaction.handled_by == agent
    for field, value in [("handled_by_email", "ghost@example.test"), ("handled_by_id", 999_999)]:
        with pytest.raises(ValidationError) as caught:
            services.upsert_interaction(actor=admin, data={**base, field: value})
        assert field in caught.value.message_dict


def test_a_concurrent_import_of_the_same_ids_writes_nothing(admin, team_alpha):
    content = (
        b"external_id,subject,channel,team,opened_at\n"
        b"r-1,First,email,Alpha,2026-10-01T10:00:00+00:00\n"
        b"r-2,Second,email,Alpha,2026-10-01T10:00:00+00:00\n"
    )
    plan = imports.check_file(actor=admin, content=content)
    # Between the check and the write, another import stores r-2.
    InteractionFactory.create(team=team_alpha, source="groundswell", external_id="r-2")

    outcome = imports.commit_plan(admin, plan, skip_bad_rows=False)

    assert not outcome.committed
    assert "try again" in plan.file_problems[0].message
    assert list(Interaction.objects.values_list("external_id", flat=True)) == ["r-2"]


def test_semicolons_naive_times_and_topics(admin, team_alpha):
    content = (
        b"subject;channel;team;opened_at;topics;customer_language;customer_email\n"
        b"Hola;web;Alpha;2026-10-01 10:00;refund, delivery;es;ana@example.test\n"
    )

    outcome = imports.import_file(actor=admin, content=content)

    assert outcome.committed, outcome.plan.problems
    interaction = Interaction.objects.select_related("customer").get()
    assert interaction.topics == ["refund", "delivery"]
    assert interaction.opened_at.tzinfo is not None
    assert interaction.customer is not None
    assert interaction.customer.language == "es"


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("Hi;web;Alpha;2026-10-01 10:00;xx;", "customer_language"),
        ("Hi;web;Alpha;2026-10-01 10:00;;99999999999", "handle_time_seconds"),
        ("Hi;;Alpha;2026-10-01 10:00;;", "channel"),
        (";web;;2026-10-01 10:00;;", "team"),
    ],
)
def test_more_bad_cells(cells, column, admin, team_alpha):
    content = (
        "subject;channel;team;opened_at;customer_language;handle_time_seconds\n" + cells + "\n"
    ).encode()

    plan = imports.check_file(actor=admin, content=content)

    assert column in {error.column for error in plan.problems}


def test_a_default_team_fills_rows_without_one(admin, team_alpha):
    content = b"subject,channel,opened_at\nHi,email,2026-10-01T10:00:00+00:00\n"

    outcome = imports.import_file(actor=admin, content=content, default_team=team_alpha)

    assert Interaction.objects.get().team == team_alpha
    assert outcome.created == 1


def test_an_unknown_preset_is_refused(admin):
    with pytest.raises(ValidationError):
        imports.check_file(actor=admin, content=b"x", preset="nope")


def test_import_api_names_an_unknown_default_team(admin):
    key = create_api_key(actor=admin, name="k", scope=ApiKeyScope.READ_WRITE).secret

    response = Client().post(
        "/api/v1/interactions/import?team_id=999999",
        b"subject,channel,opened_at\n",
        content_type="text/csv",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team_id"


def test_import_api_with_only_a_header_says_there_is_nothing(admin):
    key = create_api_key(actor=admin, name="k", scope=ApiKeyScope.READ_WRITE).secret

    response = Client().post(
        "/api/v1/interactions/import",
        b"subject,channel,opened_at\n",
        content_type="text/csv",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 422


def test_timeline_includes_the_survey_and_its_answer(agent, team_alpha, client_for):
    from groundswell.voice.invitations import services as voice_services

    interaction = InteractionFactory.create(team=team_alpha, handled_by=agent)
    services.resolve_interaction(actor=agent, interaction=interaction)
    invitation = voice_services.invite_after_resolution(interaction)
    assert invitation is not None
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())

    page = selectors.get_interaction_page(agent, interaction.pk)

    kinds = [event.kind for event in page.timeline]
    assert kinds[:2] == ["opened", "resolved"]
    assert "survey" in kinds


def test_kept_rate_over_a_period(team_alpha):
    interaction = InteractionFactory.create(team=team_alpha)
    now = timezone.now()
    PromiseFactory.create(interaction=interaction, status="kept", due_at=now)
    PromiseFactory.create(
        interaction=interaction, status="broken", due_at=now - datetime.timedelta(days=30)
    )

    recent = selectors.kept_promise_rate_by_team(
        teams=[team_alpha],
        since=now - datetime.timedelta(days=7),
        until=now + datetime.timedelta(days=1),
    )

    assert recent[team_alpha.pk].rate == 1.0


def test_list_promises_by_status(admin, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha)
    kept = PromiseFactory.create(interaction=interaction, status="kept")
    PromiseFactory.create(interaction=interaction)

    assert list(selectors.list_promises(admin, status="kept")) == [kept]


def test_resolving_twice_from_the_page_says_why(agent, client_for, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha, status="resolved")

    response = client_for(agent).post(
        reverse("desk:interaction-resolve", args=[interaction.pk]), follow=True
    )

    assert "already resolved" in response.text


def test_settling_twice_from_the_page_says_why(agent, client_for, team_alpha):
    promise = PromiseFactory.create(
        interaction=InteractionFactory.create(team=team_alpha), status="kept"
    )

    response = client_for(agent).post(reverse("desk:promise-break", args=[promise.pk]), follow=True)

    assert "already kept or broken" in response.text


def test_filter_by_agent_and_customer(admin, agent, team_alpha):
    mine = InteractionFactory.create(team=team_alpha, handled_by=agent)
    InteractionFactory.create(team=team_alpha)

    assert list(selectors.list_interactions(admin, agent=agent)) == [mine]
    assert list(selectors.list_interactions(admin, customer=mine.customer)) == [mine]
