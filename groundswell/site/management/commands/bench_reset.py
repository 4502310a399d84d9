import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from groundswell.site import benchdata


class Command(BaseCommand):
    help = (
        "Delete interactions after --baseline and survey answers after --baseline-response "
        "(every answer by default), between bench rounds."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--baseline", type=int, required=True)
        parser.add_argument("--baseline-response", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        result = benchdata.reset(
            baseline=options["baseline"], baseline_response=options["baseline_response"]
        )
        self.stdout.write(json.dumps(result))
