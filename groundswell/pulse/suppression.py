"""Which groups a report may show without exposing a small group of respondents.

Groups form a tree: the organisation, its departments, their teams (people without a team
count in a "no team" group of their department, so children always add up to the parent).
A group is hidden when

1. it has respondents but fewer than the minimum (primary suppression);
2. its parent is hidden (a hidden parent could be rebuilt by adding up its children);
3. it is needed to protect a sibling (complementary suppression): a shown parent minus its
   shown children gives the hidden children's combined figures, so that remainder must come
   from at least two hidden groups and add up to at least the minimum. Otherwise the
   smallest shown sibling is hidden too, or, if there is none left, the parent.

The rules are applied until nothing changes. Visibility is decided on the whole tree, never
on the part one viewer sees, so two people's reports cannot be subtracted from each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping


def hidden_groups[K: Hashable](
    counts: Mapping[K, int],
    parents: Mapping[K, K | None],
    minimum: int,
) -> set[K]:
    """The groups that must not be shown; `counts` are respondents, `parents` the tree."""
    children: dict[K, list[K]] = defaultdict(list)
    for group, parent in parents.items():
        if parent is not None:
            children[parent].append(group)
    hidden = {group for group, count in counts.items() if 0 < count < minimum}
    changed = True
    while changed:
        changed = False
        for parent, kids in children.items():
            if parent in hidden:
                newly = {kid for kid in kids if kid not in hidden}
                hidden |= newly
                changed = changed or bool(newly)
                continue
            if _reveals(kids, counts, hidden, minimum):
                shown = sorted(
                    (kid for kid in kids if kid not in hidden and counts.get(kid, 0) > 0),
                    key=lambda kid: (counts.get(kid, 0), str(kid)),
                )
                hidden.add(shown[0] if shown else parent)
                changed = True
    return hidden


def _reveals[K: Hashable](
    kids: list[K], counts: Mapping[K, int], hidden: set[K], minimum: int
) -> bool:
    """Would the shown parent minus its shown children expose a hidden group?"""
    covered = [kid for kid in kids if kid in hidden and counts.get(kid, 0) > 0]
    remainder = sum(counts.get(kid, 0) for kid in covered)
    return bool(covered) and (remainder < minimum or len(covered) == 1)
