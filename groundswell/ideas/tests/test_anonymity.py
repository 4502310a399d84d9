"""Anonymous means anonymous: nothing stored leads from a person to what they raised anonymously."""

import datetime
import itertools
import random
import uuid

import pytest
from django.db import connection, transaction
from django.db.models import ForeignKey, ForeignObjectRel
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groundswell.core.lib.storage_order import scatter
from groundswell.ideas import services
from groundswell.ideas.choices import IdeaCategory, IdeaKind
from groundswell.ideas.models import Comment, Idea, StatusChange, Vote
from groundswell.people.models import Person

# Every column an idea has. A new one must be added here on purpose, after asking whether it
# could identify an anonymous submitter (an address, a session, a user agent, a precise time).
IDEA_COLUMNS = {
    "id",
    "kind",
    "title",
    "body",
    "category",
    "department_id",
    "policy_id",
    "status",
    "owner_id",
    "acknowledge_by",
    "acknowledged_at",
    "decline_reason",
    "outcome",
    "is_anonymous",
    "submitted_by_id",
    "follow_up_code_hash",
    "submitted_at",
    "reminded_at",
}
COMMENT_COLUMNS = {
    "id",
    "idea_id",
    "position",
    "author_id",
    "is_from_submitter",
    "body",
    "created_at",
}


def anonymous_submission(agent, manager, client_for):
    """The agent submits anonymously through the page, then answers back with the code."""
    response = client_for(agent).post(
        reverse("ideas:idea-create"),
        {
            "kind": IdeaKind.ISSUE,
            "title": "The night rota is unfair",
            "body": "Same people every weekend.",
            "category": IdeaCategory.WORKPLACE,
            "department": agent.department.pk,
            "is_anonymous": "on",
        },
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="AgentBrowser/1.0",
    )
    assert response.status_code == 200
    code = response.context["code"]
    idea = Idea.objects.get()
    services.reply(actor=manager, idea=idea, body="Thanks, we are looking at the rota.")
    services.reply_as_anonymous_submitter(code=code, body="It is worst in summer.")
    return idea, code


def test_no_relation_of_a_person_reaches_their_anonymous_idea(agent, manager, client_for):
    idea, _code = anonymous_submission(agent, manager, client_for)

    reachable: set[object] = set()
    for relation in Person._meta.get_fields():
        if not isinstance(relation, ForeignObjectRel):
            continue
        related = relation.related_model._default_manager.filter(**{relation.field.name: agent})
        if relation.related_model is Idea:
            reachable |= set(related.values_list("pk", flat=True))
        for field in relation.related_model._meta.get_fields():
            if isinstance(field, ForeignKey) and field.related_model is Idea:
                reachable |= set(related.values_list(field.attname, flat=True))
    assert idea.pk not in reachable
    assert not Idea.objects.filter(submitted_by=agent).exists()
    assert not Comment.objects.filter(author=agent).exists()
    assert not Vote.objects.filter(person=agent).exists()
    assert not StatusChange.objects.filter(actor=agent).exists()


def test_the_rows_hold_no_trace_of_the_submitter(agent, manager, client_for):
    _idea, code = anonymous_submission(agent, manager, client_for)
    assert agent.user is not None
    traces = [
        agent.full_name,
        agent.email,
        agent.user.username,
        "203.0.113.7",
        "AgentBrowser",
        code,
        code.replace("-", ""),
    ]

    with connection.cursor() as cursor:
        rows = []
        for table in (Idea._meta.db_table, Comment._meta.db_table, StatusChange._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            rows += [" ".join(str(value) for value in row) for row in cursor.fetchall()]
    text = "\n".join(rows)
    for trace in traces:
        assert trace not in text
    stored = Idea.objects.get()
    assert stored.submitted_by_id is None
    assert stored.is_anonymous


def test_the_columns_are_the_reviewed_ones():
    assert {field.column for field in Idea._meta.concrete_fields} == IDEA_COLUMNS
    assert {field.column for field in Comment._meta.concrete_fields} == COMMENT_COLUMNS


def test_anonymous_times_are_cut_to_the_day(agent, manager, client_for):
    _idea, _code = anonymous_submission(agent, manager, client_for)
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )

    assert Idea.objects.get().submitted_at == midnight
    submitter_reply = Comment.objects.get(is_from_submitter=True)
    assert submitter_reply.created_at == midnight
    assert Comment.objects.get(is_from_submitter=False).created_at > midnight


def test_the_mine_filter_never_finds_an_anonymous_idea(agent, manager, client_for):
    anonymous_submission(agent, manager, client_for)

    response = client_for(agent).get(reverse("ideas:idea-list"), {"mine": "submitted"})

    assert "The night rota is unfair" not in response.text
    assert "0 submissions" in response.text


def test_pages_and_api_show_no_submitter(agent, manager, client_for, org):
    idea, _code = anonymous_submission(agent, manager, client_for)

    page = client_for(manager).get(idea.get_absolute_url())
    api = client_for(manager).get(f"/api/v1/ideas/{idea.pk}")

    assert page.status_code == api.status_code == 200
    assert agent.full_name not in page.text
    assert "anonymous" in page.text
    assert api.json()["submitted_by"] is None
    assert agent.full_name not in api.text
    assert agent.email not in api.text


# --- Links an outside review tried: answers, row order, times, related rows -------------------


def _form(department, **extra):
    return {
        "kind": IdeaKind.IDEA,
        "title": "Quiet room",
        "body": "Somewhere to take a hard call.",
        "category": IdeaCategory.WORKPLACE,
        "department": department.pk,
        **extra,
    }


def _submit_page(client_for, person, **extra):
    return client_for(person).post(
        reverse("ideas:idea-create"), _form(person.department or person.team.department, **extra)
    )


