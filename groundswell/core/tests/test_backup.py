"""Backups restore exactly what they hold and add no link between employees and their answers.

Every test runs on the engine the suite runs on: SQLite, or PostgreSQL when DATABASE_URL
points at one (CI runs both). A backup of PostgreSQL is taken by pg_dump from another
connection, which sees committed rows only, so the tests that back up are transactional.
Each restores into a database of its own: a file under tmp_path, or a PostgreSQL database
created for the test and dropped after it.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.utils import ConnectionHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groundswell.core.backups import archive, media, postgres, tables
from groundswell.core.backups.archive import BackupError
from groundswell.core.backups.backup import create_backup
from groundswell.core.backups.restore import prepare_restore
from groundswell.core.backups.tables import connect
from groundswell.core.imports import uploads
from groundswell.core.lib import tokens
from groundswell.core.models import Upload
from groundswell.ideas import services as ideas
from groundswell.ideas.choices import IdeaCategory, IdeaKind
from groundswell.people.tests.factories import PASSWORD
from groundswell.pulse import sealing
from groundswell.pulse.tests.factories import (
    answer_through_link,
    close,
    full_answers,
    launched,
    members,
)
from groundswell.voice.tests import factories as voice

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)
RESPONDENTS = 40  # a stored order matching the answer order by chance: 1 in 40!
SECRET = "Only I would say the night rota is unfair"
REPOSITORY = Path(__file__).resolve().parents[3]  # where manage.py is
NAME = re.compile(r"groundswell-\d{8}T\d{6}Z-(sqlite|postgresql)(-\d+)?\.tar\.gz")


# The target: a database of its own on the suite's engine ----------------------------------------


@pytest.fixture
def fresh_database(tmp_path):
    """A DATABASES entry for an empty database on the suite's engine."""
    if connection.vendor == "sqlite":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(3)}"
    with _server() as server:
        server.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with _server() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _server():
    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"],
        "port": settings["PORT"],
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True)


@pytest.fixture
def media_root(tmp_path, settings):
    """Uploads on disk (the suite keeps them in memory), under a MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def contents(database, *, skip=()):
    """Each table's row count and a SHA-256 of its rows in primary-key order."""
    found = {}
    quote = database.ops.quote_name
    with database.cursor() as cursor:
        for table in database.introspection.table_names(cursor):
            if table in skip:
                continue
            key = database.introspection.get_primary_key_column(cursor, table)
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(key)}")  # noqa: S608
            rows = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
            found[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def column(database, sql, params=()):
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def unpacked_bytes(path: Path) -> bytes:
    """Every member of the archive, decompressed and joined: what a reader of the file sees."""
    with tarfile.open(path, "r:gz") as tar:
        return b"\n".join(
            tar.extractfile(member).read() for member in tar.getmembers() if member.isfile()
        )


def pool_key(secret_key: str) -> bytes:
    """The pending pool's key, derived here as pulse/sealing.py does, to look for it."""
    purpose = b"groundswell.pulse.pending-pool"
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=purpose, info=purpose + b" fernet key")
    return hkdf.derive(secret_key.encode())


def restore(path, database, media, *, force=False):
    with prepare_restore(path, database=database, media_root=media, force=force) as staged:
        staged.apply()
    return staged


# A small organisation with every kind of data ---------------------------------------------------


def seed(admin, team, media):
    """People answering a closed wave one after the other, an open wave with sealed answers,
    ideas named and anonymous, customer answers, uploads, a session and a sign-in log."""
    people = members(team, RESPONDENTS)
    campaign, _wave, links = launched(admin, teams=[team])
    order = []
    for number, person in enumerate(people):
        label = f"respondent {number:02}"
        assert answer_through_link(links[person.email], full_answers(campaign), label) == 302
        order.append(label)
    close(admin, campaign)

    later, open_wave, open_links = launched(admin, teams=[team])
    for person in people[:5]:
        assert answer_through_link(open_links[person.email], full_answers(later), SECRET) == 302

    form = {
        "actor": people[0],
        "kind": IdeaKind.IDEA,
        "title": "Quiet room",
        "body": "Somewhere to take a hard call.",
        "category": IdeaCategory.WORKPLACE,
        "department": team.department,
    }
    ideas.submit_idea(**form)
    anonymous = ideas.submit_idea(**form, is_anonymous=True)

    interaction = voice.make_interaction(team, customer=voice.make_customer())
    _invitation, survey_token = voice.make_invitation(interaction)
    voice.answers(team, "csat", [5, 4, 2, 5], at=timezone.now())

    kept = uploads.store(b"email,name\nkept@example.test,Kept\n", owner="people.person:1", name="a")
    expired = uploads.store(
        b"email,name\nold@example.test,Old\n", owner="people.person:1", name="b"
    )
    Upload.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    (media / "logo.txt").write_text("not an upload")

    browser = Client()
    browser.post(reverse("login"), {"username": admin.email, "password": PASSWORD})
    return {
        "order": order,
        "open_wave": open_wave,
        "links": [*links.values(), *open_links.values(), survey_token],
        "follow_up_code": anonymous.follow_up_code,
        "session": browser.cookies["sessionid"].value,
        "uploads": (kept, expired),
    }


