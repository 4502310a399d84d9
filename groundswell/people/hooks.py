"""What happens to a person, announced to the apps above people without people importing them.

An app that must react registers a function in its `AppConfig.ready()`; people calls every
registered function, in registration order, inside the transaction of the change. Listed in
docs/architecture.md ("Hooks").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from groundswell.people.models import Person

PersonHook = Callable[["Person"], object]

_on_deactivated: list[PersonHook] = []


def on_person_deactivated(hook: PersonHook) -> None:
    """Call `hook(person)` whenever someone is switched off (registering twice is harmless)."""
    if hook not in _on_deactivated:
        _on_deactivated.append(hook)


def person_deactivated(person: Person) -> None:
    """Tell every registered app that `person` has left (called by the people services)."""
    for hook in _on_deactivated:
        hook(person)
