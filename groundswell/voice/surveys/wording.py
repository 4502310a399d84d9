"""The built-in survey wording per kind, and what counts as a poor or a glowing answer.

Questions are stored on each SurveyVersion in English; the built-in texts below are marked
for translation, so a version that uses them is shown in the customer's language. A text an
administrator writes in a new version is shown as written.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from groundswell.voice.choices import SCALES, SurveyKind


@dataclass(frozen=True)
class Wording:
    """The texts of a survey version."""

    question: str
    low_label: str
    high_label: str
    comment_prompt: str
    reason_codes: tuple[str, ...]


# Marked with gettext_noop: stored untranslated, translated when shown.
BUILT_IN: dict[str, Wording] = {
    SurveyKind.CSAT: Wording(
        question=gettext_noop("How satisfied are you with the help you received?"),
        low_label=gettext_noop("Very dissatisfied"),
        high_label=gettext_noop("Very satisfied"),
        comment_prompt=gettext_noop("What is the main reason for your answer?"),
        reason_codes=("speed", "friendliness", "knowledge", "outcome", "ease"),
    ),
    SurveyKind.CES: Wording(
        question=gettext_noop("How much effort did it take you to get your request handled?"),
        low_label=gettext_noop("Very little effort"),
        high_label=gettext_noop("A great deal of effort"),
        comment_prompt=gettext_noop("What could we have made easier?"),
        reason_codes=("speed", "repeat", "transfers", "outcome", "ease"),
    ),
    SurveyKind.NPS: Wording(
        question=gettext_noop("How likely are you to recommend us to a friend or colleague?"),
        low_label=gettext_noop("Not at all likely"),
        high_label=gettext_noop("Extremely likely"),
        comment_prompt=gettext_noop("What is the main reason for your score?"),
        reason_codes=("speed", "friendliness", "knowledge", "outcome", "price"),
    ),
}

REASON_LABELS: dict[str, Promise] = {
    "speed": _("Speed of the answer"),
    "friendliness": _("Friendliness"),
    "knowledge": _("Knowledge of the person who helped"),
    "outcome": _("The outcome"),
    "ease": _("How easy it was"),
    "repeat": _("Having to repeat myself"),
    "transfers": _("Being passed between people"),
    "price": _("Price"),
}

# Default poor-answer thresholds (CSAT and NPS: at or below; CES: at or above).
DEFAULT_POOR_THRESHOLD: dict[str, int] = {SurveyKind.CSAT: 2, SurveyKind.CES: 5, SurveyKind.NPS: 6}
# A comment with a score this good (CSAT and NPS: at or above; CES: at or below) is a compliment.
COMPLIMENT_THRESHOLD: dict[str, int] = {SurveyKind.CSAT: 5, SurveyKind.CES: 2, SurveyKind.NPS: 9}


def lower_is_better(kind: str) -> bool:
    """CES asks about effort: a low score is the good one."""
    return kind == SurveyKind.CES


def scale(kind: str) -> range:
    """Every score a survey of this kind accepts, lowest first."""
    low, high = SCALES[kind]
    return range(low, high + 1)


def is_poor(kind: str, score: int, threshold: int) -> bool:
    return score >= threshold if lower_is_better(kind) else score <= threshold


def is_compliment(kind: str, score: int, comment: str) -> bool:
    if not comment.strip():
        return False
    threshold = COMPLIMENT_THRESHOLD[kind]
    return score <= threshold if lower_is_better(kind) else score >= threshold


def translated(text: str) -> str:
    """A stored survey text in the active language (built-in texts are in the catalogue)."""
    return gettext(text) if text else text


def reason_label(code: str) -> str:
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else code