# Round trip -------------------------------------------------------------------------------------


@TRANSACTIONAL
def test_a_restored_backup_holds_every_table_as_it_was_and_no_link_to_respondents(
    admin, team_alpha, fresh_database, media_root, tmp_path, settings
):
    seeded = seed(admin, team_alpha, media_root)
    backup = create_backup(directory=tmp_path / "backups")
    excluded = set(backup.manifest.excluded)

    staged = restore(backup.path, fresh_database, tmp_path / "restored-media")

    with connect(fresh_database) as restored:
        before = contents(connection, skip=excluded)
        after = contents(restored, skip=excluded)
        assert after == before  # every table, row for row
        assert before["pulse_answer"][0] > RESPONDENTS
        assert before["ideas_idea"][0] == 2
        for table in ("django_session", "axes_accesslog"):
            assert column(connection, f"SELECT COUNT(*) FROM {table}") != [0]  # noqa: S608
            assert column(restored, f"SELECT COUNT(*) FROM {table}") == [0]  # noqa: S608
        _assert_no_link_to_respondents(restored, seeded["order"])
        pool = column(
            restored,
            "SELECT sealed FROM pulse_pendingsubmission WHERE wave_id = %s",
            [seeded["open_wave"].pk],
        )
    # The open wave's answers stay sealed, and the key kept apart from the backup opens them.
    assert [payload["comment"] for payload in sealing.unseal_all(pool, wave="test")] == [SECRET] * 5
    assert staged.pending_migrations == []

    kept, expired = seeded["uploads"]
    restored_media = tmp_path / "restored-media"
    assert (restored_media / kept.file.name).read_bytes() == kept.file.open("rb").read()
    assert not (restored_media / expired.file.name).exists()  # past retention: left out
    assert (restored_media / "logo.txt").read_text() == "not an upload"

    blob = unpacked_bytes(backup.path)
    assert admin.email.encode() in blob  # the search reads the rows themselves ...
    assert tokens.hash_token(seeded["links"][0]).encode() in blob
    secrets_kept_apart = [
        settings.SECRET_KEY,
        pool_key(settings.SECRET_KEY),
        base64.urlsafe_b64encode(pool_key(settings.SECRET_KEY)),
        SECRET,  # an open wave's comment, sealed
        seeded["follow_up_code"],
        seeded["session"],
        *seeded["links"],  # pulse and survey link tokens
    ]
    for value in secrets_kept_apart:  # ... and finds none of these
        needle = value if isinstance(value, bytes) else value.encode()
        assert needle not in blob, value


def _assert_no_link_to_respondents(restored, order):
    """The order people answered in shows neither in the rows' physical order nor in their
    keys (as pulse/tests/test_linkability.py checks on the live database)."""
    position = "rowid" if restored.vendor == "sqlite" else "ctid"
    by_position = column(
        restored,
        "SELECT c.text FROM pulse_submission s JOIN pulse_comment c ON c.submission_id = s.id "  # noqa: S608
        f"ORDER BY s.{position}",
    )
    by_key = column(
        restored,
        "SELECT c.text FROM pulse_submission s JOIN pulse_comment c ON c.submission_id = s.id "
        "ORDER BY s.id",
    )
    answers = list(
        dict.fromkeys(
            column(
                restored,
                "SELECT c.text FROM pulse_answer a JOIN pulse_comment c "  # noqa: S608
                f"ON c.submission_id = a.submission_id ORDER BY a.{position}",
            )
        )
    )
    for stored in (by_position, by_key, answers):
        assert sorted(stored) == order
        assert stored not in (order, order[::-1])
    if restored.vendor == "postgresql":
        # Restored in one transaction: not even the invitations keep the order of answering.
        assert len(set(column(restored, "SELECT xmin::text FROM pulse_participation"))) == 1


