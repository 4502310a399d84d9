"""Journeys through Groundswell in a real Chromium: sign in, find your way, get refused."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from groundswell.people.models import Person
from tests.browser.helpers import (
    LOGIN_PATH,
    fill_login_form,
    login,
    navigation_labels,
    upload_people_csv,
)

pytestmark = pytest.mark.browser

EVERYONE = {
    "Home",
    "People",
    "Service desk",
    "Voice",
    "Employee voice",
    "Open door",
    "Quality",
    "Recognition",
    "Learning",
}
LEADERS = {"Leadership", "Problems"}

NAVIGATION_BY_ROLE = {
    "agent": EVERYONE,
    "team_lead": EVERYONE | LEADERS,
    "manager": EVERYONE | LEADERS | {"Insights", "Import people"},
    "executive": EVERYONE | LEADERS | {"Insights"},
    "admin": EVERYONE
    | LEADERS
    | {"Insights", "Import people", "API keys", "Operations", "Admin site"},
}


@pytest.mark.parametrize("role", NAVIGATION_BY_ROLE)
def test_each_role_signs_in_and_sees_their_own_navigation(
    page: Page, people: dict[str, Person], role: str
) -> None:
    person = people[role]

    login(page, person)

    expect(page.get_by_role("heading", level=1)).to_contain_text(person.full_name)
    expect(page.get_by_role("banner")).to_contain_text(person.role_label)
    assert navigation_labels(page) == NAVIGATION_BY_ROLE[role]


def test_team_lead_follows_the_menu_to_the_directory_and_to_an_area_not_built_yet(
    page: Page, people: dict[str, Person]
) -> None:
    login(page, people["team_lead"])
    navigation = page.get_by_role("navigation", name="Main")

    navigation.get_by_role("link", name="People", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(navigation.get_by_role("link", name="People", exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    navigation.get_by_role("link", name="Leadership").click()
    expect(page).to_have_url(re.compile(r"/areas/leadership/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leadership")
    expect(page.get_by_role("heading", name="Not available yet")).to_be_visible()


def test_agent_is_refused_the_import_page(page: Page, people: dict[str, Person]) -> None:
    login(page, people["agent"])

    response = page.goto(reverse("people:import"))

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not open this page")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_signing_out_ends_the_session(page: Page, people: dict[str, Person]) -> None:
    login(page, people["manager"])

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto(reverse("people:person-list"))
    expect(page).to_have_url(re.compile(rf"{LOGIN_PATH}\?next=/people/$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_wrong_password_is_refused_with_an_error(page: Page, people: dict[str, Person]) -> None:
    fill_login_form(page, people["agent"].email, "not-the-password")

    expect(page.locator(".errorlist")).to_contain_text("password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_a_phone_shows_the_navigation_and_the_page_without_sideways_scrolling(
    phone_page: Page, people: dict[str, Person], role: str
) -> None:
    page = phone_page
    login(page, people[role])

    for path in ("/", reverse("people:person-list")):
        page.goto(path)
        navigation = page.get_by_role("navigation", name="Main")
        expect(navigation).to_be_visible()
        expect(navigation.get_by_role("link", name="People", exact=True)).to_be_in_viewport()
        expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"


def test_manager_imports_people_after_fixing_the_row_the_preview_refused(
    page: Page, people: dict[str, Person]
) -> None:
    good_rows = (
        "Nia Newcomer,nia.newcomer@example.test,agent,Customer Service,Alpha",
        "Pia Peer,pia.peer@example.test,agent,Customer Service,Beta",
    )
    emails = ["nia.newcomer@example.test", "omar.odd@example.test", "pia.peer@example.test"]
    login(page, people["manager"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")

    upload_people_csv(
        page,
        good_rows[0],
        "Omar Odd,omar.odd@example.test,wizard,Customer Service,Alpha",
        good_rows[1],
    )

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    bad_row = page.get_by_role("row").filter(has_text="omar.odd@example.test")
    expect(bad_row.get_by_role("rowheader")).to_have_text("3")
    expect(bad_row).to_contain_text("error")
    expect(bad_row.locator(".errorlist")).to_contain_text("Unknown role “wizard”")
    expect(page.get_by_role("row").filter(has_text="nia.newcomer@example.test")).to_contain_text(
        "new"
    )
    expect(page.get_by_role("alert")).to_contain_text("Nothing will be imported")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert not Person.objects.filter(email__in=emails).exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    upload_people_csv(
        page,
        good_rows[0],
        "Omar Odd,omar.odd@example.test,agent,Customer Service,Alpha",
        good_rows[1],
    )
    page.get_by_role("button", name="Import 3 people").click()

    expect(page.locator(".messages")).to_contain_text("Imported 3 people.")
    expect(page.get_by_role("main")).to_contain_text("Omar Odd")
    assert sorted(Person.objects.filter(email__in=emails).values_list("email", flat=True)) == emails
