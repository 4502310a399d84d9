"""Data: the default CSAT, CES and NPS surveys with their first version.

CSAT is active for every channel; CES and NPS are ready to switch on. The texts are the
built-in English ones of voice/surveys.py (copied here, as a migration must not change
when the code does); they are translated when shown.
"""

from django.db import migrations

DEFAULTS = [
    {
        "kind": "csat",
        "name": "Customer satisfaction after service",
        "is_active": True,
        "poor_threshold": 2,
        "question": "How satisfied are you with the help you received?",
        "low_label": "Very dissatisfied",
        "high_label": "Very satisfied",
        "comment_prompt": "What is the main reason for your answer?",
        "reason_codes": ["speed", "friendliness", "knowledge", "outcome", "ease"],
    },
    {
        "kind": "ces",
        "name": "Customer effort after service",
        "is_active": False,
        "poor_threshold": 5,
        "question": "How much effort did it take you to get your request handled?",
        "low_label": "Very little effort",
        "high_label": "A great deal of effort",
        "comment_prompt": "What could we have made easier?",
        "reason_codes": ["speed", "repeat", "transfers", "outcome", "ease"],
    },
    {
        "kind": "nps",
        "name": "Net Promoter Score",
        "is_active": False,
        "poor_threshold": 6,
        "question": "How likely are you to recommend us to a friend or colleague?",
        "low_label": "Not at all likely",
        "high_label": "Extremely likely",
        "comment_prompt": "What is the main reason for your score?",
        "reason_codes": ["speed", "friendliness", "knowledge", "outcome", "price"],
    },
]
VERSION_FIELDS = ("question", "low_label", "high_label", "comment_prompt", "reason_codes")


def create_default_surveys(apps, schema_editor):
    Survey = apps.get_model("voice", "Survey")
    SurveyVersion = apps.get_model("voice", "SurveyVersion")
    for default in DEFAULTS:
        if Survey.objects.filter(kind=default["kind"], name=default["name"]).exists():
            continue
        is_active = default["is_active"] and not Survey.objects.filter(
            kind=default["kind"], is_active=True
        ).exists()
        survey = Survey.objects.create(
            kind=default["kind"],
            name=default["name"],
            is_active=is_active,
            poor_threshold=default["poor_threshold"],
            send_delay_minutes=0,
            channels=[],
            resurvey_days=7,
            expiry_days=14,
        )
        SurveyVersion.objects.create(
            survey=survey, number=1, **{field: default[field] for field in VERSION_FIELDS}
        )


def remove_default_surveys(apps, schema_editor):
    """Undo: remove the defaults that were never used (used ones keep their answers)."""
    Survey = apps.get_model("voice", "Survey")
    SurveyVersion = apps.get_model("voice", "SurveyVersion")
    for default in DEFAULTS:
        unused = SurveyVersion.objects.filter(
            survey__kind=default["kind"], survey__name=default["name"], invitations__isnull=True
        )
        survey_ids = list(unused.values_list("survey_id", flat=True))
        unused.delete()
        Survey.objects.filter(pk__in=survey_ids, versions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0002_dashboard_rollups"),
    ]

    operations = [
        migrations.RunPython(create_default_surveys, remove_default_surveys),
    ]
