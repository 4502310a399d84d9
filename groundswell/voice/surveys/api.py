"""Surveys over the API: reading them, publishing wording, changing the rules."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from ninja import Router, Status

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.people.permissions import Action, can_everywhere, can_somewhere
from groundswell.people.typing import ApiRequest
from groundswell.voice.models import Survey
from groundswell.voice.surveys import selectors, services
from groundswell.voice.surveys.schemas import (
    SurveyDetailOut,
    SurveyOut,
    SurveyPatch,
    SurveyVersionIn,
    SurveyVersionOut,
)

router = Router()


def _survey_reader(request: ApiRequest) -> None:
    if not can_somewhere(request.auth, Action.VIEW_CUSTOMER_VOICE):
        raise PermissionDenied


@router.get("/surveys", response={200: list[SurveyOut], **ERROR_RESPONSES}, tags=["surveys"])
def list_surveys(request: ApiRequest) -> QuerySet[Survey]:
    """Every survey and its sending rules (there are only a few)."""
    _survey_reader(request)
    return selectors.list_surveys()


@router.get(
    "/surveys/{int:survey_id}", response={200: SurveyDetailOut, **ERROR_RESPONSES}, tags=["surveys"]
)
def get_survey(request: ApiRequest, survey_id: int) -> Survey:
    """A survey with every version of its wording, newest first."""
    _survey_reader(request)
    return selectors.get_survey(survey_id)


@router.post(
    "/surveys/{int:survey_id}/versions",
    response={201: SurveyVersionOut, **ERROR_RESPONSES},
    tags=["surveys"],
)
def publish_version(request: ApiRequest, survey_id: int, payload: SurveyVersionIn) -> Status[Any]:
    """Publish new wording (administrators); past answers keep the version they saw."""
    if not can_everywhere(request.auth, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    survey = selectors.get_survey(survey_id)
    version = services.publish_survey_version(actor=request.auth, survey=survey, **payload.dict())
    return Status(201, version)


@router.patch(
    "/surveys/{int:survey_id}", response={200: SurveyDetailOut, **ERROR_RESPONSES}, tags=["surveys"]
)
def update_survey(request: ApiRequest, survey_id: int, payload: SurveyPatch) -> Survey:
    """Change a survey's sending rules (administrators)."""
    if not can_everywhere(request.auth, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    survey = selectors.get_survey(survey_id)
    changes = payload.dict(exclude_unset=True)
    services.update_survey_rules(actor=request.auth, survey=survey, **changes)
    return selectors.get_survey(survey_id)
