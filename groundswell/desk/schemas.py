"""API shapes for customers, interactions and promises.

Interactions name their relations with `_id` fields (`team_id`, `handled_by_id`,
`customer_id`) in input and output alike, as helpdesk integrations usually do.
"""

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import EmailStr, Id, Moment, omittable, storable
from groundswell.desk.choices import Channel, InteractionStatus, PromiseKind, PromiseStatus
from groundswell.desk.models import NOTE_MAX_LENGTH

SubjectStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    AfterValidator(storable),
]
CustomerNameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(storable),
]
ShortStr = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=60), AfterValidator(storable)
]
TopicStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(storable),
]
SourceStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[-\w.]+$"),
]
ExternalIdStr = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=120), AfterValidator(storable)
]
DescriptionStr = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=255), AfterValidator(storable)
]
# The languages of settings.LANGUAGES (a test keeps the two in step).
Language = Literal["en", "es", "fr", "de"]
Seconds = Annotated[int, Field(ge=0, le=2_147_483_647)]
Topics = Annotated[list[TopicStr], Field(max_length=20)]


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    language: str
    segment: str
    is_opted_out: bool
    created_by_team_id: int | None
    created_at: datetime.datetime


class CustomerIn(Schema):
    name: CustomerNameStr
    email: EmailStr | Literal[""] = ""
    language: Language = "en"
    segment: ShortStr = ""
    is_opted_out: bool = False
    # The team that serves the customer (your own team when left out); it sees them at once.
    team_id: Id | None = None


class CustomerPatch(Schema):
    name: CustomerNameStr = omittable()
    email: EmailStr | Literal[""] = omittable()
    language: Language = omittable()
    segment: ShortStr = omittable()
    is_opted_out: bool = omittable()


class InteractionOut(Schema):
    id: int
    team_id: int
    channel: Channel
    status: InteractionStatus
    subject: str
    topics: list[str]
    opened_at: datetime.datetime
    resolved_at: datetime.datetime | None
    handle_time_seconds: int | None
    handled_by_id: int | None
    customer_id: int | None
    requester_person_id: int | None
    source: str
    external_id: str
    created_at: datetime.datetime
    updated_at: datetime.datetime


class InteractionIn(Schema):
    """One interaction to record; with `source` + `external_id` a repeat updates it."""

    team_id: Id | None = Field(None, description="Required when the interaction is new.")
    channel: Channel | None = Field(None, description="Required when the interaction is new.")
    status: InteractionStatus | None = None
    subject: SubjectStr | None = Field(None, description="Required when the interaction is new.")
    topics: Topics | None = None
    opened_at: Moment | None = Field(None, description="Defaults to now.")
    resolved_at: Moment | None = None
    handle_time_seconds: Seconds | None = None
    handled_by_id: Id | None = None
    handled_by_email: EmailStr | None = None
    customer_email: EmailStr | None = None
    customer_name: CustomerNameStr | None = None
    customer_language: Language | None = None
    source: SourceStr = Field("api", description="The system the interaction comes from.")
    external_id: ExternalIdStr = Field("", description="Its id in that system.")


class InteractionPatch(Schema):
    team_id: Id = omittable()
    channel: Channel = omittable()
    status: InteractionStatus = omittable()
    subject: SubjectStr = omittable()
    topics: Topics = omittable()
    opened_at: Moment = omittable()
    resolved_at: Moment | None = None
    handle_time_seconds: Seconds | None = None
    handled_by_id: Id | None = None


class InteractionFilter(Schema):
    team_id: Id | None = None
    handled_by_id: Id | None = None
    customer_id: Id | None = None
    status: InteractionStatus | None = None
    channel: Channel | None = None
    opened_from: Moment | None = None
    opened_to: Moment | None = None
    cursor: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        None, description="The `next_cursor` of the previous page."
    )
    limit: int = Field(50, ge=1, le=200)


class InteractionPage(Schema):
    """A page of interactions, newest first; follow `next_cursor` for older ones."""

    items: list[InteractionOut]
    next_cursor: str | None


class FieldProblem(Schema):
    field: str | None
    message: str


class BatchItemResult(Schema):
    index: int
    status: Literal["created", "updated", "error"]
    id: int | None = None
    errors: list[FieldProblem] = []


class BatchOut(Schema):
    created: int
    updated: int
    failed: int
    results: list[BatchItemResult]


class ImportProblem(Schema):
    line: int | None
    column: str
    message: str


class ImportOut(Schema):
    total: int
    created: int
    updated: int
    skipped: int
    not_ready: int = Field(
        description="Rows handled by someone not yet signed off for live customers: stored, "
        "and flagged to their lead."
    )
    problems: list[ImportProblem] = Field(description="The first 100 problems.")


class PromiseOut(Schema):
    id: int
    interaction_id: int
    kind: PromiseKind
    description: str
    made_by_id: int | None
    due_at: datetime.datetime
    status: PromiseStatus
    settled_at: datetime.datetime | None
    created_at: datetime.datetime


class PromiseIn(Schema):
    kind: PromiseKind
    description: DescriptionStr = ""
    due_at: Moment


NoteStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX_LENGTH),
    AfterValidator(storable),
]


class NoteIn(Schema):
    body: NoteStr


class NoteOut(Schema):
    id: int
    interaction_id: int
    author_id: int | None
    body: str
    created_at: datetime.datetime


class PromiseFilter(Schema):
    status: PromiseStatus | None = None
    interaction_id: Id | None = None
