"""Reads for survey definitions and their versions; shared by pages and API."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from groundswell.voice.models import Survey, SurveyVersion


def list_surveys() -> QuerySet[Survey]:
    """Every survey with its number of versions and its latest version number."""
    return Survey.objects.annotate(
        version_count=Count("versions"), latest_version=Max("versions__number")
    ).order_by("kind", "name", "pk")


def get_survey(pk: int) -> Survey:
    survey = list_surveys().filter(pk=pk).first()
    if survey is None:
        raise Http404(_("No such survey."))
    return survey


def list_versions(survey: Survey) -> QuerySet[SurveyVersion]:
    """A survey's versions, newest first."""
    return SurveyVersion.objects.filter(survey=survey).order_by("-number")
