"""The desk pages for every role: who gets in, who is refused, and what they see."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groundswell.desk.choices import InteractionStatus, PromiseStatus
from groundswell.desk.models import Interaction, Promise
from groundswell.desk.selectors import LIST_PAGE_SIZE
from groundswell.desk.tests.factories import CHANGE, VIEW, InteractionFactory, PromiseFactory


@pytest.fixture
def alpha_interaction(org, team_alpha):
    return InteractionFactory.create(
        team=team_alpha, handled_by=org["agent"], subject="Lost parcel"
    )


@pytest.mark.parametrize(
    "role", ["agent", "team_lead", "manager", "executive", "admin", "outsider"]
)
def test_everyone_signed_in_opens_the_list_and_sees_only_their_scope(
    role, org, client_for, alpha_interaction, team_invoices
):
    InteractionFactory.create(team=team_invoices, subject="Invoice twice")

    response = client_for(org[role]).get(reverse("desk:interaction-list"))

    assert response.status_code == 200
    sees_alpha = VIEW[role] == 200
    assert ("Lost parcel" in response.text) == sees_alpha
    assert ("Invoice twice" in response.text) == (role in {"executive", "admin", "outsider"})


@pytest.mark.parametrize("role", list(VIEW))
def test_detail_per_role(role, org, client_for, alpha_interaction):
    response = client_for(org[role]).get(alpha_interaction.get_absolute_url())

    assert response.status_code == VIEW[role]
    if response.status_code == 200:
        assert "Lost parcel" in response.text
        assert ("Mark resolved" in response.text) == (CHANGE[role] == 200)


@pytest.mark.parametrize("role", list(CHANGE))
def test_resolve_per_role(role, org, client_for, alpha_interaction):
    url = reverse("desk:interaction-resolve", args=[alpha_interaction.pk])

    response = client_for(org[role]).post(url, headers={"HX-Request": "true"})

    assert response.status_code == CHANGE[role]
    alpha_interaction.refresh_from_db()
    resolved = alpha_interaction.status == InteractionStatus.RESOLVED
    assert resolved == (CHANGE[role] == 200)
    if resolved:
        assert "Resolved" in response.text
        assert "<html" not in response.text  # an HTMX partial


@pytest.mark.parametrize("role", list(CHANGE))
def test_make_promise_per_role(role, org, client_for, alpha_interaction):
    url = reverse("desk:promise-create", args=[alpha_interaction.pk])
    due = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client_for(org[role]).post(
        url, {"kind": "refund", "due_at": due, "description": "Refund the postage"}
    )

    expected = 302 if CHANGE[role] == 200 else CHANGE[role]
    assert response.status_code == expected
    assert Promise.objects.exists() == (expected == 302)


def test_promise_form_errors_come_back_in_the_partial(agent, client_for, alpha_interaction):
    url = reverse("desk:promise-create", args=[alpha_interaction.pk])

    response = client_for(agent).post(url, {"kind": "moon"}, headers={"HX-Request": "true"})

    assert response.status_code == 422
    assert "moon" in response.text
    assert not Promise.objects.exists()


@pytest.mark.parametrize("outcome", ["keep", "break"])
@pytest.mark.parametrize("role", list(CHANGE))
def test_settle_promise_per_role(outcome, role, org, client_for, alpha_interaction):
    promise = PromiseFactory.create(interaction=alpha_interaction)
    url = reverse(f"desk:promise-{outcome}", args=[promise.pk])

    response = client_for(org[role]).post(url, headers={"HX-Request": "true"})

    assert response.status_code == CHANGE[role]
    promise.refresh_from_db()
    settled = PromiseStatus.KEPT if outcome == "keep" else PromiseStatus.BROKEN
    assert (promise.status == settled) == (CHANGE[role] == 200)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent", 200),
        ("team_lead", 200),
        ("manager", 200),
        ("admin", 200),
        ("executive", 403),
    ],
)
def test_create_page_per_role(role, expected, org, client_for):
    response = client_for(org[role]).get(reverse("desk:interaction-create"))

    assert response.status_code == expected


def test_agent_records_an_interaction_with_a_new_customer(agent, client_for, team_alpha):
    response = client_for(agent).post(
        reverse("desk:interaction-create"),
        {
            "team": team_alpha.pk,
            "channel": "phone",
            "subject": "Change of address",
            "customer_email": "Robin@Example.test",
            "customer_name": "Robin",
            "topics": "address, account",
            "status": "open",
        },
    )

    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response.url == interaction.get_absolute_url()
    assert interaction.handled_by == agent
    assert interaction.customer is not None
    assert interaction.customer.email == "robin@example.test"
    assert interaction.topics == ["address", "account"]


def test_agent_cannot_record_for_another_team(agent, client_for, team_beta):
    response = client_for(agent).post(
        reverse("desk:interaction-create"),
        {"team": team_beta.pk, "channel": "phone", "subject": "x", "status": "open"},
    )

    assert response.status_code == 200  # the form says the team is not a valid choice
    assert "team" in response.context["form"].errors
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    "name", ["desk:interaction-list", "desk:interaction-create", "desk:import"]
)
def test_visitors_are_sent_to_sign_in(name, client, db):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_visitors_are_sent_to_sign_in_from_an_interaction(client, alpha_interaction):
    for url in [
        alpha_interaction.get_absolute_url(),
        reverse("desk:interaction-resolve", args=[alpha_interaction.pk]),
    ]:
        response = client.post(url) if "resolve" in url else client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_subject_with_a_script_is_shown_escaped(agent, client_for, team_alpha):
    interaction = InteractionFactory.create(team=team_alpha, subject="<script>alert(1)</script>")

    for url in [reverse("desk:interaction-list"), interaction.get_absolute_url()]:
        response = client_for(agent).get(url)
        assert "<script>alert(1)</script>" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_filters_narrow_the_list(admin, client_for, team_alpha, team_beta, agent):
    InteractionFactory.create(team=team_alpha, channel="chat", subject="Chat in alpha")
    InteractionFactory.create(team=team_beta, channel="phone", subject="Phone in beta")
    InteractionFactory.create(
        team=team_alpha, subject="Old one", opened_at=timezone.now() - datetime.timedelta(days=40)
    )
    client = client_for(admin)
    url = reverse("desk:interaction-list")

    by_team = client.get(url, {"team": team_beta.pk}).text
    by_channel = client.get(url, {"channel": "chat"}).text
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    by_date = client.get(url, {"opened_from": since}).text
    partial = client.get(url, {"status": "resolved"}, headers={"HX-Request": "true"})

    assert "Phone in beta" in by_team
    assert "Chat in alpha" not in by_team
    assert "Chat in alpha" in by_channel
    assert "Phone in beta" not in by_channel
    assert "Old one" not in by_date
    assert "Chat in alpha" in by_date
    assert "No interactions match" in partial.text
    assert "<html" not in partial.text


def test_list_pages_with_a_cursor_and_never_counts(admin, client_for, team_alpha):
    start = timezone.now() - datetime.timedelta(days=1)
    for number in range(LIST_PAGE_SIZE + 5):
        InteractionFactory.create(
            team=team_alpha,
            subject=f"Ticket {number:02d}",
            opened_at=start + datetime.timedelta(minutes=number),
        )
    client = client_for(admin)
    client.get(reverse("desk:interaction-list"))  # sessions, caches

    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("desk:interaction-list"))

    assert f"Ticket {LIST_PAGE_SIZE + 4}" in first.text
    assert "Ticket 05" in first.text
    assert "Ticket 04" not in first.text
    assert len(queries) <= 8
    assert not any("COUNT(" in query["sql"].upper() for query in queries)
    after = first.context["page"].next_cursor
    second = client.get(reverse("desk:interaction-list"), {"after": after})
    assert "Ticket 04" in second.text
    assert "Ticket 05" not in second.text
    assert second.context["page"].next_cursor is None


def test_list_query_count_does_not_grow_with_rows(admin, client_for, team_alpha, agent):
    client = client_for(admin)
    InteractionFactory.create_batch(3, team=team_alpha, handled_by=agent)
    client.get(reverse("desk:interaction-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("desk:interaction-list"))
    InteractionFactory.create_batch(30, team=team_alpha, handled_by=agent)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("desk:interaction-list"))

    assert len(many) == len(few)


def test_a_broken_cursor_shows_the_first_page(admin, client_for, alpha_interaction):
    response = client_for(admin).get(reverse("desk:interaction-list"), {"after": "nonsense"})

    assert response.status_code == 200
    assert "Lost parcel" in response.text


def test_detail_shows_the_timeline(agent, client_for, alpha_interaction):
    promise = PromiseFactory.create(interaction=alpha_interaction, description="Ring back at 5")
    promise.status = PromiseStatus.KEPT
    promise.settled_at = timezone.now()
    promise.save(update_fields=["status", "settled_at"])

    response = client_for(agent).get(alpha_interaction.get_absolute_url())

    timeline = [event.kind for event in response.context["page"].timeline]
    assert timeline == ["opened", "promise", "promise-kept"]
    assert "Ring back at 5" in response.text


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("agent", "My open promises"),
        ("team_lead", "Promises at risk or broken"),
        ("manager", "Promises at risk or broken"),
    ],
)
def test_overdue_promises_show_on_the_home_page(role, heading, org, client_for, alpha_interaction):
    PromiseFactory.create(
        interaction=alpha_interaction, due_at=timezone.now() - datetime.timedelta(hours=3)
    )

    response = client_for(org[role]).get(reverse("site:home"))

    assert response.status_code == 200
    assert heading in response.text
    assert "Lost parcel" in response.text
    assert alpha_interaction.get_absolute_url() in response.text


@pytest.mark.parametrize("role", ["other_agent", "outsider", "executive", "admin"])
def test_others_promises_stay_off_the_home_page(role, org, client_for, alpha_interaction):
    PromiseFactory.create(
        interaction=alpha_interaction, due_at=timezone.now() - datetime.timedelta(hours=3)
    )

    response = client_for(org[role]).get(reverse("site:home"))

    assert "Lost parcel" not in response.text


def test_no_open_promises_says_so(agent, client_for):
    response = client_for(agent).get(reverse("site:home"))

    assert "No open promises" in response.text
