"""An insider with the database cannot join a stored answer to a person: not by the rows'
physical order, not by transaction ids, not by a rare team or tenure band.

People answer one after the other in a known order, each with a comment naming them (only
so that the test can tell the rows apart); the stored rows must not come in that order.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from groundswell.people.demo import DemoSize, seed_demo
from groundswell.people.tests.factories import PersonFactory
from groundswell.pulse import services
from groundswell.pulse.choices import TenureBand
from groundswell.pulse.models import Submission
from groundswell.pulse.tests.factories import answer_through_link, close, full_answers, launched

RESPONDENTS = 40  # a stored order matching the answer order by chance: 1 in 40!

ON_SQLITE = pytest.mark.skipif(connection.vendor != "sqlite", reason="rowid is SQLite's")
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ctid and xmin are PostgreSQL's"
)


def _answer_in_order(admin, team):
    people = PersonFactory.create_batch(RESPONDENTS, team=team, department=team.department)
    campaign, wave, tokens = launched(admin, teams=[team])
    order = []
    for number, person in enumerate(people):
        label = f"respondent {number:02}"
        assert answer_through_link(tokens[person.email], full_answers(campaign), label) == 302
        order.append(label)
    return campaign, wave, order


def _physical_order(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _first_seen(labels):
    return list(dict.fromkeys(labels))


@ON_SQLITE
def test_stored_rows_do_not_follow_the_order_people_answered_in_sqlite(admin, team_alpha):
    campaign, _wave, order = _answer_in_order(admin, team_alpha)
    close(admin, campaign)

    submissions = _physical_order(
        "SELECT c.text FROM pulse_submission s JOIN pulse_comment c ON c.submission_id = s.id "
        "ORDER BY s.rowid"
    )
    answers = _first_seen(
        _physical_order(
            "SELECT c.text FROM pulse_answer a JOIN pulse_comment c "
            "ON c.submission_id = a.submission_id ORDER BY a.rowid"
        )
    )
    comments = _physical_order("SELECT text FROM pulse_comment ORDER BY rowid")

    for stored in (submissions, answers, comments):
        assert sorted(stored) == order  # every answer is there
        assert stored not in (order, order[::-1])
    assert submissions == answers == comments  # one shuffle, nothing else to sort by


@ON_POSTGRES
# serialized_rollback like every transactional test here: a plain flush would drop the rows
# migrations create and re-run post_migrate, which the next serialized test then duplicates.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stored_rows_share_one_transaction_and_no_answer_order_postgres(admin, team_alpha):
    campaign, wave, order = _answer_in_order(admin, team_alpha)
    completed = set(
        _physical_order(
            "SELECT xmin::text FROM pulse_participation WHERE has_completed AND wave_id = %s",
            [wave.pk],
        )
    )
    close(admin, campaign)

    xmins = set()
    for table in ("pulse_submission", "pulse_answer", "pulse_comment"):
        xmins |= set(_physical_order(f"SELECT xmin::text FROM {table}"))  # noqa: S608
    submissions = _physical_order(
        "SELECT c.text FROM pulse_submission s JOIN pulse_comment c ON c.submission_id = s.id "
        "ORDER BY s.ctid"
    )
    answers = _first_seen(
        _physical_order(
            "SELECT c.text FROM pulse_answer a JOIN pulse_comment c "
            "ON c.submission_id = a.submission_id ORDER BY a.ctid"
        )
    )
    comments = _physical_order("SELECT text FROM pulse_comment ORDER BY ctid")

    assert len(completed) == RESPONDENTS  # each answer claimed its invitation on its own
    assert len(xmins) == 1  # all stored in one transaction ...
    assert not xmins & completed  # ... which is none of the answering ones
    for stored in (submissions, answers, comments):
        assert sorted(stored) == order
        assert stored not in (order, order[::-1])


def test_a_team_or_tenure_band_shared_by_fewer_than_the_minimum_is_not_stored(
    admin, team_alpha, team_beta
):
    today = timezone.localdate()
    newcomer = PersonFactory.create(
        team=team_alpha, department=team_alpha.department, hire_date=today
    )
    veterans = PersonFactory.create_batch(
        6,
        team=team_alpha,
        department=team_alpha.department,
        hire_date=today - datetime.timedelta(days=400),
    )
    beta = PersonFactory.create_batch(2, team=team_beta, department=team_beta.department)
    campaign, wave, tokens = launched(admin, teams=[team_alpha, team_beta])
    for person in [newcomer, *veterans, *beta]:
        services.submit_answers(token=tokens[person.email], answers=full_answers(campaign))
    close(admin, campaign)

    stored = list(Submission.objects.filter(wave=wave).values_list("team", "tenure_band"))

    assert len(stored) == 9
    assert (team_alpha.pk, TenureBand.UNDER_ONE) not in stored  # the newcomer's own cell
    assert not any(team == team_beta.pk for team, _band in stored)
    cells = {cell: stored.count(cell) for cell in stored}
    assert all(count >= campaign.min_group_size for count in cells.values())


def test_coarsen_folds_small_teams_then_small_departments_then_mixed_bands():
    cells = (
        [(1, 10, "1to3")] * 6  # a team of 6
        + [(1, 11, "lt1")] * 2  # a team of 2 joins department 1's "no team" group ...
        + [(1, None, "1to3")] * 1  # ... which, 3 in all, takes in the team of 6 too;
        + [(2, 20, "3plus")] * 5
        + [(2, 20, "lt1")] * 1  # one newcomer: team 20's bands all become unknown
        + [(3, 30, "1to3")] * 2  # a department of 2 is not stored ...
        + [(4, 40, "1to3")] * 5  # ... and takes in the smallest department with it
    )

    stored = services.coarsen(cells, 5)

    assert set(stored[:9]) == {(1, None, "unknown")}  # 2 newcomers among 9: bands dropped
    assert set(stored[9:15]) == {(2, 20, "unknown")}
    assert set(stored[15:]) == {(None, None, "1to3")}
    counts = {cell: stored.count(cell) for cell in stored}
    assert all(count >= 5 for count in counts.values()), counts


def test_demo_answers_are_stored_in_no_particular_order(db, settings):
    settings.GROUNDSWELL_DEMO_STEPS = [
        "groundswell.people.demo.ORGANISATION",
        "groundswell.pulse.demo.PULSE",
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):
        seed_demo(size=DemoSize.SMALL, seed=7, today=datetime.date(2026, 3, 1))
    if connection.vendor == "sqlite":
        rows = _physical_order("SELECT team_id FROM pulse_submission ORDER BY rowid")
    else:
        rows = _physical_order("SELECT team_id FROM pulse_submission ORDER BY ctid")

    runs = 1 + sum(1 for a, b in itertools.pairwise(rows) if a != b)
    teams = len(set(rows))
    # In person order (people are made team by team) the teams would come in a few long runs.
    assert runs > 4 * teams