def _stored_order(model):
    """The ids of `model`'s rows in the order the database keeps them (rowid, ctid)."""
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY {order}")  # noqa: S608 - our own names
        return [uuid.UUID(str(row[0])) for row in cursor.fetchall()]


def test_named_and_anonymous_submits_answer_alike(agent, other_agent, client_for):
    anonymous = _submit_page(client_for, agent, is_anonymous="on")
    named = _submit_page(client_for, other_agent)

    ids = {str(pk) for pk in Idea.objects.values_list("pk", flat=True)}
    assert anonymous.status_code == named.status_code == 200
    assert "Location" not in anonymous
    assert "Location" not in named
    assert sorted(anonymous.headers) == sorted(named.headers)
    for response in (anonymous, named):
        headers = " ".join(f"{name}: {value}" for name, value in response.headers.items())
        assert not any(pk in headers or pk in response.text for pk in ids)
        assert set(response.cookies) <= {"csrftoken"}  # no message kept for a later page
    assert anonymous.context["code"] in anonymous.text


def test_named_and_anonymous_thank_you_pages_weigh_the_same(agent, client_for):
    """An access log that records response sizes cannot tell the two submits apart either."""
    anonymous = _submit_page(client_for, agent, is_anonymous="on", title="One")
    named = _submit_page(client_for, agent, title="Two")

    assert anonymous.status_code == named.status_code == 200
    assert len(anonymous.content) == len(named.content)
    assert "Thank you for speaking up" in named.text


def test_the_api_answers_named_and_anonymous_submits_alike(agent, other_agent, client_for):
    def create(person, **extra):
        data = _form(person.team.department, **extra)
        return client_for(person).post("/api/v1/ideas", data, content_type="application/json")

    anonymous, named = create(agent, is_anonymous=True), create(other_agent)

    assert anonymous.status_code == named.status_code == 201
    assert sorted(anonymous.headers) == sorted(named.headers)
    assert "Location" not in anonymous
    assert anonymous.json().keys() == named.json().keys()
    assert anonymous.json()["submitted_by"] is None


def test_stored_order_does_not_say_which_anonymous_idea_came_when(
    agent, other_agent, manager, client_for
):
    # Access log: agent (anonymous), then the manager (named), then other_agent (anonymous).
    _submit_page(client_for, agent, is_anonymous="on", title="First")
    _submit_page(client_for, manager, title="Second")
    _submit_page(client_for, other_agent, is_anonymous="on", title="Third")
    by_title = dict(Idea.objects.values_list("title", "pk"))

    stored = _stored_order(Idea)

    # Not [First, Second, Third]: the day's anonymous ones are one block after the named one.
    assert stored[0] == by_title["Second"]
    assert set(stored[1:]) == {by_title["First"], by_title["Third"]}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="xmin is PostgreSQL's")
def test_on_postgresql_the_day_s_anonymous_ideas_share_one_writing_transaction(
    agent, other_agent, manager, client_for
):
    _submit_page(client_for, agent, is_anonymous="on", title="First")
    _submit_page(client_for, manager, title="Second")
    _submit_page(client_for, other_agent, is_anonymous="on", title="Third")

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title, xmin::text FROM {Idea._meta.db_table}")  # noqa: S608
        xmin = dict(cursor.fetchall())

    assert xmin["First"] == xmin["Third"] != xmin["Second"]


def test_anonymous_replies_are_stored_in_no_telling_order(agent, other_agent, manager, submit):
    first = services.submit_idea(
        actor=agent, **_idea_fields(agent), is_anonymous=True, title="First"
    )
    second = services.submit_idea(
        actor=other_agent, **_idea_fields(other_agent), is_anonymous=True, title="Second"
    )
    early = services.reply_as_anonymous_submitter(code=first.follow_up_code, body="Early")
    staff = services.reply(actor=manager, idea=second.idea, body="Staff")
    late = services.reply_as_anonymous_submitter(code=second.follow_up_code, body="Late")

    stored = _stored_order(Comment)

    assert stored[0] == staff.pk
    assert set(stored[1:]) == {early.pk, late.pk}


def _idea_fields(person):
    return {
        "kind": IdeaKind.IDEA,
        "body": "Details.",
        "category": IdeaCategory.OTHER,
        "department": person.team.department,
    }


def test_scatter_stores_the_rows_in_the_order_it_draws(agent):
    for title in "ABCDEF":
        services.submit_idea(actor=agent, **_idea_fields(agent), is_anonymous=True, title=title)
    rows = Idea.objects.filter(is_anonymous=True)
    before = _stored_order(Idea)
    # A repeatable order, not a secret; the first seed whose draw differs from the stored order
    # (random ids can already lie in the drawn order, one time in 720).
    for seed in itertools.count(7):
        expected = sorted(before)
        random.Random(seed).shuffle(expected)  # noqa: S311
        if expected != before:
            break

    with transaction.atomic():
        scatter(rows, rng=random.Random(seed))  # noqa: S311

    assert _stored_order(Idea) == expected != before
    assert Idea.objects.count() == 6


def test_an_anonymous_submit_writes_nothing_else_and_no_time_of_day(agent, client_for):
    client = client_for(agent)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("ideas:idea-create"), _form(agent.team.department, is_anonymous="on")
        )
    assert response.status_code == 200

    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    idea_table = Idea._meta.db_table
    assert writes
    assert all(idea_table in sql for sql in writes), writes
    stored = Idea.objects.get()
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    assert stored.submitted_at == midnight
    assert stored.acknowledged_at is None
    assert stored.reminded_at is None
    assert not StatusChange.objects.exists()
    assert not Vote.objects.exists()
