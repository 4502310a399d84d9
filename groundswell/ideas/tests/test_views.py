"""Open door pages, for every role: who gets in, who is refused, and what they see."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from groundswell.ideas import services
from groundswell.ideas.choices import IdeaCategory, IdeaKind, IdeaStatus
from groundswell.ideas.models import Comment, Idea, Policy
from groundswell.ideas.tests.factories import PolicyFactory

FAILURES = settings.GROUNDSWELL_FOLLOW_UP_FAILURES

ALL_ROLES = ("agent", "team_lead", "manager", "executive", "admin", "outsider")
ACTORS = {"manager", "admin"}  # on a Customer Service submission with no routing rule


def form(department, **extra):
    return {
        "kind": IdeaKind.IDEA,
        "title": "Callback slots",
        "body": "Let customers pick a callback time.",
        "category": IdeaCategory.CUSTOMER_EXPERIENCE,
        "department": department.pk,
        **extra,
    }


@pytest.mark.parametrize(
    "name", ["ideas:idea-list", "ideas:idea-create", "ideas:acted", "ideas:policy-list"]
)
def test_visitors_are_sent_to_sign_in(name, client, db):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(
    "name",
    [
        "ideas:idea-list",
        "ideas:idea-create",
        "ideas:acted",
        "ideas:policy-list",
        "ideas:policy-review-queue",
    ],
)
def test_every_employee_opens_the_open_door_pages(name, role, org, client_for):
    assert client_for(org[role]).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_reads_a_submission_but_only_actors_see_status_actions(
    role, org, client_for, submit
):
    idea = submit(org["agent"])

    response = client_for(org[role]).get(idea.get_absolute_url())

    assert response.status_code == 200
    assert ("Change status" in response.text) is (role in ACTORS)
    assert ("Post reply" in response.text) is (role in ACTORS | {"agent"})


def test_an_unknown_submission_is_not_found(agent, client_for):
    url = reverse("ideas:idea-detail", args=["00000000-0000-0000-0000-000000000000"])

    assert client_for(agent).get(url).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_status_changes_per_role(role, org, client_for, submit):
    idea = submit(org["agent"])

    response = client_for(org[role]).post(
        reverse("ideas:idea-transition", args=[idea.pk]), {"status": IdeaStatus.ACKNOWLEDGED}
    )

    if role in ACTORS:
        assert response.status_code == 302
        assert Idea.objects.get().status == IdeaStatus.ACKNOWLEDGED
    else:
        assert response.status_code == 403
        assert Idea.objects.get().status == IdeaStatus.NEW


def test_declining_without_a_reason_shows_the_error(manager, agent, client_for, submit):
    idea = submit(agent)

    response = client_for(manager).post(
        reverse("ideas:idea-transition", args=[idea.pk]), {"status": IdeaStatus.DECLINED}
    )

    assert response.status_code == 422
    assert "Give the reason for declining." in response.text
    assert Idea.objects.get().status == IdeaStatus.NEW


@pytest.mark.parametrize("role", ALL_ROLES)
def test_replies_per_role(role, org, client_for, submit):
    idea = submit(org["agent"])

    response = client_for(org[role]).post(
        reverse("ideas:idea-reply", args=[idea.pk]), {"body": "Noted"}
    )

    allowed = role in ACTORS | {"agent"}
    assert response.status_code == (302 if allowed else 403)
    assert Comment.objects.count() == (1 if allowed else 0)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_votes_once_and_can_take_it_back(role, org, client_for, submit):
    idea = submit(org["agent"])
    client = client_for(org[role])
    url = reverse("ideas:idea-vote", args=[idea.pk])

    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "1 vote" in response.text
    assert "Remove my vote" in response.text
    client.post(url)
    assert idea.votes.count() == 0


def test_named_submission_thanks_and_points_to_ones_own_submissions(
    agent, client_for, customer_service
):
    response = client_for(agent).post(reverse("ideas:idea-create"), form(customer_service))

    idea = Idea.objects.get()
    assert response.status_code == 200
    assert "Thank you for speaking up" in response.text
    assert "?mine=submitted" in response.text
    assert str(idea.pk) not in response.text
    assert idea.submitted_by == agent


def test_anonymous_submission_shows_the_code_once(agent, client_for, customer_service):
    client = client_for(agent)
    response = client.post(reverse("ideas:idea-create"), form(customer_service, is_anonymous="on"))

    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.text
    assert "only time it is shown" in response.text
    assert response["Cache-Control"].startswith("max-age=0")
    idea = Idea.objects.get()
    assert code not in client.get(idea.get_absolute_url()).text


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"body": "x" * 5001}, "body", "at most 5000 characters"),
        ({"title": ""}, "title", "This field is required."),
        ({"kind": IdeaKind.POLICY_FRICTION}, "policy", "Name the policy"),
        ({"kind": "rant"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_submissions_name_the_field(extra, field, message, agent, client_for, customer_service):
    response = client_for(agent).post(reverse("ideas:idea-create"), form(customer_service, **extra))

    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Idea.objects.exists()


def test_script_tags_are_shown_as_text(agent, manager, client_for, submit):
    idea = submit(agent, title="<script>alert(1)</script>", body="<b>bold</b><script>x()</script>")
    services.reply(actor=manager, idea=idea, body="<script>reply()</script>")

    response = client_for(manager).get(idea.get_absolute_url())

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>reply()</script>" not in response.text
    assert Idea.objects.get().title == "<script>alert(1)</script>"


def test_list_filters_and_overdue_highlight(agent, manager, client_for, submit):
    long_ago = timezone.localdate() - datetime.timedelta(days=14)
    submit(agent, title="Old and ignored", today=long_ago)
    submit(agent, title="Brand new")
    client = client_for(manager)

    everything = client.get(reverse("ideas:idea-list"))
    overdue = client.get(reverse("ideas:idea-list"), {"overdue": "on"})
    owned = client_for(agent).get(reverse("ideas:idea-list"), {"mine": "owned"})

    assert "overdue" in everything.text
    assert "Old and ignored" in overdue.text
    assert "Brand new" not in overdue.text
    assert "0 submissions" in owned.text
    partial = client.get(reverse("ideas:idea-list"), {"status": "new"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text
    assert "2 submissions" in partial.text


def test_the_list_takes_a_fixed_number_of_queries(
    agent, manager, client_for, submit, django_assert_max_num_queries
):
    for number in range(30):
        submit(agent, title=f"Idea {number}")
    client = client_for(manager)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("ideas:idea-list"))
    assert "30 submissions" in response.text


def test_we_acted_lists_accepted_and_done_with_what_changed(agent, manager, client_for, submit):
    done = submit(agent, title="Shorter hold music")
    for status, note in [
        (IdeaStatus.ACKNOWLEDGED, ""),
        (IdeaStatus.ACCEPTED, ""),
        (IdeaStatus.DONE, "Hold music now stops after one minute."),
    ]:
        done = services.move_status(actor=manager, idea=done, status=status, note=note)
    submit(agent, title="Still new")

    response = client_for(agent).get(reverse("ideas:acted"))

    assert "Shorter hold music" in response.text
    assert "Hold music now stops after one minute." in response.text
    assert "Still new" not in response.text


# --- Anonymous follow-up ------------------------------------------------------------------------


def anonymous(agent, customer_service):
    return services.submit_idea(
        actor=agent,
        kind=IdeaKind.ISSUE,
        title="Break room fridge",
        body="Broken for weeks.",
        category=IdeaCategory.WORKPLACE,
        department=customer_service,
        is_anonymous=True,
    )


def test_the_follow_up_page_needs_no_sign_in(client, db):
    response = client.get(reverse("ideas:follow-up"))

    assert response.status_code == 200
    assert "Follow-up code" in response.text


def test_the_code_opens_the_thread_and_lets_the_submitter_answer(
    agent, manager, client, customer_service
):
    submitted = anonymous(agent, customer_service)
    services.reply(actor=manager, idea=submitted.idea, body="Which floor?")

    opened = client.post(reverse("ideas:follow-up"), {"code": submitted.follow_up_code})
    answered = client.post(
        reverse("ideas:follow-up"), {"code": submitted.follow_up_code, "body": "Third floor."}
    )
    again = client.post(reverse("ideas:follow-up"), {"code": submitted.follow_up_code})

    assert opened.status_code == answered.status_code == again.status_code == 200
    assert "Which floor?" in opened.text
    assert "Your reply was added." in answered.text
    assert "Third floor." in again.text
    assert "Mona Manager" in again.text
    reply = Comment.objects.get(is_from_submitter=True)
    assert reply.author is None


def test_a_bad_code_is_refused_and_guessing_is_braked(client, agent, customer_service):
    anonymous(agent, customer_service)
    url = reverse("ideas:follow-up")

    response = client.post(url, {"code": "ABCD-EFGH-JKMN-PQRS", "body": "hi"})
    assert response.status_code == 404
    assert "does not open any submission" in response.text
    for _attempt in range(FAILURES):
        client.post(url, {"code": "ABCD-EFGH-JKMN-PQRS"})
    blocked = client.post(url, {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert blocked.status_code == 429
    assert not Comment.objects.exists()


def test_an_oversized_follow_up_reply_is_refused(client, agent, customer_service):
    submitted = anonymous(agent, customer_service)

    response = client.post(
        reverse("ideas:follow-up"), {"code": submitted.follow_up_code, "body": "x" * 5001}
    )

    assert response.status_code == 422
    assert "at most 5000 characters" in response.text
    assert not Comment.objects.exists()


# --- Policies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_policy_pages_per_role(role, org, client_for, policy):
    client = client_for(org[role])
    is_admin = role == "admin"

    assert client.get(policy.get_absolute_url()).status_code == 200
    assert client.get(reverse("ideas:policy-create")).status_code == (200 if is_admin else 403)
    edit = reverse("ideas:policy-edit", args=[policy.pk])
    assert client.get(edit).status_code == (200 if is_admin else 403)


def test_admin_adds_a_policy_through_the_page(admin, manager, client_for):
    response = client_for(admin).post(
        reverse("ideas:policy-create"),
        {
            "name": "Goodwill credit",
            "owner": manager.pk,
            "summary": "Make up for our mistakes.",
            "empowerment": "Give credit without asking.",
            "limit_amount": "50",
            "currency": "",
            "review_by": "2030-01-01",
        },
    )

    assert response.status_code == 200
    assert "Give the currency of the limit amount." in response.text
    assert not Policy.objects.exists()


def test_policy_page_shows_friction_and_flags_an_overdue_review(agent, admin, client_for, submit):
    policy = PolicyFactory.create(owner=admin, review_by=datetime.date(2020, 1, 1))
    submit(agent, kind=IdeaKind.POLICY_FRICTION, policy=policy, title="Needs approval for 5 EUR")

    response = client_for(agent).get(policy.get_absolute_url())
    listing = client_for(agent).get(reverse("ideas:policy-list"))

    assert "Needs approval for 5 EUR" in response.text
    assert "1 time" in response.text
    assert "review overdue" in response.text
    assert "review overdue" in listing.text


@pytest.mark.parametrize(
    ("role", "allowed"), [("manager", True), ("admin", True), ("agent", False)]
)
def test_policy_review_by_owner_or_admin(role, allowed, org, client_for):
    policy = PolicyFactory.create(owner=org["manager"], review_by=datetime.date(2020, 1, 1))
    next_time = timezone.localdate() + datetime.timedelta(days=365)

    response = client_for(org[role]).post(
        reverse("ideas:policy-reviewed", args=[policy.pk]), {"next_review_by": next_time}
    )

    policy.refresh_from_db()
    assert response.status_code == (302 if allowed else 403)
    assert (policy.review_by == next_time) is allowed


def test_review_queue_shows_my_policies(manager, agent, client_for):
    PolicyFactory.create(owner=manager, name="Refund rules", review_by=datetime.date(2020, 1, 1))

    assert "Refund rules" in client_for(manager).get(reverse("ideas:policy-review-queue")).text
    assert "Refund rules" not in client_for(agent).get(reverse("ideas:policy-review-queue")).text
