"""A published wave's tally (pulse/tally.py): the same figures as counting every answer, kept
once at publishing, recounted when its format changes, and holding nothing about anyone."""

from __future__ import annotations

import json
import random

import pytest
from django.utils import timezone

from groundswell.core.lib import stats as core_stats
from groundswell.people.tests.factories import TeamFactory
from groundswell.pulse import selectors, services, stats, tally
from groundswell.pulse.choices import CampaignKind, QuestionKind
from groundswell.pulse.models import Answer, Question, Submission, WaveTally
from groundswell.pulse.tests.factories import (
    add_submissions,
    answer_through_link,
    close,
    fake_wave,
    full_answers,
    launched,
    members,
)


@pytest.fixture
def campaign(admin, customer_service, billing):
    campaign = services.create_campaign(
        actor=admin,
        name="Tally check",
        kind=CampaignKind.PULSE,
        departments=[customer_service, billing],
        elements=["training", "management"],
    )
    # One item reverse-worded, so that turning it round is part of what is checked.
    first = campaign.questions.filter(kind=QuestionKind.AGREEMENT).order_by("position").first()
    first.is_reversed = True
    first.save(update_fields=["is_reversed"])
    return campaign


def _random_wave(campaign, number, departments, seed):
    """Submissions over several teams and a folded-away group, some items left blank."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    wave = fake_wave(campaign, number, days_ago=40 * (2 - number))
    questions = list(campaign.questions.order_by("position"))
    groups = []
    for department in departments:
        groups += [(department, TeamFactory.create(department=department)) for _ in range(2)]
        groups.append((department, None))
    groups.append((None, None))
    for department, team in groups:
        for _ in range(rng.randint(6, 14)):
            submission = Submission.objects.create(
                wave=wave,
                department=department,
                team=team,
                tenure_band="unknown",
                submitted_on=timezone.localdate(),
            )
            Answer.objects.bulk_create(
                Answer(
                    submission=submission,
                    question=question,
                    value=rng.randint(0, 10) if question.kind == "enps" else rng.randint(1, 5),
                )
                for question in questions
                if rng.random() > 0.1  # about one item in ten left blank
            )
    return wave


def _expected(wave, questions):
    """Every figure counted straight from the answers, respondent by respondent."""
    reversed_ids = {q.pk for q in questions if q.is_reversed}
    rows = {}
    for submission in Submission.objects.filter(wave=wave):
        keys = tally.groups_of(submission.department_id, submission.team_id)
        values = {
            a.question_id: 6 - a.value if a.question_id in reversed_ids else a.value
            for a in submission.answers.all()
        }
        rows[submission.pk] = (keys, values)
    return rows


def test_figures_from_the_tally_equal_figures_counted_from_every_answer(
    campaign, admin, customer_service, billing
):
    before = _random_wave(campaign, 1, [customer_service, billing], seed=1)
    wave = _random_wave(campaign, 2, [customer_service, billing], seed=2)
    questions = list(campaign.questions.order_by("position"))
    rows = _expected(wave, questions)
    enps_id = next(q.pk for q in questions if q.kind == QuestionKind.ENPS)
    items = {
        code: [q.pk for q in questions if q.kind == "agreement" and tally.measure_code(q) == code]
        for code in {tally.measure_code(q) for q in questions if q.kind == "agreement"}
    }

    results = selectors.campaign_results(admin, campaign, wave=wave)

    shown = [group for group in results.groups if not group.is_hidden]
    assert len(shown) >= 4
    for group in shown:
        members = [values for keys, values in rows.values() if group.key in keys]
        assert group.respondents == len(members)
        for code, ids in items.items():
            answers = [values[pk] for values in members for pk in ids if pk in values]
            assert group.scores[code].n == len(answers)
            assert group.scores[code].mean == pytest.approx(stats.mean(answers))
            assert group.scores[code].favourable == pytest.approx(stats.favourable_share(answers))
        expected_enps = stats.enps([values[enps_id] for values in members if enps_id in values])
        assert group.enps == expected_enps

    everyone = [values for _keys, values in rows.values()]
    for figure in results.reliability:
        ids = items[figure.measure.code]
        alpha = stats.cronbach_alpha([[values.get(pk) for pk in ids] for values in everyone])
        assert alpha is not None
        assert figure.alpha == pytest.approx(alpha.value)
        assert figure.respondents == alpha.n
        assert figure.interval is not None
        assert alpha.interval is not None
        assert figure.interval.low == pytest.approx(alpha.interval.low)
        assert figure.interval.high == pytest.approx(alpha.interval.high)
    assert results.reliability, "each element has several items: alpha is reported"

    then = [values for _keys, values in _expected(before, questions).values()]
    assert results.compared_with == before
    assert len(results.changes) == len(items)
    for change in results.changes:
        ids = items[change.measure.code]

        def means(people, ids=ids):
            return [
                stats.mean([v[pk] for pk in ids if pk in v])
                for v in people
                if any(pk in v for pk in ids)
            ]

        expected = stats.welch_difference(means(everyone), means(then))
        assert expected is not None
        assert change.difference.change == pytest.approx(expected.change)
        assert change.difference.low == pytest.approx(expected.low)
        assert change.difference.high == pytest.approx(expected.high)
        assert change.difference.n_now == expected.n_now


def test_welch_from_summaries_matches_scipy_on_the_raw_values():
    from scipy import stats as scipy_stats

    rng = random.Random(7)  # noqa: S311 - test data, not secrets
    now = [rng.gauss(3.4, 0.8) for _ in range(40)]
    before = [rng.gauss(3.1, 1.1) for _ in range(25)]
    result = core_stats.welch_from_samples(core_stats.Sample.of(now), core_stats.Sample.of(before))
    reference = scipy_stats.ttest_ind(now, before, equal_var=False).confidence_interval()
    assert result is not None
    assert result.interval.low == pytest.approx(reference.low)
    assert result.interval.high == pytest.approx(reference.high)
    assert (
        core_stats.welch_from_samples(core_stats.Sample.of([3.0]), core_stats.Sample.of(now))
        is None
    )


def test_publishing_a_wave_keeps_its_tally_and_results_then_read_no_answer(
    admin, customer_service, team_alpha
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    members(team_alpha, 6)
    campaign, wave, tokens = launched(admin, teams=[team_alpha])
    for token in tokens.values():
        answer_through_link(token, full_answers(campaign, agreement=4, enps=9))
    close(admin, campaign)  # publishes the wave

    stored = WaveTally.objects.get(wave=wave)
    assert stored.version == tally.VERSION
    assert stored.data["counts"]["organisation:0"] == 6
    with CaptureQueriesContext(connection) as queries:
        results = selectors.campaign_results(admin, campaign)
    assert not any('"pulse_answer"' in q["sql"] for q in queries.captured_queries)
    organisation = results.groups[0]
    assert organisation.respondents == 6
    assert organisation.enps is not None
    assert organisation.enps.score == 100


def test_a_tally_of_an_older_format_is_counted_again(campaign, admin, customer_service):
    wave = fake_wave(campaign)
    team = TeamFactory.create(department=customer_service)
    questions = campaign.questions.count()
    add_submissions(wave, team, [[4] * (questions - 1) + [9]] * 6)
    WaveTally.objects.create(wave=wave, version=tally.VERSION - 1, data={"stale": True})

    results = selectors.campaign_results(admin, campaign)

    assert results.groups[0].respondents == 6
    assert WaveTally.objects.get(wave=wave).version == tally.VERSION


def test_the_tally_holds_only_counts_of_stored_groups(campaign, admin, customer_service):
    """No submission id, no time, no value tied to one respondent: only how many per group,
    question and value, of groups the stored submissions name already (docs/anonymity.md)."""
    wave = _random_wave(campaign, 1, [customer_service], seed=3)
    selectors.campaign_results(admin, campaign)
    data = WaveTally.objects.get(wave=wave).data
    text = json.dumps(data)
    for submission in Submission.objects.filter(wave=wave):
        assert str(submission.pk) not in text
        assert submission.pk.hex not in text
    stored_groups = {
        key
        for department, team in Submission.objects.filter(wave=wave).values_list(
            "department_id", "team_id"
        )
        for key in tally.groups_of(department, team)
    }
    assert {tally._key(name) for name in data["counts"]} == stored_groups
    assert set(data) == {"counts", "parents", "answers", "reliability", "spread"}
    # Organisation-wide figures only: no group below the organisation has alpha or spread.
    for code in data["spread"]:
        assert set(data["spread"][code]) == {"n", "mean", "variance"}
    assert Question.objects.filter(campaign=campaign).count() >= len(
        data["answers"]["organisation:0"]
    )
