"""Print what /healthz/full answers, as JSON; exit 1 when something fails.

For the machines that run no web process (task workers, the scheduler): a monitoring agent or
a systemd timer can run `groundswell health` there and alert on its exit status.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from groundswell.core.health import health_report


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report()
        self.stdout.write(json.dumps(report.as_dict(), indent=2))
        if not report.ok:
            raise CommandError('unhealthy: see the parts marked "ok": false above', returncode=1)
