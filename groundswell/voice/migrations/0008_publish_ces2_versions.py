"""Data: CES moves to CES 2.0 (agreement, 1 strongly disagree to 7 strongly agree).

Every version and answer says which scale it was asked on: the versions so far are CSAT 1-5,
NPS 0-10 and, for CES, the legacy effort scale (1 very little to 7 a great deal of effort),
and their answers keep that meaning. Each CES survey gets a new version asking the CES 2.0
question (new invitations use the newest version); its poor threshold moves to the agreement
scale (effort at or above t becomes agreement at or below 8 - t). The rollups' CES rows, all
legacy effort answers so far, are counted as `ces_effort`, apart from CES 2.0.

The texts are copied here, as a migration must not change when the code does; they are the
built-in ones of voice/surveys/wording.py, translated when shown.

Reversible while no invitation has used a CES 2.0 version: undoing it then would read CES 2.0
answers as effort ones, so it refuses.
"""

from django.db import migrations
from django.db.models import F, Max, OuterRef, Subquery

LEGACY = "effort_1_7_low_is_easy"
CES2 = "ces2_agreement_1_7"
SCALE_OF_KIND = {"csat": "csat_1_5", "nps": "nps_0_10", "ces": LEGACY}
CES2_TEXTS = {
    "question": (
        "How much do you agree with this statement: "
        "The company made it easy for me to handle my issue."
    ),
    "low_label": "Strongly disagree",
    "high_label": "Strongly agree",
}
MIRROR = 8  # effort e says as much as agreement 8 - e
ROLLUPS = ("DailyVoiceRollup", "WeeklyVoiceRollup", "WeeklyAgentRollup")


def publish_ces2_versions(apps, schema_editor):
    Survey = apps.get_model("voice", "Survey")
    SurveyVersion = apps.get_model("voice", "SurveyVersion")
    Response = apps.get_model("voice", "Response")
    for kind, scale in SCALE_OF_KIND.items():
        SurveyVersion.objects.filter(survey__kind=kind, scale="").update(scale=scale)
    Invitation = apps.get_model("voice", "Invitation")
    version_scale = Invitation.objects.filter(pk=OuterRef("invitation_id")).values("version__scale")
    Response.objects.filter(scale="").update(scale=Subquery(version_scale[:1]))
    for survey in Survey.objects.filter(kind="ces"):
        latest = survey.versions.order_by("-number").first()
        if latest is not None and latest.scale == CES2:
            continue
        number = survey.versions.aggregate(top=Max("number"))["top"] or 0
        SurveyVersion.objects.create(
            survey=survey,
            number=number + 1,
            scale=CES2,
            comment_prompt=latest.comment_prompt if latest else "What could we have made easier?",
            reason_codes=latest.reason_codes if latest else [],
            **CES2_TEXTS,
        )
        survey.poor_threshold = min(max(MIRROR - survey.poor_threshold, 1), 7)
        survey.save(update_fields=["poor_threshold"])
    for name in ROLLUPS:
        apps.get_model("voice", name).objects.filter(kind="ces").update(kind="ces_effort")


def withdraw_ces2_versions(apps, schema_editor):
    Survey = apps.get_model("voice", "Survey")
    SurveyVersion = apps.get_model("voice", "SurveyVersion")
    ces2 = SurveyVersion.objects.filter(survey__kind="ces", scale=CES2)
    if ces2.filter(invitations__isnull=False).exists():
        raise RuntimeError(
            "CES 2.0 versions have been used: undoing the move would read their agreement "
            "answers as effort answers. Export them first and remove those invitations."
        )
    survey_ids = set(ces2.values_list("survey_id", flat=True))
    ces2.delete()
    Survey.objects.filter(pk__in=survey_ids).update(poor_threshold=MIRROR - F("poor_threshold"))
    for name in ROLLUPS:
        rows = apps.get_model("voice", name).objects
        rows.filter(kind="ces").delete()  # invitations-only rows of no answer: none are left
        rows.filter(kind="ces_effort").update(kind="ces")


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0007_survey_version_scale"),
    ]

    operations = [
        migrations.RunPython(publish_ces2_versions, withdraw_ces2_versions),
    ]
