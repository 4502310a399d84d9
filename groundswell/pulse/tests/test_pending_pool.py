"""An insider with the database or its backups, but not the secret key, learns from the
pending pool of an open wave how many have answered and nothing else: every row is a token of
one length showing one time, so the row that came with a given answer (found by its position
or transaction id) cannot be read, nor told apart by size or time from the others.

People answer with a comment naming them (only so that the test can tell the rows apart);
the test opens the rows with the server's key to see which is which, as the insider cannot.
"""

import base64
import re

import pytest
from django.db import connection

from groundswell.pulse import sealing, services
from groundswell.pulse.choices import COMMENT_MAX_LENGTH
from groundswell.pulse.models import Comment, PendingSubmission, Submission
from groundswell.pulse.tests.factories import (
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

    assert len(set().union(*lengths)) == 1  # the longest comment too: one size for all
    assert sorted(_comments([value for (value,) in _raw_pool(wave, "sealed")])) == sorted(comments)


def test_the_latest_answer_looks_like_every_other_row(admin, team_alpha):
    people = members(team_alpha, 6)
    campaign, wave, links = launched(admin, teams=[team_alpha])
    for person in people[:5]:
        assert answer_through_link(links[person.email], full_answers(campaign, 3, 7)) == 302

    before = _raw_pool(wave, "id", "sealed")
    assert answer_through_link(links[people[5].email], full_answers(campaign, 1, 0), SECRET) == 302
    after = _raw_pool(wave, "id", "sealed")

    assert (len(before), len(after)) == (5, 6)
    [(_key, newest)] = set(after) - set(before)
    # One length and one clear time for every token: neither the comment's length nor the
    # moment of answering shows, only that one more person answered.
    assert len({len(value) for _key, value in after}) == 1
    assert {_clear_time(value) for _key, value in after} == {int(wave.opens_at.timestamp())}
    assert _comments([newest]) == [SECRET]


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

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the new key, from the next release of the secret file"
    for person in people[3:]:
        services.submit_answers(token=links[person.email], answers=full_answers(campaign))
    close(admin, campaign)

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
