"""Reads for employee voice: campaigns a viewer may see, and results with suppression applied.

Every report (page, chart, CSV, API) goes through `campaign_results`, so each shows the same
groups: those the viewer's role reaches, minus those `suppression.hidden_groups` hides. Hidden
groups keep their name and nothing else: no respondent count, no score, no comment.

Only published waves (closed, every answer stored) have results; an open wave shows how many
were invited and how many have answered, nothing else. A figure that changed with each new
answer would give that answer away to anyone who read it before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from groundswell.core.lib.reporting import reporting_db
from groundswell.core.lib.stats import Interval, rounded, whole_points
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    Action,
    can,
    can_everywhere,
    can_somewhere,
    departments_in_scope,
    may_assign,
    teams_in_scope,
)
from groundswell.pulse import item_bank, ranking, services, stats, suppression_notes, tally
from groundswell.pulse.choices import CampaignKind, CampaignStatus, QuestionKind
from groundswell.pulse.models import (
    ActionItem,
    Campaign,
    Comment,
    Question,
    Wave,
)
from groundswell.pulse.tally import ORGANISATION, OTHER, GroupKey, measure_code


def list_campaigns(viewer: Person) -> QuerySet[Campaign]:
    """Launched campaigns for everyone; drafts only for those who may manage them."""
    return (
        Campaign.objects.visible_to(viewer)
        .select_related("department")
        .annotate(wave_count=Count("waves", distinct=True))
    )


def get_campaign_for(viewer: Person, pk: int, *, action: Action) -> Campaign:
    """One campaign: 404 when the viewer cannot see it, 403 when they may not `action` it."""
    campaign = list_campaigns(viewer).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if action == Action.MANAGE_PULSES and not may_manage(viewer, campaign):
        raise PermissionDenied
    return campaign


def may_manage(viewer: Person, campaign: Campaign) -> bool:
    if campaign.department is None:
        return can_everywhere(viewer, Action.MANAGE_PULSES)
    return can(viewer, Action.MANAGE_PULSES, campaign.department)


def may_analyse(viewer: Person, campaign: Campaign) -> bool:
    """May `viewer` read the campaign's analyst figures (each scale's reliability)?"""
    if campaign.department is None:
        return can_everywhere(viewer, Action.ANALYSE_EMPLOYEE_VOICE)
    return can(viewer, Action.ANALYSE_EMPLOYEE_VOICE, campaign.department)


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One scale (an element of the bank, or a custom statement) as results are grouped by."""

    code: str
    label: str


@dataclass(frozen=True)
class Score:
    mean: float
    favourable: float  # per cent answering 4 or 5 (after reverse scoring)
    n: int = 0  # answers the figures rest on

    @property
    def heat(self) -> str:
        """A colour class for the heat map; the figure is always printed too."""
        if self.mean >= 4:
            return "heat-strong"
        if self.mean >= 3.5:
            return "heat-good"
        return "heat-mixed" if self.mean >= 3 else "heat-weak"


@dataclass
class GroupResult:
    """One group's figures, or only its name when it is suppressed."""

    key: GroupKey
    label: str
    level: str
    department_id: int | None
    is_hidden: bool
    respondents: int | None = None
    scores: dict[str, Score] = field(default_factory=dict)
    enps: stats.Enps | None = None
    comments: list[str] = field(default_factory=list)


# Alpha at or above this reads as "the items agree well" (Nunnally's usual rule of thumb).
DEPENDABLE_ALPHA = 0.7


@dataclass(frozen=True)
class Reliability:
    measure: Measure
    alpha: float | None
    respondents: int
    items: int
    interval: Interval | None = None  # Feldt's 95% interval

    @property
    def is_dependable(self) -> bool:
        return self.alpha is not None and self.alpha >= DEPENDABLE_ALPHA

    @property
    def meaning(self) -> str:
        """What the figure says about the element's score, in plain words."""
        if self.alpha is None:
            return _("Too few complete answers to tell how dependable this element's score is.")
        if self.is_dependable:
            return _("Answers to this element's questions agree well, so its score is dependable.")
        return _(
            "Answers to this element's questions agree only loosely, so read its score with care."
        )


@dataclass(frozen=True)
class Change:
    measure: Measure
    difference: stats.Difference


