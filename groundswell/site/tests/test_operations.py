"""The operations page: administrators only; the queue's lag and failures, never a task's
arguments or its error's message."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import ROLES
from groundswell.core.tests.tasks import always_fails, does_nothing

URL = reverse("site:operations")
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PERSONAL = "ada.lovelace@example.test"


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_see_the_page(role, org, client_for):
    response = client_for(org[role]).get(URL)

    assert response.status_code == (200 if role == "admin" else 403)


def test_anonymous_visitors_go_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_admin_menu_links_to_it(admin, client_for):
    response = client_for(admin).get(reverse("site:home"))

    assert f'href="{URL}" data-area="operations"' in response.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_shows_the_queue_lag_states_and_failures_without_arguments(admin, client_for):
    with override_settings(TASKS=DATABASE_QUEUE):
        always_fails.enqueue(PERSONAL)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        waiting = does_nothing.enqueue(PERSONAL)
        DBTaskResult.objects.filter(pk=waiting.id).update(
            enqueued_at=timezone.now() - datetime.timedelta(seconds=1200)
        )
        response = client_for(admin).get(URL)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    text = response.text
    assert 'data-health="fail"' in text  # 1200 s waiting is past HEALTH_MAX_QUEUE_AGE
    assert '<dd data-queue="waiting">1</dd>' in text
    assert "too old" in text
    assert '<td data-state="failed">1</td>' in text
    assert "groundswell.core.tests.tasks.always_fails" in text
    assert "builtins.RuntimeError" in text
    assert PERSONAL not in text, "neither the arguments nor the error's message"


def test_a_healthy_site_says_so(admin, client_for):
    response = client_for(admin).get(URL)

    assert 'data-health="ok"' in response.text
    assert "No failed tasks." in response.text
    assert "<code>database</code>" in response.text
