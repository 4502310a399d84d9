"""Did hiring for attitude work? Each attitude's interview scores of the hires against their
later quality score, customer satisfaction and staying past a year: Spearman's rho or the
point-biserial r with a 95% interval and n, checked against scipy on the same numbers; too few
hires is said so; the page and the API per role."""

import datetime
import math

import pytest
from django.utils import timezone
from scipy import stats as scipy_stats

from conftest import _person
from groundswell.learning import attitudes
from groundswell.learning.attitudes import MIN_HIRES, MIN_OBSERVATIONS, Outcome, Verdict, relate
from groundswell.learning.choices import CandidateStatus, PanelKind
from groundswell.learning.models import Candidate, InterviewScore, PanelMember
from groundswell.learning.tests.test_impact import review
from groundswell.people.choices import Role
from groundswell.quality.tests.factories import make_scorecard
from groundswell.voice.tests.factories import answers

# Twelve hires, all started HIRED_DAYS_AGO. The first attitude's scores rise with their quality
# score and the first four (the lowest scores) have left; the second attitude's scores are
# shuffled against both.
HIRED_DAYS_AGO = 400
FIRST = [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5]
SECOND = [3, 5, 1, 4, 2, 5, 3, 1, 4, 2, 3, 3]
QUALITY = [60.0 + 3 * i for i in range(12)]
LEFT = {0, 1, 2, 3}


# --- The statistics against scipy -------------------------------------------------------------


def test_spearman_and_its_interval_match_scipy_on_the_same_numbers():
    scores = [1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 1, 3]
    outcome = [55, 61, 58, 70, 66, 72, 80, 79, 85, 90, 62, 64]

    found = relate(Outcome.QUALITY, scores, outcome, minimum=10)

    expected = scipy_stats.spearmanr(scores, outcome)
    assert found.coefficient == pytest.approx(expected.statistic, abs=1e-12)
    assert found.p_value == pytest.approx(expected.pvalue, abs=1e-12)
    rho, n = expected.statistic, len(scores)
    margin = scipy_stats.norm.ppf(0.975) * math.sqrt((1 + rho**2 / 2) / (n - 3))
    assert found.interval.low == pytest.approx(math.tanh(math.atanh(rho) - margin), abs=1e-12)
    assert found.interval.high == pytest.approx(math.tanh(math.atanh(rho) + margin), abs=1e-12)
    assert found.n == 12
    assert found.verdict == Verdict.HIGHER
    assert found.sentence.startswith("Those who scored higher here went on to a better")


def test_point_biserial_and_its_interval_match_scipy_on_the_same_numbers():
    scores = [1.5, 2, 2.5, 3, 3, 3.5, 4, 4, 4.5, 5, 2, 3]
    stayed = [0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1]

    found = relate(Outcome.STAYED, scores, stayed, binary=True, minimum=10)

    expected = scipy_stats.pointbiserialr(stayed, scores)
    interval = scipy_stats.pearsonr(stayed, scores).confidence_interval(0.95)
    assert found.symbol == "r"
    assert found.coefficient == pytest.approx(expected.statistic, abs=1e-12)
    assert found.p_value == pytest.approx(expected.pvalue, abs=1e-12)
    assert (found.interval.low, found.interval.high) == pytest.approx(
        (interval.low, interval.high), abs=1e-12
    )


def test_no_clear_relation_when_the_interval_crosses_zero():
    found = relate(Outcome.QUALITY, SECOND, QUALITY)

    assert found.interval.low < 0 < found.interval.high
    assert found.verdict == Verdict.NO_CLEAR_RELATION
    assert found.sentence.startswith("No clear relation with quality score")


def test_below_the_minimum_is_too_few_to_tell_with_no_coefficient():
    found = relate(Outcome.CSAT, FIRST[: MIN_HIRES - 1], QUALITY[: MIN_HIRES - 1])

    assert found.too_few
    assert found.coefficient is None
    assert found.interval is None
    assert found.n == MIN_HIRES - 1
    assert found.sentence == (
        f"Too few to tell: {MIN_HIRES - 1} hires with a customer satisfaction figure, "
        f"{MIN_HIRES} needed."
    )
    assert not relate(Outcome.CSAT, FIRST[:MIN_HIRES], QUALITY[:MIN_HIRES]).too_few


def test_everyone_with_the_same_outcome_cannot_tell():
    found = relate(Outcome.STAYED, FIRST, [1] * 12, binary=True)

    assert found.verdict == Verdict.NO_VARIATION
    assert found.coefficient is None


# --- From the records --------------------------------------------------------------------------


@pytest.fixture
def version(manager, customer_service):
    return make_scorecard(manager, customer_service).versions.get()


def hire(profile, team, person, scores, *, unsent=None):
    """A hired candidate with two panel members who sent the same `scores` (one per attitude),
    and optionally a third who did not send theirs."""
    candidate = Candidate.objects.create(
        profile=profile,
        team=team,
        full_name=person.full_name,
        email=person.email,
        consent_at=timezone.now(),
        status=CandidateStatus.HIRED,
        hired_person=person,
    )
    sent = timezone.now() - datetime.timedelta(days=HIRED_DAYS_AGO + 5)
    members = [
        PanelMember.objects.create(
            candidate=candidate, kind=PanelKind.CUSTOMER, name=f"Panel {n}", submitted_at=sent
        )
        for n in range(2)
    ]
    if unsent is not None:
        members.append(
            PanelMember.objects.create(candidate=candidate, kind=PanelKind.CUSTOMER, name="Late")
        )
    for member in members:
        values = scores if member.submitted_at else unsent
        InterviewScore.objects.bulk_create(
            InterviewScore(panel_member=member, attitude=attitude, score=value)
            for attitude, value in zip(profile.attitudes.all(), values, strict=True)
        )
    return candidate


