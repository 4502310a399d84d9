"""axe-core on the main pages: no serious or critical accessibility violations.

axe-core comes bundled with axe-playwright-python (no network needed) and is injected into
each page by the test run. Each role signs in once and visits the pages it uses.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from groundswell.people.models import Person
from tests.browser.helpers import LOGIN_PATH, fill_login_form, login, upload_people_csv

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}

People = dict[str, Person]


@dataclass(frozen=True)
class Visit:
    name: str
    path: Callable[[People], str]
    status: int = 200


def _fixed(path: str) -> Callable[[People], str]:
    return lambda people: path


PAGES_BY_ROLE: dict[str, tuple[Visit, ...]] = {
    "agent": (
        Visit("home", _fixed("/")),
        Visit("people directory", lambda people: reverse("people:person-list")),
        Visit("people search", lambda people: reverse("people:person-list") + "?q=Ada"),
        Visit(
            "person profile",
            lambda people: reverse("people:person-detail", args=[people["team_lead"].pk]),
        ),
        Visit("learning", lambda people: reverse("learning:index")),
        Visit("job profiles", lambda people: reverse("learning:profile-list")),
        Visit("onboarding", lambda people: reverse("learning:programme-list")),
        Visit("courses", lambda people: reverse("learning:course-list")),
        Visit("overdue refreshers", lambda people: reverse("learning:overdue")),
        Visit("interactions", lambda people: reverse("desk:interaction-list")),
        Visit("new interaction", lambda people: reverse("desk:interaction-create")),
        Visit("voice dashboard", lambda people: reverse("voice_dashboard:dashboard")),
        Visit("open door", lambda people: reverse("ideas:idea-list")),
        Visit("submit an idea", lambda people: reverse("ideas:idea-create")),
        Visit("anonymous follow-up", lambda people: reverse("ideas:follow-up")),
        Visit("employee voice", lambda people: reverse("pulse:campaign-list")),
        Visit("quality", lambda people: reverse("quality:home")),
        Visit("quality reviews", lambda people: reverse("quality:review-list")),
        Visit("coaching", lambda people: reverse("quality:coaching-list")),
        Visit("recognition feed", lambda people: reverse("recognition:feed")),
        Visit("give kudos", lambda people: reverse("recognition:kudos-create")),
        Visit("refused page", lambda people: reverse("people:import"), status=403),
        Visit("password change", lambda people: reverse("password_change")),
    ),
    "team_lead": (
        Visit("home", _fixed("/")),
        Visit(
            "team page",
            lambda people: reverse("people:team-detail", args=[people["agent"].team.slug]),
        ),
        Visit(
            "person profile",
            lambda people: reverse("people:person-detail", args=[people["agent"].pk]),
        ),
        Visit("area not available yet", lambda people: reverse("site:area", args=["leadership"])),
        Visit("follow-ups", lambda people: reverse("voice:follow-up-list")),
        Visit("readiness gate", lambda people: reverse("learning:readiness")),
        Visit("actions on employee voice", lambda people: reverse("pulse:action-list")),
        Visit("review queue", lambda people: reverse("quality:queue")),
        Visit(
            "review queue rule",
            lambda people: reverse("quality:queue-rule", args=[people["agent"].team_id]),
        ),
    ),
    "manager": (
        Visit("home", _fixed("/")),
        Visit(
            "department page",
            lambda people: reverse(
                "people:department-detail", args=[people["manager"].department.slug]
            ),
        ),
        Visit("import page", lambda people: reverse("people:import")),
        Visit("interaction import", lambda people: reverse("desk:import")),
        Visit("new pulse campaign", lambda people: reverse("pulse:campaign-create")),
        Visit("scorecards", lambda people: reverse("quality:scorecard-list")),
        Visit("new scorecard", lambda people: reverse("quality:scorecard-create")),
        Visit("quality reviewers", lambda people: reverse("quality:grants")),
        Visit("new job profile", lambda people: reverse("learning:profile-create")),
        Visit("candidates", lambda people: reverse("learning:candidate-list")),
        Visit("new candidate", lambda people: reverse("learning:candidate-create")),
        Visit("new course", lambda people: reverse("learning:course-create")),
    ),
    "executive": (
        Visit("home", _fixed("/")),
        Visit("follow-ups, read only", lambda people: reverse("voice:follow-up-list")),
    ),
    "admin": (
        Visit("home", _fixed("/")),
        Visit("API keys page", lambda people: reverse("api_keys:list")),
        Visit("operations", lambda people: reverse("site:operations")),
        Visit("policies", lambda people: reverse("ideas:policy-list")),
        Visit("we acted", lambda people: reverse("ideas:acted")),
    ),
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def blocking_violations(axe: Axe, page: Page, where: str) -> list[str]:
    """axe's serious and critical findings on the open page, one readable line per element."""
    results: dict[str, Any] = axe.run(page).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            found.append(
                f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']} "
                f"at {' '.join(str(target) for target in node['target'])}\n"
                f"    {node.get('failureSummary', '').replace(chr(10), ' ')}\n"
                f"    {violation['helpUrl']}"
            )
    return found


