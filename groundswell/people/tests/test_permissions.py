"""The permission matrix, stated again here independently of the code that implements it."""

import pytest

from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    Action,
    Scope,
    assignable_roles,
    can,
    can_everywhere,
    can_somewhere,
    departments_in_scope,
    scope_for,
    teams_in_scope,
)
from groundswell.people.tests.factories import PersonFactory

A, T, M, E, AD = Role.AGENT, Role.TEAM_LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN
ALL, DEPT, TEAM, SELF = Scope.ALL, Scope.DEPARTMENT, Scope.TEAM, Scope.SELF

EXPECTED: dict[Action, dict[Role, Scope | None]] = {
    Action.VIEW_DIRECTORY: {A: ALL, T: ALL, M: ALL, E: ALL, AD: ALL},
    Action.CHANGE_PERSON: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.IMPORT_PEOPLE: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_TEAMS: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_DEPARTMENTS: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.MANAGE_API_KEYS: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.USE_ADMIN_SITE: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.VIEW_OPERATIONS: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.VIEW_INTERACTIONS: {A: TEAM, T: TEAM, M: DEPT, E: ALL, AD: ALL},
    Action.CHANGE_INTERACTIONS: {A: TEAM, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.IMPORT_INTERACTIONS: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.VIEW_CUSTOMER_VOICE: {A: TEAM, T: TEAM, M: DEPT, E: ALL, AD: ALL},
    Action.VIEW_FOLLOW_UPS: {A: None, T: TEAM, M: DEPT, E: ALL, AD: ALL},
    Action.HANDLE_FOLLOW_UPS: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_SURVEYS: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.USE_OPEN_DOOR: {A: ALL, T: ALL, M: ALL, E: ALL, AD: ALL},
    Action.ACT_ON_IDEAS: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_OPEN_DOOR: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.VIEW_EMPLOYEE_VOICE: {A: ALL, T: ALL, M: ALL, E: ALL, AD: ALL},
    Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN: {A: None, T: TEAM, M: DEPT, E: ALL, AD: ALL},
    Action.ANALYSE_EMPLOYEE_VOICE: {A: None, T: None, M: DEPT, E: ALL, AD: ALL},
    Action.ACT_ON_EMPLOYEE_VOICE: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_PULSES: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.SET_ANONYMITY_MINIMUM: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.VIEW_QUALITY: {A: SELF, T: TEAM, M: DEPT, E: ALL, AD: ALL},
    Action.REVIEW_QUALITY: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.SELF_REVIEW: {A: SELF, T: SELF, M: None, E: None, AD: None},
    Action.DISPUTE_REVIEWS: {A: SELF, T: SELF, M: None, E: None, AD: None},
    Action.COACH: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_REVIEW_QUEUE: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.GRANT_QUALITY_REVIEWERS: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_SCORECARDS: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.CALIBRATE: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.ANALYSE_QUALITY: {A: None, T: None, M: DEPT, E: ALL, AD: ALL},
    Action.USE_RECOGNITION: {A: ALL, T: ALL, M: ALL, E: ALL, AD: ALL},
    Action.MODERATE_RECOGNITION: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.APPROVE_RECOGNITION: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_VALUES: {A: None, T: None, M: None, E: None, AD: ALL},
    Action.SEND_NEWSLETTER: {A: None, T: None, M: ALL, E: None, AD: ALL},
    Action.MANAGE_REWARDS: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.VIEW_RECOGNITION_REACH: {A: None, T: TEAM, M: DEPT, E: ALL, AD: ALL},
    Action.VIEW_JOB_PROFILES: {A: ALL, T: ALL, M: ALL, E: ALL, AD: ALL},
    Action.MANAGE_JOB_PROFILES: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_CANDIDATES: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.SCORE_INTERVIEWS: {A: SELF, T: SELF, M: SELF, E: SELF, AD: SELF},
    Action.VIEW_ONBOARDING: {A: SELF, T: TEAM, M: DEPT, E: ALL, AD: ALL},
    Action.RUN_ONBOARDING: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
    Action.OVERRIDE_READINESS: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.MANAGE_COURSES: {A: None, T: None, M: DEPT, E: None, AD: ALL},
    Action.RECORD_TRAINING: {A: None, T: TEAM, M: DEPT, E: None, AD: ALL},
}
CELLS = [(action, role, scope) for action, row in EXPECTED.items() for role, scope in row.items()]


def test_every_action_is_stated_in_this_test():
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize(("action", "role", "scope"), CELLS)
def test_matrix_cell(action, role, scope):
    person = Person(role=role, is_active=True)

    assert scope_for(person, action) == scope
    assert can_somewhere(person, action) is (scope is not None)
    assert can_everywhere(person, action) is (scope == ALL)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_former_staff_may_do_nothing(action, role):
    person = Person(role=role, is_active=False)

    assert scope_for(person, action) is None
    assert not can_somewhere(person, action)


@pytest.mark.parametrize("action", list(Action))
def test_nobody_may_do_nothing(action):
    assert not can_somewhere(None, action)
    assert scope_for(None, action) is None


@pytest.mark.parametrize(
    ("role", "roles"),
    [
        (A, ()),
        (T, ()),
        (M, (A, T)),
        (E, ()),
        (AD, (A, T, M, E, AD)),
    ],
)
def test_assignable_roles(role, roles):
    assert assignable_roles(Person(role=role, is_active=True)) == roles


def test_former_staff_and_nobody_assign_no_roles():
    assert assignable_roles(Person(role=AD, is_active=False)) == ()
    assert assignable_roles(None) == ()


def test_team_lead_changes_their_own_team_only(org, team_alpha, team_beta, team_invoices):
    lead = org["team_lead"]

    assert can(lead, Action.CHANGE_PERSON, org["agent"])
    assert can(lead, Action.CHANGE_PERSON, team_alpha)
    assert not can(lead, Action.CHANGE_PERSON, org["other_agent"])
    assert not can(lead, Action.CHANGE_PERSON, team_beta)
    assert not can(lead, Action.CHANGE_PERSON, org["outsider"])
    assert not can(lead, Action.CHANGE_PERSON, team_invoices)


def test_team_lead_acts_on_a_team_they_lead_without_belonging_to_it(org, team_beta):
    team_beta.lead = org["team_lead"]
    team_beta.save(update_fields=["lead"])

    assert can(org["team_lead"], Action.CHANGE_PERSON, org["other_agent"])
    assert set(teams_in_scope(org["team_lead"], Action.CHANGE_PERSON)) == {
        org["team_lead"].team,
        team_beta,
    }


def test_team_lead_cannot_change_someone_outside_any_team(org):
    no_team = PersonFactory.create(team=None, department=org["team_lead"].department)

    assert not can(org["team_lead"], Action.CHANGE_PERSON, no_team)


def test_manager_changes_their_department_only(org, customer_service, billing, team_invoices):
    manager = org["manager"]
    no_team = PersonFactory.create(team=None, department=customer_service)

    assert can(manager, Action.CHANGE_PERSON, org["agent"])
    assert can(manager, Action.CHANGE_PERSON, org["other_agent"])
    assert can(manager, Action.CHANGE_PERSON, no_team)
    assert can(manager, Action.IMPORT_PEOPLE, customer_service)
    assert not can(manager, Action.CHANGE_PERSON, org["outsider"])
    assert not can(manager, Action.IMPORT_PEOPLE, billing)
    assert not can(manager, Action.MANAGE_TEAMS, team_invoices)


def test_admin_changes_anyone_and_executive_no_one(org):
    for subject in org.values():
        assert can(org["admin"], Action.CHANGE_PERSON, subject)
        assert not can(org["executive"], Action.CHANGE_PERSON, subject)
        assert not can(org["agent"], Action.CHANGE_PERSON, subject)


@pytest.mark.parametrize(
    ("role", "teams"),
    [
        ("agent", set()),
        ("team_lead", {"Alpha"}),
        ("manager", {"Alpha", "Beta"}),
        ("executive", set()),
        ("admin", {"Alpha", "Beta", "Invoices"}),
        ("outsider", set()),
    ],
)
def test_teams_in_scope_for_changing_people(role, teams, org):
    scoped = teams_in_scope(org[role], Action.CHANGE_PERSON)

    assert {team.name for team in scoped} == teams


def test_everyone_sees_every_team_in_the_directory(org):
    for person in org.values():
        assert teams_in_scope(person, Action.VIEW_DIRECTORY).count() == Team.objects.count()


def test_departments_in_scope(org, customer_service):
    assert departments_in_scope(org["admin"], Action.IMPORT_PEOPLE) is None
    assert departments_in_scope(org["manager"], Action.IMPORT_PEOPLE) == [customer_service.pk]
    assert departments_in_scope(org["team_lead"], Action.IMPORT_PEOPLE) == []
    assert departments_in_scope(org["agent"], Action.IMPORT_PEOPLE) == []


def test_former_staff_are_visible_only_to_those_who_may_change_them(org, team_invoices):
    former_billing = PersonFactory.create(team=team_invoices, is_active=False)
    former_alpha = PersonFactory.create(team=org["agent"].team, is_active=False)

    def visible(role, person):
        return Person.objects.visible_to(org[role]).filter(pk=person.pk).exists()

    assert visible("admin", former_billing)
    assert not visible("manager", former_billing)
    assert not visible("executive", former_billing)
    assert visible("manager", former_alpha)
    assert visible("team_lead", former_alpha)
    assert not visible("agent", former_alpha)
    assert visible("agent", org["outsider"])


@pytest.mark.parametrize("role", list(Role))
def test_can_without_a_target_raises(role):
    person = Person(role=role, is_active=True)

    with pytest.raises(TypeError):
        can(person, Action.CHANGE_INTERACTIONS)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        can(person, Action.CHANGE_INTERACTIONS, None)


def test_can_on_a_department_and_its_teams(org, customer_service, billing, team_invoices):
    manager = org["manager"]

    assert can(manager, Action.CHANGE_INTERACTIONS, customer_service)
    assert not can(manager, Action.CHANGE_INTERACTIONS, billing)
    assert not can(manager, Action.CHANGE_INTERACTIONS, team_invoices)
    assert not can(org["agent"], Action.CHANGE_INTERACTIONS, customer_service)
    assert can(org["admin"], Action.CHANGE_INTERACTIONS, Department(pk=billing.pk))


def test_work_goes_only_to_oneself_or_to_someone_in_reach_who_ranks_below(org):
    from groundswell.people.permissions import may_assign

    act = Action.ACT_ON_EMPLOYEE_VOICE
    lead, manager, admin = org["team_lead"], org["manager"], org["admin"]
    assert may_assign(lead, act, lead)
    assert may_assign(lead, act, org["agent"])
    assert not may_assign(lead, act, org["other_agent"])  # another team
    assert not may_assign(lead, act, manager)  # ranks above
    assert may_assign(manager, act, lead)
    assert not may_assign(manager, act, org["outsider"])  # another department
    assert not may_assign(org["agent"], act, org["agent"])  # no right to act at all
    assert may_assign(admin, act, org["outsider"])
