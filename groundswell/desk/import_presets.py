"""How the exports of common helpdesks map onto Groundswell's interaction fields.

Each preset names, for every field an import can fill, the column headers that hold it in
that helpdesk's export (compared ignoring capitals and surrounding spaces), and how its
words for status and channel translate to ours. docs/desk-import.md lists them for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import Channel, InteractionStatus

# The fields an import fills, in the order a preview shows them.
FIELDS: tuple[str, ...] = (
    "external_id",
    "subject",
    "channel",
    "status",
    "team",
    "opened_at",
    "resolved_at",
    "handled_by_email",
    "customer_email",
    "customer_name",
    "customer_language",
    "topics",
    "handle_time_seconds",
)

OPEN, PENDING = InteractionStatus.OPEN.value, InteractionStatus.PENDING.value
RESOLVED, CLOSED = InteractionStatus.RESOLVED.value, InteractionStatus.CLOSED.value
PHONE, EMAIL, CHAT = Channel.PHONE.value, Channel.EMAIL.value, Channel.CHAT.value
WEB, IN_PERSON = Channel.WEB.value, Channel.IN_PERSON.value

OUR_STATUSES = {value: value for value in InteractionStatus.values}
OUR_CHANNELS = {value: value for value in Channel.values} | {"in person": IN_PERSON}


@dataclass(frozen=True)
class Preset:
    """The columns and words of one helpdesk's export."""

    slug: str
    label: str | Promise
    columns: Mapping[str, tuple[str, ...]]
    statuses: Mapping[str, str] = field(default_factory=lambda: OUR_STATUSES)
    channels: Mapping[str, str] = field(default_factory=lambda: OUR_CHANNELS)
    topic_separator: str = ","  # a space splits on any whitespace
    required: tuple[str, ...] = ("subject", "channel", "opened_at")


GROUNDSWELL = Preset(
    slug="groundswell",
    label=_("Groundswell (generic CSV)"),
    columns={
        "external_id": ("external_id",),
        "subject": ("subject",),
        "channel": ("channel",),
        "status": ("status",),
        "team": ("team", "team_id"),
        "opened_at": ("opened_at",),
        "resolved_at": ("resolved_at",),
        "handled_by_email": ("handled_by_email", "agent_email"),
        "customer_email": ("customer_email",),
        "customer_name": ("customer_name",),
        "customer_language": ("customer_language",),
        "topics": ("topics",),
        "handle_time_seconds": ("handle_time_seconds",),
    },
)

ZENDESK = Preset(
    slug="zendesk",
    label="Zendesk",
    columns={
        "external_id": ("id", "ticket id"),
        "subject": ("subject",),
        "channel": ("via", "channel"),
        "status": ("status",),
        "team": ("group",),
        "opened_at": ("created at",),
        "resolved_at": ("solved at",),
        "handled_by_email": ("assignee email",),
        "customer_email": ("requester email",),
        "customer_name": ("requester",),
        "customer_language": ("requester language",),
        "topics": ("tags",),
    },
    statuses={
        "new": OPEN,
        "open": OPEN,
        "hold": PENDING,
        "on-hold": PENDING,
        "pending": PENDING,
        "solved": RESOLVED,
        "closed": CLOSED,
    },
    channels={
        "email": EMAIL,
        "mail": EMAIL,
        "web form": WEB,
        "web": WEB,
        "web widget": WEB,
        "help center": WEB,
        "chat": CHAT,
        "messaging": CHAT,
        "phone call (inbound)": PHONE,
        "phone call (outbound)": PHONE,
        "voice": PHONE,
        "phone": PHONE,
        "walk-in": IN_PERSON,
    },
    topic_separator=" ",
)

FRESHDESK = Preset(
    slug="freshdesk",
    label="Freshdesk",
    columns={
        "external_id": ("ticket id",),
        "subject": ("subject",),
        "channel": ("source",),
        "status": ("status",),
        "team": ("group",),
        "opened_at": ("created time",),
        "resolved_at": ("resolved time", "closed time"),
        "handled_by_email": ("agent email",),
        "customer_email": ("email", "contact email"),
        "customer_name": ("full name", "contact name"),
        "topics": ("tags",),
    },
    statuses={
        "open": OPEN,
        "pending": PENDING,
        "waiting on customer": PENDING,
        "waiting on third party": PENDING,
        "resolved": RESOLVED,
        "closed": CLOSED,
    },
    channels={
        "email": EMAIL,
        "outbound email": EMAIL,
        "portal": WEB,
        "feedback widget": WEB,
        "phone": PHONE,
        "chat": CHAT,
        "walkup": IN_PERSON,
    },
)

HELP_SCOUT = Preset(
    slug="helpscout",
    label="Help Scout",
    columns={
        "external_id": ("conversation id", "number"),
        "subject": ("subject",),
        "channel": ("type",),
        "status": ("status",),
        "team": ("mailbox",),
        "opened_at": ("created at",),
        "resolved_at": ("closed at",),
        "handled_by_email": ("assignee email", "assigned to email"),
        "customer_email": ("customer email",),
        "customer_name": ("customer name", "customer"),
        "topics": ("tags",),
    },
    statuses={"active": OPEN, "pending": PENDING, "closed": CLOSED},
    channels={"email": EMAIL, "chat": CHAT, "phone": PHONE},
)

PRESETS: dict[str, Preset] = {
    preset.slug: preset for preset in (GROUNDSWELL, ZENDESK, FRESHDESK, HELP_SCOUT)
}
