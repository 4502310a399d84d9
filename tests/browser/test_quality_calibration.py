"""Quality in a real Chromium: a manager sets up a calibration, two reviewers score it blind,
the results page shows Krippendorff's alpha (the other quality journeys, the metric audit among
them: test_quality_journeys.py)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from groundswell.desk.models import Interaction
from groundswell.people.models import Person
from groundswell.quality.tests.conftest import ALL_MET
from groundswell.quality.tests.factories import make_scorecard, resolved_interaction
from tests.browser.helpers import login
from tests.browser.test_accessibility import assert_accessible, blocking_violations

pytestmark = pytest.mark.browser

# Per reviewer, per interaction: yes/no on ownership, 1 to 5 on accuracy.
SCORES = {
    "team_lead": [("Yes", "5"), ("No", "1")],
    "other_agent": [("Yes", "4"), ("No", "2")],
}


@pytest.fixture
def ready(transactional_db: None, people: dict[str, Person]) -> list[Interaction]:
    make_scorecard(people["manager"], people["manager"].department)
    agent = people["agent"]
    assert agent.team is not None
    return [resolved_interaction(agent.team, agent, days_ago=day) for day in (1, 2)]


def score_as(
    browser: Browser, base_url: str, person: Person, scores: list[tuple[str, str]]
) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    login(page, person)
    page.goto("/quality/calibrations/")
    page.get_by_role("link", name="Browser calibration").click()
    for ownership, accuracy in scores:
        section = page.get_by_role("region", name="Your scoring")
        section.get_by_role("listitem").filter(has_text="not started").first.get_by_role(
            "link"
        ).click()
        page.get_by_label(re.compile(r"^Takes ownership")).select_option(label=ownership)
        page.get_by_label(re.compile(r"^Accurate answer")).select_option(accuracy)
        page.get_by_label(re.compile(r"^Keeps the promise made")).select_option(label="Yes")
        page.get_by_label(re.compile(r"^Checks the customer is satisfied")).select_option(
            label="Yes"
        )
        page.get_by_label(re.compile(r"^Goes the extra mile")).select_option(label="No")
        page.get_by_role("button", name="Submit my scores").click()
        expect(page.get_by_text("Scores submitted.")).to_be_visible()
    context.close()


def test_two_reviewers_calibrate_blind_and_the_results_show_alpha(
    page: Page, browser: Browser, base_url: str, people: dict[str, Person], ready
) -> None:
    assert set(ALL_MET) >= {"Takes ownership", "Accurate answer"}
    login(page, people["manager"])
    page.goto("/quality/calibrations/")
    page.get_by_role("link", name="New calibration").click()
    page.get_by_label("Name").fill("Browser calibration")
    page.get_by_label("Scorecard version").select_option(label="Service behaviours, v1")
    page.get_by_label(re.compile("Interactions to score")).fill(
        " ".join(str(interaction.pk) for interaction in ready)
    )
    page.get_by_label(people["team_lead"].full_name).check()
    page.get_by_role("button", name="Create the calibration").click()
    expect(page.get_by_text("at least two reviewers; this one has 1")).to_be_visible()

    page.get_by_label(people["other_agent"].full_name).check()
    page.get_by_role("button", name="Create the calibration").click()
    expect(page.get_by_role("heading", name="Browser calibration")).to_be_visible()
    expect(page.get_by_text("Scores stay hidden")).to_be_visible()

    # Each reviewer scores on their own; nobody sees results before the last one submits.
    score_as(browser, base_url, people["team_lead"], SCORES["team_lead"])
    page.reload()
    expect(page.get_by_text("Scores stay hidden")).to_be_visible()
    expect(page.get_by_text("Krippendorff")).to_have_count(0)
    score_as(browser, base_url, people["other_agent"], SCORES["other_agent"])

    page.reload()
    expect(page.get_by_text("Overall agreement: Krippendorff's alpha")).to_be_visible()
    expect(page.get_by_role("table", name="Agreement per criterion")).to_contain_text(
        "Takes ownership"
    )
    expect(
        page.get_by_role("table", name="Each reviewer against the agreed scores")
    ).to_contain_text(people["other_agent"].full_name)
    expect(page.get_by_role("heading", name=re.compile("Agreed scores"))).to_be_visible()
    assert_accessible(blocking_violations(Axe(), page, "calibration results"))
    page.get_by_role("navigation", name="Quality").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("table", name="Score, coverage and disputes by week")).to_be_visible()
    expect(page.get_by_role("heading", name="Calibration agreement over time")).to_be_visible()
    assert_accessible(blocking_violations(Axe(), page, "quality dashboard"))
