"""factory_boy factories for the organisation."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}@example.test")
    email = factory.SelfAttribute("username")
    password = factory.django.Password(PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.LazyAttribute(
        lambda o: f"{o.department.slug}-{o.name.lower().replace(' ', '-')}"
    )


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    role = Role.AGENT
    job_title = "Customer service agent"
    team = factory.SubFactory(TeamFactory)
    department = factory.LazyAttribute(
        lambda o: o.team.department if o.team else DepartmentFactory()
    )
    hire_date = factory.Faker("date_between", start_date="-5y", end_date="-1y")

    class Params:
        with_login = factory.Trait(
            user=factory.SubFactory(UserFactory, username=factory.SelfAttribute("..email"))
        )


def person_form(person, **changes):
    """What the person edit form posts for `person`, with `changes` (False or "" leaves it out)."""
    data = {
        "full_name": person.full_name,
        "email": person.email,
        "job_title": person.job_title,
        "role": person.role,
        "department": person.department_id,
        "team": person.team_id or "",
        "manager": person.manager_id or "",
        "buddy": person.buddy_id or "",
        "hire_date": person.hire_date.isoformat() if person.hire_date else "",
        "is_active": "on" if person.is_active else "",
        "is_champion": "on" if person.is_champion else "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value != "" and value is not False}
