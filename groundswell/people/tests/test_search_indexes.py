"""The directory's search indexes: trigram indexes on PostgreSQL, nothing extra on SQLite."""

import pytest
from django.db import connection

SEARCH_INDEXES = {"person_search_full_name", "person_search_email", "person_search_job_title"}


@pytest.mark.django_db
def test_search_indexes_exist_on_postgresql_only() -> None:
    with connection.cursor() as cursor:
        found = set(connection.introspection.get_constraints(cursor, "people_person"))
    assert "person_name_order" in found
    if connection.vendor == "postgresql":
        assert found >= SEARCH_INDEXES
    else:
        assert not found & SEARCH_INDEXES


@pytest.mark.django_db
def test_the_search_finds_a_word_inside_a_name_whatever_its_case() -> None:
    """What the trigram indexes must keep answering: a case-blind substring match."""
    from groundswell.people.models import Person
    from groundswell.people.tests.factories import PersonFactory

    PersonFactory.create(full_name="Ada Smithson", email="ada@example.test")
    PersonFactory.create(full_name="Ben Jones", email="ben@example.test")

    found = set(Person.objects.search("MITHS").values_list("full_name", flat=True))

    assert found == {"Ada Smithson"}
