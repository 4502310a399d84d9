"""An insider with the database or its backups, but not the secret key, learns from the
pending pool of an open wave how many have answered: not what, not in which order, and not
which row came with the latest answer.

People answer with a comment naming them (only so that the test can tell the rows apart);
the test opens the rows with the server's key to see which is which, as the insider cannot.
"""

import base64
import re

import pytest
from django.db import connection

from groundswell.pulse import sealing, services
from groundswell.pulse.choices import COMMENT_MAX_LENGTH
from groundswell.pulse.models import Comment, Participation, PendingSubmission, Submission
from groundswell.pulse.tests.helpers import (
    answer_through_link,
    close,
    full_answers,
    launched,
    members,
)

RESPONDENTS = 40  # a stored order matching the answer order by chance: 1 in 40!
SECRET = "Only I would say the rota is unfair to the night shift"
FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_-]+=*")  # version byte 0x80, then base64 only

ON_SQLITE = pytest.mark.skipif(connection.vendor != "sqlite", reason="rowid is SQLite's")
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ctid and xmin are PostgreSQL's"
)


def _raw_pool(wave, *columns):
    """The wave's pending rows as stored, in physical order, through a raw cursor."""
    position = "rowid" if connection.vendor == "sqlite" else "ctid"
    select = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select} FROM pulse_pendingsubmission WHERE wave_id = %s "  # noqa: S608
            f"ORDER BY {position}",
            [wave.pk],
        )
        return cursor.fetchall()


def _comments(tokens):
    return [payload["comment"] for payload in sealing.unseal_all(tokens, wave="test")]


def _clear_time(token):
    """The seconds a Fernet token carries unencrypted, as anyone with the row can read them."""
    return int.from_bytes(base64.urlsafe_b64decode(token)[1:9], "big")


def _answer_in_order(admin, team):
    people = members(team, RESPONDENTS)
    campaign, wave, links = launched(admin, teams=[team])
    order = []
    for number, person in enumerate(people):
        label = f"respondent {number:02}"
        assert answer_through_link(links[person.email], full_answers(campaign), label) == 302
        order.append(label)
    return wave, order


def test_pending_rows_hold_no_readable_answer(admin, team_alpha, settings):
    people = members(team_alpha, 5)
    campaign, wave, links = launched(admin, teams=[team_alpha])
    for person in people:
        assert answer_through_link(links[person.email], full_answers(campaign, 2, 7), SECRET) == 302

    stored = [value for (value,) in _raw_pool(wave, "sealed")]

    assert len(stored) == 5  # how many have answered: no secret
    for value in stored:
        assert isinstance(value, str)
        assert FERNET_TOKEN.fullmatch(value)  # no braces, quotes or colons: no JSON at all
        for clear in (SECRET, "rota", f'"team": {team_alpha.pk}', '"values"', "tenure", "1to3"):
            assert clear not in value
    assert _comments(stored) == [SECRET] * 5  # yet the server's key opens them
    settings.SECRET_KEY = "someone else's secret key, not the server's"
    with pytest.raises(sealing.PoolKeyMismatch):
        sealing.unseal_all(stored, wave=wave)


