from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the organisation; it decides what they may see and do."""

    AGENT = "agent", _("Agent")
    TEAM_LEAD = "team_lead", _("Team lead")
    MANAGER = "manager", _("Manager")
    EXECUTIVE = "executive", _("Executive")
    ADMIN = "admin", _("Admin")


# Who sees a menu area (core.registry.Area.roles).
EVERYONE = frozenset(Role)
LEADERS = frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN})
SENIOR = frozenset({Role.MANAGER, Role.EXECUTIVE, Role.ADMIN})
