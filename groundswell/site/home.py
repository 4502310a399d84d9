"""Teams ranked by need: what the apps say about each team (`core.registry.team_needs`), added up.

The apps know why a team needs attention (falling CSAT, overdue follow-ups, low pulse
participation); only the top sees them together, so the ranking lives here. Each app's
`TeamNeeds.build` reads through its own scoped selectors, so a team outside the viewer's
reach never appears.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from groundswell.core import registry
from groundswell.people.choices import Role
from groundswell.people.models import Person

SHOWN = 8


@dataclass(frozen=True)
class TeamAttention:
    """One team and every reason it needs attention, most pressing first."""

    team: Any
    needs: list[registry.TeamNeed]

    @property
    def weight(self) -> float:
        return sum(need.weight for need in self.needs)


def teams_by_need(person: Person) -> list[TeamAttention]:
    """The teams in `person`'s reach that need attention, the neediest first."""
    role = Role(person.role)
    found: dict[int, list[registry.TeamNeed]] = defaultdict(list)
    teams: dict[int, Any] = {}
    for source in registry.team_needs:
        if role in source.roles:
            for need in source.build(person):
                found[need.team.pk].append(need)
                teams[need.team.pk] = need.team
    ranked = [
        TeamAttention(teams[pk], sorted(needs, key=lambda need: -need.weight))
        for pk, needs in found.items()
    ]
    ranked.sort(key=lambda row: (-row.weight, row.team.name, row.team.pk))
    return ranked[:SHOWN]


LEADERS = frozenset({Role.MANAGER, Role.EXECUTIVE})
PANEL = registry.HomePanel("teams_by_need", LEADERS, teams_by_need)
