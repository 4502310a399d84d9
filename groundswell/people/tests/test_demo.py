import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from groundswell.api.services import create_api_key
from groundswell.people.choices import Role
from groundswell.people.demo import (
    DEMO_DOMAIN,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoRefused,
    DemoSize,
    seed_demo,
)
from groundswell.people.models import Department, Person, Team

TODAY = datetime.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _organisation_only(settings):
    """These tests are about the organisation; other apps test their own demo steps."""
    settings.GROUNDSWELL_DEMO_STEPS = ["groundswell.people.demo.ORGANISATION"]


def snapshot() -> list[tuple[str, str, str, str, str]]:
    """Who is in the organisation, independent of database ids."""
    return list(
        Person.objects.order_by("email").values_list(
            "full_name", "email", "role", "job_title", "team__name"
        )
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def small_org(db: None) -> None:
    seed_demo(size=DemoSize.SMALL, seed=7, today=TODAY)


def test_the_same_seed_gives_the_same_organisation(small_org: None) -> None:
    first = snapshot()
    seed_demo(size=DemoSize.SMALL, seed=7, replace=True, today=TODAY)
    assert snapshot() == first
    assert len(first) == 40


def test_a_different_seed_gives_different_people(small_org: None) -> None:
    first = snapshot()
    seed_demo(size=DemoSize.SMALL, seed=8, replace=True, today=TODAY)
    second = snapshot()
    assert {row[0] for row in first} != {row[0] for row in second}
    assert len(second) == 40


def test_every_role_is_present_with_admins_who_can_administer(small_org: None) -> None:
    roles = set(Person.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for admin in Person.objects.filter(role=Role.ADMIN).select_related("user"):
        assert admin.user is not None
        assert admin.user.is_staff
        assert admin.user.is_superuser


def test_every_team_is_led_by_a_team_lead_of_that_team(small_org: None) -> None:
    teams = Team.objects.select_related("lead")
    assert teams.count() == 5
    for team in teams:
        assert team.lead is not None
        assert team.lead.role == Role.TEAM_LEAD
        assert team.lead.team_id == team.pk
        assert team.members.filter(role=Role.AGENT).count() >= 3


def test_every_department_has_a_manager(small_org: None) -> None:
    for department in Department.objects.all():
        assert department.people.filter(role=Role.MANAGER).exists(), department


def test_people_report_up_the_organisation(small_org: None) -> None:
    people = Person.objects.select_related("manager", "team")
    for person in people:
        manager = person.manager
        if person.role == Role.EXECUTIVE:
            assert manager is None
            continue
        assert manager is not None, person
        if person.role == Role.AGENT:
            assert manager == person.team.lead
        elif person.role == Role.TEAM_LEAD:
            assert manager.role == Role.MANAGER
            assert manager.department_id == person.department_id
        elif person.role == Role.MANAGER:
            assert manager.role == Role.EXECUTIVE


def test_new_hires_have_a_tenured_buddy_in_their_team(small_org: None) -> None:
    recent = TODAY - datetime.timedelta(days=90)
    new_hires = Person.objects.filter(hire_date__gte=recent).select_related("buddy")
    assert new_hires.count() >= 3
    for person in new_hires:
        buddy = person.buddy
        assert buddy is not None
        assert buddy.pk != person.pk
        assert buddy.team_id == person.team_id
        assert buddy.is_active
        assert buddy.hire_date is not None
        assert buddy.hire_date <= TODAY - datetime.timedelta(days=365)
    assert not Person.objects.filter(hire_date__lt=recent, buddy__isnull=False).exists()


def test_hire_dates_spread_over_years(small_org: None) -> None:
    dates = list(Person.objects.values_list("hire_date", flat=True))
    assert all(date is not None and date <= TODAY for date in dates)
    oldest = min(date for date in dates if date is not None)
    assert TODAY - oldest > datetime.timedelta(days=4 * 365)


def test_champions_former_staff_and_unique_demo_emails(small_org: None) -> None:
    assert Person.objects.filter(is_champion=True).count() == 3  # 8% of 40
    former = Person.objects.filter(is_active=False)
    assert former.exists()
    assert not former.filter(user__isnull=False).exists()
    emails = list(Person.objects.values_list("email", flat=True))
    assert len(set(emails)) == len(emails)
    assert all(email == email.lower() and email.endswith(f"@{DEMO_DOMAIN}") for email in emails)


def test_medium_has_six_departments_and_150_people(db: None) -> None:
    seed_demo(size=DemoSize.MEDIUM, seed=1, today=TODAY)
    assert Department.objects.count() == 6
    assert Person.objects.count() == 150
    customer_service = Department.objects.get(name="Customer Service")
    team_names = set(customer_service.teams.values_list("name", flat=True))
    assert {"Tier 1 Phone", "Tier 1 Chat", "Tier 2 Technical", "Escalations"} <= team_names
    assert set(Department.objects.values_list("name", flat=True)) == {
        "Customer Service",
        "Billing",
        "Product",
        "IT",
        "HR",
        "Sales",
    }


@pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda login: login.role)
def test_each_demo_login_signs_in_with_its_role(small_org: None, login) -> None:
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username=login.email, password=DEMO_PASSWORD)
    assert user is not None
    assert Person.objects.get(user=user).role == login.role


