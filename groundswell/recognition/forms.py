"""Forms for the recognition pages; they only parse input, the services decide."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.desk.models import Interaction
from groundswell.people.models import Person, Team
from groundswell.recognition.choices import Reaction
from groundswell.recognition.models import (
    MAX_COMMENT_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_STORY_LENGTH,
    Value,
)
from groundswell.recognition.models.newsletter import (
    MAX_INTRO_LENGTH,
    MAX_SECTION_LENGTH,
    NewsletterSection,
)
from groundswell.recognition.newsletter import SectionEdit


class _ValuesField(forms.ModelMultipleChoiceField[Value]):
    """Accepts any value, so a retired one sent anyway gets the service's clear error; offers
    only current ones."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Value.objects.all(),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            **kwargs,
        )


def _offer(field: forms.Field, choices: list[tuple[Any, str]]) -> None:
    field.widget.choices = choices


class _RecognitionForm(forms.Form):
    def __init__(self, *args: Any, viewer: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        if "values" in self.fields:
            _offer(self.fields["values"], [(v.pk, str(v)) for v in Value.objects.current()])

    def clean_interaction(self) -> Interaction | None:
        number = self.cleaned_data.get("interaction")
        if not number:
            return None
        found = Interaction.objects.visible_to(self.viewer).filter(pk=number).first()
        if found is None:
            raise forms.ValidationError(_("You cannot see an interaction with that number."))
        return found


class KudosForm(_RecognitionForm):
    recipient = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.all(),
        required=False,
        help_text=_("Thank one person, or choose a team below."),
    )
    team = forms.ModelChoiceField(
        label=_("Or a whole team"), queryset=Team.objects.all(), required=False
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did they do, and what difference did it make?"),
    )
    values = _ValuesField(label=_("Values it shows"))
    interaction = forms.IntegerField(
        label=_("Interaction number (optional)"), required=False, min_value=1
    )
    is_private = forms.BooleanField(
        label=_("Private"),
        required=False,
        help_text=_("Only the person, their lead and you will see it."),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        people = Person.objects.active().exclude(pk=self.viewer.pk).only("pk", "full_name")
        _offer(self.fields["recipient"], [("", "---------"), *((p.pk, str(p)) for p in people)])
        if settings.GROUNDSWELL_POINTS_ENABLED:
            self.fields["points"] = forms.IntegerField(
                label=_("Points (optional)"),
                required=False,
                min_value=0,
                help_text=_("From your monthly allowance, to one person."),
            )

    def clean_points(self) -> int:
        return self.cleaned_data.get("points") or 0


class HeroForm(_RecognitionForm):
    nominee = forms.ModelChoiceField(label=_("Hero"), queryset=Person.objects.all())
    story = forms.CharField(
        label=_("The story"),
        max_length=MAX_STORY_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, what they did for the customer, and how it ended."),
    )
    values = _ValuesField(label=_("Values it shows"))
    interaction = forms.IntegerField(
        label=_("Interaction number (optional)"), required=False, min_value=1
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        people = Person.objects.active().exclude(pk=self.viewer.pk).only("pk", "full_name")
        _offer(self.fields["nominee"], [("", "---------"), *((p.pk, str(p)) for p in people)])


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=MAX_COMMENT_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reaction"), choices=Reaction.choices)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with it?"), max_length=300)


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("hide", _("Hide it")), ("keep", _("Keep it shown"))]
    )
    reason = forms.CharField(
        label=_("Reason (shown to the giver when hidden)"), max_length=300, required=False
    )


DECISIONS = [("approve", _("Approve")), ("decline", _("Decline"))]


class ComplimentReviewForm(_RecognitionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    values = _ValuesField(label=_("Values the agent showed (optional)"))
    show_customer_name = forms.BooleanField(
        label=_("Show the customer's name"),
        required=False,
        help_text=_("Only with the customer's consent; otherwise their initials are shown."),
    )


class HeroDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    note = forms.CharField(
        label=_("Note for the nominator (needed to decline)"), max_length=500, required=False
    )


class HeroMonthForm(forms.Form):
    place = forms.ChoiceField(
        label=_("Hero of the month for"),
        choices=[("team", _("Their team")), ("department", _("Their department"))],
    )
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("month", timezone.localdate().replace(day=1))
        super().__init__(*args, **kwargs)

    def clean_month(self) -> datetime.date:
        month: datetime.date = self.cleaned_data["month"]
        return month.replace(day=1)


class ValueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    description = forms.CharField(label=_("Short description"), max_length=300)
    position = forms.IntegerField(label=_("Position in lists"), min_value=0, initial=0)
    is_retired = forms.BooleanField(
        label=_("Retired"),
        required=False,
        help_text=_("Stays on past recognition but can no longer be chosen."),
    )


class PreferenceForm(forms.Form):
    hide_from_feed = forms.BooleanField(
        label=_("Keep my recognition out of public feeds"),
        required=False,
        help_text=_(
            "Kudos, compliments and hero stories about you are then shown only to you, "
            "whoever gave them and your lead."
        ),
    )


class LeadershipLineForm(forms.Form):
    """The short line from leadership a team's huddle opens with; empty text removes it."""

    where = forms.ChoiceField(
        label=_("For"),
        choices=[("team", _("this team")), ("department", _("the whole department"))],
    )
    text = forms.CharField(
        label=_("Line"),
        max_length=280,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class NewsletterDraftForm(forms.Form):
    """Which month to draft a newsletter for (the periodic job drafts the past month itself)."""

    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Year and month, for example 2026-03."),
        error_messages={"invalid": _("Enter a month as year and month, for example 2026-03.")},
    )


class NewsletterForm(forms.Form):
    """A draft's title, introduction, and each part's heading, text and whether it is kept."""

    title = forms.CharField(label=_("Title"), max_length=150)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=MAX_INTRO_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, sections: list[NewsletterSection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            kind = section.kind
            self.fields[f"include_{kind}"] = forms.BooleanField(
                label=_("Include “%(heading)s”") % {"heading": section.heading},
                required=False,
                initial=section.is_included,
            )
            self.fields[f"heading_{kind}"] = forms.CharField(
                label=_("Heading"), max_length=150, initial=section.heading
            )
            self.fields[f"body_{kind}"] = forms.CharField(
                label=_("Text"),
                required=False,
                max_length=MAX_SECTION_LENGTH,
                initial=section.body,
                widget=forms.Textarea(attrs={"rows": 8}),
            )

    def section_fields(self) -> list[tuple[NewsletterSection, list[forms.BoundField]]]:
        """Each part with its three fields, for the template."""
        return [
            (
                section,
                [self[f"{name}_{section.kind}"] for name in ("include", "heading", "body")],
            )
            for section in self.sections
        ]

    def edits(self) -> list[SectionEdit]:
        data = self.cleaned_data
        return [
            SectionEdit(
                section=section,
                heading=data[f"heading_{section.kind}"],
                body=data[f"body_{section.kind}"],
                is_included=data[f"include_{section.kind}"],
            )
            for section in self.sections
        ]


class RewardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    cost = forms.IntegerField(label=_("Cost in points"), min_value=1)
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)


class RedeemForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class RedemptionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Needed when you decline: the points go back."),
    )
