"""The customer-voice loop in a real Chromium, with the invitation sent through real SMTP.

An agent resolves an interaction; the survey email arrives at an SMTP server on 127.0.0.1;
the customer clicks a one-click score in it, adds a comment and sends; the poor answer opens
a follow-up that the team lead closes; the dashboard counts the answer.
"""

import datetime
import email
import email.message
import email.policy
import importlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from groundswell.desk.models import Interaction
from groundswell.people.models import Person
from groundswell.voice.choices import FollowUpOutcome
from groundswell.voice.models import FollowUp, Invitation, Response
from groundswell.voice.tests import factories as data
from groundswell.voice.tests.factories import make_customer, make_interaction
from groundswell.voice.tests.test_invitation_smtp import Inbox
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

COMMENT = "Nobody called me back and the refund is still missing."
NOTE = "Called her, apologised, and the refund went out today."


def html_body(message: email.message.Message) -> str:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    part = parsed.get_body(preferencelist=("html",))
    assert part is not None, "the invitation has no HTML part"
    content: str = part.get_content()
    return content


@pytest.fixture
def default_surveys(transactional_db: None) -> None:
    """The default surveys of the data migration, as a fresh database has them.

    A live-server test runs on a transactional database, flushed after each test, so the
    rows a data migration wrote are gone for every browser test after the first. (Serialized
    rollback would clash with the content types the flush recreates.)
    """
    migration = importlib.import_module("groundswell.voice.migrations.0003_default_surveys")
    migration.create_default_surveys(apps, None)


@pytest.fixture
def poor_service(people: dict[str, Person], default_surveys: None) -> Interaction:
    """An open interaction in the team lead's team, handled by the agent."""
    agent = people["agent"]
    assert agent.team is not None
    assert agent.team == people["team_lead"].team
    customer = make_customer(name="Rosa Reyes", email="rosa.reyes@example.test", language="en")
    return make_interaction(
        agent.team,
        customer=customer,
        handled_by=agent,
        subject="Refund for a double charge",
        status="open",
        resolved_at=None,
    )


def test_a_poor_answer_from_the_email_reaches_the_team_lead_and_the_dashboard(
    page: Page,
    new_context: Callable[..., Any],
    people: dict[str, Person],
    poor_service: Interaction,
    inbox: Inbox,
) -> None:
    # The agent resolves the interaction; the survey invitation goes out by SMTP at once.
    login(page, people["agent"])
    page.goto(reverse("desk:interaction-detail", args=[poor_service.pk]))
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.locator("#interaction-status")).to_have_text("Resolved")
    expect(page.get_by_role("button", name="Mark resolved")).to_have_count(0)

    [message] = inbox.messages
    assert message["To"] == "rosa.reyes@example.test"
    invitation = Invitation.objects.get(interaction=poor_service)
    assert invitation.sent_at is not None

    # The customer opens the email and clicks "1": the page preselects it and records nothing.
    customer = new_context().new_page()
    customer.set_content(html_body(message))
    customer.get_by_role("link", name="Score 1", exact=True).click()

    expect(customer).to_have_url(re.compile(r"/s/[\w-]+\?score=1$"))
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        "How satisfied are you with the help you received?"
    )
    expect(customer.get_by_role("radio", name=re.compile(r"^1\b"))).to_be_checked()
    expect(customer.get_by_role("radio", checked=True)).to_have_count(1)
    assert not Response.objects.exists()
    assert not FollowUp.objects.exists()

    customer.get_by_label("What is the main reason for your answer?").fill(COMMENT)
    customer.get_by_role("button", name="Send my answer").click()

    expect(customer.get_by_role("heading", level=1)).to_have_text("Thank you for your answer")
    answer = Response.objects.get()
    assert (answer.invitation_id, answer.score, answer.comment) == (invitation.pk, 1, COMMENT)

    # The poor answer opened a follow-up for the team lead, who reads it and closes it.
    follow_up = FollowUp.objects.get(response=answer)
    assert follow_up.owner == people["team_lead"]
    lead = new_context().new_page()
    login(lead, people["team_lead"])
    lead.get_by_role("link", name="All follow-ups").click()

    row = lead.get_by_role("row").filter(has_text="Rosa Reyes")
    expect(row).to_contain_text(COMMENT)
    expect(row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"\(CSAT, 1 to 5\): 1$"))
    row.get_by_role("link").click()

    expect(lead.get_by_role("heading", level=1)).to_have_text("Follow up with Rosa Reyes")
    expect(lead.locator("blockquote.customer-words")).to_have_text(COMMENT)
    lead.get_by_role("combobox", name="Outcome").select_option(label="Reached and resolved")
    lead.get_by_role("textbox", name="Note").fill(NOTE)
    lead.get_by_role("button", name="Close the follow-up").click()

    expect(lead.locator(".messages")).to_contain_text("Follow-up closed.")
    expect(lead.get_by_role("row").filter(has_text="Rosa Reyes")).to_have_count(0)
    lead.get_by_role("combobox", name="Show").select_option(label="Closed")
    lead.get_by_role("button", name="Show").click()
    closed_row = lead.get_by_role("row").filter(has_text="Rosa Reyes")
    expect(closed_row).to_contain_text("Reached and resolved")
    closed_row.get_by_role("link").click()
    expect(lead.get_by_role("main")).to_contain_text(NOTE)
    expect(lead.get_by_role("button", name="Close the follow-up")).to_have_count(0)
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome, follow_up.note) == (
        "closed",
        FollowUpOutcome.REACHED_RESOLVED,
        NOTE,
    )

    # Today's answer shows on the dashboard at once (read live until it is rolled up).
    lead.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Voice", exact=True
    ).click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Customer voice")
    figures = lead.get_by_role("region", name="Headline figures")
    csat = figures.locator(".card").filter(has_text="CSAT")
    expect(csat.locator(".stat")).to_have_text("0%")
    expect(csat).to_contain_text("mean 1.00 of 5 · 1 answers")
    rate = figures.locator(".card").filter(has_text="Response rate")
    expect(rate.locator(".stat")).to_have_text("100%")
    expect(rate).to_contain_text("1 surveys sent")


