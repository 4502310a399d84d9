"""Customer voice in the demo: each kind asks its own built-in question, on its current scale,
and a poor answer is never a favourable score. Uses the one load of the demo (`small_demo`)."""

import pytest

from groundswell.voice.choices import CURRENT_SCALE, SurveyKind
from groundswell.voice.models import Response, SurveyVersion
from groundswell.voice.surveys import wording

pytestmark = pytest.mark.django_db
# The scores no poor answer may have: satisfied, promoters and passives, agreeing it was easy.
FAVOURABLE = {
    SurveyKind.CSAT: range(3, 6),
    SurveyKind.NPS: range(7, 11),
    SurveyKind.CES: range(4, 8),
}


@pytest.fixture
def seeded(small_demo, db):
    return small_demo


def _answered_versions() -> dict[str, SurveyVersion]:
    ids = Response.objects.values_list("invitation__version", flat=True).distinct()
    versions = SurveyVersion.objects.filter(pk__in=list(ids)).select_related("survey")
    found: dict[str, SurveyVersion] = {}
    for version in versions:
        assert version.survey.kind not in found, "one version per kind in the demo"
        found[version.survey.kind] = version
    return found


def test_each_kind_asks_its_own_question(seeded) -> None:
    versions = _answered_versions()
    assert set(versions) == set(SurveyKind)
    for kind, version in versions.items():
        built_in = wording.BUILT_IN[kind]
        assert version.scale == CURRENT_SCALE[kind]
        assert (version.question, version.low_label, version.high_label) == (
            built_in.question,
            built_in.low_label,
            built_in.high_label,
        )
    assert "made it easy for me to handle my issue" in versions[SurveyKind.CES].question
    assert versions[SurveyKind.CES].high_label == "Strongly agree"
    nps = versions[SurveyKind.NPS].question
    assert "likely" in nps
    assert "recommend" in nps
    assert "friend or colleague" in nps
    assert "satisfied" in versions[SurveyKind.CSAT].question


def test_no_poor_answer_has_a_favourable_score(seeded) -> None:
    for kind, favourable in FAVOURABLE.items():
        poor = Response.objects.filter(kind=kind, is_poor=True)
        assert poor.exists(), kind
        assert not poor.filter(score__in=list(favourable)).exists(), kind
        assert (
            not Response.objects.filter(kind=kind, is_poor=False)
            .exclude(score__in=list(favourable))
            .exists()
        ), kind
    assert not Response.objects.filter(is_compliment=True, is_poor=True).exists()


def test_answers_record_their_versions_scale(seeded) -> None:
    assert (
        not Response.objects.exclude(scale=CURRENT_SCALE[SurveyKind.CSAT])
        .filter(kind=SurveyKind.CSAT)
        .exists()
    )
    ces = Response.objects.filter(kind=SurveyKind.CES)
    assert ces.exists()
    assert set(ces.values_list("scale", flat=True)) == {CURRENT_SCALE[SurveyKind.CES]}