def assert_accessible(findings: list[str]) -> None:
    assert not findings, "axe found serious or critical violations:\n" + "\n".join(findings)


def test_pages_for_visitors_have_no_serious_accessibility_violations(
    page: Page, axe: Axe, people: People
) -> None:
    findings = []

    page.goto(LOGIN_PATH)
    findings += blocking_violations(axe, page, "sign-in page")

    fill_login_form(page, people["agent"].email, "not-the-password")
    page.locator(".errorlist").wait_for()
    findings += blocking_violations(axe, page, "sign-in page with an error")

    page.goto(reverse("password_reset"))
    findings += blocking_violations(axe, page, "password reset page")

    assert_accessible(findings)


@pytest.mark.parametrize("role", PAGES_BY_ROLE)
def test_pages_of_each_role_have_no_serious_accessibility_violations(
    page: Page, axe: Axe, people: People, role: str
) -> None:
    login(page, people[role])
    findings = []

    for visit in PAGES_BY_ROLE[role]:
        response = page.goto(visit.path(people))
        assert response is not None
        assert response.status == visit.status, f"{visit.name} answered {response.status}"
        findings += blocking_violations(axe, page, f"{role} / {visit.name}")

    assert_accessible(findings)


def test_home_on_a_phone_has_no_serious_accessibility_violations(
    phone_page: Page, axe: Axe, people: People
) -> None:
    login(phone_page, people["manager"])

    assert_accessible(blocking_violations(axe, phone_page, "manager / home on a phone"))


def test_import_preview_with_a_bad_row_has_no_serious_accessibility_violations(
    page: Page, axe: Axe, people: People
) -> None:
    login(page, people["manager"])
    page.goto(reverse("people:import"))

    upload_people_csv(
        page,
        "Nia Newcomer,nia.newcomer@example.test,agent,Customer Service,Alpha",
        "Omar Odd,not-an-email,wizard,Customer Service,Nowhere",
    )
    page.locator(".row-error").wait_for()

    assert_accessible(blocking_violations(axe, page, "manager / import preview with errors"))


def test_quality_review_pages_have_no_serious_accessibility_violations(
    page: Page, axe: Axe, people: People
) -> None:
    """Scoring beside the interaction, the review with a dispute to decide, coaching."""
    import datetime

    from django.utils import timezone

    from groundswell.quality import services
    from groundswell.quality.tests.factories import criteria_of, make_scorecard
    from groundswell.quality.tests.factories import resolved_interaction as contact

    agent, lead, manager = people["agent"], people["team_lead"], people["manager"]
    scorecard = make_scorecard(manager, manager.department)
    criteria = criteria_of(scorecard)
    draft = services.open_review(actor=lead, interaction=contact(agent.team, agent))
    review = services.open_review(actor=lead, interaction=contact(agent.team, agent))
    answers = {c.pk: services.ScoreInput(value=1) for c in criteria.values()}
    services.save_review(actor=lead, review=review, scores=answers, submit=True)
    services.raise_dispute(
        actor=agent, review=review, criterion=criteria["Takes ownership"], reason="I did."
    )
    session = services.plan_coaching(
        actor=lead,
        agent=agent,
        focus_keys=[criteria["Takes ownership"].key],
        planned_for=timezone.now(),
        follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
        reviews=[review],
    )
    findings = []

    login(page, lead)
    for name, path in (
        ("score a review", reverse("quality:review-score", args=[draft.pk])),
        ("coaching session", reverse("quality:coaching-detail", args=[session.pk])),
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, name
        findings += blocking_violations(axe, page, f"team lead / {name}")
    page.context.clear_cookies()
    login(page, manager)
    page.goto(reverse("quality:review-detail", args=[review.pk]))
    expect(page.get_by_role("heading", name="Decide: Takes ownership")).to_be_visible()
    findings += blocking_violations(axe, page, "manager / review with a dispute to decide")
    page.goto(reverse("quality:scorecard-detail", args=[scorecard.pk]))
    findings += blocking_violations(axe, page, "manager / scorecard")

    assert_accessible(findings)
