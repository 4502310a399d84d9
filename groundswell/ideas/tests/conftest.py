"""Open door fixtures: submissions made through the services, as people would make them."""

from collections.abc import Callable
from typing import Any

import pytest

from groundswell.ideas import services
from groundswell.ideas.choices import IdeaCategory, IdeaKind
from groundswell.ideas.models import Idea, Policy
from groundswell.ideas.tests.factories import PolicyFactory
from groundswell.people.models import Department, Person


@pytest.fixture
def submit(customer_service: Department) -> Callable[..., Idea]:
    """Submit as `actor` with sensible defaults; keyword arguments override them."""

    def make(actor: Person, **fields: Any) -> Idea:
        values: dict[str, Any] = {
            "kind": IdeaKind.IDEA,
            "title": "Let agents refund small amounts",
            "body": "Customers wait two days for a refund of a few euros.",
            "category": IdeaCategory.PROCESS,
            "department": customer_service,
        }
        return services.submit_idea(actor=actor, **(values | fields)).idea

    return make


@pytest.fixture
def policy(admin: Person) -> Policy:
    return PolicyFactory.create(
        name="Goodwill credit",
        owner=admin,
        limit_amount=50,
        currency="EUR",
    )
