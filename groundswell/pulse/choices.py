from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    PULSE = "pulse", _("Pulse survey")
    CULTURE = "culture", _("Culture assessment")


class Schedule(models.TextChoices):
    ONCE = "once", _("Once")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")


SCHEDULE_MONTHS = {Schedule.MONTHLY: 1, Schedule.QUARTERLY: 3}


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    ENPS = "enps", _("Employee Net Promoter Score (0 to 10)")
    AGREEMENT = "agreement", _("Agreement (1 to 5)")


SCALES: dict[str, tuple[int, int]] = {QuestionKind.ENPS: (0, 10), QuestionKind.AGREEMENT: (1, 5)}


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class TenureBand(models.TextChoices):
    """Deliberately coarse, so a band never narrows a team down to one person."""

    UNDER_ONE = "lt1", _("Less than a year")
    ONE_TO_THREE = "1to3", _("One to three years")
    OVER_THREE = "3plus", _("Three years or more")
    UNKNOWN = "unknown", _("Not known")


MIN_GROUP_SIZE = 3
MAX_GROUP_SIZE = 10
DEFAULT_GROUP_SIZE = 5
COMMENT_MAX_LENGTH = 2000
