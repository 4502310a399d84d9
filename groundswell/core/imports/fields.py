"""One validator per field type, for every import and the API.

Each takes the text of a cell (already trimmed) and returns the value it holds, or raises
`Invalid` whose message names the problem for the person who wrote it. A blank cell is the
caller's to handle (a required field says so in its own words); validators see only
non-blank text, except where they say otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_EMAIL = 254
MAX_INT32 = 2_147_483_647
TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})


class Invalid(ValueError):
    """A cell's text is not a value of its field; the message says why."""

    @property
    def message(self) -> str:
        return str(self.args[0])


def email(value: str, *, max_length: int = MAX_EMAIL) -> str:
    """An email address, lower-cased, valid as Django's EmailField takes it."""
    address = value.strip().lower()
    if len(address) > max_length:
        raise Invalid(_("“%(email)s” is not a valid email address.") % {"email": address})
    try:
        validate_email(address)
    except ValidationError:
        raise Invalid(_("“%(email)s” is not a valid email address.") % {"email": address}) from None
    return address


def text(value: str, *, max_length: int) -> str:
    """Text of at most `max_length` characters."""
    if len(value) > max_length:
        raise Invalid(
            _("At most %(limit)s characters (this has %(length)s).")
            % {"limit": max_length, "length": len(value)}
        )
    return value


def external_id(value: str, *, max_length: int = 120) -> str:
    """An id in another system: any text without surrounding spaces, at most `max_length`."""
    return text(value.strip(), max_length=max_length)


def date(value: str) -> datetime.date:
    """A calendar date written YYYY-MM-DD."""
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 (a date only)
    except ValueError:
        raise Invalid(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31.")
            % {"value": value}
        ) from None


def moment(value: str, *, zone: datetime.tzinfo) -> datetime.datetime:
    """A date and time in ISO 8601; one written without a zone is read in `zone`."""
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _("“%(value)s” is not a date and time; write it as 2025-01-31T14:05:00+00:00.")
            % {"value": value}
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def whole_number(value: str, *, maximum: int = MAX_INT32, message: str = "") -> int:
    """A whole number from 0 to `maximum`, written in digits.

    `message` (with `%(value)s`) says what the number counts, e.g. "A whole number of seconds".
    """
    if not value.isascii() or not value.isdigit() or int(value) > maximum:
        template = message or _("A whole number from 0 to %(maximum)s, not “%(value)s”.")
        raise Invalid(template % {"value": value, "maximum": maximum})
    return int(value)


def decimal_number(value: str, *, places: int = 2, maximum: Decimal | None = None) -> Decimal:
    """A number with at most `places` decimals; a comma may stand for the decimal point."""
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    exponent = number.as_tuple().exponent
    if not number.is_finite() or not isinstance(exponent, int) or -exponent > places:
        raise Invalid(
            _("“%(value)s” is not a number with at most %(places)s decimals.")
            % {"value": value, "places": places}
        )
    if maximum is not None and abs(number) > maximum:
        raise Invalid(
            _("%(value)s is larger than %(maximum)s.") % {"value": value, "maximum": maximum}
        )
    return number


def choice[T](
    value: str,
    words: Mapping[str, T],
    *,
    message: str = "",
    shown: Collection[str] | None = None,
) -> T:
    """The value a word stands for, ignoring capitals; unknown words list the known ones.

    `message` (with `%(value)s` and `%(choices)s`) names what is chosen, e.g. a channel;
    `shown` lists the words offered when not every word (synonyms) should be.
    """
    try:
        return words[value.strip().lower()]
    except KeyError:
        template = message or _("Unknown value “%(value)s”; use one of: %(choices)s.")
        listed = ", ".join(shown if shown is not None else sorted(words))
        raise Invalid(template % {"value": value, "choices": listed}) from None


def one_of(value: str, allowed: Collection[str], *, message: str = "") -> str:
    """`value` lower-cased, when it is one of `allowed`."""
    return choice(value, {word: word for word in allowed}, message=message)


def language(value: str, codes: Collection[str], *, message: str = "") -> str:
    """A language code among `codes`, from its first two letters ("en-GB" is "en")."""
    code = value.strip().lower()[:2]
    if code not in codes:
        template = message or _("Unknown language “%(value)s”; use one of: %(choices)s.")
        raise Invalid(template % {"value": value, "choices": ", ".join(sorted(codes))})
    return code


def yes_no(value: str) -> bool:
    """yes/no, y/n, true/false or 1/0; blank is no."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Invalid(_("Write yes or no, not “%(value)s”.") % {"value": word})
