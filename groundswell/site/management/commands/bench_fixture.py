import json
from typing import Any

from django.core.management.base import BaseCommand

from groundswell.site import benchdata


class Command(BaseCommand):
    help = "Print what the benchmark's load generator needs, as one JSON line."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(benchdata.fixture()))
