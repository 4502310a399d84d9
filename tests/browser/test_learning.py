"""The learning journeys in Chromium: a customer on the interview panel scores by a one-time
link, the manager hires, the new hire is refused live customers until their lead signs them
off, then serves; a certificate near its end brings a reminder by mail, whose link leads to
the quiz that renews it; a manager sets a quiz up and schedules a class, an agent takes a seat.
The quiz and class pages are checked with axe on the way."""

import datetime
import email
import email.message
import email.policy
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from groundswell.core.templatetags.moments import day
from groundswell.learning import services
from groundswell.learning.models import Completion, Course, CourseClass, Enrolment, Programme
from groundswell.learning.tasks import send_refresher_reminders
from groundswell.learning.tests.factories import make_profile
from groundswell.people.models import Person
from groundswell.people.tests.factories import PASSWORD, UserFactory
from groundswell.voice.tests.test_invitation_smtp import Inbox
from tests.browser.helpers import login
from tests.browser.test_accessibility import assert_accessible, blocking_violations

pytestmark = pytest.mark.browser


def test_interview_with_an_outside_member_hire_gate_and_sign_off(
    page: Page, new_context: Any, people: dict[str, Person]
) -> None:
    manager, lead = people["manager"], people["team_lead"]
    make_profile(manager.department, attitudes=1, title="Advisor")

    # The manager adds a candidate with consent and seats a customer on the panel.
    login(page, manager)
    page.goto(reverse("learning:candidate-create"))
    page.get_by_label("Job profile").select_option(label="Advisor")
    page.get_by_label("Team").select_option(label="Alpha")
    page.get_by_label("Full name").fill("Casey Candidate")
    page.get_by_label("Email").fill("casey@example.org")
    page.get_by_label("The candidate agreed").check()
    page.get_by_role("button", name="Add candidate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Candidate")
    page.get_by_label("Sits on the panel as").select_option("customer")
    page.get_by_label("Or an outside member's name").fill("Pat Customer")
    page.get_by_role("button", name="Add to the panel").click()
    link = page.locator("code").inner_text()
    assert "/i/" in link

    # The customer opens the link without an account and scores once.
    outside = new_context().new_page()
    outside.goto(link)
    expect(outside.get_by_role("heading", level=1)).to_contain_text("Your scores for Casey")
    outside.get_by_role("radio", name=re.compile("Always, unprompted")).check()
    outside.get_by_role("button", name="Send my scores").click()
    expect(outside.get_by_role("heading", level=1)).to_have_text("Thank you")
    outside.goto(link)
    expect(outside.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    outside.close()

    # The manager sees the score, hires with a reason and lands on the onboarding programme.
    page.reload()
    expect(page.get_by_role("cell", name=re.compile("Pat Customer: 5"))).to_be_visible()
    page.get_by_role("combobox", name="Decision").select_option("hire")
    page.get_by_label("Reason").fill("Offered help before we asked.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboarding of Casey Candidate")
    expect(page.get_by_text("Not yet ready for live customers")).to_be_visible()

    # The new hire signs in and is refused a live interaction.
    hire = Person.objects.get(email="casey@example.org")
    hire.user = UserFactory.create(username=hire.email)
    hire.save(update_fields=["user"])
    new_hire_page = new_context().new_page()
    login(new_hire_page, hire)
    new_hire_page.goto(reverse("desk:interaction-create"))
    new_hire_page.get_by_label("Subject").fill("Change of address")
    new_hire_page.get_by_role("button", name="Save").click()
    expect(new_hire_page.get_by_text("not signed off for live customers")).to_be_visible()

    # The lead marks the steps done and signs off; now the new hire serves customers.
    lead_page = new_context().new_page()
    login(lead_page, lead)
    programme = Programme.objects.get(person=hire)
    lead_page.goto(reverse("learning:programme-detail", args=[programme.pk]))
    for _ in range(4):
        lead_page.get_by_role("button", name="Mark done").first.click()
    lead_page.get_by_role("button", name="Sign off: ready for live customers").click()
    expect(lead_page.get_by_text("may serve live customers")).to_be_visible()
    new_hire_page.goto(reverse("desk:interaction-create"))
    new_hire_page.get_by_label("Subject").fill("Change of address")
    new_hire_page.get_by_role("button", name="Save").click()
    expect(new_hire_page.get_by_text("Recorded the interaction.")).to_be_visible()


def _text(message: email.message.Message) -> str:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    part = parsed.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


def test_refresher_reminder_by_mail_then_the_quiz_renews_the_certificate(
    page: Page, people: dict[str, Person], inbox: Inbox
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    manager, lead, agent = people["manager"], people["team_lead"], people["agent"]
    course = Course.objects.create(
        department=manager.department,
        title="Listening and communication",
        content="Listen first, sum up, then answer.",
        refresher_months=12,
    )
    quiz = services.set_quiz(actor=manager, course=course, pass_mark=75, max_attempts=2)
    for n in range(3):
        services.add_quiz_question(
            actor=manager,
            quiz=quiz,
            text=f"Question {n}?",
            choices=[f"Right {n}", f"Wrong {n}"],
            correct=0,
        )
    # A certificate from almost a year ago: it runs out in ten days.
    ends = timezone.localdate() + datetime.timedelta(days=10)
    services.record_completion(
        actor=lead, course=course, person=agent, completed_on=ends - datetime.timedelta(days=365)
    )
    Completion.objects.filter(person=agent).update(expires_on=ends)

    # The daily job runs: the reminder goes through the task queue to the SMTP server.
    send_refresher_reminders.enqueue()
    [mail] = [m for m in inbox.messages if m["To"] == agent.email]
    body = _text(mail)
    assert "Listening and communication" in body
    link = re.search(r"\((http://127\.0\.0\.1:\d+/learning/courses/\d+/)\)", body)
    assert link is not None

    # The agent follows the link (signing in on the way) and reads when the certificate ends.
    page.goto(link.group(1))
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening and communication")
    expect(page.get_by_text(f"valid until {day(ends)}")).to_be_visible()

    # The quiz: two attempts allowed; all right, it passes.
    page.get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_text("You have 2 attempts left.")).to_be_visible()
    axe = Axe()
    findings = blocking_violations(axe, page, "quiz")
    for n in range(3):
        page.get_by_role("radio", name=f"Right {n}", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("You scored 100% and passed")).to_be_visible()
    findings += blocking_violations(axe, page, "quiz attempt")

    # The certificate is renewed: a new one, valid a year from today.
    page.get_by_role("link", name="Back to the course").click()
    renewed = services._add_months(timezone.localdate(), 12)
    expect(page.get_by_text(f"valid until {day(renewed)}")).to_be_visible()
    assert Completion.objects.filter(person=agent, expires_on=renewed).exists()
    assert_accessible(findings)


def test_a_manager_sets_up_a_quiz_and_a_class_and_an_agent_takes_a_seat(
    page: Page, new_context: Any, people: dict[str, Person]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    manager, lead, agent = people["manager"], people["team_lead"], people["agent"]
    course = Course.objects.create(
        department=manager.department,
        title="Products and services",
        content="What we sell.",
        refresher_months=6,
    )
    axe = Axe()

    # The quiz: settings first, then a question with a mistake, corrected.
    login(page, manager)
    page.goto(reverse("learning:course-detail", args=[course.pk]))
    page.get_by_role("link", name="Give this course a quiz").click()
    page.get_by_label("Pass mark (%)").fill("80")
    page.get_by_label("Attempts allowed").fill("3")
    page.get_by_role("button", name="Create the quiz").click()
    expect(page.get_by_text("The quiz is saved.")).to_be_visible()
    page.get_by_role("textbox", name="Question:").fill("Where do you check today's prices?")
    page.get_by_label("Answers").fill("The product catalogue\nLast year's leaflet")
    page.get_by_label("Number of the right answer").fill("3")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("give a number from 1 to 2")).to_be_visible()
    findings = blocking_violations(axe, page, "quiz edit with an error")
    page.get_by_label("Number of the right answer").fill("1")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Question added to the bank.")).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text="The product catalogue").last
    ).to_contain_text("right answer")
    findings += blocking_violations(axe, page, "quiz edit")

    # A class next week, given by the lead, two seats.
    page.goto(reverse("learning:class-create", args=[course.pk]))
    starts = timezone.localtime() + datetime.timedelta(days=7)
    page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Where").fill("Training room 2")
    page.get_by_label("Seats").fill("2")
    page.get_by_label("Trainer").select_option(label=str(lead))
    findings += blocking_violations(axe, page, "class form")
    page.get_by_role("button", name="Schedule the class").click()
    expect(page.get_by_text("The class is on the calendar.")).to_be_visible()
    course_class = CourseClass.objects.get(course=course)

    # The agent finds it among the coming classes, takes a seat, gives it back, takes it again.
    learner = new_context().new_page()
    login(learner, agent)
    learner.goto(reverse("learning:class-list"))
    findings += blocking_violations(axe, learner, "class list")
    learner.get_by_role("link", name="Products and services").click()
    expect(learner.get_by_text("2 of 2 seats free")).to_be_visible()
    learner.get_by_role("button", name="Take a seat").click()
    expect(learner.get_by_text("You have a seat in this class.").first).to_be_visible()
    findings += blocking_violations(axe, learner, "class")
    learner.get_by_role("button", name="Give my seat back").click()
    expect(learner.get_by_text("Your seat is free for someone else.")).to_be_visible()
    learner.get_by_role("button", name="Take a seat").click()
    assert Enrolment.objects.filter(course_class=course_class, person=agent).count() == 1
    course_class.refresh_from_db()
    assert course_class.seats_taken == 1
    assert_accessible(findings)
