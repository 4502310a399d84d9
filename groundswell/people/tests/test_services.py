import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.people import services
from groundswell.people.choices import Role
from groundswell.people.models import Person


def test_team_lead_updates_someone_in_their_team(org):
    agent = org["agent"]

    services.update_person(
        actor=org["team_lead"], person=agent, job_title="Senior agent", is_champion=True
    )

    agent.refresh_from_db()
    assert agent.job_title == "Senior agent"
    assert agent.is_champion


def test_team_lead_cannot_update_someone_in_another_team(org):
    with pytest.raises(PermissionDenied):
        services.update_person(actor=org["team_lead"], person=org["other_agent"], job_title="x")


def test_team_lead_cannot_move_someone_out_of_their_teams(org, team_alpha, team_beta):
    with pytest.raises(PermissionDenied):
        services.update_person(actor=org["team_lead"], person=org["agent"], team=team_beta)

    assert Person.objects.get(pk=org["agent"].pk).team == team_alpha


def test_team_lead_cannot_change_roles(org):
    with pytest.raises(PermissionDenied):
        services.update_person(actor=org["team_lead"], person=org["agent"], role=Role.TEAM_LEAD)


def test_manager_may_promote_to_team_lead_but_not_to_admin(org):
    services.update_person(actor=org["manager"], person=org["agent"], role=Role.TEAM_LEAD)
    assert Person.objects.get(pk=org["agent"].pk).role == Role.TEAM_LEAD

    with pytest.raises(PermissionDenied):
        services.update_person(actor=org["manager"], person=org["other_agent"], role=Role.ADMIN)
    assert Person.objects.get(pk=org["other_agent"].pk).role == Role.AGENT


def test_a_change_made_in_memory_cannot_vouch_for_itself(org, team_alpha):
    """A form that copied the new values onto the person must not skip the "before" check."""
    other = org["other_agent"]
    other.team = team_alpha  # as a ModelForm would, before the service runs

    with pytest.raises(PermissionDenied):
        services.update_person(actor=org["team_lead"], person=other, team=team_alpha)

    agent = org["agent"]
    agent.role = Role.ADMIN
    with pytest.raises(PermissionDenied):
        services.update_person(actor=org["manager"], person=agent, role=Role.ADMIN)
    assert Person.objects.get(pk=agent.pk).role == Role.AGENT


def test_team_must_belong_to_the_department(org, team_invoices):
    with pytest.raises(ValidationError) as error:
        services.update_person(actor=org["admin"], person=org["agent"], team=team_invoices)

    assert "team" in error.value.message_dict


def test_nobody_is_their_own_buddy_or_manager(org):
    agent = org["agent"]

    with pytest.raises(ValidationError) as buddy_error:
        services.update_person(actor=org["admin"], person=agent, buddy=agent)
    with pytest.raises(ValidationError) as manager_error:
        services.update_person(actor=org["admin"], person=agent, manager=agent)

    assert "buddy" in buddy_error.value.message_dict
    assert "manager" in manager_error.value.message_dict


def test_unknown_fields_are_refused(org):
    with pytest.raises(ValidationError) as error:
        services.update_person(actor=org["admin"], person=org["agent"], user=None)

    assert "user" in error.value.message_dict


def test_email_change_is_lower_cased_and_moves_the_login(org):
    agent = org["agent"]

    services.update_person(actor=org["admin"], person=agent, email="  Ada.New@Example.TEST ")

    agent.refresh_from_db()
    assert agent.email == "ada.new@example.test"
    assert agent.user is not None
    assert agent.user.username == "ada.new@example.test"


def test_deactivating_someone_deactivates_their_login(org):
    services.update_person(actor=org["manager"], person=org["agent"], is_active=False)

    user = Person.objects.get(pk=org["agent"].pk).user
    assert user is not None
    assert not user.is_active


def test_manager_adds_people_to_their_department_only(org, team_alpha, team_invoices):
    person = services.create_person(
        actor=org["manager"],
        full_name="New Person",
        email="New@Example.test",
        department=team_alpha.department,
        team=team_alpha,
    )
    assert person.email == "new@example.test"

    with pytest.raises(PermissionDenied):
        services.create_person(
            actor=org["manager"],
            full_name="Elsewhere",
            email="elsewhere@example.test",
            department=team_invoices.department,
            team=team_invoices,
        )


def test_duplicate_email_is_refused_whatever_the_case(org):
    with pytest.raises(ValidationError) as error:
        services.create_person(
            actor=org["admin"],
            full_name="Copy",
            email="AGENT@example.test",
            department=org["agent"].department,
        )

    assert "email" in error.value.message_dict
