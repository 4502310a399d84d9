from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How the customer reached us."""

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    WEB = "web", _("Web form")
    IN_PERSON = "in_person", _("In person")


class InteractionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class PromiseKind(models.TextChoices):
    CALL_BACK = "call_back", _("Call back")
    REFUND = "refund", _("Refund")
    FIX = "fix", _("Fix")
    SEND_INFORMATION = "send_information", _("Send information")
    OTHER = "other", _("Other")


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    BROKEN = "broken", _("Broken")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Nothing imported")
