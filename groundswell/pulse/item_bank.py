"""The culture assessment's item bank, written for Groundswell.

Ten scales: the eight elements of a service culture, plus how colleagues treat each other as
internal customers and how visible leaders are. Each scale has at least three statements
answered from 1 (strongly disagree) to 5 (strongly agree). A reverse-worded statement is
scored 6 - answer, so that a high score always means a healthier culture.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Element:
    code: str
    label: Promise


@dataclass(frozen=True)
class Item:
    code: str
    element: str
    text: Promise
    is_reversed: bool = False


ELEMENTS: tuple[Element, ...] = (
    Element("philosophy", _("Service philosophy")),
    Element("roles", _("Roles and expectations")),
    Element("delivery", _("Delivery systems")),
    Element("policies", _("Policies and procedures")),
    Element("products", _("Products and services")),
    Element("management", _("Management support")),
    Element("rewards", _("Motivators and rewards")),
    Element("training", _("Training")),
    Element("internal", _("Internal customers")),
    Element("visibility", _("Leadership visibility")),
)
ELEMENT_LABELS = {element.code: element.label for element in ELEMENTS}

ITEMS: tuple[Item, ...] = (
    Item(
        "philosophy.1",
        "philosophy",
        _("I could explain in a sentence what good service means here."),
    ),
    Item(
        "philosophy.2",
        "philosophy",
        _("When speed and quality pull apart, I know which one we choose."),
    ),
    Item(
        "philosophy.3",
        "philosophy",
        _("Our stated service values match what actually happens day to day."),
    ),
    Item(
        "philosophy.4",
        "philosophy",
        _("Talk about customers here is mostly slogans."),
        is_reversed=True,
    ),
    Item("roles.1", "roles", _("I know which service behaviours are expected of me.")),
    Item("roles.2", "roles", _("The way my work is judged fits the service we say we want.")),
    Item("roles.3", "roles", _("I am trusted to decide how to help a customer in front of me.")),
    Item(
        "delivery.1",
        "delivery",
        _("The tools I use let me solve a customer's problem without workarounds."),
    ),
    Item(
        "delivery.2", "delivery", _("Our staffing lets us keep the promises we make to customers.")
    ),
    Item(
        "delivery.3",
        "delivery",
        _("I often have to apologise for our own systems."),
        is_reversed=True,
    ),
    Item("policies.1", "policies", _("Our rules help me do the right thing for customers.")),
    Item(
        "policies.2",
        "policies",
        _("I may fix a small problem for a customer without asking for approval."),
    ),
    Item(
        "policies.3", "policies", _("When a rule gets in the way, someone listens and changes it.")
    ),
    Item("products.1", "products", _("I am proud of what we sell and deliver.")),
    Item(
        "products.2",
        "products",
        _("Problems customers report about our products get fixed at the source."),
    ),
    Item(
        "products.3",
        "products",
        _("I hear about product changes before customers ask me about them."),
    ),
    Item(
        "management.1",
        "management",
        _("My manager backs me when I make a reasonable call for a customer."),
    ),
    Item(
        "management.2", "management", _("My manager removes obstacles that slow down our service.")
    ),
    Item("management.3", "management", _("My manager gives me useful feedback about my service.")),
    Item("rewards.1", "rewards", _("Good service gets noticed here, not only fast service.")),
    Item("rewards.2", "rewards", _("Recognition here goes to the people who actually earn it.")),
    Item(
        "rewards.3",
        "rewards",
        _("Going the extra mile for a customer goes unnoticed."),
        is_reversed=True,
    ),
    Item("training.1", "training", _("I was ready before I first talked to customers on my own.")),
    Item("training.2", "training", _("I get regular chances to improve my service skills.")),
    Item("training.3", "training", _("What I learn in training works on a real shift.")),
    Item(
        "internal.1",
        "internal",
        _("Other departments treat my requests as they would a customer's."),
    ),
    Item(
        "internal.2",
        "internal",
        _("I get what I need from colleagues in time to serve customers well."),
    ),
    Item(
        "internal.3",
        "internal",
        _("Teams here protect their own patch before helping others."),
        is_reversed=True,
    ),
    Item("visibility.1", "visibility", _("Senior leaders spend time where the service happens.")),
    Item(
        "visibility.2",
        "visibility",
        _("Leaders here know what a normal day on the front line is like."),
    ),
    Item(
        "visibility.3",
        "visibility",
        _("I understand why leaders make the decisions that affect my work."),
    ),
)
ITEMS_BY_CODE = {item.code: item for item in ITEMS}

ENPS_TEXT = _("How likely are you to recommend working here to a friend?")


def items_for(elements: list[str] | None = None) -> list[Item]:
    """The bank's items, all of them or only those of the given elements, in bank order."""
    return [item for item in ITEMS if elements is None or item.element in elements]
