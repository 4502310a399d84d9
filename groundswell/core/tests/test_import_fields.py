"""One validator per field type (core/imports/fields.py), shared by both imports and the API."""

import datetime
from decimal import Decimal

import pytest

from groundswell.core.imports import fields
from groundswell.core.schemas import EmailStr

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Ana@Example.TEST", "ana@example.test"), (" bo@example.test ", "bo@example.test")],
)
def test_an_email_is_lower_cased(value, expected):
    assert fields.email(value) == expected


@pytest.mark.parametrize(
    "value", ["not-an-email", "a@b", "a@@example.test", "x" * 250 + "@example.test"]
)
def test_a_bad_email_is_refused_naming_it(value):
    with pytest.raises(fields.Invalid, match="is not a valid email address"):
        fields.email(value)


def test_the_api_checks_email_with_the_same_validator():
    from pydantic import TypeAdapter, ValidationError

    adapter = TypeAdapter(EmailStr)
    assert adapter.validate_python(" Ana@Example.TEST ") == "ana@example.test"
    with pytest.raises(ValidationError, match="is not a valid email address"):
        adapter.validate_python("a@b")


def test_text_has_a_length_limit():
    assert fields.text("abc", max_length=3) == "abc"
    with pytest.raises(fields.Invalid, match=r"At most 3 characters \(this has 4\)"):
        fields.text("abcd", max_length=3)


def test_an_external_id_is_trimmed_and_limited():
    assert fields.external_id(" t-1 ") == "t-1"
    with pytest.raises(fields.Invalid, match="At most 120"):
        fields.external_id("x" * 121)


def test_a_date_is_year_month_day():
    assert fields.date("2025-01-31") == datetime.date(2025, 1, 31)
    for value in ("31/01/2025", "2025-02-30", "2025-01-31T10:00"):
        with pytest.raises(fields.Invalid, match="write it as YYYY-MM-DD"):
            fields.date(value)


def test_a_moment_without_a_zone_is_read_in_the_given_zone():
    zone = datetime.timezone(datetime.timedelta(hours=2))

    assert fields.moment("2025-01-31T14:05:00+00:00", zone=zone) == datetime.datetime(
        2025, 1, 31, 14, 5, tzinfo=UTC
    )
    assert fields.moment("2025-01-31 14:05", zone=zone).utcoffset() == datetime.timedelta(hours=2)
    with pytest.raises(fields.Invalid, match="is not a date and time"):
        fields.moment("yesterday", zone=zone)


def test_a_whole_number_is_digits_within_its_range():
    assert fields.whole_number("300") == 300
    for value in ("-1", "1.5", "abc", "²", str(fields.MAX_INT32 + 1)):
        with pytest.raises(fields.Invalid, match=f"not “{value}”"):
            fields.whole_number(value)
    with pytest.raises(fields.Invalid, match="A whole number of seconds, not “x”"):
        fields.whole_number("x", message="A whole number of seconds, not “%(value)s”.")


def test_a_decimal_has_at_most_its_places():
    assert fields.decimal_number("3.25") == Decimal("3.25")
    assert fields.decimal_number("3,5") == Decimal("3.5")
    for value in ("3.125", "abc", "NaN", "inf"):
        with pytest.raises(fields.Invalid, match="at most 2 decimals"):
            fields.decimal_number(value)
    with pytest.raises(fields.Invalid, match="larger than"):
        fields.decimal_number("120", maximum=Decimal(100))


def test_a_choice_ignores_capitals_and_lists_the_words_it_knows():
    words = {"email": "email", "web form": "web"}

    assert fields.choice("Web Form", words) == "web"
    with pytest.raises(fields.Invalid, match="Unknown value “fax”; use one of: email, web form"):
        fields.choice("fax", words)
    with pytest.raises(fields.Invalid, match=r"Unknown channel “fax”; use one of: email$"):
        fields.choice(
            "fax",
            words,
            message="Unknown channel “%(value)s”; use one of: %(choices)s",
            shown=["email"],
        )


def test_a_language_is_read_from_its_first_two_letters():
    assert fields.language("en-GB", {"en", "fr"}) == "en"
    with pytest.raises(fields.Invalid, match="Unknown language “klingon”; use one of: en, fr"):
        fields.language("klingon", {"en", "fr"})


@pytest.mark.parametrize(
    ("value", "expected"), [("yes", True), ("Y", True), ("1", True), ("no", False), ("", False)]
)
def test_yes_or_no(value, expected):
    assert fields.yes_no(value) is expected


def test_anything_else_is_not_yes_or_no():
    with pytest.raises(fields.Invalid, match="Write yes or no, not “maybe”"):
        fields.yes_no("Maybe")
