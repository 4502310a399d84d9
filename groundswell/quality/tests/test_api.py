"""Quality under /api/v1, per role with denials: scorecards, reviews, disputes, calibrations,
the metric audit and the import of past reviews."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from groundswell.quality import calibration as calibrations
from groundswell.quality.choices import CalibrationStatus, DisputeStatus, ReviewStatus
from groundswell.quality.models import (
    Calibration,
    CalibrationItem,
    CalibrationReviewer,
    CriterionScore,
    Dispute,
    Review,
    Scorecard,
)
from groundswell.quality.services import fraction_of
from groundswell.quality.tests.factories import criteria_of, resolved_interaction
from groundswell.voice.tests.factories import answers

API = "/api/v1/quality"
ROLES = ("agent", "other_agent", "team_lead", "manager", "executive", "admin", "outsider")


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def errors_of(response):
    assert response.status_code == 422, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def all_met(scorecard, **changes):
    values = {
        "Takes ownership": 1,
        "Accurate answer": 5,
        "Keeps the promise made": 1,
        "Checks the customer is satisfied": 1,
        "Goes the extra mile": 0,
    } | changes
    criteria = criteria_of(scorecard)
    return [{"criterion": criteria[name].pk, "value": value} for name, value in values.items()]


CRITERIA = [
    {"section": "Opening", "behaviour": "Greets by name"},
    {"section": "Resolution", "behaviour": "Right answer", "scale": "one_to_five", "weight": "2"},
]


def test_the_api_needs_credentials(client, db):
    assert client.get(f"{API}/scorecards").status_code == 401
    assert client.get(f"{API}/reviews").status_code == 401


# Scorecards -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_scorecards_are_read_in_the_department_and_managed_by_managers(
    role, org, client_for, scorecard, customer_service
):
    client = client_for(org[role])

    listed = client.get(f"{API}/scorecards")
    detail = client.get(f"{API}/scorecards/{scorecard.pk}")
    created = post(
        client,
        f"{API}/scorecards",
        {"name": "Chat", "department": customer_service.pk, "criteria": CRITERIA},
    )

    reads = role not in {"outsider"}
    assert listed.status_code == 200
    assert [card["id"] for card in listed.json()["items"]] == ([scorecard.pk] if reads else [])
    assert detail.status_code == (200 if reads else 404)
    assert created.status_code == (201 if role in {"manager", "admin"} else 403)
    if reads:
        version = detail.json()["versions"][0]
        assert detail.json()["current_version"] == version["number"] == 1
        assert [c["behaviour"] for c in version["criteria"]][:2] == [
            "Takes ownership",
            "Accurate answer",
        ]
    if created.status_code == 201:
        body = created.json()
        assert body["versions"][0]["criteria"][1]["scale"] == "one_to_five"
        assert Scorecard.objects.filter(name="Chat").count() == 1
    else:
        assert not Scorecard.objects.filter(name="Chat").exists()


def test_a_revision_of_a_card_in_use_is_a_new_version(
    manager, team_lead, interaction, score, scorecard, client_for
):
    old = score(team_lead, interaction)

    revised = post(
        client_for(manager),
        f"{API}/scorecards/{scorecard.pk}/versions",
        {"note": "Shorter", "criteria": CRITERIA},
    )

    assert revised.status_code == 201
    versions = revised.json()["versions"]
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["note"] == "Shorter"
    assert Review.objects.get(pk=old.pk).version.number == 1


@pytest.mark.parametrize("role", ["agent", "team_lead", "executive"])
def test_only_managers_revise(role, org, scorecard, client_for):
    response = post(
        client_for(org[role]), f"{API}/scorecards/{scorecard.pk}/versions", {"criteria": CRITERIA}
    )
    assert response.status_code == 403
    assert scorecard.versions.count() == 1


def test_bad_weights_and_duplicates_are_named(manager, customer_service, client_for):
    client = client_for(manager)
    zero = post(
        client,
        f"{API}/scorecards",
        {
            "name": "X",
            "department": customer_service.pk,
            "criteria": [{"section": "A", "behaviour": "B", "weight": "0"}],
        },
    )
    twice = post(
        client,
        f"{API}/scorecards",
        {
            "name": "X",
            "department": customer_service.pk,
            "criteria": [{"section": "A", "behaviour": "B"}, {"section": "A", "behaviour": "b"}],
        },
    )

    assert "criteria.0.weight" in errors_of(zero)
    assert "appears twice" in errors_of(twice)["criteria"]
    assert not Scorecard.objects.filter(name="X").exists()


# Reviews --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_reviews_an_interaction(role, org, client_for, scorecard, interaction):
    response = post(
        client_for(org[role]),
        f"{API}/reviews",
        {"interaction": interaction.pk, "scores": all_met(scorecard), "comment": "Good"},
    )

    # Leads, managers and admins review the agent; the agent reviews themselves; the
    # interaction is out of reach (as if it did not exist) for everyone else.
    expected = {"agent": 201, "team_lead": 201, "manager": 201, "admin": 201}.get(role, 404)
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["status"] == ReviewStatus.SUBMITTED
        assert body["score"] == "100.00"
        assert body["is_self_review"] is (role == "agent")
        assert len(body["scores"]) == 5
    else:
        assert not Review.objects.exists()


def test_a_double_submit_stores_one_review(team_lead, client_for, scorecard, interaction):
    client = client_for(team_lead)
    payload = {"interaction": interaction.pk, "scores": all_met(scorecard)}

    first = post(client, f"{API}/reviews", payload)
    second = post(client, f"{API}/reviews", payload)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Review.objects.count() == 1
    assert CriterionScore.objects.count() == 5


def test_a_draft_then_a_submit(team_lead, client_for, scorecard, interaction):
    client = client_for(team_lead)
    draft = post(
        client,
        f"{API}/reviews",
        {"interaction": interaction.pk, "scores": all_met(scorecard)[:1], "submit": False},
    )
    done = post(
        client, f"{API}/reviews", {"interaction": interaction.pk, "scores": all_met(scorecard)}
    )

    assert draft.status_code == 201
    assert draft.json()["status"] == ReviewStatus.DRAFT
    assert done.status_code == 200
    assert done.json()["status"] == ReviewStatus.SUBMITTED
    assert done.json()["id"] == draft.json()["id"]


def test_a_criterion_of_another_version_is_named_and_nothing_is_written(
    team_lead, client_for, scorecard, interaction
):
    scores = [*all_met(scorecard), {"criterion": 999_999, "value": 1}]

    response = post(
        client_for(team_lead), f"{API}/reviews", {"interaction": interaction.pk, "scores": scores}
    )

    assert "999999 is not on version 1" in errors_of(response)["scores"]
    assert not Review.objects.exists()


def test_a_missing_score_is_named(team_lead, client_for, scorecard, interaction):
    response = post(
        client_for(team_lead),
        f"{API}/reviews",
        {"interaction": interaction.pk, "scores": all_met(scorecard)[:2]},
    )

    assert "Keeps the promise made" in errors_of(response)["scores"]
    assert not Review.objects.exists()


def test_an_unknown_interaction_is_a_404(team_lead, client_for, scorecard):
    response = post(client_for(team_lead), f"{API}/reviews", {"interaction": 123456, "scores": []})
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_reviews_are_listed_in_scope(role, org, client_for, score, team_lead, interaction):
    review = score(team_lead, interaction)

    listed = client_for(org[role]).get(f"{API}/reviews")
    detail = client_for(org[role]).get(f"{API}/reviews/{review.pk}")

    sees = role in {"agent", "team_lead", "manager", "executive", "admin"}
    assert listed.status_code == 200
    assert listed.json()["count"] == (1 if sees else 0)
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert detail.json()["scores"][0]["behaviour"] == "Takes ownership"


def test_review_filters(team_lead, client_for, score, agent, team_alpha, interaction):
    score(team_lead, interaction, {"Checks the customer is satisfied": 0})
    client = client_for(team_lead)

    assert client.get(f"{API}/reviews?is_failed=true").json()["count"] == 1
    assert client.get(f"{API}/reviews?is_failed=false").json()["count"] == 0
    assert client.get(f"{API}/reviews?agent={agent.pk}&team={team_alpha.pk}").json()["count"] == 1
    assert client.get(f"{API}/reviews?status=draft").json()["count"] == 0
    assert client.get(f"{API}/reviews?stauts=draft").status_code == 422


# Disputes -------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(team_lead, interaction, score):
    return score(team_lead, interaction, {"Takes ownership": 0})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_agent_opens_a_dispute(role, org, client_for, reviewed, scorecard):
    ownership = criteria_of(scorecard)["Takes ownership"]

    response = post(
        client_for(org[role]),
        f"{API}/reviews/{reviewed.pk}/disputes",
        {"criterion": ownership.pk, "reason": "I did call back."},
    )

    if role == "agent":
        assert response.status_code == 201
        assert response.json()["status"] == DisputeStatus.OPEN
        assert Review.objects.get(pk=reviewed.pk).status == ReviewStatus.DISPUTED
    else:
        assert response.status_code in {403, 404}
        assert response.status_code == (404 if role in {"other_agent", "outsider"} else 403)
        assert not Dispute.objects.exists()


def test_a_dispute_after_acknowledging_is_refused(agent, client_for, reviewed, scorecard):
    client = client_for(agent)
    assert post(client, f"{API}/reviews/{reviewed.pk}/acknowledge").status_code == 200

    response = post(
        client,
        f"{API}/reviews/{reviewed.pk}/disputes",
        {"criterion": criteria_of(scorecard)["Takes ownership"].pk, "reason": "No"},
    )

    assert "acknowledged" in errors_of(response)["review"]


@pytest.mark.parametrize("role", ROLES)
def test_a_different_reviewer_decides(role, org, client_for, reviewed, scorecard):
    ownership = criteria_of(scorecard)["Takes ownership"]
    opened = post(
        client_for(org["agent"]),
        f"{API}/reviews/{reviewed.pk}/disputes",
        {"criterion": ownership.pk, "reason": "I did call back."},
    ).json()

    response = post(
        client_for(org[role]),
        f"{API}/disputes/{opened['id']}/decision",
        {"uphold": True, "value": 1, "note": "The log agrees."},
    )

    # The lead scored it and the agent raised it: neither decides; executives only read.
    # Managers and admins decide.
    deciders = {"manager": 200, "admin": 200}
    expected = deciders.get(role, 403 if role in {"team_lead", "agent", "executive"} else 404)
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == DisputeStatus.UPHELD
        assert Review.objects.get(pk=reviewed.pk).score == 100
    else:
        assert Dispute.objects.get().status == DisputeStatus.OPEN


def test_disputes_are_listed_for_those_who_read_the_review(
    agent, manager, outsider, client_for, reviewed, scorecard
):
    post(
        client_for(agent),
        f"{API}/reviews/{reviewed.pk}/disputes",
        {"criterion": criteria_of(scorecard)["Takes ownership"].pk, "reason": "Why?"},
    )

    assert client_for(manager).get(f"{API}/disputes?status=open").json()["count"] == 1
    assert client_for(agent).get(f"{API}/disputes").json()["count"] == 1
    assert client_for(outsider).get(f"{API}/disputes").json()["count"] == 0


# Calibrations ---------------------------------------------------------------------------------


@pytest.fixture
def calibration(manager, team_lead, admin, scorecard, customer_service, team_alpha, agent):
    version = scorecard.versions.get()
    session = Calibration.objects.create(
        name="March", version=version, department=customer_service, created_by=manager
    )
    contacts = [resolved_interaction(team_alpha, agent) for _ in range(4)]
    CalibrationItem.objects.bulk_create(
        CalibrationItem(calibration=session, interaction=i) for i in contacts
    )
    criteria = list(version.criteria.all())
    for reviewer, bias in ((team_lead, 0), (admin, 1)):
        CalibrationReviewer.objects.create(
            calibration=session, reviewer=reviewer, submitted_at=timezone.now()
        )
        for index, contact in enumerate(contacts):
            review = Review.objects.create(
                version=version,
                interaction=contact,
                team=team_alpha,
                agent=agent,
                reviewer=reviewer,
                calibration=session,
                status=ReviewStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )
            for criterion in criteria:
                value = (index + bias) % 2 if criterion.top == 1 else 1 + (index + bias) % 5
                CriterionScore.objects.create(
                    review=review,
                    criterion=criterion,
                    value=value,
                    fraction=fraction_of(criterion, value),
                )
    return session


@pytest.mark.parametrize("role", ROLES)
def test_calibrations_per_role(role, org, client_for, calibration):
    client = client_for(org[role])

    listed = client.get(f"{API}/calibrations")
    detail = client.get(f"{API}/calibrations/{calibration.pk}")

    # Managers calibrate their department, executives analyse everywhere, the lead and the
    # admin took part; agents and other departments see nothing.
    sees = role in {"manager", "executive", "team_lead", "admin"}
    assert [c["id"] for c in listed.json()["items"]] == ([calibration.pk] if sees else [])
    assert detail.status_code == (200 if sees else 404)


def test_results_only_once_everyone_has_submitted(manager, client_for, calibration):
    client = client_for(manager)
    blind = client.get(f"{API}/calibrations/{calibration.pk}").json()

    # What the last reviewer's submit does: reveal, and keep the results on the calibration.
    calibration.status = CalibrationStatus.REVEALED
    calibration.save()
    calibrations.compute_results(calibration)
    revealed = client.get(f"{API}/calibrations/{calibration.pk}").json()

    assert blind["results"] is None
    results = revealed["results"]
    assert len(revealed["submitted"]) == 2
    assert {c["behaviour"] for c in results["criteria"]} >= {"Takes ownership"}
    ownership = next(c for c in results["criteria"] if c["behaviour"] == "Takes ownership")
    # Every contact: one reviewer said yes and the other no. No agreement at all.
    assert ownership["agreement"]["alpha"] < 0
    assert ownership["needs_rewording"] is True
    assert len(results["reviewers"]) == 2


# Metric audit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_metric_audit_is_for_managers_and_executives(role, org, client_for, scorecard):
    response = client_for(org[role]).get(f"{API}/metric-audit?scorecard={scorecard.pk}")

    expected = {"manager": 200, "executive": 200, "admin": 200, "outsider": 403}.get(role, 403)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["interactions"] == 0
        assert "nothing can be audited" in response.json()["summary"][0]


def test_the_audit_reads_reviews_beside_the_customers_answers(
    manager, team_lead, agent, team_alpha, client_for, score, scorecard
):
    scores = [1, 2, 3, 4, 5] * 8
    made = answers(
        team_alpha, "csat", scores, at=timezone.now() - datetime.timedelta(days=2), agent=agent
    )
    for response, csat in zip(made, scores, strict=True):
        interaction = response.invitation.interaction
        interaction.handle_time_seconds = 300 + 60 * csat
        interaction.save()
        # Accuracy follows the customer; ownership is always met, so it cannot predict.
        score(team_lead, interaction, {"Accurate answer": csat})

    url = f"{API}/metric-audit?scorecard={scorecard.pk}&handle_time_target=400"
    body = client_for(manager).get(url).json()

    assert body["interactions"] == 40
    verdicts = {m["label"]: m["verdict"] for m in body["measures"]}
    assert verdicts["Accurate answer"] == "predicts"
    assert verdicts["Takes ownership"] == "no_variation"
    # 32 contacts over 400 s, half rated 4 or 5; none of the 8 short ones was.
    assert body["handle_time"]["long_rated_highly"]["n"] == 32
    assert body["handle_time"]["punishes_good_service"] is True


# Import ---------------------------------------------------------------------------------------

HEADER = (
    "interaction,reviewer email,reviewed at,Takes ownership,Accurate answer,"
    "Keeps the promise made,Checks the customer is satisfied,Goes the extra mile,comment\n"
)


def csv_post(client, url, text):
    return client.post(url, text.encode(), content_type="text/csv")


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_import_past_reviews(role, org, client_for, scorecard, interaction):
    text = HEADER + f"{interaction.pk},lead@example.test,2026-01-05,yes,4,n/a,yes,no,Fine\n"

    response = csv_post(
        client_for(org[role]), f"{API}/scorecards/{scorecard.pk}/reviews/import", text
    )

    expected = {"manager": 201, "admin": 201, "outsider": 404}.get(role, 403)
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["created"] == 1
        review = Review.objects.get()
        assert review.reviewer == org["team_lead"]
        assert review.status == ReviewStatus.SUBMITTED
        assert review.submitted_at.date() == datetime.date(2026, 1, 5)
        assert review.score == Decimal("87.50")  # (1 + 0.75 x 2 + 1) of 4; the bonus was not met
    else:
        assert not Review.objects.exists()


def test_an_import_is_all_or_nothing_and_names_every_bad_cell(
    manager, client_for, scorecard, interaction, team_alpha, agent
):
    second = resolved_interaction(team_alpha, agent)
    text = HEADER + (
        f"{interaction.pk},lead@example.test,2026-01-05,yes,4,n/a,yes,no,Fine\n"
        f"{second.pk},nobody@example.test,yesterday,maybe,7,,yes,no,\n"
        "99999999,lead@example.test,2026-01-05,yes,4,yes,yes,no,\n"
    )
    client = client_for(manager)
    url = f"{API}/scorecards/{scorecard.pk}/reviews/import"

    refused = csv_post(client, url, text)

    errors = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert refused.status_code == 422
    assert "Nobody active" in errors["line 3: reviewer email"]
    assert "not a date" in errors["line 3: reviewed at"]
    assert "yes or no" in errors["line 3: Takes ownership"]
    assert "1 to 5" in errors["line 3: Accurate answer"]
    assert "No interaction number 99999999" in errors["line 4: interaction"]
    assert not Review.objects.exists()

    skipped = csv_post(client, url + "?skip_bad_rows=true", text)

    assert skipped.status_code == 201
    assert (skipped.json()["created"], skipped.json()["skipped"]) == (1, 2)
    assert {p["line"] for p in skipped.json()["problems"]} == {3, 4}
    assert Review.objects.count() == 1


def test_an_import_names_missing_and_unknown_columns(manager, client_for, scorecard):
    text = "interaction,reviewer email,reviewed at,Smiles a lot\n1,a@b.test,2026-01-01,yes\n"

    response = csv_post(
        client_for(manager), f"{API}/scorecards/{scorecard.pk}/reviews/import", text
    )

    messages = [e["message"] for e in response.json()["errors"]]
    assert response.status_code == 422
    assert any("Smiles a lot" in m for m in messages)
    assert any("Accurate answer" in m for m in messages)


def test_the_same_file_twice_imports_once(manager, client_for, scorecard, interaction):
    text = HEADER + f"{interaction.pk},lead@example.test,2026-01-05,yes,4,n/a,yes,no,\n"
    url = f"{API}/scorecards/{scorecard.pk}/reviews/import"
    client = client_for(manager)

    assert csv_post(client, url, text).status_code == 201
    again = csv_post(client, url, text)

    assert "reviewed interaction" in again.json()["errors"][0]["message"]
    assert Review.objects.count() == 1
