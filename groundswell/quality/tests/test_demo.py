"""The quality part of the demo: what it holds, and what the metric audit finds in it.

Every test here uses the module's one load of the demo (`small_demo`, root conftest.py).
"""

import pytest
from django.db.models import F

from groundswell.quality import api_analysis, selectors
from groundswell.quality.choices import CalibrationStatus, DisputeStatus, ReviewStatus
from groundswell.quality.demo import GREETING
from groundswell.quality.models import (
    Calibration,
    CoachingSession,
    Dispute,
    ReferenceScore,
    Review,
    Scorecard,
)

pytestmark = pytest.mark.usefixtures("small_demo", "db")


def test_two_scorecards_reviews_disputes_and_calibrations():
    assert Scorecard.objects.count() == 2
    reviews = Review.objects.filter(calibration__isnull=True)
    assert reviews.count() == 400
    assert set(reviews.values_list("status", flat=True)) >= {
        ReviewStatus.SUBMITTED,
        ReviewStatus.ACKNOWLEDGED,
    }
    assert not reviews.filter(reviewer=F("agent")).exists()
    assert reviews.filter(is_failed=True).exists()
    assert set(Dispute.objects.values_list("status", flat=True)) >= {
        DisputeStatus.UPHELD,
        DisputeStatus.REJECTED,
    }
    assert Calibration.objects.count() == 3
    assert Calibration.objects.filter(status=CalibrationStatus.CLOSED).count() == 2
    assert ReferenceScore.objects.exists()


def test_the_audit_finds_a_criterion_that_does_not_predict_and_the_handle_time_trap():
    card = Scorecard.objects.get(name="Customer conversations")

    result = api_analysis.metric_audit_out(card)

    verdicts = {m["label"]: m["verdict"] for m in result["measures"]}
    assert verdicts[GREETING] == "does_not_predict"
    assert [label for label, v in verdicts.items() if v == "does_not_predict"] == [
        GREETING,
        "Handle time",
    ]
    assert verdicts["Accurate answer"] == verdicts["Overall QA score"] == "predicts"
    assert result["handle_time"]["punishes_good_service"] is True
    assert result["handle_time"]["long_rated_highly"]["n"] >= 30
    assert any(GREETING in line and "does not predict" in line for line in result["summary"])


def test_calibrations_show_realistic_disagreement():
    for calibration in Calibration.objects.all():
        results = api_analysis.calibration_results_out(calibration)
        assert results is not None
        flagged = {c["behaviour"] for c in results["criteria"] if c["needs_rewording"]}
        agreed = {c["behaviour"] for c in results["criteria"] if not c["needs_rewording"]}
        assert "Shows empathy" in flagged
        assert {"Accurate answer", "Takes ownership"} <= agreed


def test_coaching_shows_improvement_for_some_agents_and_not_others():
    changes = []
    for session in CoachingSession.objects.all():
        (focus,) = selectors.before_after(session)
        assert focus.before_n >= 1
        assert focus.after_n >= 1
        assert focus.change is not None
        changes.append(focus.change)

    assert len(changes) == 6
    assert sum(change >= 0.25 for change in changes) >= 2
    assert sum(change <= 0.1 for change in changes) >= 2
