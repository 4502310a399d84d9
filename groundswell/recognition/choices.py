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


class NewsletterStatus(models.TextChoices):
    """A monthly newsletter is a draft until a manager sends it; then it is in the archive."""

    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")


class SectionKind(models.TextChoices):
    """The parts a newsletter draft is built from, in the order they are shown."""

    HEROES = "heroes", _("Heroes of the month")
    STORIES = "stories", _("Hero stories")
    COMPLIMENTS = "compliments", _("What customers said")
    KUDOS = "kudos", _("Notable thanks")
    IDEAS = "ideas", _("You said, we did")


class EntryKind(models.TextChoices):
    """Why a points ledger entry was written."""

    RECEIVED = "received", _("Received with kudos")
    GIVEN = "given", _("Given with kudos")  # from the monthly allowance, not the balance
    REDEEMED = "redeemed", _("Held for a reward")
    REFUNDED = "refunded", _("Given back: reward declined")


class RedemptionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a manager")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
