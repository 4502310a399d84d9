"""Recognition in a real Chromium: giving kudos, approving a customer compliment, nominating
and approving a hero, reading the team's huddle digest, and sending the monthly newsletter,
which arrives at an SMTP server on 127.0.0.1 with a working unsubscribe link."""

import datetime
import email
import email.message
import email.policy
import importlib
import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from groundswell.desk.choices import PromiseKind
from groundswell.desk.models import Promise
from groundswell.people.models import Person
from groundswell.recognition import services
from groundswell.recognition.choices import ReviewStatus
from groundswell.recognition.models import (
    Compliment,
    HeroNomination,
    Kudos,
    LeadershipLine,
    Newsletter,
    NewsletterOptOut,
    Value,
)
from groundswell.voice.invitations.services import record_response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation
from groundswell.voice.tests.test_invitation_smtp import Inbox
from tests.browser.helpers import login
from tests.browser.test_accessibility import assert_accessible, blocking_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def respect(transactional_db: None) -> Value:
    return Value.objects.create(name="Respect", slug="respect", description="We listen.")


def text_body(message: email.message.Message) -> str:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    part = parsed.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


def test_an_agent_gives_kudos_and_it_shows_in_the_feed(
    page: Page, people: dict[str, Person], respect: Value
) -> None:
    login(page, people["agent"])
    page.goto("/recognition/kudos/new/")
    page.get_by_role("button", name="Send kudos").click()
    expect(page.get_by_text("Choose one person or one team to thank.")).to_be_visible()

    page.get_by_label("Person").select_option(label=people["other_agent"].full_name)
    page.get_by_label("Message").fill("Thank you for taking my late call with the angry customer.")
    page.get_by_label("Respect").check()
    page.get_by_role("button", name="Send kudos").click()

    expect(page.get_by_text("Kudos sent. Thank you for noticing.")).to_be_visible()
    assert Kudos.objects.get().recipient == people["other_agent"]
    page.goto("/recognition/")
    expect(page.get_by_text("Thank you for taking my late call")).to_be_visible()


@pytest.fixture
def default_surveys(transactional_db: None) -> None:
    """The default surveys of voice's data migration: the flush after each live-server test
    removes what a data migration wrote."""
    migration = importlib.import_module("groundswell.voice.migrations.0003_default_surveys")
    migration.create_default_surveys(apps, None)


def test_a_team_lead_approves_a_customer_compliment(
    page: Page, people: dict[str, Person], respect: Value, default_surveys: None
) -> None:
    agent = people["agent"]
    assert agent.team is not None
    interaction = make_interaction(
        agent.team, customer=make_customer(name="Rosa Reyes"), handled_by=agent
    )
    invitation, _token = make_invitation(interaction)
    record_response(invitation, score=5, comment="Ada sorted it out in minutes.")
    assert services.make_compliment_cards() == (1, 0)  # the every-minute job
    compliment = Compliment.objects.get()
    assert compliment.status == ReviewStatus.PENDING

    login(page, people["team_lead"])
    page.goto("/recognition/compliments/")
    page.get_by_role("link", name=re.compile("Ada Agent")).first.click()
    expect(page.get_by_text("Ada sorted it out in minutes.")).to_be_visible()
    expect(page.get_by_text("R. R.")).to_be_visible()  # the customer masked
    page.get_by_label("Decision").select_option(label="Approve")
    page.get_by_label("Respect").check()
    page.get_by_role("button", name="Save review").click()

    expect(page.get_by_text("Compliment reviewed.")).to_be_visible()
    compliment.refresh_from_db()
    assert compliment.status == ReviewStatus.APPROVED


