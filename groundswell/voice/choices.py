from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyKind(models.TextChoices):
    """The customer survey measures; each has its own scale."""

    CSAT = "csat", _("Customer satisfaction (CSAT, 1 to 5)")
    CES = "ces", _("Customer effort (CES, 1 to 7)")
    NPS = "nps", _("Net Promoter Score (NPS, 0 to 10)")


SCALES: dict[str, tuple[int, int]] = {
    SurveyKind.CSAT: (1, 5),
    SurveyKind.CES: (1, 7),
    SurveyKind.NPS: (0, 10),
}


class InvitationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    LINK = "link", _("Link handed over by another system")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FollowUpOutcome(models.TextChoices):
    REACHED_RESOLVED = "reached_resolved", _("Reached and resolved")
    REACHED_NOT_RESOLVED = "reached_not_resolved", _("Reached, not resolved")
    NOT_REACHED = "not_reached", _("Not reached")