@dataclass(frozen=True)
class TrendPoint:
    wave: Wave
    enps: stats.Enps | None  # None when the group was suppressed or had no answers


@dataclass
class CampaignResults:
    campaign: Campaign
    wave: Wave | None
    minimum: int
    measures: list[Measure]
    groups: list[GroupResult]
    is_published: bool = False
    invited: int = 0
    answered: int = 0
    strongest: list[tuple[Measure, Score]] = field(default_factory=list)
    weakest: list[tuple[Measure, Score]] = field(default_factory=list)
    standing_note: str = ""  # why fewer elements (or none) are named strongest and weakest
    # Why a group the viewer would look for is not shown on its own, in plain words.
    suppression_notes: list[str] = field(default_factory=list)
    may_read_reliability: bool = False
    changes: list[Change] = field(default_factory=list)
    compared_with: Wave | None = None
    reliability: list[Reliability] = field(default_factory=list)
    trend: dict[str, list[TrendPoint]] = field(default_factory=dict)
    team_page: TeamPage | None = None  # None when every team of the selection is shown

    @property
    def has_enps(self) -> bool:
        return any(group.enps is not None for group in self.groups)


@dataclass
class _WaveData:
    """A published wave's tally, with the groups suppression hides at today's minimum."""

    tally: tally.Tally
    hidden: set[GroupKey]

    @property
    def counts(self) -> dict[GroupKey, int]:
        return self.tally.counts

    @property
    def parents(self) -> dict[GroupKey, GroupKey | None]:
        return self.tally.parents


def campaign_results(
    viewer: Person,
    campaign: Campaign,
    *,
    wave: Wave | None = None,
    department: Department | None = None,
    team: Team | None = None,
    page: int | None = None,
) -> CampaignResults:
    """The campaign's results as `viewer` may see them, optionally narrowed to a group.

    `page`: a page's share of many teams (see TEAMS_AT_ONCE); None for every group."""
    waves = list(campaign.waves.order_by("number"))
    wave = wave or (waves[-1] if waves else None)
    questions = list(campaign.questions.all())
    measures = _measures(questions)
    results = CampaignResults(campaign, wave, campaign.min_group_size, measures, [])
    if wave is None:
        return results
    counts = wave.participations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(has_completed=True))
    )
    if not _published(wave):
        if can_somewhere(viewer, Action.VIEW_EMPLOYEE_VOICE):
            results.invited, results.answered = counts["invited"], counts["answered"]
        return results
    results.is_published = True
    results.may_read_reliability = may_analyse(viewer, campaign)
    data = _load(wave, campaign.min_group_size)
    allowed = _allowed_groups(viewer)
    keys = [
        key for key in data.counts if allowed(key) and _matches(key, data.parents, department, team)
    ]
    labels = _Labels()
    keys, results.team_page = _page_of(keys, labels, data.parents, department, team, page)
    enps_question = next((q.pk for q in questions if q.kind == QuestionKind.ENPS), None)
    for key in keys:
        results.groups.append(_group(key, labels, data, questions, measures, enps_question))
    if ORGANISATION not in data.hidden and data.counts.get(ORGANISATION):
        results.invited, results.answered = counts["invited"], counts["answered"]
        _summarise(results, data, questions)
    results.trend = _trend(campaign, waves, enps_question, results.groups, loaded={wave.pk: data})
    folded = results.team_page is not None and results.team_page.folded
    results.suppression_notes = suppression_notes.explain(
        viewer,
        campaign,
        data.counts,
        data.parents,
        data.hidden,
        labels,
        department,
        team,
        own_teams_only=folded,
    )
    return results


# A page shows at most this many teams; with more, the organisation's page shows departments and
# a department's page shows its teams this many at a time. So what a page reads and draws does
# not grow with the organisation (bench/scale.py, "pulse results").
TEAMS_AT_ONCE = 30


