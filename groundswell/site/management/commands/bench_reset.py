import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from groundswell.site import benchdata


class Command(BaseCommand):
    help = "Delete interactions after --baseline and every survey answer (between bench rounds)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--baseline", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(benchdata.reset(baseline=options["baseline"])))
