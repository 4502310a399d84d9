"""PreparedLookup: the same objects as the ORM, with the SQL compiled once per connection."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, MultipleObjectsReturned
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groundswell.core.lib.prepared import PreparedLookup
from groundswell.desk.models import Interaction
from groundswell.people.models import Person, Team
from groundswell.voice.models import Invitation, Response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db

BY_HASH = PreparedLookup(
    Invitation,
    lambda token_hash: Invitation.objects.filter(token_hash=token_hash),
    related={
        "version": None,
        "version__survey": None,
        "interaction": ("team_id", "channel"),
        "response": None,
    },
)
PEOPLE_BY_EMAIL = PreparedLookup(
    Person,
    lambda email: Person.objects.filter(email=email),
    fields=("full_name", "role", "team_id"),
    related={"team": None},
)


@pytest.fixture
def invitation(team_alpha: Team, agent: Person) -> Invitation:
    interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    invitation, _token = make_invitation(interaction, kind="nps")
    return invitation


def test_loads_the_row_and_its_relations_in_one_query(invitation: Invitation) -> None:
    with CaptureQueriesContext(connection) as queries:
        found = BY_HASH.get(invitation.token_hash)
        assert found is not None
        assert found.pk == invitation.pk
        assert found.version.survey.kind == "nps"
        assert found.interaction.team_id == invitation.interaction.team_id
        assert found.interaction.channel == "email"
        assert found.expires_at == invitation.expires_at
        assert found.expires_at.tzinfo is not None  # converters ran: an aware datetime
        assert found.version.reason_codes == invitation.version.reason_codes  # JSON decoded
        with pytest.raises(Response.DoesNotExist):
            found.response  # noqa: B018 - the missing reverse one-to-one is cached
    assert len(queries) == 1


def test_fields_left_out_are_deferred_and_load_on_access(invitation: Invitation) -> None:
    found = BY_HASH.get(invitation.token_hash)
    assert found is not None
    assert found.interaction.get_deferred_fields() >= {"subject", "handled_by_id"}
    with CaptureQueriesContext(connection) as queries:
        assert found.interaction.subject == invitation.interaction.subject
    assert len(queries) == 1


def test_a_reverse_one_to_one_is_linked_both_ways(invitation: Invitation) -> None:
    answer = Response.objects.create(
        invitation=invitation,
        kind="nps",
        score=9,
        team_id=invitation.interaction.team_id,
        channel="email",
        submitted_at=invitation.sent_at or invitation.expires_at,
    )
    found = BY_HASH.get(invitation.token_hash)
    assert found is not None
    with CaptureQueriesContext(connection) as queries:
        assert found.response.pk == answer.pk
        assert found.response.score == 9
        assert found.response.invitation is found
    assert len(queries) == 0


def test_unknown_key_gives_none_and_a_changed_row_is_seen(invitation: Invitation) -> None:
    assert BY_HASH.get("0" * 64) is None
    later = invitation.expires_at + datetime.timedelta(days=3)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=later)
    found = BY_HASH.get(invitation.token_hash)
    assert found is not None
    assert found.expires_at == later


def test_root_fields_and_a_missing_nullable_relation(team_alpha: Team, agent: Person) -> None:
    loner = Person.objects.create(
        full_name="Lee Loner",
        email="lee@example.test",
        role="agent",
        department=team_alpha.department,
    )
    found = PEOPLE_BY_EMAIL.get("lee@example.test")
    assert found is not None
    assert found.pk == loner.pk
    assert found.full_name == "Lee Loner"
    assert "email" in found.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert found.team is None
    assert len(queries) == 0
    with_team = PEOPLE_BY_EMAIL.get(agent.email)
    assert with_team is not None
    assert with_team.team == team_alpha


def test_the_sql_is_compiled_once_per_connection(invitation: Invitation) -> None:
    BY_HASH.get(invitation.token_hash)
    compiled = getattr(connection, BY_HASH.attribute)
    BY_HASH.get("f" * 64)
    assert getattr(connection, BY_HASH.attribute) is compiled


def test_two_keys(team_alpha: Team) -> None:
    stored = make_interaction(team_alpha, source="zendesk", external_id="T-1")
    make_interaction(team_alpha, source="freshdesk", external_id="T-1")
    lookup = PreparedLookup(
        Interaction,
        lambda source, external_id: Interaction.objects.filter(
            source=source, external_id=external_id
        ),
        related={"team": None},
        arity=2,
    )
    found = lookup.get("zendesk", "T-1")
    assert found is not None
    assert found.pk == stored.pk
    assert found.team == team_alpha
    assert lookup.get("zendesk", "T-2") is None
    with pytest.raises(TypeError, match="2 key"):
        lookup.get("zendesk")


def test_integer_keys(agent: Person) -> None:
    """Integer keys compile as ids no row has, and each call swaps in its own."""
    lookup = PreparedLookup(
        Person,
        lambda user_id: Person.objects.filter(user_id=user_id, is_active=True),
        related={"team": None, "department": None},
        numeric=True,
    )
    assert agent.user is not None
    with CaptureQueriesContext(connection) as queries:
        found = lookup.get(agent.user.pk)
        assert found is not None
        assert (found.pk, found.team, found.department) == (
            agent.pk,
            agent.team,
            agent.department,
        )
    assert len(queries) == 1
    assert lookup.get(agent.user.pk + 1000) is None
    Person.objects.filter(pk=agent.pk).update(is_active=False)
    assert lookup.get(agent.user.pk) is None


def test_more_than_one_row_is_an_error(team_alpha: Team) -> None:
    make_interaction(team_alpha, subject="Same")
    make_interaction(team_alpha, subject="Same")
    lookup = PreparedLookup(
        Interaction, lambda subject: Interaction.objects.filter(subject=subject)
    )
    with pytest.raises(MultipleObjectsReturned):
        lookup.get("Same")


def test_mistakes_are_named() -> None:
    with pytest.raises(ImproperlyConfigured, match="no field"):
        PreparedLookup(Person, lambda e: Person.objects.filter(email=e), fields=("nickname",))
    with pytest.raises(ImproperlyConfigured, match="not a relation"):
        PreparedLookup(Person, lambda e: Person.objects.filter(email=e), related={"email": None})
    twice = PreparedLookup(
        Person, lambda e: Person.objects.filter(email=e) | Person.objects.filter(full_name=e)
    )
    with pytest.raises(ImproperlyConfigured, match="exactly once"):
        twice.get("x")


def test_a_new_lookup_never_runs_an_old_ones_sql(team_alpha: Team, agent: Person) -> None:
    """Lookups made and dropped one after another may share a memory address."""
    for _ in range(20):
        by_email = PreparedLookup(Person, lambda e: Person.objects.filter(email=e))
        found = by_email.get(agent.email)
        assert isinstance(found, Person)
        assert found.pk == agent.pk
        by_name = PreparedLookup(Team, lambda name: Team.objects.filter(name=name))
        team = by_name.get(team_alpha.name)
        assert isinstance(team, Team)
        assert team.pk == team_alpha.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares on the server")
def test_on_postgresql_the_statement_is_prepared_once_a_session(agent: Person) -> None:
    from django.db import transaction

    lookup = PreparedLookup(Person, lambda e: Person.objects.filter(email=e))

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE %s",
                ["groundswell_lookup_%"],
            )
            return int(cursor.fetchone()[0])

    before = prepared()
    with pytest.raises(RuntimeError), transaction.atomic():
        _rolled_back_lookup(lookup, agent.email)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(7):  # past the runs PostgreSQL plans one by one
            found = lookup.get(agent.email)
            assert found is not None
            assert found.pk == agent.pk
        assert lookup.get("nobody@example.test") is None
    assert prepared() == before + 1
    assert all(query["sql"].startswith("EXECUTE ") for query in queries.captured_queries)

    # As after a reconnect: a new session has no prepared statements and prepares again.
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {lookup.statement_name}")
    setattr(connection, lookup.server_attribute, (object(), "EXECUTE nothing"))
    found = lookup.get(agent.email)
    assert found is not None
    assert found.pk == agent.pk
    assert prepared() == before + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares on the server")
def test_preparing_on_the_server_can_be_turned_off(agent: Person, settings: Any) -> None:
    """For a connection pooler in transaction mode, where a session's statements are not kept."""
    settings.GROUNDSWELL_PG_PREPARED_STATEMENTS = False
    lookup = PreparedLookup(Person, lambda e: Person.objects.filter(email=e))
    with CaptureQueriesContext(connection) as queries:
        found = lookup.get(agent.email)
    assert found is not None
    assert found.pk == agent.pk
    assert queries.captured_queries[0]["sql"].startswith("SELECT ")


def _rolled_back_lookup(lookup: PreparedLookup[Person], email: str) -> None:
    """The first use prepares; the rollback that follows leaves the statement in place."""
    assert lookup.get(email) is not None
    raise RuntimeError
