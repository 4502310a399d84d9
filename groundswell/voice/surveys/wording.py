"""The built-in survey wording per kind, and what counts as a poor or a glowing answer.

Questions are stored on each SurveyVersion in English; the built-in texts below are marked
for translation, so a version that uses them is shown in the customer's language. A text an
administrator writes in a new version is shown as written.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from groundswell.voice.choices import CURRENT_SCALE, SCALES, Scale, SurveyKind


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
    # CES 2.0 (Dixon, Toman & DeLisi, The Effortless Experience, 2013): agreement, 1-7.
    SurveyKind.CES: Wording(
        question=gettext_noop(
            "How much do you agree with this statement: "
            "The company made it easy for me to handle my issue."
        ),
        low_label=gettext_noop("Strongly disagree"),
        high_label=gettext_noop("Strongly agree"),
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

# The first CES wording (effort, lower is better): versions that ask it stay in the catalogue.
LEGACY_EFFORT = Wording(
    question=gettext_noop("How much effort did it take you to get your request handled?"),
    low_label=gettext_noop("Very little effort"),
    high_label=gettext_noop("A great deal of effort"),
    comment_prompt=gettext_noop("What could we have made easier?"),
    reason_codes=("speed", "repeat", "transfers", "outcome", "ease"),
)

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

# Default poor-answer thresholds, at or below (CES 2.0: disagreeing, 1 to 3, is poor).
DEFAULT_POOR_THRESHOLD: dict[str, int] = {SurveyKind.CSAT: 2, SurveyKind.CES: 3, SurveyKind.NPS: 6}


# A comment with a score at or above this is a compliment (CES 2.0: agreeing); the site
# sets them (COMPLIMENT_CSAT, COMPLIMENT_CES, COMPLIMENT_NPS in settings.py).
def compliment_threshold(kind: str) -> int:
    setting = {"csat": "COMPLIMENT_CSAT", "ces": "COMPLIMENT_CES", "nps": "COMPLIMENT_NPS"}[kind]
    return int(getattr(settings, f"GROUNDSWELL_{setting}"))


# The legacy effort scale runs the other way: effort e says as much as agreement 8 - e.
EFFORT_MIRROR = 8


def lower_is_better(scale: str) -> bool:
    """Only the legacy effort scale: a low score is the good one."""
    return scale == Scale.CES_EFFORT_LEGACY


def scale(kind: str) -> range:
    """Every score a survey of this kind accepts, lowest first."""
    low, high = SCALES[kind]
    return range(low, high + 1)


def current_scale(kind: str) -> str:
    return CURRENT_SCALE[kind]


def favourable_view(scale_name: str, score: int) -> int:
    """The score read with higher as better: a legacy effort answer e reads as 8 - e."""
    return EFFORT_MIRROR - score if lower_is_better(scale_name) else score


def is_poor(kind: str, scale_name: str, score: int, threshold: int) -> bool:
    """At or below the survey's threshold, once the score is read with higher as better.

    CES thresholds are on the CES 2.0 agreement scale; a legacy effort answer is mirrored
    (8 - e) only to decide this, its stored score keeps its meaning.
    """
    return favourable_view(scale_name or current_scale(kind), score) <= threshold


def is_compliment(kind: str, scale_name: str, score: int, comment: str) -> bool:
    if not comment.strip():
        return False
    view = favourable_view(scale_name or current_scale(kind), score)
    return view >= compliment_threshold(kind)


def translated(text: str) -> str:
    """A stored survey text in the active language (built-in texts are in the catalogue)."""
    return gettext(text) if text else text


def reason_label(code: str) -> str:
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else code
