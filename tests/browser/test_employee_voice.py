"""Employee voice in a real Chromium: the emailed pulse link, suppressed results, the open door.

Mail goes to Django's locmem outbox and tasks run at once, so a campaign launched in the
browser (or through the services) has put its personal links in `mailoutbox` by the time
the launch returns.
"""

import csv
import datetime
import io
import re
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from groundswell.ideas.models import Idea
from groundswell.people.models import Department, Person, Team
from groundswell.people.tests.factories import TeamFactory
from groundswell.pulse import services
from groundswell.pulse.choices import CampaignStatus
from groundswell.pulse.models import ActionItem, Campaign, Comment, Participation, Submission
from groundswell.pulse.tests.factories import close, full_answers, launched, members
from groundswell.pulse.tests.published import by_element, campaign_for, closed_wave, stored
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

LINK_PATH = re.compile(r"/p/[A-Za-z0-9_-]+/")


def answer_link(mailbox: list[EmailMessage], person: Person) -> str:
    """The path of the personal link mailed to `person` (the mail's host is the real site's)."""
    bodies = [str(message.body) for message in mailbox if message.to == [person.email]]
    assert len(bodies) == 1, f"expected one invitation to {person.email}, got {len(bodies)}"
    found = LINK_PATH.search(bodies[0])
    assert found is not None, "the invitation holds no answer link"
    return found.group(0)


