"""Print what the load generator needs to act as an agent, an API client and a customer:
a staff session, an API token, a CSRF secret, a public queue, the ticket list's data path and
the newest seeded ticket, as one JSON line."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand
from helpdesk.models import Queue, Ticket
from helpdesk.query import query_to_base64
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the load generator's credentials and paths as one JSON line."

    def handle(self, *args: Any, **options: Any) -> None:
        agent = get_user_model().objects.get(username="agent0")
        session = SessionStore()
        session["_auth_user_id"] = str(agent.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = agent.get_session_auth_hash()
        session.create()
        token, _ = Token.objects.get_or_create(user=agent)
        # What the ticket list asks for on a first visit: open and reopened tickets, by date.
        first_visit = {"filtering": {"status__in": [1, 2]}, "sorting": "created"}
        query = query_to_base64({**first_visit, "search_string": "", "sortreverse": False})
        self.stdout.write(
            json.dumps(
                {
                    "session": session.session_key,
                    "api_token": token.key,
                    "csrf": secrets.token_hex(16),
                    "queue_id": Queue.objects.get(slug="general").pk,
                    "list_path": (
                        f"/helpdesk/datatables_ticket_list/{query}?draw=1&start=0&length=25"
                    ),
                    "baseline_ticket_id": (
                        Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
                    ),
                }
            )
        )
