"""Managing surveys: publishing new wording and changing when and whom a survey asks."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groundswell.desk.choices import Channel
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can_everywhere
from groundswell.voice.models import Survey, SurveyVersion
from groundswell.voice.surveys import wording

REASON_CODE_MAX_LENGTH = 40
MAX_REASON_CODES = 20
MAX_SEND_DELAY_MINUTES = 7 * 24 * 60
MAX_RESURVEY_DAYS = 365
MAX_EXPIRY_DAYS = 90


def _clean_reason_codes(reason_codes: Sequence[str]) -> list[str]:
    codes = [str(code).strip() for code in reason_codes]
    if len(codes) > MAX_REASON_CODES:
        message = _("Offer at most %(max)s reasons.") % {"max": MAX_REASON_CODES}
        raise ValidationError({"reason_codes": message})
    for code in codes:
        if not code or len(code) > REASON_CODE_MAX_LENGTH or not code.replace("_", "").isalnum():
            message = _(
                "“%(code)s” is not a reason code: use up to %(max)s letters, digits or underscores."
            ) % {"code": code[:REASON_CODE_MAX_LENGTH], "max": REASON_CODE_MAX_LENGTH}
            raise ValidationError({"reason_codes": message})
    if len(set(codes)) != len(codes):
        raise ValidationError({"reason_codes": _("Each reason code may appear only once.")})
    return codes


@transaction.atomic
def publish_survey_version(
    *,
    actor: Person,
    survey: Survey,
    question: str,
    low_label: str,
    high_label: str,
    comment_prompt: str,
    reason_codes: Sequence[str] = (),
) -> SurveyVersion:
    """Publish new wording for a survey; answers already given keep the version they saw.

    A new version asks on the kind's current scale (CES: CES 2.0 agreement)."""
    if not can_everywhere(actor, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    # Lock the survey so two administrators publishing at once get numbers n+1 and n+2.
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    latest = survey.versions.order_by("-number").values_list("number", flat=True).first()
    version = SurveyVersion(
        survey=survey,
        number=(latest or 0) + 1,
        question=question.strip(),
        low_label=low_label.strip(),
        high_label=high_label.strip(),
        comment_prompt=comment_prompt.strip(),
        reason_codes=_clean_reason_codes(reason_codes),
        scale=wording.current_scale(survey.kind),
    )
    version.full_clean(exclude=["survey", "number"])
    version.save()
    return version


def _check_range(errors: dict[str, str], field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        message = _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        errors[field] = message


@transaction.atomic
def update_survey_rules(
    *,
    actor: Person,
    survey: Survey,
    is_active: bool | None = None,
    send_delay_minutes: int | None = None,
    channels: Sequence[str] | None = None,
    resurvey_days: int | None = None,
    expiry_days: int | None = None,
    poor_threshold: int | None = None,
) -> Survey:
    """Change when and whom a survey asks; only one survey of a kind may be active."""
    if not can_everywhere(actor, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    changes: dict[str, object] = {}
    errors: dict[str, str] = {}
    if send_delay_minutes is not None:
        _check_range(errors, "send_delay_minutes", send_delay_minutes, 0, MAX_SEND_DELAY_MINUTES)
        changes["send_delay_minutes"] = send_delay_minutes
    if resurvey_days is not None:
        _check_range(errors, "resurvey_days", resurvey_days, 0, MAX_RESURVEY_DAYS)
        changes["resurvey_days"] = resurvey_days
    if expiry_days is not None:
        _check_range(errors, "expiry_days", expiry_days, 1, MAX_EXPIRY_DAYS)
        changes["expiry_days"] = expiry_days
    if poor_threshold is not None:
        low, high = wording.scale(survey.kind)[0], wording.scale(survey.kind)[-1]
        _check_range(errors, "poor_threshold", poor_threshold, low, high)
        changes["poor_threshold"] = poor_threshold
    if channels is not None:
        unknown = [channel for channel in channels if channel not in Channel.values]
        if unknown:
            errors["channels"] = _("Unknown channel: %(channels)s.") % {
                "channels": ", ".join(str(channel)[:40] for channel in unknown)
            }
        else:
            changes["channels"] = [value for value in Channel.values if value in channels]
    if is_active is not None:
        if is_active and (
            Survey.objects.filter(kind=survey.kind, is_active=True).exclude(pk=survey.pk).exists()
        ):
            errors["is_active"] = _("Another %(kind)s survey is active: switch it off first.") % {
                "kind": survey.get_kind_display()
            }
        changes["is_active"] = is_active
    if errors:
        raise ValidationError(errors)
    for field, value in changes.items():
        setattr(survey, field, value)
    try:
        with transaction.atomic():
            survey.save(update_fields=list(changes))
    except IntegrityError:  # another survey of the kind was switched on at the same moment
        raise ValidationError(
            {"is_active": _("Another survey of this kind is active: switch it off first.")}
        ) from None
    return survey
