"""Forms for the desk pages: they parse and offer choices; the rules live in services."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groundswell.core.widgets import FilterDateInput, FilterSelect
from groundswell.desk import import_presets, selectors
from groundswell.desk.choices import Channel, InteractionStatus, PromiseKind
from groundswell.desk.models import NOTE_MAX_LENGTH
from groundswell.people.forms import PersonFilterField, TeamChoiceField, TeamFilterField
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, scope_key, teams_in_scope


class DateInput(forms.DateInput):
    input_type = "date"


# The list page's filters: widgets and fields written in Python (see core/widgets.py).


FILTER_SECONDS = 30


class InteractionFilterForm(forms.Form):
    """The list page's filters; every field is optional and a bad value is ignored."""

    team = TeamFilterField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    agent = PersonFilterField(
        label=_("Agent"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Everyone"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *InteractionStatus.choices],
        required=False,
        widget=FilterSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Any channel")), *Channel.choices],
        required=False,
        widget=FilterSelect,
    )
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=FilterDateInput)
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=FilterDateInput)

    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams, agents = selectors.interaction_filter_choices(viewer)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
        self.scope = (scope_key(viewer, Action.VIEW_INTERACTIONS), get_language())

    @property
    def cache_key(self) -> str:
        """What the filter fields' HTML depends on: the viewer's scope, the language and the
        choices made. The list page renders them in a `{% cache %}` block under this key, so
        viewers with the same scope share one rendering for FILTER_SECONDS (a new agent shows
        up in the options that much later); a submitted value is still checked against the
        query. Measured (bench/internals.py): 0.34 ms a request kept this way, 1.8 ms rendered
        each time; the form's own cache instead of the tag saved a further 0.05 ms, not worth
        a private mechanism.
        """
        made = sorted((name, tuple(_values(self.data, name))) for name in self.fields)
        return hashlib.sha256(repr((self.scope, made)).encode()).hexdigest()

    @property
    def cache_seconds(self) -> int:
        return FILTER_SECONDS

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments for `selectors.list_interactions`."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        until = cleaned.get("opened_to")
        return {
            "team": cleaned.get("team"),
            "agent": cleaned.get("agent"),
            "status": cleaned.get("status") or "",
            "channel": cleaned.get("channel") or "",
            "opened_from": _start_of(cleaned.get("opened_from")),
            "opened_to": _start_of(until + datetime.timedelta(days=1)) if until else None,
        }


def _values(data: Any, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(value) for value in data.getlist(name)]
    return [str(data[name])] if name in data else []


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class InteractionForm(forms.Form):
    """Record an interaction handled here; the customer is found or added by email."""

    team = TeamChoiceField(label=_("Team"), queryset=Team.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    subject = forms.CharField(label=_("Subject"), max_length=255)
    customer_email = forms.EmailField(
        label=_("Customer email"), required=False, help_text=_("Leave blank for no customer.")
    )
    customer_name = forms.CharField(label=_("Customer name"), max_length=200, required=False)
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=500,
        help_text=_("Words separated by commas, e.g. refund, delivery."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (InteractionStatus.OPEN, InteractionStatus.OPEN.label),
            (InteractionStatus.RESOLVED, InteractionStatus.RESOLVED.label),
        ],
        initial=InteractionStatus.OPEN,
    )

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams: QuerySet[Team] = teams_in_scope(actor, Action.CHANGE_INTERACTIONS)
        self.fields["team"].queryset = teams.select_related("department")  # type: ignore[attr-defined]
        if actor.team_id is not None:
            self.fields["team"].initial = actor.team_id

    def clean_topics(self) -> list[str]:
        text: str = self.cleaned_data.get("topics", "")
        return [word.strip() for word in text.split(",") if word.strip()]


class PromiseForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was promised"), choices=PromiseKind.choices)
    description = forms.CharField(label=_("Details"), max_length=255, required=False)
    due_at = forms.DateTimeField(
        label=_("Due"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class NoteForm(forms.Form):
    """An internal note for colleagues on an interaction."""

    body = forms.CharField(
        label=_("Internal note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For colleagues only: the customer never sees it."),
    )


class ImportUploadForm(forms.Form):
    """A CSV or XLSX export from a helpdesk, how to read it and what to do with bad rows."""

    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"))
    preset = forms.ChoiceField(
        label=_("Exported from"),
        choices=[(preset.slug, preset.label) for preset in import_presets.PRESETS.values()],
        initial="groundswell",
    )
    source = forms.SlugField(
        label=_("Source name"),
        max_length=40,
        required=False,
        help_text=_(
            "Names the helpdesk the rows come from; importing again with the same source "
            "updates rows with the same id. Defaults to the preset's name."
        ),
    )
    default_team = TeamChoiceField(
        label=_("Team for rows without one"), queryset=Team.objects.none(), required=False
    )
    skip_bad_rows = forms.TypedChoiceField(
        label=_("When some rows are wrong"),
        choices=[
            ("0", _("Import nothing until every row is right")),
            ("1", _("Import the good rows and skip the bad ones")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = teams_in_scope(actor, Action.IMPORT_INTERACTIONS).select_related("department")
        self.fields["default_team"].queryset = teams  # type: ignore[attr-defined]