# Refusals that leave the target as it was -------------------------------------------------------


def _cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _not_gzip(path: Path) -> None:
    path.write_text("email,name\nnot@a.backup,Nobody\n")


def _no_manifest(path: Path) -> None:
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("database.sqlite3")
        tar.addfile(info, io.BytesIO(b""))


DAMAGE = {
    "cut short": (_cut_short, "damaged or incomplete|cut short|does not match"),
    "a byte flipped": (_flip_a_byte, "damaged or incomplete|does not match"),
    "not gzip": (_not_gzip, "damaged or incomplete"),
    "no manifest": (_no_manifest, "does not start with manifest.json"),
    "empty": (lambda path: path.write_bytes(b""), "damaged or incomplete|manifest.json"),
}


@TRANSACTIONAL
def test_a_damaged_backup_is_refused_and_the_database_left_untouched(
    admin, team_alpha, fresh_database, media_root, tmp_path
):
    seed(admin, team_alpha, media_root)
    backup = create_backup(directory=tmp_path / "backups")
    target_media = tmp_path / "target-media"
    restore(backup.path, fresh_database, target_media)
    with connect(fresh_database) as target:
        before = contents(target)
    media_before = sorted(p.relative_to(target_media) for p in target_media.rglob("*"))

    for kind, (damage, message) in DAMAGE.items():
        damaged = tmp_path / f"{kind}.tar.gz"
        damaged.write_bytes(backup.path.read_bytes())
        damage(damaged)
        with pytest.raises(BackupError, match=message) as refused:
            prepare_restore(damaged, database=fresh_database, media_root=target_media, force=True)
        assert "Nothing was changed" in str(refused.value) or "not a Groundswell" in str(
            refused.value
        ), kind

    with connect(fresh_database) as target:
        assert contents(target) == before
    assert sorted(p.relative_to(target_media) for p in target_media.rglob("*")) == media_before
    leftovers = [p.name for p in tmp_path.iterdir() if "restoring" in p.name]
    assert leftovers == []  # no staging file or folder stays behind


@TRANSACTIONAL
def test_a_database_with_data_is_replaced_only_when_forced(
    admin, team_alpha, fresh_database, media_root, tmp_path
):
    seed(admin, team_alpha, media_root)
    backup = create_backup(directory=tmp_path / "backups")
    restore(backup.path, fresh_database, tmp_path / "target-media")
    (tmp_path / "target-media" / "added after the backup.txt").write_text("gone after a restore")

    with pytest.raises(BackupError, match=r"already has data \(it holds \d+ user accounts\)"):
        restore(backup.path, fresh_database, tmp_path / "target-media")
    restore(backup.path, fresh_database, tmp_path / "target-media", force=True)

    assert not (tmp_path / "target-media" / "added after the backup.txt").exists()
    with connect(fresh_database) as target:
        assert contents(target, skip=backup.manifest.excluded) == contents(
            connection, skip=backup.manifest.excluded
        )


# The manifest is judged first -------------------------------------------------------------------