def test_employee_answers_a_pulse_through_the_emailed_link(
    page: Page, new_context: Any, people: dict[str, Person], mailoutbox: list[EmailMessage]
) -> None:
    manager, agent = people["manager"], people["agent"]
    login(page, manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Employee voice").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Alpha check-in")
    page.get_by_label("Kind").select_option(label="Pulse survey")
    page.get_by_label("Schedule").select_option(label="Once")
    page.get_by_label("Teams").select_option(label="Alpha")
    page.get_by_role("checkbox", name="Training").check()
    expect(page.get_by_role("checkbox", name="Ask the eNPS question")).to_be_checked()
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha check-in")
    expect(page.locator(".messages")).to_contain_text("Saved the draft")
    page.get_by_role("button", name="Launch and send links").click()
    expect(page.locator(".messages")).to_contain_text("Launched: personal links are on their way.")

    campaign = Campaign.objects.get(name="Alpha check-in")
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.department == manager.department
    assert sorted(m.to[0] for m in mailoutbox) == sorted([agent.email, people["team_lead"].email])
    link = answer_link(mailoutbox, agent)

    # The agent opens the link from the mail: no sign-in, a browser of their own.
    agent_page: Page = new_context().new_page()
    agent_page.goto(link)
    expect(agent_page.get_by_role("heading", level=1)).to_have_text("Alpha check-in")
    expect(agent_page.get_by_role("button", name="Sign out")).to_have_count(0)
    questions = agent_page.get_by_role("group")
    expect(questions).to_have_count(campaign.questions.count())
    for question in questions.all():
        is_enps = "recommend" in (question.locator("legend").text_content() or "")
        question.get_by_label("9" if is_enps else "4", exact=True).check()
    agent_page.get_by_label("Anything else you want to tell us?").fill("More coaching, please.")
    agent_page.get_by_role("button", name="Send my answers").click()

    expect(agent_page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(agent_page.get_by_role("main")).to_contain_text("your link no longer works")

    response = agent_page.goto(link)
    assert response is not None
    assert response.status == 410
    expect(agent_page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(agent_page.get_by_role("main")).to_contain_text("Answers have already been sent")

    # The answers wait, unpublished, until the wave closes; then they are stored with the rest.
    assert not Submission.objects.filter(wave__campaign=campaign).exists()
    close(manager, campaign)
    submission = Submission.objects.get(wave__campaign=campaign)
    assert submission.team_id is None  # the only respondent: stored without team or department
    assert submission.department_id is None
    assert sorted(submission.answers.values_list("value", flat=True)) == sorted(
        9 if q.kind == "enps" else 4 for q in campaign.questions.all()
    )
    assert Comment.objects.get(submission=submission).text == "More coaching, please."
    completed = Participation.objects.filter(wave__campaign=campaign, has_completed=True)
    assert list(completed.values_list("person", flat=True)) == [agent.pk]
    # Nothing on the submission leads back to a person or to the invitation that was used.
    related = {field.related_model for field in Submission._meta.get_fields()}
    assert Person not in related
    assert Participation not in related


@pytest.fixture
def small_team_report(people: dict[str, Person]) -> tuple[Campaign, dict[str, Team]]:
    """Customer Service answers through the links: Alpha 8 times, a new team Gamma 6, Beta 2.

    Beta is below the minimum of 5, so its answers are stored without their team, in the
    department's "no team or a small team" group; that group takes in Gamma, the smallest
    team, so that it reaches the minimum: Beta and Gamma together, never Beta alone.
    """
    alpha, beta = people["agent"].team, people["other_agent"].team
    assert alpha is not None
    assert beta is not None
    department: Department = alpha.department
    gamma = TeamFactory.create(department=department, name="Gamma", slug="customer-service-gamma")
    teams = {"Alpha": alpha, "Beta": beta, "Gamma": gamma}
    members(alpha, 6)  # with the agent and the team lead: 8
    members(beta, 1)  # with other_agent: 2
    members(gamma, 6)
    campaign, _wave, tokens = launched(people["manager"], teams=[alpha, beta, gamma])
    values = {"Alpha": (9, 4), "Gamma": (3, 2), "Beta": (10, 5)}
    team_of = dict(Person.objects.filter(email__in=tokens).values_list("email", "team__name"))
    for email, token in tokens.items():
        team_name = team_of[email]
        enps, agreement = values[team_name]
        comment = "Beta's own words" if team_name == "Beta" else ""
        services.submit_answers(
            token=token,
            answers=full_answers(campaign, agreement=agreement, enps=enps),
            comment=comment,
        )
    close(people["manager"], campaign)
    counts = {name: Submission.objects.filter(team=team).count() for name, team in teams.items()}
    assert counts == {"Alpha": 8, "Beta": 0, "Gamma": 0}
    assert Submission.objects.filter(team__isnull=True, department=department).count() == 8
    return campaign, teams


def test_manager_sees_a_report_where_a_small_team_is_suppressed(
    page: Page, people: dict[str, Person], small_team_report: tuple[Campaign, dict[str, Team]]
) -> None:
    campaign, _teams = small_team_report
    login(page, people["manager"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Employee voice").click()
    page.get_by_role("link", name=campaign.name).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(campaign.name)
    expect(page.get_by_role("main")).to_contain_text("16 of 16 people invited have answered.")
    heat_map = page.locator("table.heat-map")
    headers = heat_map.get_by_role("columnheader")
    expect(headers).to_have_text(
        [
            "Element",
            "Whole organisation (n=16)",
            "Customer Service (n=16)",
            "Alpha (n=8)",
            "Customer Service (no team or a small team) (n=8)",
        ]
    )
    for row in heat_map.locator("tbody tr").all():
        cells = row.get_by_role("cell")
        expect(cells.nth(2)).to_contain_text("4.00")  # Alpha: everyone agreed (4)
        expect(cells.nth(3)).to_contain_text("2.75")  # Beta and Gamma together
    expect(heat_map).not_to_contain_text("5.00")  # Beta's mean
    expect(heat_map).not_to_contain_text("2.00")  # Gamma's mean

    enps = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="eNPS"))
    expect(enps.get_by_role("row", name=re.compile("^Alpha"))).to_contain_text("100")
    expect(enps.get_by_role("row", name=re.compile(r"^Customer Service \d"))).to_contain_text("25")
    expect(enps.get_by_role("row", name=re.compile(r"\(no team"))).to_contain_text("-50")
    # Beta is nowhere on its own: not a column, not a row, not a figure of 2.
    main = page.get_by_role("main")
    for leak in ("n=2", "n=6"):
        expect(main).not_to_contain_text(leak)

    page.get_by_label("Team").select_option(label="Beta")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"team=\d+"))
    expect(page.locator("table.heat-map").get_by_role("columnheader")).to_have_text(
        ["Element", "Whole organisation (n=16)", "Customer Service (n=16)"]
    )
    expect(main).to_contain_text("No comments to show for this group.")
    expect(main).not_to_contain_text("Beta's own words")

    export = page.request.get(reverse("pulse:campaign-export", args=[campaign.pk]))
    rows = list(csv.reader(io.StringIO(export.text())))
    by_group = {row[0]: row for row in rows[1:]}
    assert "Beta" not in by_group
    assert "Gamma" not in by_group
    assert by_group["Alpha"][2] != "suppressed"


