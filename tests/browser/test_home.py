"""Each role signs in and finds on the home page what needs them, and follows it to where it
is acted on."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from groundswell.desk.tests.factories import InteractionFactory, PromiseFactory
from groundswell.people.models import Person
from groundswell.voice.invitations import services
from groundswell.voice.models import FollowUp
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

People = dict[str, Person]


@pytest.fixture
def needs(people: People, transactional_db: None) -> FollowUp:
    """A kind comment and a poor answer about the agent (its follow-up overdue), and an overdue
    promise of theirs. Returns the follow-up."""
    importlib.import_module(
        "groundswell.voice.migrations.0003_default_surveys"
    ).create_default_surveys(apps, None)
    agent = people["agent"]
    assert agent.team is not None
    for score, comment in ((5, "Ada fixed it in one call"), (1, "Still waiting for my refund")):
        interaction = make_interaction(
            agent.team,
            customer=make_customer(name=f"Customer {score}"),
            handled_by=agent,
            subject=f"Call scored {score}",
        )
        invitation, _token = make_invitation(interaction)
        services.record_response(invitation, score=score, comment=comment)
    follow_up = FollowUp.objects.get()
    follow_up.due_at = timezone.now() - datetime.timedelta(hours=3)
    follow_up.save(update_fields=["due_at"])
    promised = InteractionFactory.create(
        team=agent.team, handled_by=agent, subject="Replacement router"
    )
    PromiseFactory.create(
        interaction=promised,
        made_by=agent,
        description="Send the courier label",
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return follow_up


def section(page: Page, heading: str) -> Locator:
    """The home panel whose heading matches `heading` (a panel is a region named by it)."""
    return page.get_by_role("region", name=re.compile(heading))


def test_agent_home_shows_their_promises_customers_and_follow_ups(
    page: Page, people: People, needs: FollowUp
) -> None:
    login(page, people["agent"])

    expect(section(page, "My open promises")).to_contain_text("Send the courier label")
    expect(section(page, "^My customers")).to_contain_text("2 answers so far")
    expect(section(page, "What my customers said")).to_contain_text("Ada fixed it in one call")
    expect(section(page, "Follow-ups on my customers")).to_contain_text("Call scored 1")
    expect(section(page, "My ideas")).to_contain_text("You have not sent an idea")
    expect(page.get_by_role("region", name="Teams that need attention")).to_have_count(0)

    section(page, "My open promises").get_by_role("link", name="Replacement router").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Replacement router")


def test_team_lead_home_leads_to_the_overdue_follow_up(
    page: Page, people: People, needs: FollowUp
) -> None:
    login(page, people["team_lead"])

    overdue = section(page, "Overdue follow-ups")
    expect(overdue).to_contain_text("Still waiting for my refund")
    expect(section(page, "Promises at risk or broken")).to_contain_text("Send the courier label")
    expect(section(page, "My teams against the company")).to_contain_text("Company CSAT")
    expect(section(page, "Ideas waiting for acknowledgement")).to_contain_text(
        "No idea is waiting for your acknowledgement."
    )
    expect(section(page, "Pulse participation")).to_be_visible()

    overdue.get_by_role("link", name="Customer 1").click()
    expect(page).to_have_url(re.compile(rf"/follow-ups/{needs.pk}/$"))
    expect(page.get_by_role("button", name="Close the follow-up")).to_be_visible()


def test_manager_home_ranks_the_team_that_needs_attention(
    page: Page, people: People, needs: FollowUp
) -> None:
    login(page, people["manager"])

    ranked = page.get_by_role("region", name="Teams that need attention")
    expect(ranked.get_by_role("listitem").first).to_contain_text("Alpha")
    expect(ranked).to_contain_text("1 overdue follow-up")
    expect(ranked).to_contain_text("1 overdue promise")
    expect(section(page, "Policy reviews")).to_contain_text("No policy of yours is due for review.")

    ranked.get_by_role("link", name="1 overdue follow-up").click()
    expect(page).to_have_url(re.compile(r"/follow-ups/\?state=overdue$"))
    expect(page.get_by_role("table")).to_contain_text("Still waiting for my refund")


def test_executive_reads_the_company_picture_and_the_follow_ups_without_acting(
    page: Page, people: People, needs: FollowUp
) -> None:
    login(page, people["executive"])

    overview = section(page, "Customer voice across the company")
    expect(overview).to_contain_text("Overdue follow-ups")
    expect(page.get_by_role("region", name="Teams that need attention")).to_contain_text("Alpha")
    expect(section(page, "Open door")).to_contain_text("Past the acknowledgement deadline")

    overview.get_by_role("link", name="See the overdue follow-ups").click()
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/follow-ups/{needs.pk}/$"))
    expect(page.get_by_role("heading", name="Follow up with Customer 1")).to_be_visible()
    expect(page.get_by_role("button", name="Close the follow-up")).to_have_count(0)
    response = page.goto(reverse("people:import"))
    assert response is not None
    assert response.status == 403