def test_every_pending_row_has_one_length_whatever_its_comment(admin, team_alpha):
    people = members(team_alpha, 4)
    campaign, wave, links = launched(admin, teams=[team_alpha])
    comments = ["", "Fine.", SECRET * 20, "夜勤" * (COMMENT_MAX_LENGTH // 2)]  # 6,000 bytes
    lengths = []
    for person, comment in zip(people, comments, strict=True):
        services.submit_answers(
            token=links[person.email], answers=full_answers(campaign), comment=comment
        )
        lengths.append({len(value) for (value,) in _raw_pool(wave, "sealed")})

    assert all(len(seen) == 1 for seen in lengths)
    assert lengths[0] == lengths[1] == lengths[2]  # under the floor: nothing moves
    assert lengths[3] != lengths[2]  # a record length lifts the whole pool to the next size
    assert sorted(_comments([value for (value,) in _raw_pool(wave, "sealed")])) == sorted(comments)


@ON_SQLITE
def test_pending_rows_do_not_follow_the_order_people_answered_in_sqlite(admin, team_alpha):
    wave, order = _answer_in_order(admin, team_alpha)

    stored = _comments([value for (value,) in _raw_pool(wave, "sealed")])

    assert sorted(stored) == order  # every answer is there
    assert stored not in (order, order[::-1])


@ON_POSTGRES
# serialized_rollback like every transactional test here (see test_linkability.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pending_rows_share_the_latest_transaction_and_no_answer_order_postgres(admin, team_alpha):
    wave, order = _answer_in_order(admin, team_alpha)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text FROM pulse_participation WHERE has_completed AND wave_id = %s "
            "ORDER BY xmin::text::bigint",
            [wave.pk],
        )
        completed = [xmin for (xmin,) in cursor.fetchall()]

    rows = _raw_pool(wave, "sealed", "xmin::text")
    stored = _comments([value for value, _xmin in rows])
    xmins = {xmin for _value, xmin in rows}

    assert len(set(completed)) == RESPONDENTS  # each answer claimed its invitation on its own
    assert xmins == {completed[-1]}  # every pending row rewritten by the latest answer
    assert sorted(stored) == order
    assert stored not in (order, order[::-1])


def test_one_more_answer_leaves_no_pending_row_as_it_was(admin, team_alpha):
    people = members(team_alpha, 6)
    campaign, wave, links = launched(admin, teams=[team_alpha])
    for person in people[:5]:
        assert answer_through_link(links[person.email], full_answers(campaign, 3, 7)) == 302

    before = _raw_pool(wave, "id", "sealed")
    assert answer_through_link(links[people[5].email], full_answers(campaign, 1, 0), SECRET) == 302
    after = _raw_pool(wave, "id", "sealed")

    assert (len(before), len(after)) == (5, 6)
    # One length for every token, before and after: the comment's length does not show.
    assert len({len(value) for _key, value in before + after}) == 1
    assert not {key for key, _value in before} & {key for key, _value in after}
    assert not {value for _key, value in before} & {value for _key, value in after}
    # A token shows its encryption time in clear: the same for all, none stands out as new.
    assert len({_clear_time(value) for _key, value in after}) == 1
    assert _comments([value for _key, value in after]).count(SECRET) == 1


def test_answers_sealed_under_an_old_secret_key_are_published_after_a_rotation(
    admin, team_alpha, settings
):
    settings.SECRET_KEY = "the key the wave opened under, about to be replaced"
    people = members(team_alpha, 6)
    campaign, wave, links = launched(admin, teams=[team_alpha])
    for person in people[:3]:
        services.submit_answers(
            token=links[person.email], answers=full_answers(campaign), comment=SECRET
        )
    sealed_before = {value for (value,) in _raw_pool(wave, "sealed")}

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the new key, from the next release of the secret file"
    for person in people[3:5]:
        services.submit_answers(token=links[person.email], answers=full_answers(campaign))
    resealed = [value for (value,) in _raw_pool(wave, "sealed")]
    settings.SECRET_KEY_FALLBACKS = []  # an answer re-sealed the pool: the old key is unneeded
    services.submit_answers(token=links[people[5].email], answers=full_answers(campaign))
    close(admin, campaign)

    assert not sealed_before & set(resealed)
    assert _comments(resealed).count(SECRET) == 3
    assert Submission.objects.filter(wave=wave).count() == 6
    assert list(Comment.objects.values_list("text", flat=True)) == [SECRET] * 3
    assert not PendingSubmission.objects.exists()


def test_a_wrong_secret_key_stops_publishing_loudly_and_loses_nothing(admin, team_alpha, settings):
    settings.SECRET_KEY = "the key the answers were sealed with"
    people = members(team_alpha, 6)
    campaign, wave, links = launched(admin, teams=[team_alpha])
    for person in people[:5]:
        services.submit_answers(
            token=links[person.email], answers=full_answers(campaign), comment=SECRET
        )
    settings.SECRET_KEY = "a new key, the old one forgotten in SECRET_KEY_FALLBACKS"
    services.close_campaign(actor=admin, campaign=campaign)  # publishing is left to the test
    pool = set(_raw_pool(wave, "id", "sealed"))

    with pytest.raises(sealing.PoolKeyMismatch, match="SECRET_KEY_FALLBACKS") as publishing:
        services.publish_wave(wave.pk)
    with pytest.raises(sealing.PoolKeyMismatch):
        services.publish_closed_waves()

    assert "SECRET_KEY" in str(publishing.value)
    assert set(_raw_pool(wave, "id", "sealed")) == pool  # every pending answer kept
    assert not Submission.objects.filter(wave=wave).exists()
    settings.SECRET_KEY_FALLBACKS = ["the key the answers were sealed with"]
    assert services.publish_wave(wave.pk) == 5
    assert list(Comment.objects.values_list("text", flat=True)) == [SECRET] * 5


def test_a_wrong_secret_key_refuses_a_new_answer_and_keeps_the_invitation_open(
    admin, team_alpha, settings
):
    settings.SECRET_KEY = "the key the first answers were sealed with"
    people = members(team_alpha, 5)
    campaign, wave, links = launched(admin, teams=[team_alpha])
    for person in people[:4]:
        services.submit_answers(token=links[person.email], answers=full_answers(campaign))
    settings.SECRET_KEY = "a new key without its fallback"
    pool = set(_raw_pool(wave, "id", "sealed"))

    with pytest.raises(sealing.PoolKeyMismatch, match="SECRET_KEY_FALLBACKS"):
        services.submit_answers(token=links[people[4].email], answers=full_answers(campaign))

    assert set(_raw_pool(wave, "id", "sealed")) == pool
    assert not Participation.objects.get(wave=wave, person=people[4]).has_completed
    settings.SECRET_KEY_FALLBACKS = ["the key the first answers were sealed with"]
    services.submit_answers(token=links[people[4].email], answers=full_answers(campaign))
    assert PendingSubmission.objects.filter(wave=wave).count() == 5
