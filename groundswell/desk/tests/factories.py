"""factory_boy factories for the service desk."""

import datetime

import factory
from django.utils import timezone

from groundswell.desk.choices import Channel, InteractionStatus, PromiseKind
from groundswell.desk.models import Customer, Interaction, Promise
from groundswell.people.tests.factories import TeamFactory


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.test")


class InteractionFactory(factory.django.DjangoModelFactory[Interaction]):
    class Meta:
        model = Interaction

    team = factory.SubFactory(TeamFactory)
    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.EMAIL
    status = InteractionStatus.OPEN
    subject = factory.Sequence(lambda n: f"Question number {n}")
    opened_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))


class PromiseFactory(factory.django.DjangoModelFactory[Promise]):
    class Meta:
        model = Promise

    interaction = factory.SubFactory(InteractionFactory)
    kind = PromiseKind.CALL_BACK
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


# Expected answers about an interaction of team Alpha (the root conftest's organisation), by
# role: who sees it (200) and who does not (404), and who may change it (executives only read).
VIEW = {
    "agent": 200,
    "team_lead": 200,
    "manager": 200,
    "executive": 200,
    "admin": 200,
    "other_agent": 404,
    "outsider": 404,
}
CHANGE = {**VIEW, "executive": 403}
