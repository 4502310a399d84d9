#!/usr/bin/env python3
"""Where Groundswell uses private Django internals, what the documented way would cost instead.

    python bench/internals.py [--database-url URL] [--calls N]

Each figure is the median of five batches of N calls in one process, in microseconds a call,
printed as `bench internals_<name>_<database>: <value> us`. The data is the side-by-side data
set at a small size (`bench_seed`), in a throw-away database (SQLite unless a URL is given).

lookup_*     the three hottest single-row reads (survey link, API key, ingest upsert) through
             `PreparedLookup` (SQL compiled once per connection, core/lib/prepared.py) against
             the same read with the ORM (`select_related().only().get()`), and on PostgreSQL
             also the ORM with psycopg's server-side binding and automatic prepared
             statements (`OPTIONS = {"server_side_binding": True, "prepare_threshold": 0}`).
session_*    loading a signed-in session: our store (core/sessions.py), Django's database store
             and Django's documented cached-database store.
insert_*     a new interaction stored through `PreparedInsert` (the INSERT compiled once per
             connection) against `save()`, in a transaction rolled back after each batch.
filters_*    the interaction list's filter fields: the form alone, rendered each time, and
             kept by the documented `{% cache %}` template tag as the list page does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_us(call: Callable[[], object], calls: int) -> float:
    call()  # warm: compile, connect, fill caches
    batches = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        batches.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(batches)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--redis-url", default="", help="a Redis for the caches (REDIS_URL)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gs-internals-"))
    sys.path.insert(0, str(ROOT))
    from bench.harness.django_env import start_django

    start_django(work, args.database_url, REDIS_URL=args.redis_url)
    run(work, args.calls)
    return 0


def run(work: Path, calls: int) -> None:
    from django.contrib.sessions.backends import cached_db, db
    from django.db import connection, transaction
    from django.template import Context, Template
    from django.test import RequestFactory

    from groundswell.api.models import ApiKey
    from groundswell.api.services import _KEY_BY_PREFIX
    from groundswell.core import sessions
    from groundswell.core.lib import tokens
    from groundswell.desk import benchdata as desk_bench
    from groundswell.desk.forms import InteractionFilterForm
    from groundswell.desk.models import Interaction
    from groundswell.desk.services import _INSERT_INTERACTION, _INTERACTION_BY_EXTERNAL_ID
    from groundswell.site import benchdata
    from groundswell.voice.invitations.services import _INVITATION_BY_HASH
    from groundswell.voice.models import Invitation

    tokens_file = work / "tokens.txt"
    benchdata.seed(interactions=5000, invitations=1000, tokens_file=tokens_file, responses=1000)
    fixture = benchdata.fixture()
    vendor = connection.vendor + ("_redis" if os.environ["REDIS_URL"] else "")
    token = tokens_file.read_text().split()[0]
    token_hash = tokens.hash_token(token)
    prefix = ApiKey.objects.get(name="benchmark").prefix
    interaction = Interaction.objects.order_by("pk").first()
    if interaction is None:
        raise SystemExit("bench_seed made no interactions")
    Interaction.objects.filter(pk=interaction.pk).update(external_id="bench-1", source="helpdesk")
    interaction.refresh_from_db()
    source, external_id = interaction.source, interaction.external_id

    def report(name: str, value: float) -> None:
        print(f"bench internals_{name}_{vendor}: {value:.1f} us", flush=True)

    def orm_invitation() -> object:
        return (
            Invitation.objects.select_related("version__survey", "interaction", "response")
            .filter(token_hash=token_hash)
            .first()
        )

    def orm_key() -> object:
        return (
            ApiKey.objects.unrevoked()
            .select_related("created_by")
            .only(
                "name",
                "prefix",
                "key_hash",
                "scope",
                "created_by_id",
                "last_used_at",
                "revoked_at",
                "created_by__full_name",
                "created_by__email",
                "created_by__role",
                "created_by__department_id",
                "created_by__team_id",
                "created_by__is_active",
            )
            .filter(prefix=prefix)
            .first()
        )

    def orm_interaction() -> object:
        return (
            Interaction.objects.select_related("team")
            .filter(source=source, external_id=external_id)
            .exclude(external_id="")
            .first()
        )

    lookups: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "invitation": (lambda: _INVITATION_BY_HASH.get(token_hash), orm_invitation),
        "api_key": (lambda: _KEY_BY_PREFIX.get(prefix), orm_key),
        "interaction": (
            lambda: _INTERACTION_BY_EXTERNAL_ID.get(source, external_id),
            orm_interaction,
        ),
    }
    for name, (prepared, orm) in lookups.items():
        if prepared() is None or orm() is None:
            raise SystemExit(f"the {name} lookup found nothing")
    for name, (prepared, orm) in lookups.items():
        report(f"lookup_{name}_prepared", median_us(prepared, calls))
        report(f"lookup_{name}_orm", median_us(orm, calls))
    if vendor == "postgresql":
        from django.conf import settings

        settings.GROUNDSWELL_PG_PREPARED_STATEMENTS = False
        for name, (prepared, _orm) in lookups.items():
            report(f"lookup_{name}_compiled_only", median_us(prepared, calls))
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options.update({"server_side_binding": True, "prepare_threshold": 0})
        connection.close()
        for name, (_prepared, orm) in lookups.items():
            report(f"lookup_{name}_orm_psycopg_prepared", median_us(orm, calls))
        del options["server_side_binding"], options["prepare_threshold"]
        connection.close()
        settings.GROUNDSWELL_PG_PREPARED_STATEMENTS = True

    opened_at = interaction.opened_at

    def new_interaction() -> Interaction:
        return Interaction(
            team_id=fixture["team_id"],
            channel="email",
            subject="Where is my refund?",
            opened_at=opened_at,
        )

    inserts: dict[str, Callable[[], object]] = {
        "prepared": lambda: _INSERT_INTERACTION.insert(new_interaction()),
        "orm_save": lambda: new_interaction().save(force_insert=True),
    }
    for name, insert in inserts.items():
        with transaction.atomic():
            report(f"insert_{name}", median_us(insert, calls))
            transaction.set_rollback(True)

    key = str(fixture["session"])
    cached_db.SessionStore(key).load()  # fills the cache
    stores: dict[str, Callable[[], object]] = {
        "ours": lambda: sessions.SessionStore(key).load(),
        "django_db": lambda: db.SessionStore(key).load(),
        "django_cached_db": lambda: cached_db.SessionStore(key).load(),
    }
    for name, load in stores.items():
        if not load():
            raise SystemExit(f"the {name} store found no session")
        report(f"session_{name}", median_us(load, calls))

    viewer = desk_bench.bench_admin()
    request = RequestFactory().get("/desk/", {"status": "open"})
    template = Template(
        "{% load cache %}{% cache 30 desk-filter-fields form.cache_key %}"
        "{% for field in form %}<div>{{ field.label_tag }}{{ field }}</div>{% endfor %}"
        "{% endcache %}"
    )
    plain = Template(
        "{% for field in form %}<div>{{ field.label_tag }}{{ field }}</div>{% endfor %}"
    )

    def form() -> InteractionFilterForm:
        return InteractionFilterForm(request.GET, viewer=viewer)

    report(
        "filters_uncached", median_us(lambda: plain.render(Context({"form": form()})), calls // 10)
    )
    report(
        "filters_cache_tag",
        median_us(lambda: template.render(Context({"form": form()})), calls // 10),
    )
    report("filters_form_only", median_us(form, calls // 10))


if __name__ == "__main__":
    sys.exit(main())
