"""Bootstrap a new installation with its first administrator (a person with a login)."""

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from groundswell.people.services import create_administrator


class Command(BaseCommand):
    help = "Create an administrator: a person with the admin role and a login to the site."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument("--department", default="Administration")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Read the password from GROUNDSWELL_ADMIN_PASSWORD instead of prompting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_input"]:
            password = os.environ.get("GROUNDSWELL_ADMIN_PASSWORD", "")
            if not password:
                raise CommandError("Set GROUNDSWELL_ADMIN_PASSWORD when using --no-input.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            person = create_administrator(
                email=options["email"],
                full_name=options["name"],
                department_name=options["department"],
                password=password,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Created administrator {person.full_name} <{person.email}>.")
