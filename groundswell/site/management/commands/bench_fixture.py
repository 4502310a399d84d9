import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from groundswell.site import benchdata


class Command(BaseCommand):
    help = "Print what the benchmark's load generator needs, as one JSON line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--external-ids-file",
            type=Path,
            help="write external ids of seeded interactions here, one a line, in a random order",
        )
        parser.add_argument("--external-ids", type=int, default=50_000, help="how many at most")

    def handle(self, *args: Any, **options: Any) -> None:
        result = benchdata.fixture(
            external_ids_file=options["external_ids_file"], external_ids=options["external_ids"]
        )
        self.stdout.write(json.dumps(result))
