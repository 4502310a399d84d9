"""API shapes for employee voice. None of them carries a person next to an answer."""

from ninja import Schema


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    schedule: str
    status: str
    department_id: int | None
    min_group_size: int
    wave_count: int


class EnpsOut(Schema):
    score: float
    margin: float
    respondents: int


class ScoreOut(Schema):
    measure: str
    label: str
    mean: float
    favourable_percent: float


class GroupOut(Schema):
    """A group's figures; a suppressed group has `suppressed: true` and no figures at all."""

    label: str
    level: str
    suppressed: bool
    respondents: int | None
    enps: EnpsOut | None
    scores: list[ScoreOut]


class ReliabilityOut(Schema):
    measure: str
    alpha: float | None
    items: int
    respondents: int


class ChangeOut(Schema):
    measure: str
    change: float
    low: float
    high: float
    beyond_noise: bool


class ResultsOut(Schema):
    campaign_id: int
    wave: int | None
    min_group_size: int
    groups: list[GroupOut]
    strongest: list[str]
    weakest: list[str]
    reliability: list[ReliabilityOut]
    changes: list[ChangeOut]
    comments: list[str]


class ResultsFilter(Schema):
    department: int | None = None
    team: int | None = None
    wave: int | None = None
