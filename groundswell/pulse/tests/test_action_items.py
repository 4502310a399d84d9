"""Actions on pulse results ("you said, we did"): who plans them where, who sees them, per role,
through the services, the pages and the API."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.pulse import selectors, services
from groundswell.pulse.models import ActionItem, Wave
from groundswell.pulse.tests.published import by_element, campaign_for, closed_wave, stored

API = "/api/v1/pulse/actions"
ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
SOON = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def results(org, admin, customer_service, billing, team_alpha, team_invoices):
    """A published wave of an organisation-wide pulse: Training is the weak element."""
    campaign = campaign_for(admin, departments=[customer_service, billing])
    wave = closed_wave(campaign)
    value = by_element({"management": 4, "training": 2})
    stored(wave, 6, department=customer_service, team=team_alpha, value=value)
    stored(wave, 5, department=billing, team=team_invoices, value=value)
    return wave


def plan(actor, wave, *, owner=None, **scope):
    return services.create_action_item(
        actor=actor,
        wave=wave,
        element="training",
        title="Shadow a senior colleague before going live",
        owner=owner or actor,
        due_on=SOON,
        **scope,
    )


# --- Services ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [
        ("team_lead", "team_alpha", True),
        ("team_lead", "team_beta", False),
        ("team_lead", "customer_service", False),  # a scope above them
        ("manager", "team_alpha", True),
        ("manager", "customer_service", True),
        ("manager", "team_invoices", False),
        ("manager", "billing", False),
        ("admin", "team_invoices", True),
        ("admin", "billing", True),
    ],
)
def test_who_plans_actions_where(results, org, request, role, scope, allowed, team_beta):
    target = request.getfixturevalue(scope)
    field = "team" if scope.startswith("team") else "department"
    actor = org[role]
    if allowed:
        item = plan(actor, results, **{field: target})
        assert item.scope == target
        assert item.created_by == actor
        assert item.label == "Training"
    else:
        with pytest.raises(ValidationError) as error:
            plan(actor, results, **{field: target})
        assert field in error.value.message_dict
        assert not ActionItem.objects.exists()


@pytest.mark.parametrize("role", ["agent", "executive", "outsider"])
def test_agents_and_executives_plan_no_actions(results, org, role, team_alpha):
    with pytest.raises(PermissionDenied):
        plan(org[role], results, team=team_alpha)


def test_an_owner_is_the_planner_or_ranks_below_them_in_the_department(results, org, team_alpha):
    lead = org["team_lead"]
    assert plan(lead, results, team=team_alpha, owner=org["agent"]).owner == org["agent"]
    for owner in (org["manager"], org["other_agent"], org["outsider"]):
        with pytest.raises(ValidationError) as error:
            plan(lead, results, team=team_alpha, owner=owner)
        assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError):
        plan(org["admin"], results, team=team_alpha, owner=org["outsider"])  # another department


def test_an_action_needs_a_published_wave_a_known_element_and_a_date_ahead(
    results, org, team_alpha
):
    lead = org["team_lead"]
    open_wave = Wave.objects.create(
        campaign=results.campaign,
        number=2,
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"wave": open_wave}, "wave"),
        ({"element": "rewards"}, "element"),
        ({"due_on": timezone.localdate() - datetime.timedelta(days=1)}, "due_on"),
        ({"team": None}, "scope"),
    ]
    for change, field in cases:
        arguments = {
            "actor": lead, "wave": results, "element": "training", "team": team_alpha,
            "title": "x", "owner": lead, "due_on": SOON, **change,
        }  # fmt: skip
        with pytest.raises(ValidationError) as error:
            services.create_action_item(**arguments)
        assert field in error.value.message_dict


def test_status_changes_only_where_the_actor_plans(results, org, team_alpha):
    item = plan(org["team_lead"], results, team=team_alpha)

    services.update_action_item(actor=org["manager"], item=item, status="in_progress")
    for role in ("agent", "executive", "outsider"):
        with pytest.raises(PermissionDenied):
            services.update_action_item(actor=org[role], item=item, status="done")
    with pytest.raises(ValidationError):
        services.update_action_item(actor=org["team_lead"], item=item, status="finished")

    item.refresh_from_db()
    assert item.status == "in_progress"


def test_the_team_and_its_department_see_an_action_and_no_one_else_below_them(
    results, org, team_alpha, customer_service
):
    team_item = plan(org["team_lead"], results, team=team_alpha)
    department_item = plan(org["manager"], results, department=customer_service)

    seen = {
        role: set(selectors.list_action_items(org[role]).values_list("pk", flat=True))
        for role in (*ROLES, "other_agent")
    }
    both = {team_item.pk, department_item.pk}
    assert seen == {
        "agent": both,
        "team_lead": both,
        "manager": both,
        "executive": both,
        "admin": both,
        "other_agent": {department_item.pk},  # Beta: the department's, not Alpha's
        "outsider": set(),
    }


# --- Pages -------------------------------------------------------------------------------------


def create_url(wave):
    return (
        reverse("pulse:action-create", args=[wave.campaign_id])
        + f"?wave={wave.number}&element=training"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("agent", 403), ("team_lead", 200), ("manager", 200), ("executive", 403), ("admin", 200),
     ("outsider", 403)],
)  # fmt: skip
def test_the_plan_page_per_role(results, org, client_for, role, status):
    response = client_for(org[role]).get(create_url(results))

    assert response.status_code == status
    if status == 200:
        assert 'value="training" selected' in response.content.decode()


def test_the_weak_element_links_to_planning_for_those_who_plan(results, org, client_for):
    url = results.campaign.get_absolute_url()
    lead_page = client_for(org["team_lead"]).get(url).content.decode()
    agent_page = client_for(org["agent"]).get(url).content.decode()

    assert "Weak: Training" in lead_page
    assert "Plan an action on Training" in lead_page
    assert "Weak: Training" in agent_page
    assert "Plan an action on Training" not in agent_page


def test_a_lead_plans_through_the_page_and_the_team_sees_it(results, org, client_for, team_alpha):
    lead = org["team_lead"]
    response = client_for(lead).post(
        create_url(results),
        {"element": "training", "scope": f"team-{team_alpha.pk}", "title": "Buddy shifts",
         "description": "Two shifts beside a senior.", "owner": org["agent"].pk,
         "due_on": SOON.isoformat()},
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()
    item = ActionItem.objects.get()
    assert (item.team, item.owner, item.created_by) == (team_alpha, org["agent"], lead)
    pulse_page = reverse("pulse:campaign-list")
    agent_page = client_for(org["agent"]).get(pulse_page).content.decode()
    beta_page = client_for(org["other_agent"]).get(pulse_page).content.decode()
    outsider_page = client_for(org["outsider"]).get(pulse_page).content.decode()
    assert "You said, we did" in agent_page
    assert "Buddy shifts" in agent_page
    assert "Buddy shifts" not in beta_page
    assert "Buddy shifts" not in outsider_page


def test_a_lead_may_not_plan_for_the_department_through_the_page(
    results, org, client_for, customer_service
):
    response = client_for(org["team_lead"]).post(
        create_url(results),
        {"element": "training", "scope": f"department-{customer_service.pk}", "title": "x",
         "owner": org["team_lead"].pk, "due_on": SOON.isoformat()},
    )  # fmt: skip

    assert response.status_code == 200
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("agent", 403), ("team_lead", 200), ("manager", 200), ("executive", 403), ("admin", 200),
     ("outsider", 403)],
)  # fmt: skip
def test_status_changes_over_htmx_per_role(results, org, client_for, team_alpha, role, status):
    item = plan(org["team_lead"], results, team=team_alpha)
    response = client_for(org[role]).post(
        reverse("pulse:action-status", args=[item.pk]), {"status": "done"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == status
    item.refresh_from_db()
    assert (item.status == "done") is (status == 200)
    if status == 200:
        assert f'id="action-{item.pk}"' in response.content.decode()
        assert '<option value="done" selected>' in response.content.decode()


def test_a_manager_cannot_reach_another_departments_action(results, org, client_for, team_invoices):
    item = plan(org["admin"], results, team=team_invoices)
    response = client_for(org["manager"]).post(
        reverse("pulse:action-status", args=[item.pk]), {"status": "done"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_action_list_per_role(results, org, client_for, team_alpha, role):
    plan(org["team_lead"], results, team=team_alpha)
    content = client_for(org[role]).get(reverse("pulse:action-list")).content.decode()

    assert ("Shadow a senior colleague" in content) is (role != "outsider")
    assert ('name="status"' in content) is (role in {"team_lead", "manager", "admin"})


# --- API ---------------------------------------------------------------------------------------


def payload(wave, owner, **extra):
    return {
        "campaign_id": wave.campaign_id,
        "element": "training",
        "title": "Buddy shifts",
        "owner_id": owner.pk,
        "due_on": SOON.isoformat(),
        **extra,
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("agent", 403), ("team_lead", 201), ("manager", 201), ("executive", 403), ("admin", 201),
     ("outsider", 403)],
)  # fmt: skip
def test_api_plans_per_role(results, org, client_for, team_alpha, role, status):
    response = client_for(org[role]).post(
        API,
        payload(results, org[role], team_id=team_alpha.pk),
        content_type="application/json",
    )

    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["element_label"] == "Training"
        assert body["wave"] == results.number
        assert body["team_id"] == team_alpha.pk
        assert body["status"] == "open"


def test_api_refuses_a_scope_above_the_caller_naming_the_field(
    results, org, client_for, customer_service
):
    response = client_for(org["team_lead"]).post(
        API,
        payload(results, org["team_lead"], department_id=customer_service.pk),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["department"]


@pytest.mark.parametrize(
    ("role", "listed", "patch"),
    [("agent", 1, 403), ("team_lead", 1, 200), ("manager", 1, 200), ("executive", 1, 403),
     ("admin", 1, 200), ("outsider", 0, 404)],
)  # fmt: skip
def test_api_reads_and_patches_per_role(results, org, client_for, team_alpha, role, listed, patch):
    item = plan(org["team_lead"], results, team=team_alpha)
    client = client_for(org[role])

    listing = client.get(API)
    one = client.get(f"{API}/{item.pk}")
    changed = client.patch(
        f"{API}/{item.pk}", {"status": "in_progress"}, content_type="application/json"
    )

    assert listing.status_code == 200
    assert listing.json()["count"] == listed
    assert one.status_code == (200 if listed else 404)
    assert changed.status_code == patch, changed.content
    if patch == 200:
        assert changed.json()["status"] == "in_progress"


def test_a_read_only_api_key_cannot_plan(results, org, client, team_alpha):
    secret = create_api_key(actor=org["admin"], name="reader", scope=ApiKeyScope.READ).secret
    response = client.post(
        API,
        payload(results, org["admin"], team_id=team_alpha.pk),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403
    assert not ActionItem.objects.exists()


def test_api_list_query_count(results, org, client_for, team_alpha, django_assert_max_num_queries):
    for _ in range(5):
        plan(org["team_lead"], results, team=team_alpha)
    client = client_for(org["manager"])
    with django_assert_max_num_queries(10):
        assert client.get(API).status_code == 200
