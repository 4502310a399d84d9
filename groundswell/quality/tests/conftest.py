"""Quality fixtures: a Customer Service scorecard, and a way to score a review in one call."""

from collections.abc import Callable
from typing import Any

import pytest

from groundswell.desk.models import Interaction
from groundswell.people.models import Department, Person
from groundswell.quality import selectors, services
from groundswell.quality.models import Review, Scorecard
from groundswell.quality.services import ScoreInput
from groundswell.quality.tests.factories import criteria_of, make_scorecard, resolved_interaction

ALL_MET = {
    "Takes ownership": 1,
    "Accurate answer": 5,
    "Keeps the promise made": 1,
    "Checks the customer is satisfied": 1,
    "Goes the extra mile": 0,
}


@pytest.fixture(autouse=True)
def _criteria_read_afresh() -> None:
    """Each test starts with an empty criteria cache (`selectors.criteria_in_use`)."""
    selectors.forget_criteria()


@pytest.fixture
def scorecard(manager: Person, customer_service: Department) -> Scorecard:
    return make_scorecard(manager, customer_service)


@pytest.fixture
def interaction(team_alpha, agent) -> Interaction:
    return resolved_interaction(team_alpha, agent)


@pytest.fixture
def score(scorecard: Scorecard) -> Callable[..., Review]:
    """Open and fill `reviewer`'s review of `interaction`; values by behaviour, None for N/A."""

    def make(
        reviewer: Person,
        interaction: Interaction,
        values: dict[str, Any] | None = None,
        *,
        submit: bool = True,
    ) -> Review:
        review = services.open_review(actor=reviewer, interaction=interaction)
        criteria = criteria_of(scorecard)
        chosen = ALL_MET | (values or {})
        answers = {
            criteria[name].pk: ScoreInput(value=value, is_na=value is None)
            for name, value in chosen.items()
        }
        return services.save_review(actor=reviewer, review=review, scores=answers, submit=submit)

    return make
