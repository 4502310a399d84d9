import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from groundswell.people.tasks import send_welcome_email

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_welcome_email_runs_in_the_database_worker(agent, client):
    with override_settings(TASKS=DATABASE_QUEUE):
        result = send_welcome_email.enqueue(agent.pk)
        assert mail.outbox == [], "enqueueing must not send inline"

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        result.refresh()
        assert result.status == "SUCCESSFUL"
    assert result.return_value is True
    assert [m.to for m in mail.outbox] == [[agent.email]]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    assert client.get(link.group(1), follow=True).context["validlink"] is True


def test_welcome_email_skips_people_without_a_login(db, team_alpha):
    from groundswell.people.tests.factories import PersonFactory

    person = PersonFactory.create(team=team_alpha)

    assert send_welcome_email.call(person.pk) is False
    assert mail.outbox == []
