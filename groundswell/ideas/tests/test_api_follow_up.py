"""The anonymous follow-up over /api/v1: no sign-in, nothing identifying, guessing braked."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from groundswell.ideas import services
from groundswell.ideas.choices import IdeaCategory, IdeaKind
from groundswell.ideas.models import Comment

FAILURES = settings.GROUNDSWELL_FOLLOW_UP_FAILURES

API = "/api/v1/ideas/follow-up"
NOT_FOUND = "That follow-up code does not open any submission."
THREAD_FIELDS = {
    "kind",
    "title",
    "body",
    "category",
    "department_name",
    "status",
    "decline_reason",
    "outcome",
    "submitted_at",
    "comments",
}


@pytest.fixture
def submitted(agent, customer_service):
    return services.submit_idea(
        actor=agent,
        kind=IdeaKind.ISSUE,
        title="Break room fridge",
        body="Broken for weeks.",
        category=IdeaCategory.WORKPLACE,
        department=customer_service,
        is_anonymous=True,
    )


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_code_opens_the_thread_without_signing_in(client, submitted, manager):
    services.reply(actor=manager, idea=submitted.idea, body="Which floor?")

    response = post(client, API, {"code": submitted.follow_up_code})

    body = response.json()
    assert response.status_code == 200
    assert set(body) == THREAD_FIELDS
    assert body["title"] == "Break room fridge"
    assert body["department_name"] == "Customer Service"
    assert body["status"] == "new"
    assert body["submitted_at"].endswith("T00:00:00Z")
    assert body["comments"] == [
        {
            "position": 1,
            "author_name": "Mona Manager",
            "is_from_submitter": False,
            "body": "Which floor?",
            "created_at": body["comments"][0]["created_at"],
        }
    ]


def test_the_code_works_as_typed_in_any_case_with_spaces(client, submitted):
    typed = " " + submitted.follow_up_code.lower().replace("-", " ") + " "

    assert post(client, API, {"code": typed}).status_code == 200


def test_the_submitter_answers_back_without_an_author(client, submitted, agent, manager):
    services.reply(actor=manager, idea=submitted.idea, body="Which floor?")

    response = post(client, f"{API}/reply", {"code": submitted.follow_up_code, "body": " Third. "})

    assert response.status_code == 201
    comments = response.json()["comments"]
    assert [c["body"] for c in comments] == ["Which floor?", "Third."]
    assert comments[1]["author_name"] is None
    assert comments[1]["is_from_submitter"] is True
    assert comments[1]["created_at"].endswith("T00:00:00Z")
    reply = Comment.objects.get(is_from_submitter=True)
    assert reply.author is None
    assert reply.created_at.time() == datetime.time(0, 0)


def test_nothing_in_the_thread_identifies_the_submitter(client, submitted, agent, manager):
    services.reply(actor=manager, idea=submitted.idea, body="Noted.")
    post(client, f"{API}/reply", {"code": submitted.follow_up_code, "body": "Thanks."})

    response = post(client, API, {"code": submitted.follow_up_code})

    text = response.text
    for identifying in (agent.full_name, agent.email, str(submitted.idea.pk), "submitted_by"):
        assert identifying not in text
    assert '"id"' not in text
    assert 'author"' not in text
    assert submitted.follow_up_code not in text
    assert not response.has_header("Set-Cookie")


def test_a_signed_in_caller_gets_the_same_anonymous_thread(client_for, manager, submitted):
    response = post(client_for(manager), API, {"code": submitted.follow_up_code})

    assert response.status_code == 200
    assert set(response.json()) == THREAD_FIELDS


def test_an_unknown_code_is_not_found_with_the_page_message(client, submitted):
    read = post(client, API, {"code": "ABCD-EFGH-JKMN-PQRS"})
    replied = post(client, f"{API}/reply", {"code": "ABCD-EFGH-JKMN-PQRS", "body": "Hello?"})

    assert read.status_code == replied.status_code == 404
    assert read.json()["detail"] == replied.json()["detail"] == NOT_FOUND
    assert not Comment.objects.exists()


def test_guessing_codes_is_braked_like_the_page(client, submitted):
    for _attempt in range(FAILURES):
        assert post(client, API, {"code": "ABCD-EFGH-JKMN-PQRS"}).status_code == 404

    blocked = post(client, API, {"code": submitted.follow_up_code})
    blocked_reply = post(client, f"{API}/reply", {"code": submitted.follow_up_code, "body": "x"})
    page = client.post(reverse("ideas:follow-up"), {"code": submitted.follow_up_code})

    assert blocked.status_code == blocked_reply.status_code == page.status_code == 429
    assert "wait a few minutes" in blocked.json()["detail"]
    assert not Comment.objects.exists()


def test_failures_on_the_page_count_towards_the_api_brake(client, submitted):
    for _attempt in range(FAILURES):
        client.post(reverse("ideas:follow-up"), {"code": "ABCD-EFGH-JKMN-PQRS"})

    assert post(client, API, {"code": submitted.follow_up_code}).status_code == 429


def test_a_right_code_does_not_count_as_a_failure(client, submitted):
    for _attempt in range(FAILURES + 2):
        assert post(client, API, {"code": submitted.follow_up_code}).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "x" * 5001}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "nul\x00"}, "body"),
        ({"code": "x" * 41, "body": "Hi"}, "code"),
        ({"code": "", "body": "Hi"}, "code"),
    ],
)
def test_bad_replies_name_the_field_and_write_nothing(data, field, client, submitted):
    response = post(client, f"{API}/reply", {"code": submitted.follow_up_code} | data)

    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not Comment.objects.exists()


def test_a_script_tag_is_stored_and_returned_as_plain_text(client, submitted):
    script = "<script>alert(1)</script>"

    response = post(client, f"{API}/reply", {"code": submitted.follow_up_code, "body": script})

    assert response.status_code == 201
    assert response.json()["comments"][0]["body"] == script
    assert response["Content-Type"].startswith("application/json")
