"""factory_boy factories for the open door."""

import datetime

import factory
from django.utils import timezone

from groundswell.ideas.choices import IdeaCategory, IdeaKind
from groundswell.ideas.models import Policy
from groundswell.people.tests.factories import PersonFactory


class PolicyFactory(factory.django.DjangoModelFactory[Policy]):
    class Meta:
        model = Policy

    name = factory.Sequence(lambda n: f"Policy {n}")
    owner = factory.SubFactory(PersonFactory)
    summary = "How we handle it."
    empowerment = "Give goodwill credit without asking."
    limit_amount = None
    currency = ""
    review_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))


def submission_form(person, **extra):
    """What the open door's form (or API) receives for a plain idea about `person`'s department."""
    return {
        "kind": IdeaKind.IDEA,
        "title": "Quiet room",
        "body": "Somewhere to take a hard call.",
        "category": IdeaCategory.WORKPLACE,
        "department": person.team.department.pk,
        **extra,
    }
