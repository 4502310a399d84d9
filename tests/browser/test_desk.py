"""The interaction page in a real Chromium: promise buttons that can be seen, and a refused
promise that says why instead of doing nothing."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from groundswell.desk.models import Promise
from groundswell.desk.tests.factories import InteractionFactory, PromiseFactory
from groundswell.people.models import Person
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

# WCAG 2.1 contrast of two colours given as CSS rgb()/rgba() strings.
CONTRAST = """([fg, bg]) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def _colours(page: Page, name: str) -> list[str]:
    """The button's text colour and the first non-transparent background behind it."""
    colours: list[str] = page.get_by_role("button", name=name, exact=True).evaluate(
        """button => {
          let node = button, bg = 'rgba(0, 0, 0, 0)';
          while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
            bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
          }
          return [getComputedStyle(button).color, bg];
        }"""
    )
    return colours


def test_promise_buttons_can_be_read_and_a_refused_promise_says_why(
    page: Page, live_server: LiveServer, people: dict[str, Person]
) -> None:
    lead = people["team_lead"]
    interaction = InteractionFactory.create(team=lead.team, subject="Parcel never arrived")
    PromiseFactory.create(interaction=interaction, description="Call back about the parcel")
    login(page, lead)
    page.goto(f"{live_server.url}{interaction.get_absolute_url()}")

    for name in ("Kept", "Broken"):
        ratio = page.evaluate(CONTRAST, _colours(page, name))
        assert ratio >= 4.5, f"the {name} button's text has a contrast of {ratio:.2f}"

    page.get_by_label("Due").fill("2001-01-01T09:00")
    page.get_by_role("button", name="Add the promise").click()
    expect(page.get_by_text("A promise cannot fall due before the interaction.")).to_be_visible()
    assert Promise.objects.filter(interaction=interaction).count() == 1

    page.get_by_role("button", name="Broken", exact=True).click()
    expect(page.locator(".promises .badge").first).to_have_text("Broken")
