from django.db import models
from django.utils.translation import gettext_lazy as _


class IdeaKind(models.TextChoices):
    """What someone is raising through the open door."""

    IDEA = "idea", _("Idea")
    ISSUE = "issue", _("Issue")
    WEAKNESS = "weakness", _("Business weakness")
    POLICY_FRICTION = "policy_friction", _("Policy friction")


class IdeaCategory(models.TextChoices):
    """The area of work a submission is about; routing rules match on it."""

    CUSTOMER_EXPERIENCE = "customer_experience", _("Customer experience")
    PROCESS = "process", _("Process and procedure")
    TOOLS = "tools", _("Tools and systems")
    POLICY = "policy", _("Policy")
    TRAINING = "training", _("Training and knowledge")
    WORKPLACE = "workplace", _("Workplace and wellbeing")
    PRODUCT = "product", _("Products and services")
    OTHER = "other", _("Something else")


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DONE = "done", _("Done")


# Where a submission may go next from each status; declined and done are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    IdeaStatus.NEW: (IdeaStatus.ACKNOWLEDGED, IdeaStatus.DECLINED),
    IdeaStatus.ACKNOWLEDGED: (IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED, IdeaStatus.DECLINED),
    IdeaStatus.UNDER_REVIEW: (IdeaStatus.ACCEPTED, IdeaStatus.DECLINED),
    IdeaStatus.ACCEPTED: (IdeaStatus.DONE,),
    IdeaStatus.DECLINED: (),
    IdeaStatus.DONE: (),
}
# Statuses that need a note: the reason for declining, what changed when done.
NOTE_REQUIRED = frozenset({IdeaStatus.DECLINED, IdeaStatus.DONE})
OPEN_STATUSES = (IdeaStatus.NEW, IdeaStatus.ACKNOWLEDGED, IdeaStatus.UNDER_REVIEW)
ACTED_STATUSES = (IdeaStatus.ACCEPTED, IdeaStatus.DONE)
