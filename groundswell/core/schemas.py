"""Constrained types shared by every app's API schemas.

Each rejects, with a message naming the problem, input the database would choke on (NUL
characters, ids beyond a 64-bit integer), so bad input is a 422 and never a server error.
"""

import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.imports import fields

MAX_ID = 2**63 - 1  # the largest primary key a BigAutoField holds


def storable(value: str) -> str:
    """Reject NUL characters, which PostgreSQL cannot store in text."""
    # Unpaired surrogates never get this far: pydantic's constrained strings refuse them.
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    return value


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable() -> Any:
    """The default of a PATCH field that may be left out but, when sent, may not be null.

    Typed `Any` so `name: NameStr = omittable()` type-checks; the OpenAPI schema shows the
    field's own type, with no null and no default.
    """
    return Field(None, json_schema_extra=_drop_default)


def _email(value: str) -> str:
    # The one email check, shared with every file import (core/imports/fields.py).
    return fields.email(value)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""The id of a row, as a path parameter or a reference in a payload."""

NameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(storable),
]
"""A short name (department, team), trimmed, never blank."""

TextStr = Annotated[str, StringConstraints(max_length=5000), AfterValidator(storable)]
"""Free text such as a description; may be empty."""

SearchStr = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(storable)
]
"""Words to search for."""

EmailStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(storable),
    AfterValidator(_email),
]
"""An email address, validated as Django does and lower-cased."""


def _in_utc(value: datetime.datetime) -> datetime.datetime:
    """An aware moment in UTC: Python allows offsets up to ±23:59, PostgreSQL only to ±15:59."""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError("The date and time are out of range once converted to UTC.") from error


# A date and time received through the API, stored as given but in UTC.
Moment = Annotated[datetime.datetime, AfterValidator(_in_utc)]
