"""The quality reviewer capability: granted by managers within their reach, once at a time."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.quality import selectors, services


def test_manager_grants_and_revokes(manager, other_agent, team_alpha):
    grant = services.grant_reviewer(actor=manager, person=other_agent, team=team_alpha)

    assert list(selectors.granted_teams(other_agent)) == [team_alpha]
    assert selectors.may_review_somewhere(other_agent)
    services.revoke_reviewer(actor=manager, grant=grant)
    assert not selectors.granted_teams(other_agent).exists()


def test_granting_twice_is_a_clear_error(manager, other_agent, team_alpha):
    services.grant_reviewer(actor=manager, person=other_agent, team=team_alpha)

    with pytest.raises(ValidationError, match="already reviews Alpha"):
        services.grant_reviewer(actor=manager, person=other_agent, team=team_alpha)


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive"])
def test_only_managers_and_admins_grant(role, org, team_alpha):
    with pytest.raises(PermissionDenied):
        services.grant_reviewer(actor=org[role], person=org["other_agent"], team=team_alpha)


def test_manager_cannot_grant_outside_their_department(manager, outsider, team_invoices, agent):
    with pytest.raises(PermissionDenied):
        services.grant_reviewer(actor=manager, person=agent, team=team_invoices)
    with pytest.raises(PermissionDenied):
        services.grant_reviewer(
            actor=manager, person=outsider, team=manager.department.teams.first()
        )


def test_admin_grants_anywhere(admin, outsider, team_alpha):
    assert services.grant_reviewer(actor=admin, person=outsider, team=team_alpha).team == team_alpha
