from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from groundswell.people import demo


class Command(BaseCommand):
    help = "Load the demo organisation (the same --seed always gives the same people)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--size",
            choices=[size.value for size in demo.DemoSize],
            default=demo.DemoSize.SMALL.value,
            help="small: about 40 people; medium: 150 in 6 departments; large: 10,000.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="Another number gives another organisation of the same size.",
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds an organisation.",
        )
        existing.add_argument(
            "--replace",
            action="store_true",
            help="Delete the organisation already there (people, teams, departments) first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo.organisation_exists():
            self.stdout.write("The database already holds an organisation; demo not loaded.")
            return
        try:
            result = demo.seed_demo(
                size=demo.DemoSize(options["size"]),
                seed=options["seed"],
                replace=options["replace"],
            )
        except demo.DemoRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {demo.DEMO_COMPANY}, the {result.size} demo organisation "
                f"(seed {result.seed}), in {result.seconds:.1f} s:"
            )
        )
        for label, number in result.counts.items():
            self.stdout.write(f"  {label:<24} {number:>7,}")
