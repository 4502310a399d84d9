"""Every quality page for every role: who gets in, who is refused (403), who is told "no such
thing" (404), and what a successful action leaves behind."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groundswell.quality import services
from groundswell.quality.choices import DisputeStatus, ReviewStatus
from groundswell.quality.models import CoachingSession, Dispute, Review, ReviewerGrant, RootCause
from groundswell.quality.tests.factories import CRITERIA, criteria_of, resolved_interaction

ROLES = ("agent", "other_agent", "team_lead", "manager", "executive", "admin", "outsider")


@pytest.fixture
def review(team_lead, interaction, score):
    return score(team_lead, interaction, {"Takes ownership": 0})


@pytest.fixture
def dispute(agent, review, scorecard):
    return services.raise_dispute(
        actor=agent, review=review, criterion=criteria_of(scorecard)["Takes ownership"], reason="x"
    )


@pytest.fixture
def session(team_lead, agent, review, scorecard):
    return services.plan_coaching(
        actor=team_lead,
        agent=agent,
        focus_keys=[criteria_of(scorecard)["Takes ownership"].key],
        planned_for=timezone.now(),
        follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
        reviews=[review],
    )


def expect(role, table):
    return next(status for roles, status in table if role in roles)


@pytest.mark.parametrize(
    "name",
    ["quality:home", "quality:review-list", "quality:queue", "quality:scorecard-list"],
)
def test_visitors_are_sent_to_sign_in(name, client, db):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name",
    [
        "quality:home",
        "quality:review-list",
        "quality:queue",
        "quality:scorecard-list",
        "quality:coaching-list",
    ],
)
def test_everyone_opens_the_quality_pages(name, role, org, client_for, review):
    assert client_for(org[role]).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_review_list_shows_each_role_only_the_reviews_in_reach(role, org, client_for, review):
    response = client_for(org[role]).get(reverse("quality:review-list"))

    shown = review.interaction.subject in response.text
    assert shown == (role not in ("other_agent", "outsider"))


@pytest.mark.parametrize("role", ROLES)
def test_review_detail_per_role(role, org, client_for, review):
    response = client_for(org[role]).get(reverse("quality:review-detail", args=[review.pk]))

    assert response.status_code == (404 if role in ("other_agent", "outsider") else 200)
    if response.status_code == 200:
        assert "What the customer said" in response.text
        assert "80.00 %" in response.text


@pytest.mark.parametrize("role", ROLES)
def test_opening_a_review_per_role(role, org, client_for, team_alpha, agent, scorecard):
    fresh = resolved_interaction(team_alpha, agent)

    response = client_for(org[role]).post(reverse("quality:review-start", args=[fresh.pk]))

    expected = expect(
        role,
        [
            (("agent", "team_lead", "manager", "admin"), 302),
            (("executive",), 403),
            (("other_agent", "outsider"), 404),  # outside their reach: as if it did not exist
        ],
    )
    assert response.status_code == expected
    assert Review.objects.filter(interaction=fresh).exists() == (expected == 302)
    if role == "agent":
        assert Review.objects.get(interaction=fresh).is_self_review


def test_a_missing_interaction_and_one_out_of_reach_answer_alike(
    team_lead, client_for, team_beta, other_agent, scorecard
):
    client = client_for(team_lead)
    beyond = resolved_interaction(team_beta, other_agent)

    missing = client.post(reverse("quality:review-start", args=[beyond.pk + 1000]))
    hidden = client.post(reverse("quality:review-start", args=[beyond.pk]))

    assert missing.status_code == hidden.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_the_reviewer_opens_their_draft(
    role, org, client_for, team_lead, interaction, scorecard
):
    draft = services.open_review(actor=team_lead, interaction=interaction)

    response = client_for(org[role]).get(reverse("quality:review-score", args=[draft.pk]))

    assert response.status_code == (200 if role == "team_lead" else 404)


def _answers(scorecard, **override):
    data = {}
    values = {
        "Takes ownership": "1",
        "Accurate answer": "4",
        "Keeps the promise made": "na",
        "Checks the customer is satisfied": "1",
        "Goes the extra mile": "0",
    } | override
    for name, criterion in criteria_of(scorecard).items():
        data[f"value_{criterion.pk}"] = values[name]
        data[f"comment_{criterion.pk}"] = ""
    return data


def test_reviewer_scores_beside_the_interaction_and_submits_once(
    team_lead, client_for, interaction, scorecard
):
    client = client_for(team_lead)
    client.post(reverse("quality:review-start", args=[interaction.pk]))
    draft = Review.objects.get()
    url = reverse("quality:review-score", args=[draft.pk])

    page = client.get(url)
    kept = client.post(url, _answers(scorecard) | {"comment": "Kind", "save": ""})
    submitted = client.post(url, _answers(scorecard) | {"comment": "Kind", "submit": ""})
    again = client.post(url, _answers(scorecard) | {"comment": "Kind", "submit": ""})

    assert page.status_code == 200
    assert "Handle time" in page.text
    assert "20 minutes" in page.text
    assert kept.status_code == 302
    assert kept.url == url
    assert submitted.status_code == 302
    assert again.status_code == 302  # the double submit changes nothing
    review = Review.objects.get()
    assert review.status == ReviewStatus.SUBMITTED
    # Counted 1 + 2 + 1 (promise N/A): 1 + 2 * 0.75 + 1 = 3.5 of 4 = 87.5 %.
    assert str(review.score) == "87.50"


def test_submitting_with_a_gap_names_the_criterion(team_lead, client_for, interaction, scorecard):
    client = client_for(team_lead)
    client.post(reverse("quality:review-start", args=[interaction.pk]))
    url = reverse("quality:review-score", args=[Review.objects.get().pk])

    response = client.post(url, _answers(scorecard, **{"Accurate answer": ""}) | {"submit": ""})

    assert response.status_code == 422
    assert "Score “Accurate answer” (or mark it N/A)." in response.text
    assert Review.objects.get().status == ReviewStatus.DRAFT


@pytest.mark.parametrize("role", ROLES)
def test_acknowledge_per_role(role, org, client_for, review):
    response = client_for(org[role]).post(reverse("quality:review-acknowledge", args=[review.pk]))

    expected = expect(
        role,
        [(("agent",), 302), (("other_agent", "outsider"), 404), (ROLES, 403)],
    )
    assert response.status_code == expected
    review.refresh_from_db()
    assert (review.status == ReviewStatus.ACKNOWLEDGED) == (role == "agent")


@pytest.mark.parametrize("role", ROLES)
def test_dispute_per_role(role, org, client_for, review, scorecard):
    data = {"criterion": criteria_of(scorecard)["Takes ownership"].pk, "reason": "I did."}

    response = client_for(org[role]).post(reverse("quality:review-dispute", args=[review.pk]), data)

    expected = expect(
        role,
        [(("agent",), 302), (("other_agent", "outsider"), 404), (ROLES, 403)],
    )
    assert response.status_code == expected
    assert Dispute.objects.exists() == (role == "agent")


def test_dispute_on_an_acknowledged_review_is_a_clear_error(agent, client_for, review, scorecard):
    client = client_for(agent)
    client.post(reverse("quality:review-acknowledge", args=[review.pk]))

    response = client.post(
        reverse("quality:review-dispute", args=[review.pk]),
        {"criterion": criteria_of(scorecard)["Takes ownership"].pk, "reason": "Late"},
    )

    assert response.status_code == 422
    assert "You acknowledged this review; it can no longer be disputed." in response.text


@pytest.mark.parametrize("role", ROLES)
def test_deciding_a_dispute_per_role(role, org, client_for, dispute):
    prefix = f"d{dispute.pk}"
    data = {f"{prefix}-decision": "uphold", f"{prefix}-value": "1", f"{prefix}-note": "Agreed."}

    response = client_for(org[role]).post(
        reverse("quality:dispute-decide", args=[dispute.pk]), data
    )

    expected = expect(
        role,
        [
            (("manager", "admin"), 302),
            (("other_agent", "outsider"), 404),
            (("agent", "team_lead", "executive"), 403),  # the scorer and the agent never decide
        ],
    )
    assert response.status_code == expected
    dispute.refresh_from_db()
    assert (dispute.status == DisputeStatus.UPHELD) == (expected == 302)


def test_the_deciders_page_offers_the_decision_and_shows_the_audit(manager, client_for, dispute):
    client = client_for(manager)
    url = reverse("quality:review-detail", args=[dispute.review_id])
    assert "Decide: Takes ownership" in client.get(url).text
    prefix = f"d{dispute.pk}"

    client.post(
        reverse("quality:dispute-decide", args=[dispute.pk]),
        {f"{prefix}-decision": "uphold", f"{prefix}-value": "1", f"{prefix}-note": "Agreed."},
    )

    page = client.get(url).text
    assert "Changes after submission" in page
    assert "score 80.00 % → 100.00 %" in page


@pytest.mark.parametrize("role", ROLES)
def test_root_cause_per_role(role, org, client_for, review, scorecard):
    data = {
        "kind": "product",
        "criterion": criteria_of(scorecard)["Takes ownership"].pk,
        "note": "The callback tool lost the request.",
    }

    response = client_for(org[role]).post(
        reverse("quality:root-cause-create", args=[review.pk]), data
    )

    expected = expect(
        role,
        [
            (("team_lead", "manager", "admin"), 302),
            (("other_agent", "outsider"), 404),
            (("agent", "executive"), 403),
        ],
    )
    assert response.status_code == expected
    assert RootCause.objects.exists() == (expected == 302)


@pytest.mark.parametrize("role", ROLES)
def test_queue_rule_page_per_role(role, org, client_for, team_alpha):
    url = reverse("quality:queue-rule", args=[team_alpha.pk])
    client = client_for(org[role])

    response = client.get(url)

    assert response.status_code == (200 if role in ("team_lead", "manager", "admin") else 403)
    if response.status_code == 200:
        saved = client.post(
            url,
            {
                "sample_per_agent": 3,
                "every_poor_answer": "on",
                "new_hire_weeks": 4,
                "new_hire_extra": 1,
                "due_days": 3,
            },
        )
        assert saved.status_code == 302
        assert team_alpha.quality_queue_rule.sample_per_agent == 3


def test_team_lead_cannot_set_another_teams_queue(team_lead, client_for, team_beta):
    response = client_for(team_lead).get(reverse("quality:queue-rule", args=[team_beta.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_scorecard_detail_per_role(role, org, client_for, scorecard):
    response = client_for(org[role]).get(reverse("quality:scorecard-detail", args=[scorecard.pk]))

    assert response.status_code == (404 if role == "outsider" else 200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["quality:scorecard-create", "quality:grants"])
def test_setup_pages_are_for_managers_and_admins(name, role, org, client_for):
    response = client_for(org[role]).get(reverse(name))

    assert response.status_code == (200 if role in ("manager", "admin") else 403)


@pytest.mark.parametrize("role", ROLES)
def test_scorecard_edit_per_role(role, org, client_for, scorecard):
    response = client_for(org[role]).get(reverse("quality:scorecard-edit", args=[scorecard.pk]))

    assert response.status_code == (200 if role in ("manager", "admin") else 403)


def _criteria_post(rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        for field, value in row.items():
            data[f"criteria-{number}-{field}"] = value
    return data


def test_manager_creates_a_scorecard_in_the_browser(manager, client_for, customer_service):
    rows = [
        {"section": c.section, "behaviour": c.behaviour, "scale": c.scale, "weight": str(c.weight)}
        for c in CRITERIA[:3]
    ]

    response = client_for(manager).post(
        reverse("quality:scorecard-create"),
        {"name": "Phone", "department": customer_service.pk, "channel": ""} | _criteria_post(rows),
    )

    assert response.status_code == 302
    assert manager.department.scorecards.get().versions.get().criteria.count() == 3


def test_a_zero_weight_is_refused_with_the_criterion_named(manager, client_for, scorecard):
    rows = [{"section": "A", "behaviour": "Listens", "scale": "yes_no", "weight": "0"}]

    response = client_for(manager).post(
        reverse("quality:scorecard-edit", args=[scorecard.pk]), _criteria_post(rows)
    )

    assert response.status_code == 422
    assert "Ensure this value is greater than or equal to" in response.text or (
        "“Listens”: the weight must be more than 0." in response.text
    )
    assert scorecard.versions.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_granting_per_role(role, org, client_for, team_alpha):
    response = client_for(org[role]).post(
        reverse("quality:grants"), {"person": org["other_agent"].pk, "team": team_alpha.pk}
    )

    assert response.status_code == (302 if role in ("manager", "admin") else 403)
    assert ReviewerGrant.objects.exists() == (role in ("manager", "admin"))


@pytest.mark.parametrize("role", ROLES)
def test_revoking_per_role(role, org, client_for, team_alpha):
    grant = services.grant_reviewer(actor=org["admin"], person=org["other_agent"], team=team_alpha)

    response = client_for(org[role]).post(reverse("quality:grant-revoke", args=[grant.pk]))

    assert response.status_code == (302 if role in ("manager", "admin") else 403)
    grant.refresh_from_db()
    assert (grant.revoked_at is not None) == (role in ("manager", "admin"))


@pytest.mark.parametrize("role", ROLES)
def test_planning_coaching_per_role(role, org, client_for, agent, review, scorecard):
    url = reverse("quality:coaching-create", args=[agent.pk]) + f"?review={review.pk}"
    client = client_for(org[role])

    response = client.get(url)

    assert response.status_code == (200 if role in ("team_lead", "manager", "admin") else 403)
    if response.status_code == 200:
        planned = client.post(
            url,
            {
                "focus_keys": [criteria_of(scorecard)["Takes ownership"].key],
                "planned_for": "2030-01-01T10:00",
                "follow_up_on": "2030-01-15",
            },
        )
        assert planned.status_code == 302
        assert list(CoachingSession.objects.get().reviews.all()) == [review]


@pytest.mark.parametrize("role", ROLES)
def test_coaching_detail_per_role(role, org, client_for, session):
    response = client_for(org[role]).get(reverse("quality:coaching-detail", args=[session.pk]))

    # One-to-one coaching stays between the agent and those who coach them.
    assert response.status_code == (
        200 if role in ("agent", "team_lead", "manager", "admin") else 404
    )
    if response.status_code == 200:
        assert "Did it improve?" in response.text
        assert "(n=1)" in response.text


@pytest.mark.parametrize("role", ROLES)
def test_reflection_is_the_agents_and_the_outcome_the_coaches(role, org, client_for, session):
    client = client_for(org[role])

    reflection = client.post(
        reverse("quality:coaching-reflection", args=[session.pk]), {"reflection": "I see it."}
    )
    outcome = client.post(
        reverse("quality:coaching-outcome", args=[session.pk]),
        {"agreed_actions": "Call back first.", "follow_up_on": "2030-02-01", "held": "on"},
    )

    visible = role in ("agent", "team_lead", "manager", "admin")
    assert reflection.status_code == (302 if role == "agent" else 403 if visible else 404)
    assert outcome.status_code == (
        302
        if role in ("team_lead", "manager", "admin")
        else 403
        if role in ("agent", "executive", "other_agent", "outsider")
        else 404
    )


def test_a_granted_reviewer_reads_and_decides_disputes_of_their_team(
    manager, other_agent, client_for, dispute
):
    services.grant_reviewer(actor=manager, person=other_agent, team=dispute.review.team)
    client = client_for(other_agent)

    home = client.get(reverse("quality:home"))
    page = client.get(reverse("quality:review-detail", args=[dispute.review_id]))
    prefix = f"d{dispute.pk}"
    decided = client.post(
        reverse("quality:dispute-decide", args=[dispute.pk]),
        {f"{prefix}-decision": "reject", f"{prefix}-value": "", f"{prefix}-note": "It stands."},
    )

    assert "Takes ownership" in home.text
    assert page.status_code == 200
    assert "Decide: Takes ownership" in page.text
    assert decided.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.REJECTED
    assert dispute.decided_by == other_agent


@pytest.mark.parametrize("role", ROLES)
def test_picking_an_interaction_by_number_per_role(role, org, client_for, interaction, scorecard):
    response = client_for(org[role]).post(
        reverse("quality:review-pick"), {"interaction": interaction.pk}
    )

    expected = expect(
        role,
        [
            (("agent", "team_lead", "manager", "admin"), 302),
            (("executive",), 403),
            (("other_agent", "outsider"), 404),
        ],
    )
    assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse(
            "quality:review-score", args=[Review.objects.get(reviewer=org[role]).pk]
        )


def test_picking_without_a_number_says_so(team_lead, client_for):
    response = client_for(team_lead).post(
        reverse("quality:review-pick"), {"interaction": "x"}, follow=True
    )

    assert "Give the interaction&#x27;s number." in response.text


def test_no_scorecard_in_use_is_explained(team_lead, client_for, interaction):
    response = client_for(team_lead).post(
        reverse("quality:review-start", args=[interaction.pk]), follow=True
    )

    assert "No scorecard is in use for Alpha." in response.text


def test_the_reviewer_sees_the_customers_own_answer_and_the_promises(
    team_lead, agent, team_alpha, client_for, scorecard
):
    from groundswell.desk.choices import PromiseStatus
    from groundswell.voice.tests.factories import answers, promise

    (answer,) = answers(team_alpha, "csat", [2], at=timezone.now(), agent=agent)
    answer.comment = "Nobody called me back."
    answer.save(update_fields=["comment"])
    contact = answer.invitation.interaction
    promise(contact, PromiseStatus.BROKEN, settled_at=timezone.now())
    client = client_for(team_lead)
    client.post(reverse("quality:review-start", args=[contact.pk]))

    page = client.get(reverse("quality:review-score", args=[Review.objects.get().pk])).text

    assert "Nobody called me back." in page
    assert "1 made, 0 kept, 1 broken" in page


def test_calibration_reviews_stay_out_of_the_review_pages(
    manager, team_lead, interaction, scorecard, client_for
):
    from groundswell.quality.models import Calibration

    calibration = Calibration.objects.create(
        name="June", version=scorecard.versions.get(), department=manager.department
    )
    blind = Review.objects.create(
        version=scorecard.versions.get(),
        interaction=interaction,
        team=interaction.team,
        agent=interaction.handled_by,
        reviewer=team_lead,
        calibration=calibration,
    )

    listed = client_for(manager).get(reverse("quality:review-list")).text
    detail = client_for(manager).get(reverse("quality:review-detail", args=[blind.pk]))

    assert interaction.subject not in listed
    assert detail.status_code == 404
