from django.db import models
from django.utils.translation import gettext_lazy as _


class Feed(models.TextChoices):
    """Which kudos a feed shows."""

    COMPANY = "company", _("Everyone")
    TEAM = "team", _("My team")
    ME = "me", _("Me")


class Reaction(models.TextChoices):
    """The ways to react to a kudos: one of each per person."""

    APPLAUSE = "applause", _("Applause")
    HEART = "heart", _("Love it")
    STAR = "star", _("Star work")
    SMILE = "smile", _("Made me smile")


REACTION_SYMBOLS: dict[str, str] = {
    Reaction.APPLAUSE: "👏",
    Reaction.HEART: "❤️",
    Reaction.STAR: "⭐",
    Reaction.SMILE: "😊",
}


class Source(models.TextChoices):
    """Where a kudos was given: the pages, or the API (a chat bot, another tool)."""

    WEB = "web", _("Groundswell")
    API = "api", _("API")


class ReviewStatus(models.TextChoices):
    """Where a compliment or hero nomination stands with the person who approves it."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HIDDEN = "hidden", _("Kudos hidden")
    DISMISSED = "dismissed", _("Kudos kept")
