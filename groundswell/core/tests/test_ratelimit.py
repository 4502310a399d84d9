"""Request limits: one helper, counted in the shared "ratelimit" cache, each through its page."""

from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from groundswell.core.lib.ratelimit import CACHE_ALIAS, Limit, digest

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    CACHE_ALIAS: {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "groundswell_ratelimit",
    },
}


def _reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_password_resets_for_one_email_are_limited_from_any_address(agent, settings):
    settings.GROUNDSWELL_PASSWORD_RESETS_PER_EMAIL = 2
    answers = [_reset(Client(REMOTE_ADDR=f"198.51.100.{n}"), agent.email) for n in range(4)]

    assert len(mail.outbox) == 2
    # The same answer whether a mail went out or the limit held it back.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }


def test_password_resets_from_one_address_are_limited_for_any_email(agent, other_agent, settings):
    settings.GROUNDSWELL_PASSWORD_RESETS_PER_ADDRESS = 1
    client = Client(REMOTE_ADDR="198.51.100.7")

    first, second = _reset(client, agent.email), _reset(client, other_agent.email)
    elsewhere = _reset(Client(REMOTE_ADDR="198.51.100.8"), other_agent.email)

    assert [message.to for message in mail.outbox] == [[agent.email], [other_agent.email]]
    assert first.status_code == second.status_code == elsewhere.status_code == 302
    assert first["Location"] == second["Location"]
    done = client.get(second["Location"])
    assert "If an account uses that address" in done.text


def test_a_limit_admits_exactly_its_number_per_key_then_refuses():
    limit = Limit("test", 3)

    assert [limit.hit("a") for _ in range(5)] == [True, True, True, False, False]
    assert limit.hit("b")
    assert limit.count("a") == 3
    assert limit.is_full("a")
    assert not limit.is_full("b")
    assert Limit("off", 0).hit("a")


def test_the_database_cache_counts_and_keeps_no_address(settings, db):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    limit = Limit("test", 2)

    assert [limit.hit("203.0.113.7") for _ in range(3)] == [True, True, False]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM groundswell_ratelimit")
        keys = [row[0] for row in cursor.fetchall()]
    assert len(keys) == 2
    assert all(digest("203.0.113.7") in key for key in keys)
    assert not any("203.0.113.7" in key for key in keys)
    caches[CACHE_ALIAS].clear()


def test_migrate_creates_the_table_the_limits_count_in(settings, db):
    settings.CACHES = DATABASE_CACHE
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS groundswell_ratelimit")

    call_command("migrate", verbosity=0)

    assert "groundswell_ratelimit" in connection.introspection.table_names()
