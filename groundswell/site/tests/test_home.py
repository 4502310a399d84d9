"""Each role's home page shows what needs them, and nothing that is not theirs to see.

One organisation (the root conftest's) with a little of everything: answers about two agents
of team Alpha, poor answers in Alpha, Beta and Billing's Invoices whose follow-ups are overdue,
promises, submissions to the open door, a policy past its review, and a pulse wave.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES
from groundswell.desk.tests.factories import InteractionFactory, PromiseFactory
from groundswell.ideas import services as ideas_services
from groundswell.ideas.choices import IdeaCategory, IdeaKind
from groundswell.ideas.models import Idea
from groundswell.ideas.tests.factories import PolicyFactory
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.tests.factories import PersonFactory
from groundswell.pulse.tests.factories import launched, members
from groundswell.voice.invitations import services as voice_services
from groundswell.voice.models import FollowUp, Response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db
HOURS = datetime.timedelta(hours=1)


def answer(team, agent, score, comment, capture, *, kind="csat") -> Response:
    interaction = make_interaction(team, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction, kind=kind)
    with capture(execute=True):
        return voice_services.record_response(invitation, score=score, comment=comment)


def idea(actor: Person, department, title: str, **fields) -> Idea:
    submitted = ideas_services.submit_idea(
        actor=actor,
        kind=IdeaKind.IDEA,
        title=title,
        body="Details of the submission.",
        category=IdeaCategory.PROCESS,
        department=department,
    ).idea
    if fields:
        Idea.objects.filter(pk=submitted.pk).update(**fields)
    return submitted


@dataclass
class World:
    colleague: Person


@pytest.fixture
def world(
    org,
    team_alpha,
    team_beta,
    team_invoices,
    customer_service,
    billing,
    django_capture_on_commit_callbacks,
) -> World:
    capture = django_capture_on_commit_callbacks
    agent, lead = org["agent"], org["team_lead"]
    colleague = PersonFactory.create(
        role=Role.AGENT, team=team_alpha, department=customer_service, full_name="Cleo Colleague"
    )
    answer(team_alpha, agent, 5, "Ada sorted it at once", capture)
    answer(team_alpha, agent, 1, "Nobody called me back", capture)
    answer(team_alpha, colleague, 5, "Cleo was wonderful", capture)
    answer(team_beta, org["other_agent"], 1, "Beta was rude", capture)
    answer(team_invoices, org["outsider"], 2, "Invoice was wrong", capture)
    FollowUp.objects.update(due_at=timezone.now() - 2 * HOURS)  # every follow-up is overdue

    mine = InteractionFactory.create(team=team_alpha, handled_by=agent, subject="Refund for Ada")
    PromiseFactory.create(interaction=mine, made_by=agent, due_at=timezone.now() - 3 * HOURS)
    theirs = InteractionFactory.create(
        team=team_alpha, handled_by=colleague, subject="Cleo's callback"
    )
    PromiseFactory.create(interaction=theirs, made_by=colleague, due_at=timezone.now() + 5 * HOURS)
    billing_call = InteractionFactory.create(
        team=team_invoices, handled_by=org["outsider"], subject="Invoice promise"
    )
    PromiseFactory.create(interaction=billing_call, due_at=timezone.now() - 3 * HOURS)

    idea(agent, customer_service, "Quiet room for hard calls")
    idea(
        org["other_agent"],
        customer_service,
        "Shorter hold music",
        owner=lead,
        acknowledge_by=timezone.localdate() - datetime.timedelta(days=2),
    )
    idea(org["outsider"], billing, "Billing idea for billing")
    PolicyFactory.create(
        name="Refund limits",
        owner=org["manager"],
        review_by=timezone.localdate() - datetime.timedelta(days=3),
    )

    members(team_alpha, 3)  # Alpha: lead, Ada, Cleo and three more, over the minimum of 5
    launched(org["admin"], teams=[team_alpha, team_beta])
    return World(colleague=colleague)


def home(client_for, person: Person):
    response = client_for(person).get(reverse("site:home"))
    assert response.status_code == 200
    return response


# Agents -------------------------------------------------------------------------------------------


def test_agent_home_shows_their_promises_answers_follow_ups_ideas_and_pulse(org, world, client_for):
    response = home(client_for, org["agent"])
    page = response.text

    assert "My open promises" in page
    assert "Refund for Ada" in page
    assert "Ada sorted it at once" in page
    assert "Follow-ups on my customers" in page
    assert "Nobody called me back" in page  # their poor answer, waiting for a call
    assert "Quiet room for hard calls" in page
    assert "A pulse survey is waiting for you" in page
    assert "Spring pulse" in page
    voice = response.context["my_voice"]
    assert voice.csat.now.n == 2  # their own two answers, not Cleo's
    assert voice.open_follow_ups == 1


def test_agent_never_sees_a_colleagues_answers_promises_or_figures(org, world, client_for):
    page = home(client_for, org["agent"]).text

    assert "Cleo was wonderful" not in page
    assert "Cleo&#x27;s callback" not in page
    assert "Beta was rude" not in page
    assert "Invoice" not in page
    assert "Shorter hold music" not in page  # not theirs: their ideas only
    assert "Teams that need attention" not in page
    assert "Pulse participation" not in page


def test_agent_figure_shows_from_the_minimum_and_is_their_own(org, world, client_for, settings):
    settings.GROUNDSWELL_MIN_AGENT_RESPONSES = 2
    voice = home(client_for, org["agent"]).context["my_voice"]

    assert voice.csat.now.value == 50  # one 5 and one 1: half satisfied; Cleo's 5 not counted
    assert voice.csat.now.n == 2


def test_agent_below_the_minimum_sees_their_n_and_no_figure(org, world, client_for):
    page = home(client_for, org["agent"]).text

    assert "2 answers so far; shown from 10" in page


# Team leads ---------------------------------------------------------------------------------------


def test_team_lead_home_shows_what_needs_them(org, world, client_for):
    response = home(client_for, org["team_lead"])
    page = response.text

    assert "Overdue follow-ups" in page
    assert "Nobody called me back" in page
    assert response.context["team_voice"].overdue == 1  # Alpha's only
    assert "Promises at risk or broken" in page
    assert "Refund for Ada" in page  # overdue
    assert "Cleo&#x27;s callback" in page  # due within a day: at risk
    assert "Ideas waiting for acknowledgement" in page
    assert "Shorter hold music" in page
    assert "Pulse participation" in page
    assert "My teams against the company" in page
    voice = response.context["team_voice"]
    assert voice.csat.now.n == 3  # Alpha's three answers
    assert voice.company_csat.n == 5  # everyone's, one figure for the whole company


def test_team_lead_sees_no_other_teams_items(org, world, client_for):
    page = home(client_for, org["team_lead"]).text

    assert "Beta was rude" not in page
    assert "Invoice" not in page
    assert "Billing idea" not in page
    assert "Teams that need attention" not in page


def test_pulse_participation_shows_counts_only_for_groups_at_the_minimum(org, world, client_for):
    waves = home(client_for, org["team_lead"]).context["pulse_participation"]

    assert len(waves) == 1
    shown = {row.team.name: row.turnout for row in waves[0].teams}
    assert shown["Alpha"].invited == 6
    assert shown["Alpha"].rate == 0
    assert "Beta" not in shown  # the lead's reach is their own team
    manager_waves = home(client_for, org["manager"]).context["pulse_participation"]
    beta = {row.team.name: row.turnout for row in manager_waves[0].teams}["Beta"]
    assert beta.invited == 1
    assert beta.rate is None  # one person invited: no figure


# Managers -----------------------------------------------------------------------------------------


def test_manager_home_ranks_their_departments_teams_by_need(org, world, client_for):
    response = home(client_for, org["manager"])
    page = response.text

    ranked = response.context["teams_by_need"]
    assert [row.team.name for row in ranked] == ["Alpha", "Beta"]
    alpha_reasons = [need.reason for need in ranked[0].needs]
    assert "0% took part in Spring pulse (0 of 6)" in alpha_reasons
    assert "1 overdue follow-up" in alpha_reasons
    assert "1 overdue promise" in alpha_reasons
    assert "Invoices" not in page  # another department
    assert "Shorter hold music" in page  # overdue acknowledgement in their department
    assert "1 is past its deadline." in page
    assert "Billing idea" not in page
    assert "Policy reviews" in page
    assert "Refund limits" in page


def test_every_item_links_to_where_it_is_acted_on(org, world, client_for):
    follow_up = FollowUp.objects.get(team__name="Alpha")
    lead_page = home(client_for, org["team_lead"]).text
    manager_page = home(client_for, org["manager"]).text
    shorter = Idea.objects.get(title="Shorter hold music")

    assert follow_up.get_absolute_url() in lead_page
    assert shorter.get_absolute_url() in lead_page
    assert f"{reverse('voice:follow-up-list')}?state=overdue" in manager_page
    assert reverse("ideas:policy-review-queue") in manager_page
    interaction = Response.objects.get(comment="Ada sorted it at once").invitation.interaction
    agent_page = home(client_for, org["agent"]).text
    assert reverse("desk:interaction-detail", args=[interaction.pk]) in agent_page


# Executives ---------------------------------------------------------------------------------------


def test_executive_home_shows_the_company_picture(org, world, client_for):
    response = home(client_for, org["executive"])
    page = response.text

    assert "Customer voice across the company" in page
    assert response.context["voice_overview"].overdue == 3  # every team's
    assert [row.team.name for row in response.context["teams_by_need"]][:1] == ["Alpha"]
    assert "Invoices" in page
    assert "Open door" in page
    assert response.context["open_door_overview"].overdue == 1
    assert response.context["open_door_overview"].past_review == 1


def test_executive_reads_follow_ups_and_cannot_act_on_them(org, world, client_for):
    client = client_for(org["executive"])
    follow_up = FollowUp.objects.get(team__name="Beta")

    assert "Close the follow-up" not in home(client_for, org["executive"]).text
    detail = client.get(follow_up.get_absolute_url())
    assert detail.status_code == 200
    assert "Close the follow-up" not in detail.text
    close = client.post(
        reverse("voice:follow-up-close", args=[follow_up.pk]),
        {"outcome": "reached_resolved", "note": "Called."},
    )
    assert close.status_code == 403


# Everyone -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_own_home_page(role, org, client_for):
    response = client_for(org[role]).get(reverse("site:home"))

    assert response.status_code == 200
    assert f"site/home_{role}.html" in [t.name for t in response.templates]
    assert org[role].full_name in response.text


EMPTY = {
    "agent": [
        "No open promises",
        "No comments from your customers yet.",
        "No open follow-ups on your customers.",
        "You have not sent an idea under your name yet.",
    ],
    "team_lead": [
        "No overdue follow-ups.",
        "No promise is overdue, due within a day or broken this week.",
        "No idea is waiting for your acknowledgement.",
        "No pulse survey open or closed in the last 30 days.",
    ],
    "manager": [
        "No team needs attention",
        "No promise is overdue, due within a day or broken this week.",
        "No idea is waiting for your acknowledgement.",
        "No policy of yours is due for review.",
    ],
    "executive": ["No team needs attention", "No pulse survey open or closed in the last 30 days."],
}


@pytest.mark.parametrize(("role", "sentences"), EMPTY.items())
def test_an_empty_panel_says_so_in_plain_words(role, sentences, org, client_for):
    page = home(client_for, org[role]).text

    for sentence in sentences:
        assert sentence in page


def test_visitor_is_sent_to_login(client, db):
    response = client.get(reverse("site:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Speed --------------------------------------------------------------------------------------------

# A first visit (nothing cached) as measured; the figures come from VoiceMetrics, which reads
# the rollups and today's live rows for each period compared (four weeks and eight).
# Quality adds its panel; recognition one query for an agent (their latest thanks), two for
# leads and managers (compliments and nominations waiting for them).
MAX_QUERIES = {"agent": 36, "team_lead": 50, "manager": 58, "executive": 46, "admin": 7}


def queries_for_home(client) -> int:
    cache.clear()  # what a first visit costs, before any figure is cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("site:home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_takes_a_bounded_number_of_queries(
    role, org, world, client_for, team_alpha, django_capture_on_commit_callbacks
):
    client = client_for(org[role])
    before = queries_for_home(client)
    for number in range(6):  # more of everything each panel lists
        answer(team_alpha, org["agent"], 1, f"More {number}", django_capture_on_commit_callbacks)
        interaction = InteractionFactory.create(team=team_alpha, handled_by=org["agent"])
        PromiseFactory.create(
            interaction=interaction, made_by=org["agent"], due_at=timezone.now() - HOURS
        )
        idea(org["agent"], team_alpha.department, f"Idea {number}", owner=org["team_lead"])
    FollowUp.objects.update(due_at=timezone.now() - HOURS)

    after = queries_for_home(client)

    assert after == before
    assert after <= MAX_QUERIES[role]