def test_a_hero_is_nominated_and_approved_into_the_hall_of_fame(
    page: Page, browser: Browser, base_url: str, people: dict[str, Person], respect: Value
) -> None:
    nominator = browser.new_context(base_url=base_url).new_page()
    login(nominator, people["other_agent"])
    nominator.goto("/recognition/heroes/nominate/")
    nominator.get_by_label("Hero").select_option(label=people["agent"].full_name)
    nominator.get_by_label("The story").fill("She drove the spare part to the customer herself.")
    nominator.get_by_label("Respect").check()
    nominator.get_by_role("button", name="Send nomination").click()
    expect(nominator.get_by_role("heading", name="Hero: Ada Agent")).to_be_visible()
    nominator.context.close()

    login(page, people["team_lead"])
    page.goto("/recognition/heroes/")
    waiting = page.get_by_role("region", name="Waiting for your decision")
    waiting.get_by_role("link", name=re.compile("Ada Agent")).first.click()
    page.get_by_label("Decision").select_option(label="Approve")
    page.get_by_role("button", name="Save decision").click()

    expect(page.get_by_text("Decision saved.")).to_be_visible()
    assert HeroNomination.objects.get().status == ReviewStatus.APPROVED
    page.goto("/recognition/heroes/")
    fame = page.get_by_role("region", name="Hall of fame")
    expect(fame.get_by_text("Ada Agent")).to_be_visible()


def test_a_team_reads_its_huddle_digest(
    page: Page, people: dict[str, Person], respect: Value
) -> None:
    agent = people["agent"]
    kudos = Kudos.objects.create(
        giver=people["other_agent"],
        recipient=agent,
        team=agent.team,
        department=agent.department,
        message="Covered my shift at no notice.",
        created_at=timezone.now() - datetime.timedelta(days=1),
    )
    kudos.values.set([respect])

    login(page, agent)
    page.get_by_role("link", name="Recognition").first.click()
    page.get_by_role("link", name="Today's huddle").click()
    assert_accessible(blocking_violations(Axe(), page, "huddle digest"))

    expect(page.get_by_role("heading", name=re.compile("Alpha: huddle for"))).to_be_visible()
    expect(page.get_by_text("Covered my shift at no notice.")).to_be_visible()
    expect(page.get_by_role("button", name="Print (one A4 page)")).to_be_visible()


LONG = (
    "stayed on the line while the courier's tracking failed twice, rebooked the delivery, "
    "called the customer back when she said she would and then followed up the next morning "
    "to make sure the parcel had really arrived, which it had, and the customer wrote to say "
    "it was the best service she had had from anyone this year. "
)


def busy_huddle(people: dict[str, Person], respect: Value) -> None:
    """A demo-like busy day for Alpha: every part of the digest full (ten compliments, ten kudos,
    ten promises, the most it shows of each) and every text long."""
    agent, team = people["agent"], people["agent"].team
    assert team is not None
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for number in range(10):
        interaction = make_interaction(
            team, customer=make_customer(name=f"Customer {number}"), handled_by=agent
        )
        invitation, _token = make_invitation(interaction)
        record_response(invitation, score=5, comment=f"Ada {number} {LONG * 3}")
        kudos = Kudos.objects.create(
            giver=people["other_agent"],
            recipient=agent,
            team=team,
            department=agent.department,
            message=f"Thanks {number}: you {LONG * 4}",
            created_at=yesterday,
        )
        kudos.values.set([respect])
        Promise.objects.create(
            interaction=interaction,
            kind=PromiseKind.CALL_BACK,
            description=f"Call {number} back about the refund {LONG}"[:255],
            made_by=agent,
            due_at=timezone.now() + datetime.timedelta(minutes=number),
        )
    assert services.make_compliment_cards() == (10, 0)  # the every-minute job
    Compliment.objects.update(status=ReviewStatus.APPROVED, received_at=yesterday)
    HeroNomination.objects.create(
        nominee=agent,
        nominated_by=people["other_agent"],
        team=team,
        department=agent.department,
        story=LONG * 20,
        status=ReviewStatus.APPROVED,
        decided_at=yesterday,
    )
    LeadershipLine.objects.create(team=team, text=("Thank you all for a record week. " * 9)[:280])


