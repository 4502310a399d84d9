"""The learning journey in Chromium: a customer on the interview panel scores by a one-time
link, the manager hires, the new hire is refused live customers until their lead signs them
off, then serves."""

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from groundswell.learning.models import Programme
from groundswell.learning.tests.factories import make_profile
from groundswell.people.models import Person
from groundswell.people.tests.factories import UserFactory
from tests.browser.helpers import login

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
