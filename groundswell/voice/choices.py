from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyKind(models.TextChoices):
    """The customer survey measures; each has its own scale."""

    CSAT = "csat", _("Customer satisfaction (CSAT, 1 to 5)")
    CES = "ces", _("Customer effort (CES 2.0, 1 to 7)")
    NPS = "nps", _("Net Promoter Score (NPS, 0 to 10)")


SCALES: dict[str, tuple[int, int]] = {
    SurveyKind.CSAT: (1, 5),
    SurveyKind.CES: (1, 7),
    SurveyKind.NPS: (0, 10),
}


class Scale(models.TextChoices):
    """Which scale and direction a survey version asks on; answers keep the scale they were given.

    CES was first asked as effort (1 = very little, 7 = a great deal: lower is better); CES 2.0
    asks agreement that the company made it easy (1 = strongly disagree, 7 = strongly agree).
    The two are never averaged together.
    """

    CSAT_1_5 = "csat_1_5", _("CSAT, 1 very dissatisfied to 5 very satisfied")
    NPS_0_10 = "nps_0_10", _("NPS, 0 not at all likely to 10 extremely likely")
    CES2_AGREEMENT = "ces2_agreement_1_7", _("CES 2.0, 1 strongly disagree to 7 strongly agree")
    CES_EFFORT_LEGACY = (
        "effort_1_7_low_is_easy",
        _("Effort (legacy), 1 very little to 7 a great deal of effort"),
    )


# The scale a new version of each kind asks on.
CURRENT_SCALE: dict[str, Scale] = {
    SurveyKind.CSAT: Scale.CSAT_1_5,
    SurveyKind.CES: Scale.CES2_AGREEMENT,
    SurveyKind.NPS: Scale.NPS_0_10,
}


class Measure(models.TextChoices):
    """What a rollup row counts: a survey kind's answers on its current scale, or the legacy
    effort answers, kept apart so that no figure averages two scales together."""

    CSAT = "csat", _("CSAT")
    CES = "ces", _("CES 2.0")
    NPS = "nps", _("NPS")
    CES_EFFORT = "ces_effort", _("Effort (legacy CES scale)")


def measure_of(kind: str, scale: str) -> str:
    """The rollup measure of an answer of `kind` given on `scale`."""
    return Measure.CES_EFFORT if scale == Scale.CES_EFFORT_LEGACY else kind


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