def test_an_anonymous_idea_is_answered_and_read_with_the_follow_up_code(
    page: Page, new_context: Any, people: dict[str, Person]
) -> None:
    agent, manager = people["agent"], people["manager"]
    title = "Let us refund small amounts ourselves"
    login(page, agent)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Open door").click()
    page.get_by_role("link", name="Raise an idea, issue or friction").click()
    page.get_by_label("What are you raising?").select_option(label="Idea")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Details").fill("Customers wait two days for a refund of a few euros.")
    page.get_by_label("Category").select_option(label="Customer experience")
    page.get_by_label("Department it concerns").select_option(label="Customer Service")
    page.get_by_label("Submit anonymously").check()
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Submitted anonymously")
    code = page.locator(".secret strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", code), code
    idea = Idea.objects.get(title=title)
    assert idea.is_anonymous
    assert idea.submitted_by is None
    assert idea.owner == manager
    assert code not in {idea.follow_up_code_hash, str(idea.pk)}

    # The owner answers in the thread.
    owner_page: Page = new_context().new_page()
    login(owner_page, manager)
    owner_page.goto(reverse("ideas:idea-list"))
    owner_page.get_by_role("link", name=title).click()
    expect(owner_page.get_by_role("heading", level=1)).to_have_text(title)
    expect(owner_page.get_by_role("main")).to_contain_text("anonymous")
    expect(owner_page.get_by_role("main")).not_to_contain_text(agent.full_name)
    owner_page.get_by_role("textbox", name=re.compile("^Reply")).fill(
        "Good point: how much would be enough?"
    )
    owner_page.get_by_role("button", name="Post reply").click()
    expect(owner_page.locator(".messages")).to_contain_text("Reply posted.")

    # The submitter comes back with nothing but the code, signed in as nobody.
    anonymous: Page = new_context().new_page()
    anonymous.goto(reverse("ideas:follow-up"))
    expect(anonymous.get_by_role("button", name="Sign out")).to_have_count(0)
    anonymous.get_by_label("Follow-up code").fill(code)
    anonymous.get_by_role("button", name="Open").click()
    expect(anonymous.get_by_role("heading", name=title)).to_be_visible()
    thread = anonymous.locator("ol.thread")
    expect(thread).to_contain_text("Good point: how much would be enough?")
    expect(thread).to_contain_text(manager.full_name)
    anonymous.get_by_label("Your reply").fill("Up to 20 euros would cover most cases.")
    anonymous.get_by_role("button", name="Send reply").click()
    expect(anonymous.get_by_role("status")).to_contain_text("Your reply was added.")
    expect(anonymous.locator("ol.thread")).to_contain_text("Up to 20 euros")

    owner_page.reload()
    owner_thread = owner_page.locator("ol.thread")
    expect(owner_thread.get_by_role("listitem")).to_have_count(2)
    submitter_answer = owner_thread.get_by_role("listitem").last
    expect(submitter_answer).to_contain_text("The submitter")
    expect(submitter_answer).to_contain_text("Up to 20 euros would cover most cases.")
    expect(owner_thread).not_to_contain_text(agent.full_name)
    assert idea.comments.filter(author__isnull=True, is_from_submitter=True).count() == 1


def test_a_lead_turns_a_weak_element_into_an_action_the_team_then_sees(
    page: Page, new_context: Any, people: dict[str, Person]
) -> None:
    lead, agent = people["team_lead"], people["agent"]
    alpha = agent.team
    assert alpha is not None
    campaign = campaign_for(people["admin"], departments=[alpha.department])
    stored(
        closed_wave(campaign),
        6,
        department=alpha.department,
        team=alpha,
        value=by_element({"management": 4, "training": 2}),
    )

    login(page, lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Employee voice").click()
    page.get_by_role("link", name=campaign.name).click()
    standing = page.locator("#standing")
    expect(standing).to_contain_text("Strong: Management support")
    expect(standing).to_contain_text("Weak: Training")
    standing.get_by_role("link", name="Plan an action on Training").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan an action")
    expect(page.get_by_label("Element")).to_have_value("training")
    page.get_by_label("For").select_option(label="Team Alpha")
    page.get_by_label("What will be done").fill("Buddy shifts before going live")
    page.get_by_label("Owner").select_option(label=agent.full_name)
    due = (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    page.get_by_label("Due date").fill(due)
    page.get_by_role("button", name="Save the action").click()

    expect(page.locator(".messages")).to_contain_text("Action planned")
    row = page.get_by_role("row", name=re.compile("Buddy shifts"))
    row.get_by_label(re.compile("^Status of")).select_option(label="In progress")
    row.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("row", name=re.compile("Buddy shifts")).get_by_role("status")
    ).to_have_text("Saved.")
    assert ActionItem.objects.get().status == "in_progress"

    # The agent of the team sees it on their employee voice page, with its owner and status.
    agent_page: Page = new_context().new_page()
    login(agent_page, agent)
    agent_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Employee voice"
    ).click()
    section = agent_page.get_by_role("region", name="You said, we did")
    expect(section).to_contain_text("Buddy shifts before going live")
    expect(section).to_contain_text("Training")
    expect(section).to_contain_text("In progress")
    expect(section).to_contain_text(agent.full_name)
