"""The side-by-side benchmark's data set (bench/harness): the desk's interactions and
customer voice's invitations and answers, put together for the `bench_seed`, `bench_fixture`
and `bench_reset` commands. Never used by the product.
"""

from __future__ import annotations

import datetime
import json
import random
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.desk import benchdata as desk_bench
from groundswell.voice import benchdata as voice_bench
from groundswell.voice.dashboard.rollups import refresh_voice_rollups

ROLLED_UP_WEEKS = 53


@dataclass(frozen=True)
class BenchSeed:
    interactions: int
    teams: int
    invitations: int
    seconds: float
    baseline_interaction_id: int | None

    def as_json(self) -> str:
        return json.dumps(
            {
                "interactions": self.interactions,
                "teams": self.teams,
                "invitations": self.invitations,
                "bulk_create_seconds": round(self.seconds, 2),
                "bulk_create_rows_per_s": round(self.interactions / max(self.seconds, 1e-9)),
                "baseline_interaction_id": self.baseline_interaction_id,
            }
        )


def seed(
    *, interactions: int, invitations: int, tokens_file: Path, teams: int = 12, responses: int = 0
) -> BenchSeed:
    """Seed the benchmark data set; refuses to run twice on the same database.

    `responses` answered invitations (on the newest interactions, spread over the two years)
    come on top of the `invitations` unanswered ones, so the dashboard has history to show.
    """
    rng = random.Random(42)  # noqa: S311 - made-up benchmark data
    now = timezone.now()
    span = 730 * 86400
    customers, seconds = desk_bench.seed_interactions(
        interactions=interactions, invitations=invitations, teams=teams, rng=rng, now=now, span=span
    )
    voice_bench.seed_invitations(invitations, customers, tokens_file, now)
    voice_bench.seed_responses(responses, customers, rng)
    # The dashboard shows at most 52 weeks: older days are never read, so they are not rolled up
    # (that halves the seed's rollup time at two years of history).
    refresh_voice_rollups(since=(now - datetime.timedelta(weeks=ROLLED_UP_WEEKS)).date())
    desk_bench.analyze()
    baseline = desk_bench.newest_interaction_id()
    return BenchSeed(interactions, teams, invitations, seconds, baseline)


def fixture(*, external_ids_file: Path | None = None, external_ids: int = 50_000) -> dict[str, Any]:
    """What the load generator needs: an API key, a CSRF secret, a team, a staff session, the
    newest seeded ids, and (into `external_ids_file`, one a line) up to `external_ids`
    external ids of seeded interactions in a random order, for a load that updates them."""
    admin = desk_bench.bench_admin()
    key = create_api_key(actor=admin, name="benchmark", scope=ApiKeyScope.READ_WRITE)
    user = admin.user
    if user is None:
        raise RuntimeError("The benchmark administrator has no login: run bench_seed again.")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "groundswell.people.backends.PersonBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    if external_ids_file is not None:
        chosen = desk_bench.external_ids(external_ids, random.Random(7))  # noqa: S311
        external_ids_file.write_text("\n".join(chosen) + "\n")
    return {
        "api_key": key.secret,
        "csrf": secrets.token_hex(16),
        "team_id": desk_bench.first_team_id(admin),
        "baseline_interaction_id": desk_bench.newest_interaction_id(),
        "baseline_response_id": voice_bench.newest_answer_id(),
        "session": session.session_key,
        "list_page_path": "/desk/",
        "dashboard_path": "/voice/dashboard/",
    }


def reset(*, baseline: int, baseline_response: int = 0) -> dict[str, Any]:
    """Delete what the write loads added (interactions after `baseline`, answers after
    `baseline_response`), so every round reads the same data."""
    started = time.perf_counter()
    responses = voice_bench.delete_answers(after=baseline_response)
    interactions = desk_bench.delete_interactions_after(baseline)
    voice_bench.forget_opened()
    desk_bench.vacuum("desk_interaction")
    desk_bench.vacuum("voice_response")
    return {
        "deleted_rows": responses + interactions,
        "seconds": round(time.perf_counter() - started, 2),
    }
