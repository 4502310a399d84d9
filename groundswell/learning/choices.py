"""Statuses and kinds of the learning app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    QUESTION = "question", _("Question to ask")
    MOMENT = "moment", _("Moment to observe")


class CandidateStatus(models.TextChoices):
    INTERVIEWING = "interviewing", _("Interviewing")
    HIRED = "hired", _("Hired")
    DECLINED = "declined", _("Not hired")


class PanelKind(models.TextChoices):
    COLLEAGUE = "colleague", _("Colleague")
    CUSTOMER = "customer", _("Customer")
    INTERNAL_USER = "internal_user", _("Internal user of the team")


class StepKind(models.TextChoices):
    COURSE = "course", _("Course")
    SHADOWING = "shadowing", _("Shadowing with the buddy")
    PRACTICE = "practice", _("Practice interaction")
    LEADER_MEETING = "leader_meeting", _("Meeting with a leader")
    SIGN_OFF = "sign_off", _("Sign-off by the lead")


# The programme every profile starts from until it has its own template.
DEFAULT_STEPS: tuple[tuple[StepKind, str], ...] = (
    (StepKind.COURSE, "Our service, products and history"),
    (StepKind.SHADOWING, "Shadow your buddy on live contacts"),
    (StepKind.PRACTICE, "Role-play a customer contact, scored on the scorecard"),
    (StepKind.LEADER_MEETING, "Meet a leader about why service matters here"),
    (StepKind.SIGN_OFF, "Sign-off by the lead: ready for live customers"),
)
