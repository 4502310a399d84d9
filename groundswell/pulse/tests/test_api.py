"""Creating and closing campaigns, and reading the item bank, over /api/v1, per role."""

import pytest
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.pulse import item_bank, services
from groundswell.pulse.choices import CampaignStatus, QuestionKind
from groundswell.pulse.models import Campaign, Question
from groundswell.pulse.tests.factories import launched

API = "/api/v1/pulse"
ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def errors_by_field(response):
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def payload(*, teams=(), departments=(), **extra):
    return {
        "name": "June pulse",
        "kind": "pulse",
        "teams": [team.pk for team in teams],
        "departments": [department.pk for department in departments],
        "elements": ["management", "training"],
        **extra,
    }


# --- Creating ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_and_admins_create_campaigns(role, org, client_for, team_alpha):
    response = post(client_for(org[role]), f"{API}/campaigns", payload(teams=[team_alpha]))

    allowed = role in {"manager", "admin"}
    assert response.status_code == (201 if allowed else 403), response.content
    assert Campaign.objects.count() == (1 if allowed else 0)
    assert Question.objects.exists() is allowed


def test_a_manager_creates_a_draft_for_their_department(manager, client_for, team_alpha):
    response = post(
        client_for(manager),
        f"{API}/campaigns",
        payload(teams=[team_alpha], custom_statements=["  The new rota works for me. "]),
    )

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == CampaignStatus.DRAFT
    assert body["department_id"] == manager.department_id
    assert body["min_group_size"] == 5
    assert body["audience_teams"] == [team_alpha.pk]
    assert body["audience_departments"] == []
    kinds = [question["kind"] for question in body["questions"]]
    assert kinds[0] == QuestionKind.ENPS
    assert {q["element"] for q in body["questions"][1:-1]} == {"management", "training"}
    assert body["questions"][-1]["text"] == "The new rota works for me."
    assert body["questions"][-1]["item_code"] == ""
    assert [q["position"] for q in body["questions"]] == list(range(1, len(kinds) + 1))


def test_an_admin_creates_an_organisation_wide_assessment_with_every_item(
    admin, client_for, customer_service, billing
):
    response = post(
        client_for(admin),
        f"{API}/campaigns",
        payload(
            departments=[customer_service, billing],
            kind="culture",
            schedule="quarterly",
            include_enps=False,
            min_group_size=3,
            open_days=21,
        ),
    )

    body = response.json()
    assert response.status_code == 201, response.content
    assert body["department_id"] is None
    assert body["kind"] == "culture"
    assert body["schedule"] == "quarterly"
    assert body["min_group_size"] == 3
    assert body["open_days"] == 21
    assert body["audience_departments"] == sorted([customer_service.pk, billing.pk])
    assert [q["item_code"] for q in body["questions"]] == [i.code for i in item_bank.ITEMS]


def test_a_manager_may_not_survey_another_department(manager, client_for, team_invoices, billing):
    client = client_for(manager)

    team = post(client, f"{API}/campaigns", payload(teams=[team_invoices]))
    department = post(client, f"{API}/campaigns", payload(departments=[billing]))

    assert set(errors_by_field(team)) == {"teams"}
    assert set(errors_by_field(department)) == {"departments"}
    assert not Campaign.objects.exists()


def test_an_admin_may_survey_any_department(admin, client_for, team_invoices):
    response = post(client_for(admin), f"{API}/campaigns", payload(teams=[team_invoices]))

    assert response.status_code == 201
    assert response.json()["audience_teams"] == [team_invoices.pk]


@pytest.mark.parametrize("size", [2, 11])
def test_the_minimum_group_size_stays_between_3_and_10(size, admin, client_for, team_alpha):
    response = post(
        client_for(admin), f"{API}/campaigns", payload(teams=[team_alpha], min_group_size=size)
    )

    assert set(errors_by_field(response)) == {"min_group_size"}
    assert not Campaign.objects.exists()


def test_only_an_admin_may_change_the_minimum_group_size(manager, client_for, team_alpha):
    response = post(
        client_for(manager), f"{API}/campaigns", payload(teams=[team_alpha], min_group_size=7)
    )

    assert errors_by_field(response) == {
        "min_group_size": "Only an administrator may change the minimum group size."
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"teams": [999999]}, "teams"),
        ({"departments": [999999]}, "departments"),
        ({"teams": []}, "teams"),
        ({"elements": ["morale"]}, "elements"),
        ({"elements": [], "include_enps": False}, "elements"),
        ({"kind": "survey"}, "kind"),
        ({"schedule": "weekly"}, "schedule"),
        ({"name": "   "}, "name"),
        ({"name": "nul\x00"}, "name"),
        ({"custom_statements": ["x" * 301]}, "custom_statements.0"),
        ({"open_days": 0}, "open_days"),
        ({"open_days": 91}, "open_days"),
        ({"teams": [0]}, "teams.0"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    change, field, manager, client_for, team_alpha
):
    response = post(client_for(manager), f"{API}/campaigns", payload(teams=[team_alpha]) | change)

    assert field in errors_by_field(response)
    assert not Campaign.objects.exists()
    assert not Question.objects.exists()