def rewrite_manifest(source: Path, target: Path, change) -> None:
    """A copy of the archive with its manifest changed (its other members as they were)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                document = json.loads(data)
                change(document)
                data = json.dumps(document).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))


@TRANSACTIONAL
def test_a_backup_from_newer_code_is_refused_and_an_older_one_is_migrated(
    admin, fresh_database, tmp_path
):
    backup = create_backup(directory=tmp_path / "backups")
    newer = tmp_path / "newer.tar.gz"
    rewrite_manifest(
        backup.path,
        newer,
        lambda manifest: manifest["migrations"]["pulse"].append("0099_from_the_future"),
    )
    older = tmp_path / "older.tar.gz"
    latest = backup.manifest.migrations["core"][-1]
    rewrite_manifest(backup.path, older, lambda manifest: manifest["migrations"]["core"].pop())

    with pytest.raises(BackupError, match=r"newer Groundswell.*pulse\.0099_from_the_future"):
        prepare_restore(newer, database=fresh_database, media_root=tmp_path / "media")
    with prepare_restore(older, database=fresh_database, media_root=tmp_path / "media") as staged:
        assert staged.pending_migrations == [f"core.{latest}"]


@TRANSACTIONAL
def test_a_backup_restores_only_into_its_own_engine(admin, fresh_database, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    moved = tmp_path / "other-engine.tar.gz"
    rewrite_manifest(
        backup.path,
        moved,
        lambda manifest: manifest.update(
            engine=other, database={**manifest["database"], "path": f"database.{other}"}
        ),
    )

    with pytest.raises(BackupError, match="names an unexpected database file"):
        prepare_restore(moved, database=fresh_database, media_root=tmp_path / "media")
    rewrite_manifest(
        backup.path,
        moved,
        lambda manifest: manifest.update(
            engine=other,
            database={
                **manifest["database"],
                "path": "database.sqlite3" if other == "sqlite" else "database.pgdump",
            },
        ),
    )
    with pytest.raises(BackupError, match="restores into the engine it was made from"):
        prepare_restore(moved, database=fresh_database, media_root=tmp_path / "media")


# Commands ---------------------------------------------------------------------------------------


@pytest.fixture
def restore_alias(fresh_database, monkeypatch):
    """The fresh database under a connection alias of its own, for `restore --database`."""
    entry = ConnectionHandler({"default": fresh_database}).settings["default"]
    monkeypatch.setitem(connections.settings, "restored", entry)
    yield "restored"
    connections["restored"].close()
    del connections["restored"]


@TRANSACTIONAL
def test_the_commands_write_a_private_file_and_restore_it_after_a_yes(
    admin, media_root, restore_alias, tmp_path, monkeypatch, capsys
):
    call_command("backup", str(tmp_path / "backups"))
    [written] = (tmp_path / "backups").iterdir()
    assert NAME.fullmatch(written.name)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # personal data: the owner alone
    assert "Not in the backup: SECRET_KEY" in capsys.readouterr().out

    answers = iter(["no", EOFError, "yes"])  # EOFError: no terminal to answer from (cron)

    def answer(prompt):
        given = next(answers)
        if given is EOFError:
            raise EOFError
        return given

    monkeypatch.setattr("builtins.input", answer)
    for _refusal in range(2):
        with pytest.raises(CommandError, match="Nothing was restored"):
            call_command("restore", str(written), "--database", restore_alias)
    with connect(connections[restore_alias].settings_dict) as target:
        assert contents(target) == {} or "auth_user" not in contents(target)
    call_command("restore", str(written), "--database", restore_alias)

    out = capsys.readouterr().out
    assert "It replaces" in out
    assert f"Restored {written}" in out
    with connect(connections[restore_alias].settings_dict) as target:
        assert column(target, "SELECT email FROM auth_user") == [admin.email]
    with pytest.raises(CommandError, match="already has data"):
        call_command("restore", str(written), "--database", restore_alias, "--no-input")


@TRANSACTIONAL
def test_two_backups_in_one_second_keep_both(tmp_path):
    moment = timezone.now()
    first = create_backup(directory=tmp_path, now=moment)
    second = create_backup(directory=tmp_path, now=moment)

    assert first.path != second.path
    assert NAME.fullmatch(first.path.name)
    assert NAME.fullmatch(second.path.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.path.name, second.path.name]
    )  # no partial or working files either


# SQLite: the site must be stopped --------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's file swap")
@TRANSACTIONAL
def test_a_sqlite_database_still_open_elsewhere_is_not_replaced(
    admin, fresh_database, restore_alias, tmp_path
):
    backup = create_backup(directory=tmp_path / "backups")
    restore(backup.path, fresh_database, tmp_path / "media")
    target = Path(fresh_database["NAME"])
    site = sqlite3.connect(target)  # the site, still running, in WAL mode as it runs
    site.execute("PRAGMA journal_mode=WAL")
    site.execute("SELECT COUNT(*) FROM auth_user").fetchall()
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    try:
        with (
            prepare_restore(
                backup.path, database=fresh_database, media_root=tmp_path / "media", force=True
            ) as staged,
            pytest.raises(BackupError, match="is in use: stop the web server"),
        ):
            staged.apply()
        with pytest.raises(CommandError, match=r"is in use: .* Nothing was changed"):
            call_command(
                "restore", str(backup.path), "--database", restore_alias, "--no-input", "--force"
            )
    finally:
        site.close()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
    assert [p.name for p in target.parent.iterdir() if "restoring" in p.name] == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's integrity check")
@TRANSACTIONAL
def test_a_backup_of_an_unsound_sqlite_file_is_refused(admin, fresh_database, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    unsound = tmp_path / "unsound.tar.gz"
    garbage = secrets.token_bytes(8192)  # checksums that match it: damaged before it was packed
    with tarfile.open(backup.path, "r:gz") as old, tarfile.open(unsound, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                document = json.loads(data)
                document["database"].update(
                    size=len(garbage), sha256=hashlib.sha256(garbage).hexdigest()
                )
                data = json.dumps(document).encode()
            elif member.name == "database.sqlite3":
                data = garbage
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))

    with pytest.raises(BackupError, match="is not a sound SQLite database"):
        prepare_restore(unsound, database=fresh_database, media_root=tmp_path / "media")
    assert not Path(fresh_database["NAME"]).exists()


def test_a_request_limit_table_in_the_database_is_left_out(settings):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "groundswell_ratelimit",
        },
    }
    assert "groundswell_ratelimit" in tables.excluded_tables()
    assert "django_session" in tables.excluded_tables()


def test_an_in_memory_database_cannot_be_a_target(tmp_path):
    with pytest.raises(BackupError, match="needs a database file"):
        prepare_restore(
            tmp_path / "any.tar.gz",
            database={"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
            media_root=tmp_path / "media",
        )


# PostgreSQL client tools ------------------------------------------------------------------------


def test_a_missing_pg_dump_says_which_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError) as missing:
        postgres.tool("pg_dump")
    assert str(missing.value) == (
        "pg_dump was not found: install the PostgreSQL client tools "
        "(apt-get install postgresql-client)."
    )


def test_client_tools_older_than_the_server_are_named_with_the_version_to_install(
    monkeypatch, tmp_path
):
    fake = tmp_path / "pg_dump"  # stands in for Debian's pg_dump 14 on a machine with 15 or 16
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.11 (Debian 14.11-1.pgdg120+1)'\n")
    fake.chmod(0o755)

    assert postgres.major_version(str(fake)) == 14
    problem = postgres.version_problem(str(fake), 14, 16, what="the PostgreSQL server")
    assert problem is not None
    assert problem.startswith("pg_dump is version 14 but the PostgreSQL server is version 16")
    assert "apt-get install postgresql-client-16" in problem
    assert postgres.version_problem(str(fake), 16, 15, what="the PostgreSQL server") is None


def test_the_password_reaches_the_tools_in_their_environment_not_their_arguments():
    environment = postgres.libpq_environment(
        {
            "NAME": "groundswell",
            "USER": "gs",
            "PASSWORD": "s3cret",
            "HOST": "db.example.test",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "require", "pool": True},
        }
    )
    assert {k: environment[k] for k in ("PGDATABASE", "PGUSER", "PGPASSWORD", "PGHOST")} == {
        "PGDATABASE": "groundswell",
        "PGUSER": "gs",
        "PGPASSWORD": "s3cret",
        "PGHOST": "db.example.test",
    }
    assert (environment["PGPORT"], environment["PGSSLMODE"]) == ("5433", "require")
    assert "PGPOOL" not in environment


def test_a_manifest_naming_a_file_outside_the_media_folder_is_refused(tmp_path):
    document = {
        "format": "groundswell-backup",
        "format_version": 1,
        "created_at": "2026-01-01T00:00:00+00:00",
        "engine": "sqlite",
        "versions": {},
        "database": {"path": "database.sqlite3", "size": 0, "sha256": ""},
        "migrations": {},
        "tables": {},
        "excluded": {},
        "media": {
            "files": [{"path": "media/../../etc/cron.d/x", "size": 0, "sha256": ""}],
            "left_out": {},
        },
    }
    with pytest.raises(BackupError, match="outside the media folder"):
        archive.Manifest.from_json(json.dumps(document).encode())
    document["format_version"] = 2
    with pytest.raises(BackupError, match="reads version 1 and older"):
        archive.Manifest.from_json(json.dumps(document).encode())
    with pytest.raises(BackupError, match="not valid JSON"):
        archive.Manifest.from_json(gzip.compress(b"{}"))


def _database_url(entry):
    if entry["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{entry['NAME']}"
    user, password = (urllib.parse.quote(entry[key], safe="") for key in ("USER", "PASSWORD"))
    return f"postgres://{user}:{password}@{entry['HOST']}:{entry['PORT']}/{entry['NAME']}"


@TRANSACTIONAL
def test_restoring_an_older_backup_migrates_it_unless_told_not_to(
    admin, fresh_database, restore_alias, tmp_path, capsys
):
    backup = create_backup(directory=tmp_path / "backups")
    older = tmp_path / "older.tar.gz"
    rewrite_manifest(backup.path, older, lambda manifest: manifest["migrations"]["core"].pop())

    call_command("restore", str(older), "--database", restore_alias, "--no-input", "--no-migrate")
    assert "predates 1 migrations of this code: run `groundswell migrate`" in (
        capsys.readouterr().out
    )
    # As an operator runs it (migrate needs the target as the site's own database, which the
    # test harness keeps to its test database).
    restoring = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(older), "--no-input", "--force"],
        cwd=REPOSITORY,
        env={
            **os.environ,
            "GROUNDSWELL_ENV": "test",
            "DATABASE_URL": _database_url(fresh_database),
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert restoring.returncode == 0, restoring.stderr
    assert "predates 1 migrations of this code; migrating." in restoring.stdout


# What a restore will not overwrite, and archives that are not what they claim -------------------


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite target files")
@TRANSACTIONAL
def test_a_file_that_is_not_a_groundswell_database_is_replaced_only_when_forced(admin, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("Not a database: someone's notes, at the path DATABASE_URL names.")

    for target, holds in ((foreign, "1 tables and is not a Groundswell"), (notes, "not a SQLite")):
        entry = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(target)}
        before = target.read_bytes()
        with pytest.raises(BackupError, match=f"already has data \\(it (holds |is ){holds}"):
            prepare_restore(backup.path, database=entry, media_root=tmp_path / "media")
        assert target.read_bytes() == before
    restore(
        backup.path,
        {"ENGINE": "django.db.backends.sqlite3", "NAME": str(notes)},
        tmp_path / "m",
        force=True,
    )
    with connect({"ENGINE": "django.db.backends.sqlite3", "NAME": str(notes)}) as restored:
        assert column(restored, "SELECT email FROM auth_user") == [admin.email]


@TRANSACTIONAL
def test_an_archive_with_more_than_its_manifest_lists_is_refused(admin, fresh_database, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    padded = tmp_path / "padded.tar.gz"
    with tarfile.open(backup.path, "r:gz") as old, tarfile.open(padded, "w:gz") as new:
        for member in old.getmembers():
            new.addfile(member, old.extractfile(member))
        extra = tarfile.TarInfo("media/../../../etc/cron.d/groundswell")
        extra.size = 4
        new.addfile(extra, io.BytesIO(b"boom"))

    with pytest.raises(BackupError, match="which its manifest does not list"):
        prepare_restore(padded, database=fresh_database, media_root=tmp_path / "media")
    assert not (tmp_path / "media").exists()


def test_a_missing_file_or_a_folder_is_no_backup(tmp_path):
    entry = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "target.sqlite3")}
    with pytest.raises(BackupError, match="no such file"):
        prepare_restore(tmp_path / "missing.tar.gz", database=entry, media_root=tmp_path / "m")
    with pytest.raises(BackupError, match="is a folder, not a backup file"):
        prepare_restore(tmp_path, database=entry, media_root=tmp_path / "m")
    with pytest.raises(BackupError, match="Backups cover SQLite and PostgreSQL"):
        prepare_restore(
            tmp_path, database={"ENGINE": "django.db.backends.mysql"}, media_root=tmp_path / "m"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no staging left behind


def test_the_backup_command_names_an_unknown_database(tmp_path):
    with pytest.raises(CommandError, match="nope"):
        call_command("backup", str(tmp_path), "--database", "nope")


# Media ------------------------------------------------------------------------------------------


def test_media_links_and_expired_or_orphaned_uploads_are_left_out(tmp_path):
    root = tmp_path / "media"
    (root / "uploads").mkdir(parents=True)
    (root / "uploads" / "live.bin").write_bytes(b"waiting to be imported")
    (root / "uploads" / "expired.bin").write_bytes(b"past retention")
    (root / "uploads" / "orphan.bin").write_bytes(b"no row names it")
    (root / "logo.txt").write_text("kept")
    (root / "elsewhere").symlink_to(tmp_path)  # a link out of the media folder
    (root / "passwd").symlink_to("/etc/passwd")

    files, left_out = media.collect(root, live={"uploads/live.bin"})

    assert [item.path for item in files] == ["media/logo.txt", "media/uploads/live.bin"]
    assert files[1].sha256 == hashlib.sha256(b"waiting to be imported").hexdigest()
    assert left_out == {"expired or orphaned uploads": 2, "symbolic links": 2}


def test_a_media_file_that_changes_while_it_is_archived_fails_the_backup(tmp_path):
    changing = tmp_path / "uploads.bin"
    changing.write_bytes(b"first")
    listed = archive.StoredFile(
        path="media/uploads.bin", size=5, sha256=hashlib.sha256(b"first").hexdigest()
    )
    manifest = archive.Manifest(
        created_at=timezone.now(),
        engine="sqlite",
        versions={},
        database=archive.StoredFile(
            path="database.sqlite3", size=0, sha256=hashlib.sha256(b"").hexdigest()
        ),
        migrations={},
        tables={},
        excluded={},
        media=[listed],
        left_out={},
    )
    database = tmp_path / "database.sqlite3"
    database.write_bytes(b"")
    changing.write_bytes(b"other")  # same size, other bytes

    with pytest.raises(BackupError, match="changed while it was being backed up"):
        archive.write(io.BytesIO(), manifest, database=database, media=lambda item: changing)
    changing.unlink()
    with pytest.raises(BackupError, match="changed or went away"):
        archive.write(io.BytesIO(), manifest, database=database, media=lambda item: changing)


# PostgreSQL's tools, where they fail ------------------------------------------------------------


def test_the_tools_failures_are_told_in_one_line_with_what_to_do():
    def failing(message):
        return ["sh", "-c", f"echo 'pg_dump: error: {message}' >&2; exit 1"]

    environment = dict(os.environ)
    with pytest.raises(BackupError, match="older than the server or the backup") as mismatch:
        postgres._run(
            failing("aborting because of server version mismatch"), env=environment, what="pg_dump"
        )
    assert str(mismatch.value).startswith("pg_dump failed: pg_dump: error: aborting")
    with pytest.raises(BackupError, match=r"stop it, then restore\. The restore ran in one"):
        postgres._run(
            failing("canceling statement due to lock timeout"),
            env=environment,
            what="pg_restore",
            rolled_back=True,
        )
    with pytest.raises(BackupError, match="could not be started"):
        postgres._run(["/nonexistent/pg_dump"], env=environment, what="pg_dump")


@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="needs PostgreSQL's client tools")
def test_a_dump_pg_restore_cannot_read_is_refused_before_the_database_is_touched(tmp_path):
    damaged = tmp_path / "database.pgdump"
    damaged.write_bytes(b"PGDMP" + secrets.token_bytes(64))
    version = postgres.major_version(postgres.tool("pg_restore"))

    with pytest.raises(BackupError, match=f"install postgresql-client-{version + 1}"):
        postgres.check_archive(damaged, version + 1)
    with pytest.raises(BackupError, match="pg_restore failed"):
        postgres.check_archive(damaged, version)
    with pytest.raises(BackupError, match="rolled back: the database is as it was"):
        postgres.restore(damaged, {"NAME": "groundswell_never_created", "HOST": "127.0.0.1"})


def test_a_postgresql_backup_needs_a_transaction_of_its_own(db):
    with pytest.raises(BackupError, match="needs a transaction of its own"):
        postgres.Snapshot(connection)  # tests run inside one


@TRANSACTIONAL
def test_a_database_that_differs_from_its_manifest_is_refused(admin, fresh_database, tmp_path):
    backup = create_backup(directory=tmp_path / "backups")
    tampered = tmp_path / "tampered.tar.gz"
    rewrite_manifest(
        backup.path,
        tampered,
        lambda manifest: manifest["tables"]["auth_user"].update(rows=2, sha256="0" * 64),
    )

    if connection.vendor == "sqlite":  # checked on the staged copy, before the swap
        with pytest.raises(BackupError, match="differs from its manifest in auth_user: the backup"):
            prepare_restore(tampered, database=fresh_database, media_root=tmp_path / "media")
        assert not Path(fresh_database["NAME"]).exists()
    else:  # checked after pg_restore has committed
        with (
            prepare_restore(
                tampered, database=fresh_database, media_root=tmp_path / "media"
            ) as staged,
            pytest.raises(BackupError, match=r"restored database differs .* in auth_user"),
        ):
            staged.apply()
