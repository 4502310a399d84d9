"""Turning an id in a request body into its row, with the API's field error when it is unknown."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _


def row_or_error(queryset: QuerySet[Any], name: str, pk: int | None) -> Any:
    """The row of `queryset` with id `pk`, None for no id; an unknown id (or one outside the
    queryset, which the caller narrows to what the viewer may name) is an error on `name`."""
    if pk is None:
        return None
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise ValidationError(
            {name: _("There is no %(name)s with id %(id)s.") % {"name": name, "id": pk}}
        )
    return row
