"""The readiness gate on every path that sets a handler: by hand it is refused, an ingest or
an import keeps the row and flags it (people.readiness; learning signs people off)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.desk import imports, services
from groundswell.desk.models import Interaction
from groundswell.desk.tests.factories import InteractionFactory
from groundswell.people.readiness import is_ready

API = "/api/v1"


def hold(person, until=None):
    person.on_readiness_hold = True
    person.readiness_override_until = until
    person.save(update_fields=["on_readiness_hold", "readiness_override_until"])
    return person


@pytest.fixture
def key(admin):
    secret = create_api_key(actor=admin, name="Helpdesk", scope=ApiKeyScope.READ_WRITE).secret
    return {"Authorization": f"Bearer {secret}"}


def test_is_ready_rules():
    today = datetime.date(2026, 3, 1)
    assert is_ready(False, None, today)
    assert not is_ready(True, None, today)
    assert is_ready(True, today, today)
    assert not is_ready(True, today - datetime.timedelta(days=1), today)


def test_the_desk_page_refuses_a_new_hire_recording_an_interaction(agent, client_for, team_alpha):
    hold(agent)

    response = client_for(agent).post(
        reverse("desk:interaction-create"),
        {"team": team_alpha.pk, "channel": "phone", "subject": "Address", "status": "open"},
    )

    assert response.status_code == 200
    assert "not signed off for live customers" in str(response.context["form"].errors)
    assert not Interaction.objects.exists()


def test_a_manager_override_lets_the_page_through(agent, client_for, team_alpha):
    hold(agent, until=timezone.localdate() + datetime.timedelta(days=3))

    response = client_for(agent).post(
        reverse("desk:interaction-create"),
        {"team": team_alpha.pk, "channel": "phone", "subject": "Address", "status": "open"},
    )

    assert response.status_code == 302
    assert Interaction.objects.get().handler_not_ready is False


def test_an_expired_override_refuses_again(agent, team_lead, team_alpha):
    hold(agent, until=timezone.localdate() - datetime.timedelta(days=1))

    with pytest.raises(ValidationError) as refused:
        services.create_interaction(
            actor=team_lead, team=team_alpha, channel="email", subject="x", handled_by=agent
        )

    assert "handled_by" in refused.value.message_dict


def test_api_patch_assigning_a_new_hire_is_refused(key, agent, team_alpha, other_agent):
    interaction = InteractionFactory.create(team=team_alpha, handled_by=None)
    hold(agent)

    response = Client().patch(
        f"{API}/interactions/{interaction.pk}",
        {"handled_by_id": agent.pk},
        content_type="application/json",
        headers=key,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "handled_by_id"
    assert "onboarding" in response.json()["errors"][0]["message"]
    interaction.refresh_from_db()
    assert interaction.handled_by is None


def test_single_ingest_stores_and_flags(key, agent, team_alpha):
    hold(agent)
    payload = {
        "team_id": team_alpha.pk,
        "channel": "email",
        "subject": "Parcel",
        "external_id": "h-1",
        "handled_by_email": agent.email,
    }

    response = Client().post(
        f"{API}/interactions", payload, content_type="application/json", headers=key
    )

    assert response.status_code == 201
    stored = Interaction.objects.get(external_id="h-1")
    assert stored.handled_by == agent
    assert stored.handler_not_ready is True


def test_ingest_by_a_ready_handler_is_not_flagged_and_a_resend_to_one_clears(
    key, agent, other_agent, team_alpha
):
    hold(agent)
    base = {"team_id": team_alpha.pk, "channel": "email", "subject": "x", "external_id": "h-2"}
    client = Client()
    client.post(
        f"{API}/interactions",
        {**base, "handled_by_id": agent.pk},
        content_type="application/json",
        headers=key,
    )
    client.post(
        f"{API}/interactions",
        {**base, "handled_by_id": other_agent.pk},
        content_type="application/json",
        headers=key,
    )

    assert Interaction.objects.get(external_id="h-2").handler_not_ready is False


def test_batch_ingest_flags_too(key, agent, team_alpha):
    hold(agent)
    item = {"team_id": team_alpha.pk, "channel": "chat", "subject": "x", "external_id": "b-1"}

    response = Client().post(
        f"{API}/interactions/batch",
        [{**item, "handled_by_id": agent.pk}],
        content_type="application/json",
        headers=key,
    )

    assert response.status_code == 200
    assert Interaction.objects.get(external_id="b-1").handler_not_ready is True


CSV = (
    "external_id,subject,channel,status,team,opened_at,resolved_at,handled_by_email,"
    "customer_email\n"
    "c-1,Parcel,email,open,Alpha,2026-10-01T10:00:00+00:00,,agent@example.test,\n"
    "c-2,Size,email,open,Alpha,2026-10-01T11:00:00+00:00,,beta.agent@example.test,\n"
)


def test_csv_import_stores_and_flags_only_the_new_hires_rows(admin, agent, other_agent):
    hold(agent)

    outcome = imports.import_file(actor=admin, content=CSV.encode())

    assert outcome.committed
    flags = dict(Interaction.objects.values_list("external_id", "handler_not_ready"))
    assert flags == {"c-1": True, "c-2": False}


def test_csv_import_through_the_api_flags(key, agent, other_agent, team_alpha):
    hold(agent)

    response = Client().post(
        f"{API}/interactions/import", CSV, content_type="text/csv", headers=key
    )

    assert response.status_code == 201
    assert response.json()["not_ready"] == 1
    assert Interaction.objects.filter(handler_not_ready=True).count() == 1


def test_the_gate_adds_no_query_to_a_single_ingest(admin, agent, other_agent, team_alpha):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hold(agent)

    def ingest(handler, external_id):
        data = {
            "team_id": team_alpha.pk,
            "channel": "email",
            "subject": "x",
            "external_id": external_id,
            "handled_by_id": handler.pk,
        }
        with CaptureQueriesContext(connection) as queries:
            services.upsert_interaction(actor=admin, data=data)
        return len(queries)

    ingest(other_agent, "warm-up")  # compiles the prepared statements
    ready = ingest(other_agent, "q-1")
    not_ready = ingest(agent, "q-2")

    assert not_ready == ready
    assert Interaction.objects.get(external_id="q-2").handler_not_ready
