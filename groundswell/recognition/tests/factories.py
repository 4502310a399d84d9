"""factory_boy factories for recognition."""

import factory

from groundswell.recognition.models import Value


class ValueFactory(factory.django.DjangoModelFactory[Value]):
    class Meta:
        model = Value

    name = factory.Sequence(lambda n: f"Value {n}")
    slug = factory.Sequence(lambda n: f"value-{n}")
    description = "What we stand for."
