import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from groundswell.people.choices import Role
from groundswell.people.models import Person


def test_create_admin_bootstraps_a_working_admin_login(db, monkeypatch, client):
    monkeypatch.setenv("GROUNDSWELL_ADMIN_PASSWORD", "Long-enough-pass-99")

    call_command(
        "create_admin", "--email", "Root@Example.test", "--name", "Rita Root", "--no-input"
    )

    person = Person.objects.get(email="root@example.test")
    assert person.role == Role.ADMIN
    assert person.department.name == "Administration"
    response = client.post(
        reverse("login"),
        {"username": "root@example.test", "password": "Long-enough-pass-99"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("site:home")
    assert person.user is not None
    assert person.user.is_staff
    assert client.get("/admin/").status_code == 200


def test_create_admin_refuses_a_weak_password_and_leaves_nothing(db, monkeypatch):
    monkeypatch.setenv("GROUNDSWELL_ADMIN_PASSWORD", "123")

    with pytest.raises(CommandError, match="too short"):
        call_command("create_admin", "--email", "a@example.test", "--name", "A", "--no-input")

    assert not Person.objects.exists()


def test_create_admin_refuses_an_email_in_use(admin, monkeypatch):
    monkeypatch.setenv("GROUNDSWELL_ADMIN_PASSWORD", "Long-enough-pass-99")

    with pytest.raises(CommandError, match="already uses"):
        call_command("create_admin", "--email", admin.email, "--name", "Dup", "--no-input")