def test_seed_demo_if_empty_loads_once(db: None) -> None:
    first = run("seed_demo", "--size", "small", "--if-empty")
    assert "the small demo organisation" in first
    second = run("seed_demo", "--size", "small", "--if-empty")
    assert "demo not loaded" in second
    assert Person.objects.count() == 40
    assert User.objects.count() == Person.objects.filter(user__isnull=False).count()


def test_seed_demo_refuses_a_database_that_holds_an_organisation(small_org: None) -> None:
    with pytest.raises(CommandError, match="--if-empty") as refused:
        run("seed_demo", "--size", "small")
    assert "--replace" in str(refused.value)
    assert Person.objects.count() == 40


def test_seed_demo_refuses_when_only_departments_exist(db: None) -> None:
    Department.objects.create(name="Customer Service", slug="customer-service")
    with pytest.raises(CommandError, match="already holds an organisation"):
        run("seed_demo", "--size", "small")


def test_seed_demo_replace_swaps_the_organisation_and_keeps_other_accounts(
    small_org: None,
) -> None:
    before = snapshot()
    owner = User.objects.create_user("owner@example.org", password="a-long-password")
    run("seed_demo", "--size", "medium", "--seed", "3", "--replace")
    assert Person.objects.count() == 150
    assert Department.objects.count() == 6
    assert set(snapshot()).isdisjoint(before)
    assert User.objects.filter(pk=owner.pk).exists()
    demo_users = User.objects.filter(username__endswith=f"@{DEMO_DOMAIN}")
    assert demo_users.count() == Person.objects.filter(user__isnull=False).count()


def test_replace_is_refused_whole_when_other_records_need_the_people(small_org: None) -> None:
    admin = Person.objects.get(email=f"admin@{DEMO_DOMAIN}")
    create_api_key(actor=admin, name="Helpdesk sync", scope="read")
    before = snapshot()
    with pytest.raises(DemoRefused, match="API keys"):
        seed_demo(size=DemoSize.SMALL, seed=9, replace=True, today=TODAY)
    assert snapshot() == before
    assert not Team.objects.filter(lead__isnull=True).exists()
    assert Person.objects.filter(buddy__isnull=False).exists()


def test_demo_logins_prints_the_url_and_one_login_per_role(small_org: None) -> None:
    output = run("demo_logins", "--url", "http://127.0.0.1:8123/")
    assert "http://127.0.0.1:8123/" in output
    for login in DEMO_LOGINS:
        line = next(line for line in output.splitlines() if login.email in line)
        assert str(login.role.label) in line
        assert DEMO_PASSWORD in line
    assert "No demo account" not in output


def test_demo_logins_says_when_the_demo_is_not_loaded(db: None) -> None:
    output = run("demo_logins")
    assert "No demo account" in output
    assert "seed_demo" in output
    assert DEMO_PASSWORD not in output
