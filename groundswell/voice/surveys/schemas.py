"""API shapes for surveys and the versions of their wording."""

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import omittable, storable
from groundswell.desk.choices import Channel
from groundswell.voice.choices import Scale, SurveyKind
from groundswell.voice.models import Survey, SurveyVersion
from groundswell.voice.surveys.services import (
    MAX_EXPIRY_DAYS,
    MAX_REASON_CODES,
    MAX_RESURVEY_DAYS,
    MAX_SEND_DELAY_MINUTES,
    REASON_CODE_MAX_LENGTH,
)

QuestionStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(storable),
]
LabelStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    AfterValidator(storable),
]
PromptStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(storable),
]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _omittable_number(low: int, high: int, description: str | None = None) -> Any:
    """A PATCH number that may be left out but, when sent, must be within low..high."""
    return Field(None, ge=low, le=high, description=description, json_schema_extra=_no_default)


ReasonCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_CODE_MAX_LENGTH),
    AfterValidator(storable),
]


class SurveyVersionOut(Schema):
    id: int
    number: int
    question: str
    low_label: str
    high_label: str
    comment_prompt: str
    reason_codes: list[str]
    scale: Scale = Field(description="The scale and direction the question is asked on.")
    created_at: datetime.datetime


class SurveyOut(Schema):
    id: int
    kind: SurveyKind
    name: str
    is_active: bool
    send_delay_minutes: int
    channels: list[Channel] = Field(description="Empty: every channel is surveyed.")
    resurvey_days: int
    expiry_days: int
    poor_threshold: int
    latest_version: int | None = Field(description="The number new invitations use.")
    created_at: datetime.datetime


class SurveyDetailOut(SurveyOut):
    versions: list[SurveyVersionOut] = Field(description="Newest first.")

    @staticmethod
    def resolve_versions(survey: Survey) -> list[SurveyVersion]:
        return list(survey.versions.order_by("-number"))


class SurveyVersionIn(Schema):
    question: QuestionStr
    low_label: LabelStr
    high_label: LabelStr
    comment_prompt: PromptStr
    reason_codes: list[ReasonCode] = Field(default=[], max_length=MAX_REASON_CODES)


class SurveyPatch(Schema):
    is_active: bool = omittable()
    send_delay_minutes: int = _omittable_number(0, MAX_SEND_DELAY_MINUTES)
    channels: list[Channel] = omittable()
    resurvey_days: int = _omittable_number(0, MAX_RESURVEY_DAYS)
    expiry_days: int = _omittable_number(1, MAX_EXPIRY_DAYS)
    poor_threshold: int = _omittable_number(
        0, 10, "Within the survey's scale: CSAT 1-5, CES 1-7, NPS 0-10."
    )
