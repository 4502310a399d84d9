"""The commands bench/harness runs against Groundswell (bench_seed, bench_fixture, bench_reset),
on a small data set."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from groundswell.api.services import authenticate_api_key
from groundswell.desk.models import Interaction
from groundswell.voice.models import DailyVoiceRollup, Invitation, Response

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_seed_fixture_and_reset_follow_the_contract(tmp_path):
    tokens_file = tmp_path / "tokens.txt"

    external_ids_file = tmp_path / "external-ids.txt"
    seeded = run(
        "bench_seed",
        "--interactions",
        "300",
        "--invitations",
        "40",
        "--responses",
        "100",
        "--tokens-file",
        str(tokens_file),
    )
    fixture = run("bench_fixture", "--external-ids-file", str(external_ids_file))

    assert seeded["interactions"] == Interaction.objects.count() == 300
    assert seeded["teams"] == 12
    tokens = tokens_file.read_text().split()
    assert len(tokens) == 40 == Invitation.objects.filter(response__isnull=True).count()
    assert Response.objects.count() == 100
    assert DailyVoiceRollup.objects.exists(), "the dashboard's history is rolled up"
    stored = set(
        Invitation.objects.filter(response__isnull=True).values_list("token_hash", flat=True)
    )
    assert {hashlib.sha256(token.encode()).hexdigest() for token in tokens} == stored
    assert not stored & set(tokens), "tokens are never stored in plain text"
    assert authenticate_api_key(fixture["api_key"]) is not None
    assert fixture["baseline_interaction_id"] == seeded["baseline_interaction_id"]
    assert len(fixture["csrf"]) == 32
    external_ids = external_ids_file.read_text().split()
    assert len(external_ids) == len(set(external_ids)) == 300
    assert set(external_ids) == set(
        Interaction.objects.filter(source="bench").values_list("external_id", flat=True)
    ), "every seeded interaction can be updated by (source, external id)"
    assert fixture["baseline_response_id"] == Response.objects.order_by("-pk").first().pk

    Interaction.objects.create(
        team_id=fixture["team_id"],
        channel="email",
        subject="added by a load",
        opened_at=Interaction.objects.first().opened_at,
    )
    invitation = Invitation.objects.filter(response__isnull=True).earliest("pk")
    added = Response.objects.create(
        invitation=invitation,
        kind="nps",
        score=9,
        team_id=fixture["team_id"],
        channel="email",
        submitted_at=timezone.now(),
    )
    reset = run(
        "bench_reset",
        "--baseline",
        str(fixture["baseline_interaction_id"]),
        "--baseline-response",
        str(fixture["baseline_response_id"]),
    )

    assert reset["deleted_rows"] == 2, "the added interaction and the added answer"
    assert not Response.objects.filter(pk=added.pk).exists()
    assert Response.objects.count() == 100, "the seeded answers are the dashboard's history"
    assert Interaction.objects.count() == 300

    reset = run("bench_reset", "--baseline", str(fixture["baseline_interaction_id"]))

    assert reset["deleted_rows"] == 100, "without --baseline-response, every answer goes"
    assert not Response.objects.exists()


def test_seed_refuses_a_database_that_already_has_interactions(tmp_path):
    run(
        "bench_seed",
        "--interactions",
        "10",
        "--invitations",
        "5",
        "--tokens-file",
        str(tmp_path / "t.txt"),
    )

    with pytest.raises(CommandError, match="fresh one"):
        call_command("bench_seed", "--interactions", "10", "--tokens-file", str(tmp_path / "u.txt"))