@pytest.fixture
def weeks_of_answers(people: dict[str, Person], transactional_db: None) -> None:
    """This week 12 answers of each kind about the agent; last week only 3 CSAT answers."""
    agent = people["agent"]
    assert agent.team is not None
    now = timezone.now() - datetime.timedelta(seconds=1)
    data.answers(agent.team, "csat", [5, 5, 4, 4, 5, 4, 5, 4, 4, 2, 1, 3], at=now, agent=agent)
    data.answers(agent.team, "nps", [10, 9, 9, 8, 7, 10, 6, 3, 9, 10, 8, 5], at=now, agent=agent)
    data.answers(agent.team, "ces", [1, 2, 2, 3, 1, 2, 4, 1, 2, 3, 6, 2], at=now, agent=agent)
    data.answers(agent.team, "csat", [5, 5, 5], at=now - datetime.timedelta(weeks=1), agent=agent)


def page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


# Every chart canvas on the page has a Chart.js chart drawn on it, with a width.
EVERY_CHART_DRAWN = """() => Array.from(document.querySelectorAll("canvas[data-chart]")).every(
    canvas => Boolean(window.Chart && window.Chart.getChart(canvas)) && canvas.width > 0)"""


@pytest.mark.usefixtures("weeks_of_answers")
def test_the_dashboard_fits_a_laptop_and_a_phone_and_draws_every_chart(
    page: Page, phone_page: Page, people: dict[str, Person]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, people["manager"])
    page.goto(reverse("voice_dashboard:dashboard") + "?weeks=4")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer voice")
    lines = page.locator('canvas[data-chart="line"]')
    expect(lines).to_have_count(3)  # CSAT, NPS and CES, each on its own axis
    page.wait_for_function(EVERY_CHART_DRAWN)
    # Last week's 3 CSAT answers are a gap in the line, and its table says why.
    csat = page.locator("figure.trend").filter(has_text="CSAT")
    expect(csat.get_by_role("row").filter(has_text="too few answers (n=3)")).to_have_count(1)
    assert page_width(page) <= 1366

    login(phone_page, people["manager"])
    phone_page.goto(reverse("voice_dashboard:dashboard") + "?weeks=4")
    expect(phone_page.locator('canvas[data-chart="line"]')).to_have_count(3)
    phone_page.wait_for_function(EVERY_CHART_DRAWN)
    assert page_width(phone_page) <= 390
