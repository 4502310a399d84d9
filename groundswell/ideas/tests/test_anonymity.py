"""Anonymous means anonymous: nothing stored leads from a person to what they raised anonymously."""

import datetime

from django.db import connection
from django.db.models import ForeignKey, ForeignObjectRel
from django.urls import reverse
from django.utils import timezone

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
