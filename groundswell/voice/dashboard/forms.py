"""The voice dashboard's filters: they parse; the figures come from voice.dashboard.selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groundswell.core.widgets import FilterSelect
from groundswell.desk.choices import Channel
from groundswell.people.forms import TeamFilterField
from groundswell.people.models import Person
from groundswell.voice.dashboard.selectors import DEFAULT_WEEKS, VoiceFilters, voice_teams

PERIODS = [(4, _("Last 4 weeks")), (13, _("Last 13 weeks")), (52, _("Last 52 weeks"))]


class DashboardFilterForm(forms.Form):
    """Period, team and channel; an unknown value is dropped so the dashboard always answers."""

    weeks = forms.TypedChoiceField(
        label=_("Period"),
        choices=PERIODS,
        coerce=int,
        required=False,
        initial=DEFAULT_WEEKS,
        widget=FilterSelect,
    )
    team = TeamFilterField(
        label=_("Team"), queryset=None, required=False, empty_label=_("All my teams")
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("All channels")), *Channel.choices],
        required=False,
        widget=FilterSelect,
    )

    def __init__(self, data: Any = None, *, viewer: Person) -> None:
        if data is not None and not data.get("weeks"):
            # Show the period actually used, not the first option of the list.
            data = data.copy()
            data["weeks"] = str(DEFAULT_WEEKS)
        super().__init__(data)
        self.fields["team"].queryset = voice_teams(viewer).order_by("name", "pk")  # type: ignore[attr-defined]

    def filters(self) -> VoiceFilters:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        team = cleaned.get("team")
        return VoiceFilters(
            weeks=cleaned.get("weeks") or DEFAULT_WEEKS,
            team_id=team.pk if team else None,
            channel=cleaned.get("channel") or "",
        )
