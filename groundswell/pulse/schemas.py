"""API shapes for employee voice. None of them carries a person next to an answer."""

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import Id, omittable, storable
from groundswell.pulse.choices import DEFAULT_GROUP_SIZE, ActionStatus, CampaignKind, Schedule
from groundswell.pulse.models import ActionItem, Campaign

CampaignNameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=150),
    AfterValidator(storable),
]
StatementStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(storable),
]
ElementCode = Annotated[str, StringConstraints(max_length=20), AfterValidator(storable)]


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    schedule: str
    status: str
    department_id: int | None
    min_group_size: int
    wave_count: int


class QuestionOut(Schema):
    position: int
    kind: str
    element: str
    item_code: str
    text: str
    is_reversed: bool


class CampaignDetailOut(CampaignOut):
    """A campaign with its questions and audience (ids of the teams and departments asked)."""

    open_days: int
    audience_teams: list[int]
    audience_departments: list[int]
    questions: list[QuestionOut]

    @staticmethod
    def resolve_audience_teams(campaign: Campaign) -> list[int]:
        return sorted(team.pk for team in campaign.audience_teams.all())

    @staticmethod
    def resolve_audience_departments(campaign: Campaign) -> list[int]:
        return sorted(department.pk for department in campaign.audience_departments.all())


class CampaignIn(Schema):
    """A new draft campaign; the rules (audience in scope, minimum size) are the page's."""

    name: CampaignNameStr
    kind: CampaignKind
    schedule: Schedule = Schedule.ONCE
    teams: list[Id] = Field(default=[], max_length=500)
    departments: list[Id] = Field(default=[], max_length=100)
    elements: list[ElementCode] = Field(
        default=[],
        max_length=20,
        description="Item bank element codes to ask about (pulse only; an assessment asks all).",
    )
    include_enps: bool = True
    custom_statements: list[StatementStr] = Field(
        default=[], max_length=20, description="Your own statements, each answered 1 to 5."
    )
    open_days: int = Field(default=14, description="How long each wave takes answers, 1 to 90.")
    min_group_size: int = Field(
        default=DEFAULT_GROUP_SIZE,
        description="Smallest group whose results are shown, 3 to 10; only administrators "
        "may change it.",
    )


class ItemOut(Schema):
    code: str
    text: str
    is_reversed: bool


class ElementOut(Schema):
    code: str
    label: str
    items: list[ItemOut]


class ItemBankOut(Schema):
    enps_text: str
    elements: list[ElementOut]


class EnpsOut(Schema):
    """eNPS in whole points, rounded as on the page; `score_unrounded` keeps every digit."""

    score: int
    margin: int
    respondents: int
    score_unrounded: float
    margin_unrounded: float


class ScoreOut(Schema):
    measure: str
    label: str
    mean: float = Field(description="Mean agreement (1-5), two decimals as on the page.")
    favourable_percent: int = Field(description="Per cent answering 4 or 5, whole points.")
    respondents: int


class GroupOut(Schema):
    """A group's figures; a suppressed group has `suppressed: true` and no figures at all."""

    label: str
    level: str
    suppressed: bool
    respondents: int | None
    enps: EnpsOut | None
    scores: list[ScoreOut]


class ReliabilityOut(Schema):
    """Cronbach's alpha (listwise), two decimals, with Feldt's 95% interval; only for those
    who analyse results (employee_voice.analyse), empty for the others."""

    measure: str
    alpha: float | None
    alpha_low: float | None
    alpha_high: float | None
    items: int
    respondents: int
    meaning: str


class ChangeOut(Schema):
    measure: str
    change: float
    low: float
    high: float
    beyond_noise: bool
    respondents_now: int
    respondents_before: int


class ResultsOut(Schema):
    """A wave's results; while it is open, `published` is false and only the counts are set."""

    campaign_id: int
    wave: int | None
    published: bool
    invited: int
    answered: int
    min_group_size: int
    groups: list[GroupOut]
    strongest: list[str]
    weakest: list[str]
    standing_note: str = Field(
        description="Why fewer elements, or none, are named strongest and weakest (ties, too "
        "few elements); empty when nothing needs saying."
    )
    suppression_notes: list[str] = Field(
        description="Why the caller's own groups (and those in their reach) are not shown."
    )
    reliability: list[ReliabilityOut]
    changes: list[ChangeOut]
    comments: list[str]


class ResultsFilter(Schema):
    department: int | None = None
    team: int | None = None
    wave: int | None = None


ActionTitleStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=150),
    AfterValidator(storable),
]
ActionTextStr = Annotated[str, StringConstraints(max_length=2000), AfterValidator(storable)]


class ActionItemOut(Schema):
    """An action on a wave's results: what, for whom, who sees to it, by when, how far along.
    It names people but holds nothing of what anyone answered."""

    id: int
    campaign_id: int
    wave: int
    element: str
    element_label: str
    team_id: int | None
    department_id: int | None
    title: str
    description: str
    owner_id: int | None
    due_on: datetime.date
    status: ActionStatus
    created_by_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_campaign_id(item: ActionItem) -> int:
        return item.wave.campaign_id

    @staticmethod
    def resolve_wave(item: ActionItem) -> int:
        return item.wave.number

    @staticmethod
    def resolve_element_label(item: ActionItem) -> str:
        return item.label


class ActionItemIn(Schema):
    """A new action on one element of a published wave, for one team or one department."""

    campaign_id: Id
    wave: int | None = Field(
        default=None, ge=1, le=32767, description="The wave's number; the latest if left out."
    )
    element: ElementCode = Field(description="An element code, or `q<id>` for an own statement.")
    team_id: Id | None = None
    department_id: Id | None = None
    title: ActionTitleStr
    description: ActionTextStr = ""
    owner_id: Id
    due_on: datetime.date


class ActionItemPatch(Schema):
    title: ActionTitleStr = omittable()
    description: ActionTextStr = omittable()
    owner_id: Id = omittable()
    due_on: datetime.date = omittable()
    status: ActionStatus = omittable()


class ActionItemFilter(Schema):
    campaign: Id | None = None
    status: ActionStatus | None = None
