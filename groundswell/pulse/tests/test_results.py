"""Results pages, CSV and API: per role, and suppression that nothing leaks through."""

import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groundswell.people.tests.factories import TeamFactory
from groundswell.pulse import selectors, services
from groundswell.pulse.choices import CampaignKind
from groundswell.pulse.models import Comment, Submission
from groundswell.pulse.tests.factories import add_submissions, fake_wave

SECRET = "the small team says 4.40"


@pytest.fixture
def report(org, admin, customer_service, team_alpha, team_beta):
    """Customer Service: Alpha answers 10 times (mean 3), Beta twice (mean 5): the department
    of 12 would reveal Beta by subtraction, so both teams must be hidden."""
    campaign = services.create_campaign(
        actor=admin,
        name="Culture check",
        kind=CampaignKind.PULSE,
        departments=[customer_service],
        elements=["training"],
    )
    wave = fake_wave(campaign)
    add_submissions(wave, team_alpha, [[7, 3, 3, 3]] * 10)
    add_submissions(wave, team_beta, [[10, 5, 5, 5]] * 2)
    beta_submission = Submission.objects.filter(team=team_beta)[0]
    Comment.objects.create(submission=beta_submission, text=SECRET)
    return campaign


def test_department_of_12_beside_team_of_10_hides_both_teams(report, admin):
    results = selectors.campaign_results(admin, report)
    by_label = {g.label: g for g in results.groups}

    assert by_label["Customer Service"].respondents == 12
    assert by_label["Alpha"].is_hidden
    assert by_label["Beta"].is_hidden
    assert by_label["Alpha"].scores == {}
    assert by_label["Beta"].respondents is None


@pytest.mark.parametrize(
    ("role", "status"),
    [("agent", 200), ("team_lead", 200), ("manager", 200), ("executive", 200), ("admin", 200)],
)
def test_results_page_per_role_leaks_nothing_of_the_small_team(
    report, org, client_for, role, status
):
    url = reverse("pulse:campaign-detail", args=[report.pk])
    response = client_for(org[role]).get(url)
    team_page = client_for(org[role]).get(f"{url}?team={beta_team_id(org)}")

    assert response.status_code == status
    content = response.content.decode()
    assert SECRET not in team_page.content.decode()
    assert "5.00" not in content  # Beta's mean
    # "n=2" as a count, not the tail of a link such as "?campaign=2".
    assert re.search(r"(?<![\w])n=2(?!\d)", content) is None


def test_agent_sees_the_organisation_only(report, org, client_for):
    content = (
        client_for(org["agent"])
        .get(reverse("pulse:campaign-detail", args=[report.pk]))
        .content.decode()
    )
    assert "Whole organisation" in content
    assert "Customer Service <span" not in content  # no department column in the heat map
    assert "Alpha" not in content.split('id="heat"')[1].split("</table>")[0]


