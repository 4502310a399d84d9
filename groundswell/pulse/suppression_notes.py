"""Why a group is not shown, in plain words, without telling what the suppression protects.

A reader looks for their own team and department (a lead for the teams they lead, a manager
for their department's); when one is missing or reads "not shown", the results page says why.
The reasons come from what the report itself shows, never from who answered: "fewer than
the minimum" for a group whose respondents are under it; "could be worked out" for one hidden
to protect another (complementary suppression); and for a team or department not stored on
its own (folded in when the wave was published, services.coarsen), both reasons that fold
one in, since which of them applied is exactly what the stored data no longer says. No note
carries a count under the minimum.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q
from django.utils.translation import gettext as _

from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, departments_in_scope, teams_in_scope
from groundswell.pulse.models import Campaign

GroupKey = tuple[str, int]
ORGANISATION: GroupKey = ("organisation", 0)
OTHER: GroupKey = ("other", 0)


def explain(
    viewer: Person,
    campaign: Campaign,
    counts: Mapping[GroupKey, int],
    parents: Mapping[GroupKey, GroupKey | None],
    hidden: set[GroupKey],
    labels: Mapping[GroupKey, str],
    department: Department | None = None,
    team: Team | None = None,
    *,
    own_teams_only: bool = False,
) -> list[str]:
    """One sentence per group of the viewer's (their own, or in their reach) not shown.

    `own_teams_only`: the page shows no team (too many for one page: see
    selectors.TEAMS_AT_ONCE), so only the viewer's own and led teams get a note."""
    minimum = campaign.min_group_size
    if ORGANISATION in hidden or not counts.get(ORGANISATION):
        return [
            _(
                "Fewer than %(minimum)s people answered this wave, so none of its results are "
                "shown: any figure would point at the few who did."
            )
            % {"minimum": minimum}
        ]
    notes = [
        _department_note(d, counts, parents, hidden, labels, minimum, viewer)
        for d in _departments(viewer, campaign, department, team)
    ]
    notes += [
        _team_note(t, counts, parents, hidden, labels, minimum, viewer)
        for t in _teams(viewer, campaign, department, team, own_teams_only=own_teams_only)
    ]
    return [note for note in notes if note]


def _teams(
    viewer: Person,
    campaign: Campaign,
    department: Department | None,
    team: Team | None,
    *,
    own_teams_only: bool = False,
) -> list[Team]:
    asked = Team.objects.filter(
        Q(pk__in=campaign.audience_teams.all())
        | Q(department__in=campaign.audience_departments.all())
    )
    reach = Q(pk__in=teams_in_scope(viewer, Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN))
    if viewer.team_id is not None:
        reach |= Q(pk=viewer.team_id)
    teams = asked.filter(reach)
    if own_teams_only:
        teams = teams.filter(Q(pk=viewer.team_id) | Q(lead=viewer))
    if team is not None:
        teams = teams.filter(pk=team.pk)
    elif department is not None:
        teams = teams.filter(department_id=department.pk)
    return list(teams.order_by("name", "pk"))


def _departments(
    viewer: Person, campaign: Campaign, department: Department | None, team: Team | None
) -> list[Department]:
    if team is not None:
        return []
    asked = Department.objects.filter(
        Q(pk__in=campaign.audience_departments.all()) | Q(teams__in=campaign.audience_teams.all())
    ).distinct()
    in_reach = departments_in_scope(viewer, Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN)
    if in_reach is not None:
        asked = asked.filter(pk__in=[*in_reach, viewer.department_id])
    if department is not None:
        asked = asked.filter(pk=department.pk)
    return list(asked.order_by("name", "pk"))


def _team_note(
    team: Team,
    counts: Mapping[GroupKey, int],
    parents: Mapping[GroupKey, GroupKey | None],
    hidden: set[GroupKey],
    labels: Mapping[GroupKey, str],
    minimum: int,
    viewer: Person,
) -> str:
    key: GroupKey = ("team", team.pk)
    name = (
        _("Your team (%(team)s)") % {"team": team.name}
        if viewer.pk == team.lead_id or viewer.team_id == team.pk
        else team.name
    )
    if key in counts:
        return _hidden_note(name, key, counts, parents, hidden, minimum)
    no_team: GroupKey = ("no-team", team.department_id)
    department_key: GroupKey = ("department", team.department_id)
    into = (
        labels[no_team]
        if no_team in counts
        else labels[department_key]
        if department_key in counts
        else labels[OTHER]
        if OTHER in counts
        else labels[ORGANISATION]
    )
    return _(
        "%(name)s is not shown on its own: fewer than %(minimum)s of its people answered, or "
        "its answers were pooled with a smaller team's so that neither can be picked out. "
        "They count in “%(into)s” instead."
    ) % {"name": name, "minimum": minimum, "into": into}


def _department_note(
    department: Department,
    counts: Mapping[GroupKey, int],
    parents: Mapping[GroupKey, GroupKey | None],
    hidden: set[GroupKey],
    labels: Mapping[GroupKey, str],
    minimum: int,
    viewer: Person,
) -> str:
    key: GroupKey = ("department", department.pk)
    name = (
        _("Your department (%(department)s)") % {"department": department.name}
        if viewer.department_id == department.pk
        else department.name
    )
    if key in counts:
        return _hidden_note(name, key, counts, parents, hidden, minimum)
    into = labels[OTHER] if OTHER in counts else labels[ORGANISATION]
    return _(
        "%(name)s is not shown on its own: fewer than %(minimum)s of its people answered, or "
        "its answers were pooled with a smaller department's so that neither can be picked "
        "out. They count in “%(into)s” instead."
    ) % {"name": name, "minimum": minimum, "into": into}


def _hidden_note(
    name: str,
    key: GroupKey,
    counts: Mapping[GroupKey, int],
    parents: Mapping[GroupKey, GroupKey | None],
    hidden: set[GroupKey],
    minimum: int,
) -> str:
    if key not in hidden:
        return ""
    if counts[key] < minimum:
        return _(
            "%(name)s is not shown: fewer than %(minimum)s of its people answered, and figures "
            "for so few could point at one of them."
        ) % {"name": name, "minimum": minimum}
    if parents.get(key) in hidden:
        return _(
            "%(name)s is not shown: the group it belongs to is not shown, and its figures "
            "could be added up to that group's."
        ) % {"name": name}
    return _(
        "%(name)s is not shown: taken away from the figures shown for the group above it, its "
        "own would give away a smaller group's answers."
    ) % {"name": name}
