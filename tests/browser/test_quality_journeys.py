"""Quality in a real Chromium, one role after another: a lead reviews an interaction and submits
it; the agent disputes a criterion and a manager (a second reviewer) decides; the lead plans
coaching from the review and the agent adds a reflection; a manager reads the metric audit and
its chart."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from groundswell.desk.models import Interaction
from groundswell.people.models import Person
from groundswell.quality import services
from groundswell.quality.choices import DisputeStatus, ReviewStatus
from groundswell.quality.models import CoachingSession, Dispute, Review, Scorecard
from groundswell.quality.tests.conftest import ALL_MET
from groundswell.quality.tests.factories import criteria_of, make_scorecard, resolved_interaction
from groundswell.voice.tests.factories import answers
from tests.browser.helpers import login
from tests.browser.test_accessibility import assert_accessible, blocking_violations

pytestmark = pytest.mark.browser

SUBJECT = "Refund for a broken kettle"


@pytest.fixture
def scorecard(transactional_db: None, people: dict[str, Person]) -> Scorecard:
    return make_scorecard(people["manager"], people["manager"].department)


@pytest.fixture
def contact(people: dict[str, Person], scorecard: Scorecard) -> Interaction:
    agent = people["agent"]
    assert agent.team is not None
    return resolved_interaction(agent.team, agent, subject=SUBJECT)


def _submitted(lead: Person, interaction: Interaction, scorecard: Scorecard, **values: int):
    criteria = criteria_of(scorecard)
    chosen = ALL_MET | {name.replace("_", " "): value for name, value in values.items()}
    review, _created = services.review_interaction(
        actor=lead,
        interaction=interaction,
        scores={criteria[name].pk: services.ScoreInput(value=v) for name, v in chosen.items()},
        submit=True,
    )
    return review


def _as(browser: Browser, base_url: str, person: Person) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    login(page, person)
    return page


def test_a_lead_reviews_an_interaction_and_submits(
    page: Page, people: dict[str, Person], contact: Interaction
) -> None:
    login(page, people["team_lead"])
    page.goto("/quality/")
    page.get_by_label("Review another interaction: its number").fill(str(contact.pk))
    page.get_by_role("button", name="Review", exact=True).click()

    expect(page.get_by_role("heading", name=f"Review: {SUBJECT}")).to_be_visible()
    page.get_by_label(re.compile(r"^Takes ownership")).select_option(label="No")
    page.get_by_label("Comment on “Takes ownership”").fill("Passed the customer on.")
    page.get_by_label(re.compile(r"^Accurate answer")).select_option("5")
    page.get_by_label(re.compile(r"^Keeps the promise made")).select_option(label="Yes")
    page.get_by_label(re.compile(r"^Checks the customer is satisfied")).select_option(label="Yes")
    # Submitting with a criterion left unscored names it and keeps the answers given.
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_text("Score “Goes the extra mile” (or mark it N/A).")).to_be_visible()
    assert_accessible(blocking_violations(Axe(), page, "review scoring"))
    page.get_by_label(re.compile(r"^Goes the extra mile")).select_option(label="No")
    page.get_by_role("button", name="Submit the review").click()

    expect(page.get_by_text("Review submitted.")).to_be_visible()
    # Weights 1 + 2 + 1 + 1 counted, 4 earned (ownership missed): 80 %.
    expect(page.get_by_text("80.00 %", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Takes ownership"))).to_contain_text(
        "Passed the customer on."
    )
    review = Review.objects.get(interaction=contact)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.reviewer == people["team_lead"]


def test_the_agent_disputes_a_criterion_and_a_second_reviewer_decides(
    page: Page,
    browser: Browser,
    base_url: str,
    people: dict[str, Person],
    contact: Interaction,
    scorecard: Scorecard,
) -> None:
    review = _submitted(people["team_lead"], contact, scorecard, Takes_ownership=0)
    login(page, people["agent"])
    page.goto("/quality/")
    page.get_by_role("region", name="Reviews of my work").get_by_role("link", name=SUBJECT).click()
    page.get_by_label("Criterion you disagree with").select_option(label="Takes ownership")
    page.get_by_label("Why").fill("I kept the case and called the customer back myself.")
    page.get_by_role("button", name="Send the dispute").click()
    expect(page.get_by_text("Dispute sent; another reviewer will decide.")).to_be_visible()
    expect(page.get_by_role("heading", name="Takes ownership · Open")).to_be_visible()

    manager = _as(browser, base_url, people["manager"])
    manager.goto("/quality/")
    manager.get_by_role("region", name="Disputes to decide").get_by_role(
        "link", name="Takes ownership"
    ).click()
    decide = manager.get_by_role("form", name="Decide the dispute on Takes ownership")
    decide.get_by_label("Change the score").check()
    decide.get_by_label("New score").select_option(label="Yes")
    decide.get_by_label("Explanation for the agent").fill("The call back shows ownership.")
    decide.get_by_role("button", name="Decide").click()
    expect(manager.get_by_text("Dispute decided.")).to_be_visible()
    expect(manager.get_by_role("region", name="Changes after submission")).to_contain_text(
        "Takes ownership"
    )
    assert_accessible(blocking_violations(Axe(), manager, "decided dispute"))
    manager.context.close()

    page.reload()
    expect(page.get_by_text("100.00 %", exact=True)).to_be_visible()
    expect(page.get_by_text("The call back shows ownership.")).to_be_visible()
    dispute = Dispute.objects.get(review=review)
    assert dispute.status == DisputeStatus.UPHELD
    assert dispute.decided_by == people["manager"]


def test_a_lead_plans_coaching_and_the_agent_reflects(
    page: Page,
    browser: Browser,
    base_url: str,
    people: dict[str, Person],
    contact: Interaction,
    scorecard: Scorecard,
) -> None:
    review = _submitted(people["team_lead"], contact, scorecard, Takes_ownership=0)
    login(page, people["team_lead"])
    page.goto(review.get_absolute_url())
    page.get_by_role("link", name="Plan coaching from this review").click()
    page.get_by_label("Takes ownership").check()
    when = timezone.localtime() + datetime.timedelta(days=1)
    page.get_by_label("When").fill(when.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Follow up on").fill((when + datetime.timedelta(days=14)).date().isoformat())
    page.get_by_role("button", name="Plan").click()
    expect(page.get_by_text("Coaching planned.")).to_be_visible()
    expect(page.get_by_role("heading", name="Coaching with Ada Agent")).to_be_visible()

    agent = _as(browser, base_url, people["agent"])
    agent.goto("/quality/")
    agent.get_by_role("navigation", name="Quality").get_by_role("link", name="Coaching").click()
    agent.get_by_role("link", name="Ada Agent").click()
    agent.get_by_label("Your reflection").fill("I will keep the case until it is solved.")
    agent.get_by_role("button", name="Save").click()
    expect(agent.get_by_text("Reflection saved.")).to_be_visible()
    expect(
        agent.get_by_role("definition").filter(has_text="I will keep the case until it is solved.")
    ).to_be_visible()
    assert_accessible(blocking_violations(Axe(), agent, "coaching reflection"))
    agent.context.close()

    session = CoachingSession.objects.get()
    assert session.coach == people["team_lead"]
    assert session.reflection == "I will keep the case until it is solved."


@pytest.fixture
def reviewed(people: dict[str, Person], scorecard: Scorecard) -> None:
    """Forty contacts with a CSAT answer, reviewed by the lead: ownership goes with happy
    customers; the happy ones often took long."""
    agent, lead = people["agent"], people["team_lead"]
    assert agent.team is not None
    csat = [5 if i % 2 == 0 else 1 for i in range(40)]
    made = answers(
        agent.team, "csat", csat, at=timezone.now() - datetime.timedelta(days=5), agent=agent
    )
    for number, (response, satisfaction) in enumerate(zip(made, csat, strict=True)):
        interaction = response.invitation.interaction
        Interaction.objects.filter(pk=interaction.pk).update(
            handle_time_seconds=1800 if satisfaction == 5 and number % 4 == 0 else 300
        )
        _submitted(lead, interaction, scorecard, Takes_ownership=1 if satisfaction == 5 else 0)


def test_a_manager_reads_the_metric_audit(
    page: Page, people: dict[str, Person], reviewed: None
) -> None:
    login(page, people["manager"])
    page.goto("/quality/")
    page.get_by_role("navigation", name="Quality").get_by_role("link", name="Metric audit").click()

    expect(page.get_by_role("heading", name=re.compile("Metric audit"))).to_be_visible()
    expect(page.get_by_text("This audit compares the reviews of 40 contacts")).to_be_visible()
    chart = page.get_by_role("region", name="Association with satisfaction")
    expect(chart.locator("svg rect").first).to_be_visible()
    expect(chart).to_contain_text("Takes ownership")
    expect(page.get_by_role("heading", name="The handle-time trap")).to_be_visible()
    assert_accessible(blocking_violations(Axe(), page, "metric audit"))

    page.get_by_role("combobox", name=re.compile("^Period")).select_option(label="last 30 days")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=30"))
    expect(page.get_by_text("This audit compares the reviews of 40 contacts")).to_be_visible()
