"""Print what the load generator needs as one JSON line: an API key, a staff session, a CSRF
secret, a team, the newest seeded ids, and (with --external-ids-file) existing external ids."""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand

from ceiling.models import ApiKey, Interaction, Response, Team


class Command(BaseCommand):
    help = "Print the load generator's credentials and ids as one JSON line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--external-ids-file", type=Path)
        parser.add_argument("--external-ids", type=int, default=50_000)

    def handle(self, *args: Any, **options: Any) -> None:
        key = secrets.token_urlsafe(32)
        ApiKey.objects.create(name="bench", digest=hashlib.sha256(key.encode()).hexdigest())
        user, _ = get_user_model().objects.get_or_create(
            username="bench-staff", defaults={"is_staff": True}
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        if options["external_ids_file"]:
            ids = list(
                Interaction.objects.filter(source="bench").values_list("external_id", flat=True)
            )
            random.Random(7).shuffle(ids)  # noqa: S311 - spread the updates over the table
            chosen = ids[: options["external_ids"]]
            options["external_ids_file"].write_text("\n".join(map(str, chosen)) + "\n")
        self.stdout.write(
            json.dumps(
                {
                    "api_key": key,
                    "session": session.session_key,
                    "csrf": secrets.token_hex(16),
                    "team_id": Team.objects.order_by("pk").values_list("pk", flat=True).first(),
                    "baseline_interaction_id": (
                        Interaction.objects.order_by("-pk").values_list("pk", flat=True).first()
                    ),
                    "baseline_response_id": (
                        Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                    ),
                }
            )
        )
