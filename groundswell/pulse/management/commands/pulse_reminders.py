from typing import Any

from django.core.management.base import BaseCommand

from groundswell.pulse import services


class Command(BaseCommand):
    help = (
        "Publish the answers of closed waves, remind employees who have not answered an open "
        "pulse yet, and start due waves."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        published = services.publish_closed_waves()
        opened = services.open_due_waves(now=timezone.now())
        sent = services.remind_open_waves()
        self.stdout.write(
            f"Published {published} answers; opened {len(opened)} new waves; sent {sent} reminders."
        )
