"""Which elements a wave names strongest and weakest: never one element as both.

Elements are ranked by their mean score as the page prints it (two decimals), so two elements
that read the same are tied and always land on the same side. The best-scoring tier is the
strongest, the worst-scoring tier the weakest; further tiers are added in pairs, one from each
end, while each list stays at three or fewer and the two ends have not met, so a middle
element is named neither. With a single element, or every element scoring the same, nothing
is named, and `note` says why in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Protocol

from django.utils.translation import gettext as _

MOST_NAMED = 3
PRINTED_DECIMALS = 2


class Scored(Protocol):
    @property
    def mean(self) -> float: ...


@dataclass(frozen=True)
class Standing[M, S: Scored]:
    """The strongest and weakest (measure, score) pairs, disjoint, and a note on ties or size."""

    strongest: list[tuple[M, S]] = field(default_factory=list)
    weakest: list[tuple[M, S]] = field(default_factory=list)
    note: str = ""


def strongest_and_weakest[M, S: Scored](scored: list[tuple[M, S]]) -> Standing[M, S]:
    """Strongest first in `strongest`, weakest first in `weakest`; no element in both."""
    if not scored:
        return Standing()
    if len(scored) == 1:
        return Standing(
            note=_("Only one element was asked about, so none is named strongest or weakest.")
        )

    def printed(pair: tuple[M, S]) -> float:
        return round(pair[1].mean, PRINTED_DECIMALS)

    ranked = sorted(scored, key=printed, reverse=True)
    tiers = [list(tier) for _mean, tier in groupby(ranked, key=printed)]
    if len(tiers) == 1:
        return Standing(
            note=_("Every element scored the same, so none is named strongest or weakest.")
        )
    strongest, weakest = list(tiers[0]), list(tiers[-1])
    top, bottom = 1, len(tiers) - 2
    while (
        top < bottom
        and len(strongest) + len(tiers[top]) <= MOST_NAMED
        and len(weakest) + len(tiers[bottom]) <= MOST_NAMED
    ):
        strongest += tiers[top]
        weakest = tiers[bottom] + weakest
        top, bottom = top + 1, bottom - 1
    note = ""
    if any(len(tier) > 1 for tier in tiers):
        note = _("Elements with the same score are named together, or not at all.")
    return Standing(strongest, list(reversed(weakest)), note)
