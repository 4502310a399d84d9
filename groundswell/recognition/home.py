"""What recognition puts on home pages: the latest thanks an agent received, and for leads and
managers the compliments and hero nominations waiting for their approval.

Registered by `RecognitionConfig.ready()`; reads go through `recognition.selectors`.
"""

from __future__ import annotations

from dataclasses import dataclass

from groundswell.core.registry import HomePanel
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.recognition.models import Kudos
from groundswell.recognition.selectors import heroes_to_decide, list_compliments

SHOWN = 3


@dataclass(frozen=True)
class MyRecognition:
    """The latest kudos the person received."""

    kudos: list[Kudos]


def my_recognition(person: Person) -> MyRecognition:
    received = Kudos.objects.visible_to(person).filter(recipient=person).select_related("giver")
    return MyRecognition(list(received[:SHOWN]))


@dataclass(frozen=True)
class ToApprove:
    """How many compliments and hero nominations wait for the person's decision."""

    compliments: int
    heroes: int


def to_approve(person: Person) -> ToApprove:
    return ToApprove(
        compliments=list_compliments(person, which="to_review").count(),
        heroes=heroes_to_decide(person).count(),
    )


PANELS = (
    HomePanel("my_recognition", frozenset({Role.AGENT}), my_recognition),
    HomePanel("recognition_to_approve", frozenset({Role.TEAM_LEAD, Role.MANAGER}), to_approve),
)
