"""Survey versions and rules: publishing, what invitations use, validation, admin pages."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from groundswell.people.models import Person, Team
from groundswell.voice.invitations import services
from groundswell.voice.models import Survey, SurveyVersion
from groundswell.voice.surveys import services as survey_services
from groundswell.voice.tests.factories import active_survey, make_customer, make_interaction

ClientFor = Callable[[Person], Client]
WORDING = {
    "question": "How well did we help you today?",
    "low_label": "Not at all",
    "high_label": "Perfectly",
    "comment_prompt": "Tell us more",
    "reason_codes": ["speed", "outcome"],
}


def test_publishing_a_version_keeps_past_answers_and_new_invitations_use_it(
    admin: Person, agent: Person, team_alpha: Team
) -> None:
    survey = active_survey("csat")
    first = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    old_invitation = services.invite_after_resolution(first)
    assert old_invitation is not None
    old_response = services.record_response(old_invitation, score=4, comment="Fine")

    version = survey_services.publish_survey_version(actor=admin, survey=survey, **WORDING)

    assert version.number == 2
    assert version.reason_codes == ["speed", "outcome"]
    old_response.refresh_from_db()
    assert old_response.invitation.version.number == 1
    assert SurveyVersion.objects.get(survey=survey, number=1).question.startswith("How satisfied")
    second = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    new_invitation = services.invite_after_resolution(second)
    assert new_invitation is not None
    assert new_invitation.version == version
    third = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
    link_invitation, _url = services.create_link_invitation(actor=agent, interaction=third)
    assert link_invitation.version == version


def test_versions_are_numbered_one_after_another(admin: Person) -> None:
    survey = active_survey("csat")
    numbers = [
        survey_services.publish_survey_version(actor=admin, survey=survey, **WORDING).number
        for _ in range(3)
    ]
    assert numbers == [2, 3, 4]


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive"])
def test_only_administrators_publish_versions(role: str, org: dict[str, Person]) -> None:
    with pytest.raises(PermissionDenied):
        survey_services.publish_survey_version(actor=org[role], survey=active_survey(), **WORDING)
    assert SurveyVersion.objects.filter(survey=active_survey()).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"question": "   "}, "question"),
        ({"low_label": "x" * 81}, "low_label"),
        ({"reason_codes": ["speed", "speed"]}, "reason_codes"),
        ({"reason_codes": ["not a code!"]}, "reason_codes"),
    ],
)
def test_bad_wording_names_the_field_and_publishes_nothing(
    admin: Person, change: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        survey_services.publish_survey_version(
            actor=admin, survey=active_survey(), **{**WORDING, **change}
        )
    assert field in error.value.message_dict
    assert SurveyVersion.objects.filter(survey=active_survey()).count() == 1


def test_rules_change(admin: Person) -> None:
    survey = survey_services.update_survey_rules(
        actor=admin,
        survey=active_survey(),
        send_delay_minutes=30,
        channels=["chat", "email", "chat"],
        resurvey_days=14,
        expiry_days=7,
        poor_threshold=3,
    )
    survey.refresh_from_db()
    assert (survey.send_delay_minutes, survey.resurvey_days, survey.expiry_days) == (30, 14, 7)
    assert survey.channels == ["email", "chat"]
    assert survey.poor_threshold == 3


@pytest.mark.parametrize(
    ("kind", "threshold"), [("csat", 0), ("csat", 6), ("ces", 8), ("nps", 11), ("nps", -1)]
)
def test_poor_threshold_must_be_on_the_kinds_scale(
    admin: Person, kind: str, threshold: int
) -> None:
    survey = Survey.objects.get(kind=kind)
    with pytest.raises(ValidationError) as error:
        survey_services.update_survey_rules(
            actor=admin, survey=survey, poor_threshold=threshold, expiry_days=3
        )
    assert list(error.value.message_dict) == ["poor_threshold"]
    survey.refresh_from_db()
    assert survey.expiry_days == 14  # nothing half-written


def test_only_one_survey_of_a_kind_is_active(admin: Person) -> None:
    second = Survey.objects.create(
        kind="csat", name="Second CSAT", is_active=False, poor_threshold=2
    )
    with pytest.raises(ValidationError) as error:
        survey_services.update_survey_rules(actor=admin, survey=second, is_active=True)
    assert "is_active" in error.value.message_dict
    survey_services.update_survey_rules(actor=admin, survey=active_survey(), is_active=False)
    survey_services.update_survey_rules(actor=admin, survey=second, is_active=True)
    assert active_survey().pk == second.pk


def test_unknown_channel_is_refused(admin: Person) -> None:
    with pytest.raises(ValidationError) as error:
        survey_services.update_survey_rules(actor=admin, survey=active_survey(), channels=["fax"])
    assert "channels" in error.value.message_dict


def test_team_lead_may_not_change_rules(team_lead: Person) -> None:
    with pytest.raises(PermissionDenied):
        survey_services.update_survey_rules(actor=team_lead, survey=active_survey(), expiry_days=3)


# Pages --------------------------------------------------------------------------------------------

PAGE_STATUS = {
    "agent": 403,
    "team_lead": 403,
    "manager": 403,
    "executive": 403,
    "admin": 200,
    "outsider": 403,
}


@pytest.mark.parametrize(("role", "status"), PAGE_STATUS.items())
def test_survey_pages_are_for_administrators(
    role: str, status: int, org: dict[str, Person], client_for: ClientFor
) -> None:
    client = client_for(org[role])
    survey = active_survey()
    assert client.get("/voice/surveys/").status_code == status
    assert client.get(f"/voice/surveys/{survey.pk}/").status_code == status
    posted = client.post(f"/voice/surveys/{survey.pk}/versions/", WORDING)
    assert posted.status_code == (302 if status == 200 else status)


def test_survey_list_shows_every_survey(
    admin: Person, client_for: ClientFor, django_assert_max_num_queries: Callable[..., object]
) -> None:
    client = client_for(admin)
    with django_assert_max_num_queries(8):  # type: ignore[attr-defined]
        response = client.get("/voice/surveys/")
    assert response.status_code == 200
    for survey in Survey.objects.all():
        assert survey.name in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/voice/surveys/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_admin_publishes_a_version_through_the_page(admin: Person, client_for: ClientFor) -> None:
    survey = active_survey()
    data = {**WORDING, "reason_codes": "speed, knowledge"}
    response = client_for(admin).post(f"/voice/surveys/{survey.pk}/versions/", data)
    assert response.status_code == 302
    latest = survey.versions.order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.reason_codes) == (2, ["speed", "knowledge"])
    page = client_for(admin).get(f"/voice/surveys/{survey.pk}/").content.decode()
    assert "How well did we help you today?" in page


def test_page_shows_errors_for_bad_rules(admin: Person, client_for: ClientFor) -> None:
    survey = active_survey()
    data = {"send_delay_minutes": 0, "resurvey_days": 7, "expiry_days": 14, "poor_threshold": 9}
    response = client_for(admin).post(f"/voice/surveys/{survey.pk}/rules/", data)
    assert response.status_code == 400
    assert "Enter a number from 1 to 5." in response.content.decode()
    survey.refresh_from_db()
    assert survey.poor_threshold == 2


def test_admin_changes_rules_through_the_page(admin: Person, client_for: ClientFor) -> None:
    survey = active_survey()
    data = {
        "is_active": "on",
        "send_delay_minutes": 15,
        "channels": ["phone"],
        "resurvey_days": 30,
        "expiry_days": 10,
        "poor_threshold": 1,
    }
    response = client_for(admin).post(f"/voice/surveys/{survey.pk}/rules/", data)
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.channels, survey.resurvey_days, survey.poor_threshold) == (["phone"], 30, 1)
