"""`Team.objects.visible_to` and `Department.objects.visible_to`, per role."""

import pytest

from groundswell.people.models import Department, Team
from groundswell.people.permissions import Action, teams_in_scope


@pytest.mark.parametrize(
    ("role", "teams"),
    [
        ("agent", set()),
        ("team_lead", {"Alpha"}),
        ("manager", {"Alpha", "Beta"}),
        ("executive", set()),
        ("admin", {"Alpha", "Beta", "Invoices"}),
    ],
)
def test_teams_visible_for_changing_people(role, teams, org):
    visible = Team.objects.visible_to(org[role], Action.CHANGE_PERSON)

    assert {team.name for team in visible} == teams
    assert set(visible) == set(teams_in_scope(org[role], Action.CHANGE_PERSON))


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive", "admin"])
def test_everyone_sees_every_team_and_department_in_the_directory(role, org):
    assert Team.objects.visible_to(org[role]).count() == Team.objects.count()
    assert Department.objects.visible_to(org[role]).count() == Department.objects.count()


@pytest.mark.parametrize(
    ("role", "departments"),
    [
        ("agent", set()),
        ("team_lead", {"Customer Service"}),
        ("manager", {"Customer Service"}),
        ("executive", set()),
    ],
)
def test_departments_visible_for_changing_people(role, departments, org):
    visible = Department.objects.visible_to(org[role], Action.CHANGE_PERSON)

    assert {department.name for department in visible} == departments


def test_admin_sees_every_department_for_changing_people(org):
    visible = Department.objects.visible_to(org["admin"], Action.CHANGE_PERSON)

    assert visible.count() == Department.objects.count()


def test_former_staff_see_no_teams(org):
    manager = org["manager"]
    manager.is_active = False

    assert not Team.objects.visible_to(manager).exists()
    assert not Department.objects.visible_to(manager, Action.CHANGE_PERSON).exists()
