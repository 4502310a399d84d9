"""Recognition fixtures: values, and kudos given through the service as people give them."""

from collections.abc import Callable
from typing import Any

import pytest

from groundswell.people.models import Person
from groundswell.recognition import services
from groundswell.recognition.models import Kudos, Value
from groundswell.recognition.tests.factories import ValueFactory


@pytest.fixture
def respect(db: None) -> Value:
    return ValueFactory.create(name="Respect", slug="respect")


@pytest.fixture
def retired(db: None) -> Value:
    return ValueFactory.create(name="Old ways", slug="old-ways", is_retired=True)


@pytest.fixture
def give(respect: Value) -> Callable[..., Kudos]:
    """Give kudos as `actor` with sensible defaults; keyword arguments override them."""

    def make(actor: Person, **fields: Any) -> Kudos:
        values: dict[str, Any] = {"message": "Thanks for the calm handover.", "values": [respect]}
        return services.give_kudos(actor=actor, **(values | fields))

    return make
