"""What browser journeys share: signing in through the real form, reading the menu."""

from playwright.sync_api import Page, expect

from groundswell.people.models import Person
from groundswell.people.tests.factories import PASSWORD

LOGIN_PATH = "/accounts/login/"


def fill_login_form(page: Page, email: str, password: str) -> None:
    """Open the sign-in page and submit it, as a person at a keyboard would."""
    page.goto(LOGIN_PATH)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def login(page: Page, person: Person, password: str = PASSWORD) -> None:
    """Sign `person` in through the login form and wait until they are in."""
    fill_login_form(page, person.email, password)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def navigation_labels(page: Page) -> set[str]:
    """The link texts of the main navigation, without their "soon" markers."""
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    texts: list[str] = links.evaluate_all(
        "links => links.map(link => link.firstChild.textContent.trim())"
    )
    return set(texts)


IMPORT_HEADER = "full_name,email,role,department,team"


def upload_people_csv(page: Page, *rows: str) -> None:
    """On the import page, choose a CSV made of `rows` and ask for the preview."""
    content = "\r\n".join((IMPORT_HEADER, *rows)) + "\r\n"
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Preview the import").click()
