"""What happens at the service desk, announced to the apps above desk without desk importing
them.

An app that must react registers a function in its `AppConfig.ready()`; desk calls every
registered function, in registration order. Listed in docs/architecture.md ("Hooks between
apps"); the same pattern as `people.hooks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from groundswell.desk.models import Interaction
    from groundswell.people.models import Person

InteractionHook = Callable[["Interaction"], object]
AnswersHook = Callable[["Person", "Interaction"], set[int]]
StatusHook = Callable[["Interaction"], "str | None"]

_on_resolved: list[InteractionHook] = []
_timeline_answers: list[AnswersHook] = []
_follow_up_status: list[StatusHook] = []


def on_interaction_resolved(hook: InteractionHook) -> None:
    """Call `hook(interaction)` after an interaction is resolved, once the change is committed
    (registering twice is harmless)."""
    if hook not in _on_resolved:
        _on_resolved.append(hook)


def interaction_resolved(interaction: Interaction) -> None:
    """Tell every registered app that `interaction` was resolved (called by the desk services,
    on commit)."""
    for hook in _on_resolved:
        hook(interaction)


def on_timeline_answers(hook: AnswersHook) -> None:
    """Let `hook(viewer, interaction)` name the ids of the survey answers about `interaction`
    that `viewer` may read on its timeline (registering twice is harmless)."""
    if hook not in _timeline_answers:
        _timeline_answers.append(hook)


def timeline_answers(viewer: Person, interaction: Interaction) -> set[int]:
    """The answer ids every registered app allows `viewer` to read; none when none is."""
    shown: set[int] = set()
    for hook in _timeline_answers:
        shown |= hook(viewer, interaction)
    return shown


def on_follow_up_status(hook: StatusHook) -> None:
    """Let `hook(interaction)` say in a sentence what followed a resolved interaction (a survey
    sent, or why none was), or None when it has nothing to say (registering twice is
    harmless)."""
    if hook not in _follow_up_status:
        _follow_up_status.append(hook)


def follow_up_status(interaction: Interaction) -> list[str]:
    """What every registered app says followed `interaction`, in registration order."""
    said = (hook(interaction) for hook in _follow_up_status)
    return [sentence for sentence in said if sentence]
