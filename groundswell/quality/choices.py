from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionScale(models.TextChoices):
    """How a behaviour is scored."""

    YES_NO = "yes_no", _("Yes or no")
    ONE_TO_FIVE = "one_to_five", _("1 to 5")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    DISPUTED = "disputed", _("Disputed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


# Reviews that count: scored and sent to the agent.
DONE_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.DISPUTED, ReviewStatus.ACKNOWLEDGED)


class QueueReason(models.TextChoices):
    """Why an interaction was put in the review queue."""

    SAMPLE = "sample", _("Weekly sample")
    POOR_ANSWER = "poor_answer", _("Poor customer answer")
    NEW_HIRE = "new_hire", _("New hire")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: score changed")
    REJECTED = "rejected", _("Rejected: score stands")


class CoachingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class RootCauseKind(models.TextChoices):
    """Where a mistake came from: the person, or something around them."""

    SKILL = "skill", _("Skill or knowledge")
    PROCESS = "process", _("Process")
    POLICY = "policy", _("Policy")
    PRODUCT = "product", _("Product")
    TOOL = "tool", _("Tool or system")


# Causes that are the organisation's to fix in its rules: they feed the open door's register.
FRICTION_CAUSES = (RootCauseKind.PROCESS, RootCauseKind.POLICY)


class CalibrationStatus(models.TextChoices):
    OPEN = "open", _("Open: reviewers scoring blind")
    REVEALED = "revealed", _("Revealed: everyone has submitted")
    CLOSED = "closed", _("Closed: reference scores agreed")
