from typing import Any

from django.core.management.base import BaseCommand

from groundswell.ideas import services


class Command(BaseCommand):
    help = "Email owners about submissions not acknowledged by their deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_idea_reminders()
        self.stdout.write(f"Sent {sent} reminder email(s).")