def test_csv_export_leaks_nothing_of_the_small_team(report, org, client_for):
    response = client_for(org["manager"]).get(reverse("pulse:campaign-export", args=[report.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    beta = [row for row in rows if row[0] == "Beta"]
    assert beta == [["Beta", "team", "suppressed", "", "", "", ""]]
    assert not any(row[0] == "Alpha" and row[2] != "suppressed" for row in rows)


def test_api_results_leak_nothing_of_the_small_team(report, org, client_for):
    response = client_for(org["executive"]).get(f"/api/v1/pulse/campaigns/{report.pk}/results")
    body = response.json()
    beta = next(g for g in body["groups"] if g["label"] == "Beta")

    assert response.status_code == 200
    assert beta == {
        "label": "Beta", "level": "team", "suppressed": True,
        "respondents": None, "enps": None, "scores": [],
    }  # fmt: skip
    team_api = client_for(org["admin"]).get(
        f"/api/v1/pulse/campaigns/{report.pk}/results?team={beta_team_id(org)}"
    )
    assert SECRET not in team_api.content.decode()


def test_comments_need_the_comment_minimum_of_respondents(
    report, org, client_for, team_alpha, settings
):
    # The department has 12 respondents: enough for figures (3) and comments (10) by default.
    url = reverse("pulse:campaign-detail", args=[report.pk])
    url += f"?department={team_alpha.department_id}"
    assert SECRET in client_for(org["admin"]).get(url).content.decode()
    settings.GROUNDSWELL_MIN_COMMENT_RESPONSES = 13
    page = client_for(org["admin"]).get(url).content.decode()
    assert SECRET not in page
    assert "Whole organisation" in page  # the figures still show


def beta_team_id(org):
    return org["other_agent"].team_id


def test_comments_show_for_a_group_at_or_above_the_minimum(report, org, client_for, team_alpha):
    wave = report.waves.get()
    Comment.objects.create(
        submission=Submission.objects.filter(team=team_alpha)[0], text="Alpha view"
    )
    content = (
        client_for(org["admin"])
        .get(
            reverse("pulse:campaign-detail", args=[report.pk])
            + f"?department={team_alpha.department_id}"
        )
        .content.decode()
    )
    beta_only = (
        client_for(org["admin"])
        .get(reverse("pulse:campaign-detail", args=[report.pk]) + f"?team={beta_team_id(org)}")
        .content.decode()
    )
    assert "Alpha view" in content
    assert SECRET in content
    assert SECRET not in beta_only
    assert "Alpha view" not in beta_only
    assert wave.number == 1


def test_only_department_managers_and_admins_create_campaigns(org, client_for):
    url = reverse("pulse:campaign-create")
    statuses = {role: client_for(org[role]).get(url).status_code for role in
                ("agent", "team_lead", "manager", "executive", "admin")}  # fmt: skip
    assert statuses == {
        "agent": 403,
        "team_lead": 403,
        "manager": 200,
        "executive": 403,
        "admin": 200,
    }


def test_manager_cannot_survey_another_department_or_change_the_minimum(org, team_invoices):
    with pytest.raises(ValidationError):
        services.create_campaign(
            actor=org["manager"],
            name="x",
            kind="pulse",
            teams=[team_invoices],
            elements=["training"],
        )
    with pytest.raises(ValidationError) as error:
        services.create_campaign(
            actor=org["manager"], name="x", kind="pulse", teams=[org["agent"].team],
            elements=["training"], min_group_size=3,
        )  # fmt: skip
    assert "min_group_size" in error.value.message_dict


def test_admin_minimum_must_be_between_3_and_10(org):
    with pytest.raises(ValidationError) as error:
        services.create_campaign(
            actor=org["admin"], name="x", kind="pulse", teams=[org["agent"].team],
            elements=["training"], min_group_size=2,
        )  # fmt: skip
    assert "min_group_size" in error.value.message_dict


def test_manager_creates_and_launches_through_the_pages(org, client_for, team_alpha):
    client = client_for(org["manager"])
    response = client.post(
        reverse("pulse:campaign-create"),
        {"name": "May pulse", "kind": "pulse", "schedule": "once", "teams": [team_alpha.pk],
         "elements": ["training"], "include_enps": "on", "open_days": 14},
    )  # fmt: skip
    campaign = selectors.list_campaigns(org["manager"]).get(name="May pulse")
    launch = client.post(reverse("pulse:campaign-launch", args=[campaign.pk]))
    denied = client_for(org["team_lead"]).post(reverse("pulse:campaign-launch", args=[campaign.pk]))

    assert response.status_code == 302
    assert launch.status_code == 302
    assert denied.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "open"


def test_draft_of_another_department_is_not_found(org, client_for, admin, team_invoices):
    other = TeamFactory.create(department=team_invoices.department, name="Other")
    draft = services.create_campaign(
        actor=admin, name="Billing draft", kind="pulse", teams=[other], elements=["training"]
    )
    assert (
        client_for(org["manager"])
        .get(reverse("pulse:campaign-detail", args=[draft.pk]))
        .status_code
        == 404
    )
    assert client_for(org["agent"]).get(f"/api/v1/pulse/campaigns/{draft.pk}").status_code == 404


def test_campaign_list_query_count(report, org, client_for, django_assert_max_num_queries):
    client = client_for(org["admin"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pulse:campaign-list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/pulse/campaigns").status_code == 200


def test_results_filter_offers_the_campaigns_waves_newest_first(report, org, client_for):
    from groundswell.pulse.forms import ResultsFilterForm

    form = ResultsFilterForm({}, campaign=report)

    choices = form.fields["wave"].choices  # type: ignore[attr-defined]
    numbers = [value for value, _label in choices if value != ""]
    assert numbers == sorted(report.waves.values_list("number", flat=True), reverse=True)
    assert form.is_valid()
    assert form.cleaned_data["wave"] is None


def test_results_count_a_waves_answers_once_then_read_only_its_tally(report, admin):
    """A published wave's answers are counted once (pulse/tally.py); every later report reads
    the tally alone, so the page's cost does not grow with respondents (bench/scale.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groundswell.pulse.models import WaveTally

    WaveTally.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        first = selectors.campaign_results(admin, report)
    answer_reads = [q for q in queries.captured_queries if 'FROM "pulse_answer"' in q["sql"]]
    assert len(answer_reads) == 1
    assert WaveTally.objects.filter(wave__campaign=report).count() == report.waves.count()
    with CaptureQueriesContext(connection) as queries:
        again = selectors.campaign_results(admin, report)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"pulse_answer"' not in sql
    assert '"pulse_submission"' not in sql
    # The same figures, from the tally, for every group and element.
    assert [(g.label, g.respondents, g.scores, g.enps) for g in again.groups] == [
        (g.label, g.respondents, g.scores, g.enps) for g in first.groups
    ]
    assert again.reliability == first.reliability
    assert again.changes == first.changes
    shown = {group.label for group in again.groups if not group.is_hidden}
    assert shown
    assert set(again.trend) >= shown
    assert all(len(points) == 1 for points in again.trend.values())
