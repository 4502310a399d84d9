"""The desk's rules: recording, resolving, promises and the idempotent ingest."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.desk import selectors, services
from groundswell.desk.choices import InteractionStatus, PromiseStatus
from groundswell.desk.models import Customer, Interaction
from groundswell.desk.tests.factories import InteractionFactory, PromiseFactory


def test_upsert_with_the_same_external_id_twice_keeps_one_row(admin, team_alpha):
    data = {
        "team_id": team_alpha.pk,
        "channel": "email",
        "subject": "Refund not received",
        "source": "zendesk",
        "external_id": "4711",
    }

    first = services.upsert_interaction(actor=admin, data=data)
    second = services.upsert_interaction(actor=admin, data={**data, "subject": "Refund sent"})

    assert first.created
    assert not second.created
    assert second.interaction.pk == first.interaction.pk
    assert Interaction.objects.filter(external_id="4711").count() == 1
    assert Interaction.objects.get(external_id="4711").subject == "Refund sent"


def test_the_same_external_id_from_another_source_is_another_interaction(admin, team_alpha):
    data = {"team_id": team_alpha.pk, "channel": "chat", "subject": "Hi", "external_id": "1"}

    services.upsert_interaction(actor=admin, data={**data, "source": "zendesk"})
    services.upsert_interaction(actor=admin, data={**data, "source": "freshdesk"})

    assert Interaction.objects.filter(external_id="1").count() == 2


def test_upsert_finds_the_customer_by_email_ignoring_capitals(admin, team_alpha):
    base = {"team_id": team_alpha.pk, "channel": "phone", "subject": "Where is my parcel"}
    services.upsert_interaction(
        actor=admin, data={**base, "customer_email": "Kim@Example.test", "customer_name": "Kim"}
    )
    services.upsert_interaction(actor=admin, data={**base, "customer_email": "kim@example.TEST"})

    assert Customer.objects.count() == 1
    customer = Customer.objects.get()
    assert customer.email == "kim@example.test"
    assert customer.name == "Kim"
    assert customer.interactions.count() == 2


def test_upsert_without_a_team_names_the_field(admin):
    with pytest.raises(ValidationError) as caught:
        services.upsert_interaction(actor=admin, data={"channel": "email", "subject": "x"})

    assert "team_id" in caught.value.message_dict


def test_upsert_with_an_unknown_team_names_the_field(admin):
    data = {"team_id": 999_999, "channel": "email", "subject": "x"}

    with pytest.raises(ValidationError) as caught:
        services.upsert_interaction(actor=admin, data=data)

    assert "team_id" in caught.value.message_dict


def test_agent_cannot_ingest_into_another_team(agent, team_beta):
    data = {"team_id": team_beta.pk, "channel": "email", "subject": "x"}

    with pytest.raises(PermissionDenied):
        services.upsert_interaction(actor=agent, data=data)
    assert not Interaction.objects.exists()


def test_a_bad_value_writes_nothing_not_even_the_customer(admin, team_alpha):
    data = {
        "team_id": team_alpha.pk,
        "channel": "pigeon",
        "subject": "x",
        "customer_email": "new@example.test",
    }

    with pytest.raises(ValidationError) as caught:
        services.upsert_interaction(actor=admin, data=data)

    assert "channel" in caught.value.message_dict
    assert not Customer.objects.exists()
    assert not Interaction.objects.exists()


def test_resolved_before_opened_is_refused(admin, team_alpha):
    now = timezone.now()
    data = {
        "team_id": team_alpha.pk,
        "channel": "email",
        "subject": "x",
        "opened_at": now,
        "resolved_at": now - datetime.timedelta(hours=1),
    }

    with pytest.raises(ValidationError) as caught:
        services.upsert_interaction(actor=admin, data=data)

    assert "resolved_at" in caught.value.message_dict


def test_resolving_sets_status_and_time_and_surveys_the_customer(
    agent, team_alpha, django_capture_on_commit_callbacks
):
    interaction = InteractionFactory.create(team=team_alpha)

    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_interaction(actor=agent, interaction=interaction)

    interaction.refresh_from_db()
    assert interaction.status == InteractionStatus.RESOLVED
    assert interaction.resolved_at is not None
    assert interaction.invitations.count() == 1  # the customer is asked about the service


def test_resolving_twice_is_refused(agent, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha)
    services.resolve_interaction(actor=agent, interaction=interaction)

    with pytest.raises(ValidationError):
        services.resolve_interaction(actor=agent, interaction=interaction)


def test_executive_cannot_resolve(executive, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha)

    with pytest.raises(PermissionDenied):
        services.resolve_interaction(actor=executive, interaction=interaction)


def test_promise_kept_once_only(agent, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha)
    promise = services.make_promise(
        actor=agent,
        interaction=interaction,
        kind="call_back",
        due_at=timezone.now() + datetime.timedelta(hours=4),
        description="Call back with the tracking number",
    )

    services.keep_promise(actor=agent, promise=promise)

    assert promise.status == PromiseStatus.KEPT
    assert promise.settled_at is not None
    with pytest.raises(ValidationError):
        services.break_promise(actor=agent, promise=promise)


def test_promise_of_an_unknown_kind_names_the_field(agent, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha)

    with pytest.raises(ValidationError) as caught:
        services.make_promise(
            actor=agent, interaction=interaction, kind="moon", due_at=timezone.now()
        )

    assert "kind" in caught.value.message_dict


def test_other_team_agent_cannot_settle_a_promise(other_agent, team_alpha):
    promise = PromiseFactory.create(interaction=InteractionFactory.create(team=team_alpha))

    with pytest.raises(PermissionDenied):
        services.break_promise(actor=other_agent, promise=promise)


def test_kept_promise_rate_by_team(team_alpha, team_beta):
    alpha = InteractionFactory.create(team=team_alpha)
    beta = InteractionFactory.create(team=team_beta)
    for status in ("kept", "kept", "kept", "broken", "open"):
        PromiseFactory.create(interaction=alpha, status=status)
    PromiseFactory.create(interaction=beta, status="open")

    rates = selectors.kept_promise_rate_by_team()

    assert rates[team_alpha.pk].kept == 3
    assert rates[team_alpha.pk].broken == 1
    assert rates[team_alpha.pk].rate == pytest.approx(0.75)
    assert team_beta.pk not in rates  # nothing settled yet: no rate, not zero


def test_overdue_promises_for_agent_and_lead(agent, team_lead, other_agent, team_alpha, team_beta):
    past = timezone.now() - datetime.timedelta(hours=1)
    mine = PromiseFactory.create(
        interaction=InteractionFactory.create(team=team_alpha, handled_by=agent), due_at=past
    )
    PromiseFactory.create(
        interaction=InteractionFactory.create(team=team_alpha, handled_by=agent),
        due_at=past,
        status="kept",
    )
    PromiseFactory.create(interaction=InteractionFactory.create(team=team_alpha, handled_by=agent))
    theirs = PromiseFactory.create(
        interaction=InteractionFactory.create(team=team_beta, handled_by=other_agent),
        due_at=past,
    )

    assert selectors.overdue_promises_for(agent) == [mine]
    assert selectors.overdue_promises_for(team_lead) == [mine]
    assert selectors.overdue_promises_for(other_agent) == [theirs]


def test_internal_requester_must_come_from_another_department(agent, team_lead, team_alpha):
    with pytest.raises(ValidationError) as caught:
        services.create_interaction(
            actor=agent,
            team=team_alpha,
            channel="chat",
            subject="Laptop",
            requester_person=team_lead,
        )

    assert "requester_person" in caught.value.message_dict


def test_customer_email_taken_is_refused(admin):
    services.create_customer(actor=admin, name="Kim", email="kim@example.test")

    with pytest.raises(ValidationError) as caught:
        services.create_customer(actor=admin, name="Kim Two", email="KIM@example.test")

    assert "email" in caught.value.message_dict


def test_api_languages_match_the_settings():
    from typing import get_args

    from django.conf import settings

    from groundswell.desk.schemas import Language

    assert set(get_args(Language)) == {code for code, _name in settings.LANGUAGES}
