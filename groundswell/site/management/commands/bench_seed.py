from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from groundswell.site import benchdata


class Command(BaseCommand):
    help = "Seed the side-by-side benchmark data set (see bench/harness); prints one JSON line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interactions", type=int, default=1_000_000)
        parser.add_argument("--invitations", type=int, default=200_000)
        parser.add_argument("--teams", type=int, default=12)
        parser.add_argument(
            "--responses",
            type=int,
            default=None,
            help="answered invitations on top of --invitations, for the dashboard's history "
            "(default: a quarter of --interactions, 250,000 at the standard size)",
        )
        parser.add_argument("--tokens-file", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = benchdata.seed(
                interactions=options["interactions"],
                invitations=options["invitations"],
                tokens_file=options["tokens_file"],
                teams=options["teams"],
                responses=(
                    options["responses"]
                    if options["responses"] is not None
                    else options["interactions"] // 4
                ),
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.as_json())
