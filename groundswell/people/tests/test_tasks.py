import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from groundswell.people.tasks import send_welcome_emails

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_welcome_email_runs_in_the_database_worker(agent, client):
    with override_settings(TASKS=DATABASE_QUEUE):
        result = send_welcome_emails.enqueue([agent.pk])
        assert mail.outbox == [], "enqueueing must not send inline"

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        result.refresh()
        assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert [m.to for m in mail.outbox] == [[agent.email]]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    assert client.get(link.group(1), follow=True).context["validlink"] is True


def test_welcome_email_skips_people_without_a_login(db, team_alpha):
    from groundswell.people.tests.factories import PersonFactory

    person = PersonFactory.create(team=team_alpha)

    assert send_welcome_emails.call([person.pk]) == 0
    assert mail.outbox == []


def test_import_with_logins_sends_each_new_person_a_welcome_email(
    admin, team_alpha, django_capture_on_commit_callbacks
):
    from groundswell.people.imports import commit_import

    content = (
        b"full_name,email,role,department,team,create_login\n"
        b"Nia New,nia@example.test,agent,Customer Service,Alpha,yes\n"
        b"Noah Nologin,noah@example.test,agent,Customer Service,Alpha,no\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = commit_import(actor=admin, content=content)

    assert result.committed
    assert [m.to for m in mail.outbox] == [["nia@example.test"]]