def test_the_huddle_digest_of_a_busy_day_prints_on_one_a4_page(
    page: Page, people: dict[str, Person], respect: Value, default_surveys: None
) -> None:
    busy_huddle(people, respect)
    assert people["agent"].team is not None

    login(page, people["agent"])
    page.goto(f"/recognition/huddle/{people['agent'].team.pk}/")
    expect(page.locator("[data-kudos]")).to_have_count(10)
    expect(page.locator("[data-compliment]")).to_have_count(10)
    expect(page.locator("[data-promise]")).to_have_count(10)
    expect(page.locator("[data-hero]")).to_have_count(1)
    page.emulate_media(media="print")
    # In print every kudos, compliment and promise is still listed, clamped to whole lines
    # (a line cut through the middle would show as a fraction of the line height).
    for item in page.locator(".huddle li, .huddle .story").all():
        expect(item).to_be_visible()
        lines = item.evaluate(
            "e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)"
        )
        assert abs(lines - round(lines)) < 0.05, lines
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))

    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Alpha: huddle for" in text
    assert "promises due today" in text
    assert "Thank you all for a record week." in text
    assert "Print (one A4 page)" not in text


def test_a_manager_edits_and_sends_the_newsletter_and_a_reader_unsubscribes(
    page: Page, browser: Browser, base_url: str, people: dict[str, Person], inbox: Inbox
) -> None:
    login(page, people["manager"])
    page.goto("/recognition/newsletters/")
    page.get_by_role("textbox", name="Month").fill(timezone.localdate().strftime("%Y-%m"))
    page.get_by_role("button", name="Draft it").click()

    expect(page.get_by_role("heading", name=re.compile("^Edit"))).to_be_visible()
    axe = Axe()
    findings = blocking_violations(axe, page, "newsletter edit")
    page.get_by_label("Title").fill("Our month in thanks")
    page.get_by_label("Introduction").fill("A short word before the stories.")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The draft is saved.")).to_be_visible()
    expect(page.get_by_text("Preview of a draft")).to_be_visible()

    page.get_by_role("link", name="Send it").click()
    people_count = Person.objects.filter(is_active=True).count()
    send = page.get_by_role("button", name=f"Send to {people_count} people")
    expect(send).to_be_visible()
    findings += blocking_violations(axe, page, "newsletter send")
    send.dblclick()  # a double click sends once
    expect(page.get_by_text(re.compile("on its way to|was sent already"))).to_be_visible()

    letter = Newsletter.objects.get()
    assert letter.recipient_count == people_count
    received = {message["To"]: message for message in inbox.messages}
    assert len(inbox.messages) == people_count == len(received)
    mail = received[people["agent"].email]
    assert mail["Subject"] == "Our month in thanks"
    body = text_body(mail)
    assert "A short word before the stories." in body
    link = re.search(r"No more newsletters: (\S+)", body)
    assert link is not None

    reader = browser.new_context().new_page()  # not signed in
    reader.goto(link.group(1))
    reader.get_by_role("button", name="Stop the newsletter").click()
    expect(reader.get_by_role("heading", name="You will get no more newsletters")).to_be_visible()
    assert NewsletterOptOut.objects.filter(person=people["agent"]).exists()
    reader.context.close()

    page.goto("/recognition/newsletters/")
    expect(page.get_by_role("link", name="Our month in thanks")).to_be_visible()
    findings += blocking_violations(axe, page, "newsletter archive")
    page.get_by_role("link", name="Our month in thanks").click()
    expect(page.get_by_text("A short word before the stories.")).to_be_visible()
    findings += blocking_violations(axe, page, "newsletter")
    assert_accessible(findings)


def test_a_manager_reads_recognition_against_satisfaction_on_the_reach_page(
    page: Page, people: dict[str, Person], respect: Value
) -> None:
    login(page, people["manager"])
    page.goto("/recognition/reach/")
    page.get_by_label("Team", exact=True).select_option(label="Customer Service: Beta")
    page.get_by_role("button", name="Show").click()

    trend = page.get_by_role("region", name=re.compile("Recognition and customer satisfaction"))
    expect(trend.get_by_role("heading", name=re.compile(": Beta$"))).to_be_visible()
    expect(trend.get_by_role("img", name="Share recognised and CSAT per month")).to_be_visible()
    expect(trend.get_by_role("row")).to_have_count(7)  # the header and six months
    assert_accessible(blocking_violations(Axe(), page, "reach and trend"))