@pytest.fixture
def hires(profile, team_alpha, version, manager):
    """Twelve hires a year and more ago, each with three reviews since they started; the
    first five also with three CSAT answers, the next two with two (below the minimum)."""
    started = timezone.localdate() - datetime.timedelta(days=HIRED_DAYS_AGO)
    people = []
    for i in range(12):
        person = _person(
            Role.AGENT,
            f"hire{i}@example.test",
            team_alpha,
            full_name=f"Hire {i}",
            hire_date=started,
            is_active=i not in LEFT,
        )
        hire(profile, team_alpha, person, [FIRST[i], SECOND[i]], unsent=[5, 1] if i == 0 else None)
        for days_ago in (300, 200, 100):
            review(version, person, days_ago, QUALITY[i], manager)
        if i < 7:
            at = timezone.now() - datetime.timedelta(days=50)
            answers(team_alpha, "csat", [5, 4, 2][: 3 if i < 5 else 2], at=at, agent=person)
        people.append(person)
    return people


def test_the_profile_relates_each_attitude_to_each_outcome(profile, hires):
    found = attitudes.profile_outcomes(profile)

    assert found.hires == 12
    first, second = found.attitudes
    quality, csat, stayed = first.relations
    assert [r.outcome for r in first.relations] == [Outcome.QUALITY, Outcome.CSAT, Outcome.STAYED]
    expected = scipy_stats.spearmanr(FIRST, QUALITY).statistic
    assert quality.coefficient == pytest.approx(expected)
    assert quality.n == 12
    assert quality.verdict == Verdict.HIGHER
    stayed_expected = scipy_stats.pointbiserialr([0 if i in LEFT else 1 for i in range(12)], FIRST)
    assert stayed.coefficient == pytest.approx(stayed_expected.statistic)
    assert stayed.verdict == Verdict.HIGHER
    assert csat.n == 5  # two more hires have answers, but fewer than MIN_OBSERVATIONS
    assert MIN_OBSERVATIONS == 3
    assert csat.too_few
    second_quality = second.relations[0]
    assert second_quality.coefficient == pytest.approx(
        scipy_stats.spearmanr(SECOND, QUALITY).statistic
    )
    assert second_quality.verdict == Verdict.NO_CLEAR_RELATION


def test_only_the_hires_of_a_year_ago_count_for_staying_and_only_work_since_the_start(
    profile, hires, team_alpha, version, manager
):
    newcomer = _person(
        Role.AGENT,
        "newcomer@example.test",
        team_alpha,
        hire_date=timezone.localdate() - datetime.timedelta(days=100),
    )
    hire(profile, team_alpha, newcomer, [5, 5])
    for days_ago in (300, 200, 150):  # before they started: not theirs to count
        review(version, newcomer, days_ago, 10, manager)
    declined = Candidate.objects.create(
        profile=profile,
        team=team_alpha,
        full_name="Not hired",
        email="no@example.test",
        consent_at=timezone.now(),
        status=CandidateStatus.DECLINED,
    )
    member = PanelMember.objects.create(
        candidate=declined, kind=PanelKind.CUSTOMER, name="P", submitted_at=timezone.now()
    )
    InterviewScore.objects.create(panel_member=member, attitude=profile.attitudes.first(), score=1)

    quality, _csat, stayed = attitudes.profile_outcomes(profile).attitudes[0].relations

    assert quality.n == 12
    assert stayed.n == 12


# --- The page and the API per role -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("agent", 403),
        ("team_lead", 403),
        ("manager", 200),
        ("executive", 403),
        ("admin", 200),
        ("outsider", 403),
    ],
)
def test_the_outcomes_page_and_api_per_role(role, expected, org, client_for, profile, hires):
    client = client_for(org[role])

    page = client.get(f"/learning/profiles/{profile.pk}/outcomes/")
    api = client.get(f"/api/v1/learning/profiles/{profile.pk}/outcomes")

    assert page.status_code == expected
    assert api.status_code == expected
    if expected == 200:
        text = page.content.decode()
        assert "went on to a better quality score" in text
        assert f"at least {MIN_HIRES} hires" in text
        assert "Too few to tell" in text  # satisfaction: 5 hires with enough answers
        assert "<svg" in text
        body = api.json()
        assert body["hires"] == 12
        assert body["min_hires"] == MIN_HIRES
        first = body["attitudes"][0]["relations"]
        assert [r["outcome"] for r in first] == ["quality", "csat", "stayed"]
        assert first[0]["verdict"] == "higher"
        assert first[0]["low"] > 0
        assert first[1]["too_few"] is True
        assert first[1]["coefficient"] is None


def test_a_manager_of_another_department_is_refused(client_for, profile, billing, hires):
    other = _person(Role.MANAGER, "billing.manager@example.test", None, billing)
    client = client_for(other)

    assert client.get(f"/learning/profiles/{profile.pk}/outcomes/").status_code == 403
    assert client.get(f"/api/v1/learning/profiles/{profile.pk}/outcomes").status_code == 403


def test_an_unknown_profile_is_not_found(client_for, manager):
    client = client_for(manager)

    assert client.get("/learning/profiles/999999/outcomes/").status_code == 404
    assert client.get("/api/v1/learning/profiles/999999/outcomes").status_code == 404


def test_the_profile_page_links_to_the_outcomes_only_for_those_who_hire(org, client_for, profile):
    link = f"/learning/profiles/{profile.pk}/outcomes/"

    assert (
        link in client_for(org["manager"]).get(f"/learning/profiles/{profile.pk}/").content.decode()
    )
    assert (
        link
        not in client_for(org["agent"]).get(f"/learning/profiles/{profile.pk}/").content.decode()
    )
