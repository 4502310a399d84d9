from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from groundswell.people import demo


class Command(BaseCommand):
    help = "Print the address to open and the demo login of each role."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--url", default=f"{settings.SITE_URL}/", help="Where Groundswell runs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        statuses = demo.demo_login_status()
        self.stdout.write(f"Open {options['url']}")
        ready = [status.login for status in statuses if status.exists]
        if ready:
            self.stdout.write("Demo logins, one per role:")
        for login in ready:
            self.stdout.write(f"  {login.role.label:<10} {login.email:<28} {login.password}")
        missing = [status.login.email for status in statuses if not status.exists]
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"No demo account for {', '.join(missing)} in this database. Load the demo "
                    "with `groundswell seed_demo --size small` (or --replace over other data)."
                )
            )