@dataclass(frozen=True)
class TeamPage:
    """Which of a selection's teams a page shows."""

    teams: int  # team-level groups in the selection (teams and departments' "no team")
    folded: bool = False  # none: the organisation's page waits for a department to be chosen
    number: int = 1
    pages: int = 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def _page_of(
    keys: list[GroupKey],
    labels: _Labels,
    parents: dict[GroupKey, GroupKey | None],
    department: Department | None,
    team: Team | None,
    page: int | None,
) -> tuple[list[GroupKey], TeamPage | None]:
    """The groups one page shows, in order; `page` None (exports, the API) shows them all."""
    team_level = [key for key in keys if key[0] in {"team", "no-team"}]
    if page is None or team is not None or len(team_level) <= TEAMS_AT_ONCE:
        return _ordered(keys, labels, parents), None
    if department is None:
        shown = [key for key in keys if key[0] not in {"team", "no-team"}]
        return _ordered(shown, labels, parents), TeamPage(len(team_level), folded=True)
    ordered = _ordered(keys, labels, parents)
    teams = [key for key in ordered if key[0] in {"team", "no-team"}]
    pages = -(-len(teams) // TEAMS_AT_ONCE)
    number = min(max(page, 1), pages)
    on_page = set(teams[(number - 1) * TEAMS_AT_ONCE : number * TEAMS_AT_ONCE])
    shown = [key for key in ordered if key[0] not in {"team", "no-team"} or key in on_page]
    return shown, TeamPage(len(teams), number=number, pages=pages)


def _measures(questions: list[Question]) -> list[Measure]:
    measures: list[Measure] = []
    seen = set()
    for question in questions:
        if question.kind != QuestionKind.AGREEMENT:
            continue
        code = measure_code(question)
        if code not in seen:
            seen.add(code)
            label = item_bank.ELEMENT_LABELS.get(question.element, question.text)
            measures.append(Measure(code, str(label)))
    return measures


def _items(questions: list[Question], code: str) -> list[int]:
    return [q.pk for q in questions if q.kind == QuestionKind.AGREEMENT and measure_code(q) == code]


def _published(wave: Wave) -> bool:
    """Published as the copy the results are read from sees it (see `_load`)."""
    return services.is_published(wave, using=reporting_db())


def _load(wave: Wave, minimum: int) -> _WaveData:
    """A published wave's tally, from `reporting_db()` (the replica, if any): counted once
    per wave (pulse/tally.py), so a report's cost does not grow with its respondents."""
    counted = tally.tally_of(wave, using=reporting_db())
    return _WaveData(counted, counted.hidden(minimum))


def _group(
    key: GroupKey,
    labels: dict[GroupKey, str],
    data: _WaveData,
    questions: list[Question],
    measures: list[Measure],
    enps_question: int | None,
) -> GroupResult:
    level = "team" if key[0] in {"team", "no-team"} else "department" if key == OTHER else key[0]
    department_id = data.parents[key][1] if level == "team" else key[1] or None  # type: ignore[index]
    group = GroupResult(key, labels[key], level, department_id, key in data.hidden)
    respondents = data.counts.get(key, 0)
    if group.is_hidden or not respondents:
        return group
    group.respondents = respondents
    for measure in measures:
        figures = stats.agreement_of(data.tally.histogram(key, _items(questions, measure.code)))
        if figures is not None:
            group.scores[measure.code] = Score(*figures)
    if enps_question is not None:
        group.enps = stats.enps_of(data.tally.histogram(key, [enps_question]))
    return group


def _summarise(results: CampaignResults, data: _WaveData, questions: list[Question]) -> None:
    """Strongest and weakest elements, change since last time and reliability (organisation)."""
    organisation = next((g for g in results.groups if g.key == ORGANISATION), None)
    if organisation is not None:
        ranked = sorted(
            (
                (m, organisation.scores[m.code])
                for m in results.measures
                if m.code in organisation.scores
            ),
            key=lambda pair: pair[1].mean,
            reverse=True,
        )
        standing = ranking.strongest_and_weakest(ranked)
        results.strongest, results.weakest = standing.strongest, standing.weakest
        results.standing_note = standing.note
    for measure in results.measures if results.may_read_reliability else []:
        ids = _items(questions, measure.code)
        if len(ids) > 1:
            alpha = data.tally.reliability.get(measure.code)  # listwise, counted with the tally
            results.reliability.append(
                Reliability(
                    measure,
                    alpha.value if alpha else None,
                    alpha.n if alpha else 0,
                    len(ids),
                    alpha.interval if alpha else None,
                )
            )
    previous = _previous_wave(results.campaign, results.wave) if results.wave else None
    if previous is None or not _published(previous):
        return
    before = _load(previous, previous.campaign.min_group_size)
    if ORGANISATION in before.hidden or not before.counts.get(ORGANISATION):
        return
    results.compared_with = previous
    for measure in results.measures:
        now, then = data.tally.spread.get(measure.code), before.tally.spread.get(measure.code)
        difference = stats.welch_from_samples(now, then) if now and then else None
        if difference is not None:
            results.changes.append(Change(measure, difference))


def _previous_wave(campaign: Campaign, wave: Wave) -> Wave | None:
    """The wave before, or for a culture assessment the last wave of the one before."""
    earlier = campaign.waves.filter(number__lt=wave.number).order_by("-number").first()
    if earlier is not None or campaign.kind != CampaignKind.CULTURE:
        return earlier
    return (
        Wave.objects.filter(
            campaign__kind=CampaignKind.CULTURE,
            opens_at__lt=wave.opens_at,
            campaign__status__in=[CampaignStatus.OPEN, CampaignStatus.CLOSED],
        )
        .exclude(campaign=campaign)
        .select_related("campaign")
        .order_by("-opens_at")
        .first()
    )


def _trend(
    campaign: Campaign,
    waves: list[Wave],
    enps_question: int | None,
    shown: list[GroupResult],
    *,
    loaded: dict[int, _WaveData],
) -> dict[str, list[TrendPoint]]:
    """eNPS per wave for the organisation and each group shown, suppressed per wave.

    `loaded`: waves already read by the caller (the one shown), not read a second time.
    """
    if enps_question is None:
        return {}
    trend: dict[str, list[TrendPoint]] = {group.label: [] for group in shown}
    for wave in [wave for wave in waves if _published(wave)]:
        data = loaded.get(wave.pk) or _load(wave, campaign.min_group_size)
        for group in shown:
            histogram = data.tally.histogram(group.key, [enps_question])
            hidden = group.key in data.hidden or not histogram
            enps = None if hidden else stats.enps_of(histogram)
            trend[group.label].append(TrendPoint(wave, enps))
    return trend


def comment_minimum(group_minimum: int) -> int:
    """Respondents a group needs before its comments are shown."""
    return max(int(settings.GROUNDSWELL_MIN_COMMENT_RESPONSES), group_minimum)


def visible_comments(
    results: CampaignResults, *, department: Department | None = None, team: Team | None = None
) -> list[str]:
    """Comments of the group the report is about, only if that group is shown (not hidden)
    and has at least the comment minimum of respondents (GROUNDSWELL_MIN_COMMENT_RESPONSES,
    never below the campaign's minimum group size)."""
    return list(comment_texts(results, department=department, team=team))


def comment_texts(
    results: CampaignResults, *, department: Department | None = None, team: Team | None = None
) -> QuerySet[Comment, str]:
    """`visible_comments` as a query, for a page to read a page of them at a time."""
    none = Comment.objects.none().values_list("text", flat=True)
    key = ("team", team.pk) if team else ("department", department.pk) if department else None
    group = next((g for g in results.groups if g.key == (key or ORGANISATION)), None)
    if results.wave is None or group is None or group.is_hidden or not group.respondents:
        return none
    if group.respondents < comment_minimum(results.minimum):
        return none
    comments = Comment.objects.using(reporting_db()).filter(submission__wave_id=results.wave.pk)
    if team is not None:
        comments = comments.filter(submission__team_id=team.pk)
    elif department is not None:
        comments = comments.filter(submission__department_id=department.pk)
    return comments.order_by("text", "pk").values_list("text", flat=True)


# --- Groups a viewer may see --------------------------------------------------------------------


def _allowed_groups(viewer: Person):  # type: ignore[no-untyped-def]
    if not can_somewhere(viewer, Action.VIEW_EMPLOYEE_VOICE):
        return lambda key: False
    departments = departments_in_scope(viewer, Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN)
    team_ids = set(
        teams_in_scope(viewer, Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN).values_list("pk", flat=True)
    )

    def allowed(key: GroupKey) -> bool:
        kind, pk = key
        if kind == "organisation":
            return True
        if kind == "other":
            return departments is None
        if kind in {"department", "no-team"}:
            return departments is None or pk in departments
        return pk in team_ids

    return allowed


def _matches(
    key: GroupKey,
    parents: dict[GroupKey, GroupKey | None],
    department: Department | None,
    team: Team | None,
) -> bool:
    if team is not None:
        return key in {ORGANISATION, ("team", team.pk), ("department", team.department_id)}
    if department is not None:
        parent = parents.get(key)
        return key in {ORGANISATION, ("department", department.pk)} or parent == (
            "department",
            department.pk,
        )
    return True


class _Labels(dict[GroupKey, str]):
    """Group names, read from the database the first time each is asked for (in one query
    for the groups `_ordered` is given): a page names only the groups it shows."""

    def __init__(self) -> None:
        super().__init__(
            {ORGANISATION: _("Whole organisation"), OTHER: _("Smaller departments together")}
        )

    def load(self, keys: list[GroupKey]) -> None:
        team_ids = [pk for kind, pk in keys if kind == "team" and (kind, pk) not in self]
        department_ids = [
            pk for kind, pk in keys if kind in {"department", "no-team"} and (kind, pk) not in self
        ]
        if team_ids:
            for pk, name in Team.objects.filter(pk__in=team_ids).values_list("pk", "name"):
                self[("team", pk)] = name
        if department_ids:
            names = Department.objects.filter(pk__in=department_ids).values_list("pk", "name")
            for pk, name in names:
                self[("department", pk)] = name
                self[("no-team", pk)] = _("%s (no team or a small team)") % name

    def __missing__(self, key: GroupKey) -> str:
        self.load([key])
        return dict.__getitem__(self, key)


def _ordered(
    keys: list[GroupKey],
    labels: _Labels,
    parents: dict[GroupKey, GroupKey | None],
) -> list[GroupKey]:
    """Organisation first, then each department followed by its teams, by name."""
    labels.load([*keys, *(parent for key in keys if (parent := parents.get(key)))])

    def place(key: GroupKey) -> tuple[int, str, int, str]:
        if key == ORGANISATION:
            return (0, "", 0, "")
        if key == OTHER:
            return (2, "", 0, "")
        if key[0] == "department":
            return (1, labels[key].lower(), 0, "")
        parent = parents[key] or ORGANISATION
        return (1, labels[parent].lower(), 1 if key[0] == "team" else 2, labels[key].lower())

    return sorted(keys, key=place)


def results_for_request(
    viewer: Person, campaign: Campaign, filters: object, *, page: int | None = None
) -> CampaignResults:
    """Results for a page or export, reading the department/team/wave filter form."""
    from groundswell.pulse.forms import ResultsFilterForm

    assert isinstance(filters, ResultsFilterForm)  # noqa: S101 - narrows the type for mypy
    wave = None
    if filters.is_valid() and filters.cleaned_data.get("wave"):
        wave = campaign.waves.filter(number=filters.cleaned_data["wave"]).first()
        if wave is None:
            raise Http404
    return campaign_results(viewer, campaign, wave=wave, page=page, **filters.filters())


def results_as_dict(results: CampaignResults, comments: list[str]) -> dict[str, object]:
    """The API's view of results: the same groups and suppression as the page."""
    return {
        "campaign_id": results.campaign.pk,
        "wave": results.wave.number if results.wave else None,
        "published": results.is_published,
        "invited": results.invited,
        "answered": results.answered,
        "min_group_size": results.minimum,
        "groups": [
            {
                "label": g.label,
                "level": g.level,
                "suppressed": g.is_hidden,
                "respondents": None if g.is_hidden else g.respondents,
                "enps": None
                if g.is_hidden or g.enps is None
                else {
                    "score": whole_points(g.enps.score),
                    "margin": whole_points(g.enps.margin),
                    "respondents": g.enps.respondents,
                    "score_unrounded": g.enps.score,
                    "margin_unrounded": g.enps.margin,
                },
                "scores": []
                if g.is_hidden
                else [
                    {
                        "measure": m.code,
                        "label": m.label,
                        "mean": rounded(s.mean, 2),
                        "favourable_percent": whole_points(s.favourable),
                        "respondents": s.n,
                    }
                    for m in results.measures
                    if (s := g.scores.get(m.code)) is not None
                ],
            }
            for g in results.groups
        ],
        "strongest": [m.code for m, _s in results.strongest],
        "weakest": [m.code for m, _s in results.weakest],
        "standing_note": results.standing_note,
        "suppression_notes": results.suppression_notes,
        "reliability": [
            {
                "measure": r.measure.code,
                "alpha": None if r.alpha is None else rounded(r.alpha, 2),
                "alpha_low": rounded(r.interval.low, 2) if r.interval else None,
                "alpha_high": rounded(r.interval.high, 2) if r.interval else None,
                "items": r.items,
                "respondents": r.respondents,
                "meaning": r.meaning,
            }
            for r in results.reliability
        ],
        "changes": [
            {
                "measure": c.measure.code,
                "change": rounded(c.difference.change, 2),
                "low": rounded(c.difference.low, 2),
                "high": rounded(c.difference.high, 2),
                "beyond_noise": c.difference.is_beyond_noise,
                "respondents_now": c.difference.n_now,
                "respondents_before": c.difference.n_before,
            }
            for c in results.changes
        ],
        "comments": comments,
    }


# --- Actions on results ("you said, we did") ---------------------------------------------------


def list_action_items(
    viewer: Person, *, campaign: Campaign | None = None, status: str | None = None
) -> QuerySet[ActionItem]:
    """Actions the viewer may read: their own team's and department's, and those in reach."""
    items = ActionItem.objects.visible_to(viewer).filter(
        wave__campaign__in=Campaign.objects.visible_to(viewer)
    )
    if campaign is not None:
        items = items.filter(wave__campaign=campaign)
    if status:
        items = items.filter(status=status)
    return items.select_related("wave__campaign", "team", "department", "owner")


def you_said_we_did(viewer: Person) -> QuerySet[ActionItem]:
    """What was done about the results for the viewer's own team and department."""
    return list_action_items(viewer).for_members_of(viewer)  # type: ignore[attr-defined,no-any-return]


def get_action_item_for(viewer: Person, pk: int, *, action: Action) -> ActionItem:
    """One action: 404 when the viewer cannot see it, 403 when they may not `action` it."""
    item = list_action_items(viewer).filter(pk=pk).first()
    if item is None:
        raise Http404
    if action == Action.ACT_ON_EMPLOYEE_VOICE and not may_act_on(viewer, item):
        raise PermissionDenied
    return item


def may_act_on(viewer: Person, item: ActionItem) -> bool:
    return can(viewer, Action.ACT_ON_EMPLOYEE_VOICE, item.scope)


def action_scopes(actor: Person) -> list[Team | Department]:
    """The teams and departments `actor` may plan actions for, departments first."""
    department_ids = departments_in_scope(actor, Action.ACT_ON_EMPLOYEE_VOICE)
    departments = Department.objects.order_by("name")
    if department_ids is not None:
        departments = departments.filter(pk__in=department_ids)
    teams = teams_in_scope(actor, Action.ACT_ON_EMPLOYEE_VOICE).order_by("name")
    return [*departments, *teams]


def assignable_owners(actor: Person) -> list[Person]:
    """Who `actor` may make an action's owner: themselves, or someone in reach below them."""
    teams = teams_in_scope(actor, Action.ACT_ON_EMPLOYEE_VOICE)
    department_ids = departments_in_scope(actor, Action.ACT_ON_EMPLOYEE_VOICE)
    people = Person.objects.active().select_related("team")
    if department_ids is not None:
        people = people.filter(Q(team__in=teams) | Q(department_id__in=department_ids))
    return [
        person
        for person in people.order_by("full_name", "pk")
        if may_assign(actor, Action.ACT_ON_EMPLOYEE_VOICE, person)
    ]


def get_wave(campaign: Campaign, number: object) -> Wave:
    """The campaign's wave of that number (its latest when none is given), else 404."""
    waves = campaign.waves.order_by("-number")
    if number not in (None, ""):
        try:
            waves = waves.filter(number=int(str(number)))
        except ValueError:
            raise Http404 from None
    wave = waves.first()
    if wave is None:
        raise Http404
    return wave


def measures_of(campaign: Campaign) -> list[tuple[str, str]]:
    """The campaign's elements (and own statements) as (code, name)."""
    return services.measures_of(campaign)