def test_an_unknown_team_is_named_in_the_error(manager, client_for, team_alpha):
    data = payload() | {"teams": [team_alpha.pk, 424242]}

    response = post(client_for(manager), f"{API}/campaigns", data)

    assert errors_by_field(response) == {"teams": "Unknown id: 424242."}


def test_a_read_only_key_cannot_create_or_close(admin, agent, client, team_alpha):
    secret = create_api_key(actor=admin, name="reader", scope=ApiKeyScope.READ).secret
    campaign, _wave, _links = launched(admin, teams=[team_alpha])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    created = post(client, f"{API}/campaigns", payload(teams=[team_alpha]), **bearer)
    closed = post(client, f"{API}/campaigns/{campaign.pk}/close", **bearer)
    read = client.get(f"{API}/campaigns/{campaign.pk}", **bearer)

    assert created.status_code == closed.status_code == 403
    assert read.status_code == 200
    assert Campaign.objects.count() == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_writes_need_credentials(client, db):
    assert post(client, f"{API}/campaigns", payload()).status_code == 401
    assert post(client, f"{API}/campaigns/1/close").status_code == 401
    assert client.get(f"{API}/item-bank").status_code == 401


# --- Closing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_of_its_department_and_admins_close_a_campaign(
    role, org, client_for, team_alpha
):
    campaign, wave, _links = launched(org["manager"], teams=[team_alpha])

    response = post(client_for(org[role]), f"{API}/campaigns/{campaign.pk}/close")

    allowed = role in {"manager", "admin"}
    assert response.status_code == (200 if allowed else 403), response.content
    campaign.refresh_from_db()
    wave.refresh_from_db()
    assert campaign.status == (CampaignStatus.CLOSED if allowed else CampaignStatus.OPEN)
    assert (wave.closes_at <= timezone.now()) is allowed
    if allowed:
        assert response.json()["status"] == CampaignStatus.CLOSED


def test_a_manager_cannot_close_an_organisation_wide_campaign(org, client_for, team_alpha):
    campaign, _wave, _links = launched(org["admin"], teams=[team_alpha])

    response = post(client_for(org["manager"]), f"{API}/campaigns/{campaign.pk}/close")

    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_closing_a_draft_of_another_department_is_not_found(org, client_for, team_invoices):
    draft = services.create_campaign(
        actor=org["admin"], name="Billing", kind="pulse", teams=[team_invoices],
        elements=["training"],
    )  # fmt: skip

    for role in ("manager", "agent"):
        response = post(client_for(org[role]), f"{API}/campaigns/{draft.pk}/close")
        assert response.status_code == 404
    assert post(client_for(org["admin"]), f"{API}/campaigns/424242/close").status_code == 404
    draft.refresh_from_db()
    assert draft.status == CampaignStatus.DRAFT


# --- Reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_item_bank(role, org, client_for, django_assert_max_num_queries):
    client = client_for(org[role])

    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/item-bank")

    body = response.json()
    assert response.status_code == 200
    assert body["enps_text"] == str(item_bank.ENPS_TEXT)
    assert [element["code"] for element in body["elements"]] == [
        element.code for element in item_bank.ELEMENTS
    ]
    assert all(len(element["items"]) >= 3 for element in body["elements"])
    reversed_codes = {
        item["code"]
        for element in body["elements"]
        for item in element["items"]
        if item["is_reversed"]
    }
    assert reversed_codes == {item.code for item in item_bank.ITEMS if item.is_reversed}


def test_a_campaign_reads_back_with_its_questions_in_a_few_queries(
    admin, agent, client_for, team_alpha, team_beta, django_assert_max_num_queries
):
    campaign, _wave, _links = launched(admin, teams=[team_alpha, team_beta])
    client = client_for(admin)

    with django_assert_max_num_queries(9):
        response = client.get(f"{API}/campaigns/{campaign.pk}")

    body = response.json()
    assert body["wave_count"] == 1
    assert body["audience_teams"] == sorted([team_alpha.pk, team_beta.pk])
    assert len(body["questions"]) == campaign.questions.count()
