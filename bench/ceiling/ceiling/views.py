"""Each of Groundswell's hot paths done with the plainest Django code: the ceiling.

Every view does the work Groundswell's does (who may call it, what is checked, what is
stored, which status comes back) with no extra layers: Django forms, the ORM, templates.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ceiling.models import ApiKey, Interaction, Invitation, Response, Team

CHANNELS = {"email", "phone", "chat", "web", "in_person"}
STATUSES = {"open", "pending", "resolved", "closed"}
PAGE = 25


# Public survey link ----------------------------------------------------------------------------


class AnswerForm(forms.Form):
    score = forms.IntegerField(min_value=0, max_value=10)
    comment = forms.CharField(required=False, max_length=2000)


@require_POST
def survey_submit(request: HttpRequest, token: str) -> HttpResponse:
    """POST /s/<token>: find the open invitation, check the answer, store it once, 303."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    invitation = Invitation.objects.filter(token_hash=digest, expires_at__gt=timezone.now()).first()
    if invitation is None:
        return HttpResponse("This link is unknown or has expired.", status=404)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400)
    try:
        Response.objects.create(
            invitation=invitation,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            submitted_at=timezone.now(),
        )
    except IntegrityError:
        return HttpResponse("This survey has been answered already.", status=409)
    return HttpResponseRedirect(f"/s/{token}/thanks", status=303)


@require_GET
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse("Thank you.")


# Ingest API ------------------------------------------------------------------------------------


def api_key_valid(request: HttpRequest) -> bool:
    """An `Authorization: Bearer <key>` header naming a stored key."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not key:
        return False
    digest = hashlib.sha256(key.encode()).hexdigest()
    found: bool = ApiKey.objects.filter(digest=digest).exists()
    return found


def clean(
    row: dict[str, Any], *, creating: bool, team_ids: set[int] | None = None
) -> dict[str, Any]:
    """The fields `row` gives, checked, or ValueError naming the bad one. A new interaction
    needs a team, a channel and a subject; `team_ids` are the known teams (a file checks
    them once), else the team is looked up."""
    fields: dict[str, Any] = {}
    if creating or row.get("team_id") not in (None, ""):
        try:
            team_id = int(row["team_id"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("team_id: a whole number is required") from None
        known = (
            team_id in team_ids
            if team_ids is not None
            else Team.objects.filter(pk=team_id).exists()
        )
        if not known:
            raise ValueError(f"team_id: there is no team {team_id}")
        fields["team_id"] = team_id
    if creating or row.get("channel"):
        if row.get("channel") not in CHANNELS:
            raise ValueError(f"channel: one of {', '.join(sorted(CHANNELS))}")
        fields["channel"] = row["channel"]
    if creating or row.get("status"):
        fields["status"] = row.get("status") or "open"
        if fields["status"] not in STATUSES:
            raise ValueError(f"status: one of {', '.join(sorted(STATUSES))}")
    if creating or "subject" in row:
        subject = row.get("subject")
        if not isinstance(subject, str) or not subject.strip() or len(subject) > 200:
            raise ValueError("subject: required, at most 200 characters")
        fields["subject"] = subject
    if row.get("opened_at") or creating:
        try:
            opened = row.get("opened_at")
            fields["opened_at"] = (
                datetime.datetime.fromisoformat(opened) if opened else timezone.now()
            )
        except (TypeError, ValueError):
            raise ValueError("opened_at: an ISO 8601 date and time") from None
        if timezone.is_naive(fields["opened_at"]):
            raise ValueError("opened_at: give a time zone")
    if row.get("handle_time_seconds") not in (None, ""):
        try:
            fields["handle_time_seconds"] = int(row["handle_time_seconds"])
        except (TypeError, ValueError):
            raise ValueError("handle_time_seconds: a whole number") from None
    return fields


@csrf_exempt
@require_POST
def ingest(request: HttpRequest) -> HttpResponse:
    """POST /api/v1/interactions: record one interaction, or update the one stored under the
    same (source, external_id) with the fields given."""
    if not api_key_valid(request):
        return JsonResponse({"detail": "Give a valid API key."}, status=401)
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        source = str(body.get("source") or "api")[:40]
        external_id = str(body.get("external_id") or "")[:100] or None
        interaction = (
            Interaction.objects.filter(source=source, external_id=external_id).first()
            if external_id
            else None
        )
        fields = clean(body, creating=interaction is None)
    except ValueError as error:  # a JSONDecodeError is a ValueError
        return JsonResponse({"detail": str(error)}, status=400)
    if interaction is None:
        try:
            interaction = Interaction.objects.create(
                source=source, external_id=external_id, **fields
            )
        except IntegrityError:
            return JsonResponse({"detail": "stored by another request just now"}, status=409)
        return JsonResponse({"id": interaction.pk, "created": True}, status=201)
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.save(update_fields=list(fields))
    return JsonResponse({"id": interaction.pk, "created": False}, status=201)


@csrf_exempt
@require_POST
def import_csv(request: HttpRequest) -> HttpResponse:
    """POST /api/v1/interactions/import: a CSV body, every row checked, all stored or none."""
    if not api_key_valid(request):
        return JsonResponse({"detail": "Give a valid API key."}, status=401)
    team_ids = set(Team.objects.values_list("pk", flat=True))
    rows, problems = [], []
    for line, row in enumerate(csv.DictReader(io.StringIO(request.body.decode())), start=2):
        try:
            fields = clean(row, creating=True, team_ids=team_ids)
            source = str(row.get("source") or "import")[:40]
            external_id = str(row.get("external_id") or "")[:100] or None
            rows.append(Interaction(source=source, external_id=external_id, **fields))
        except ValueError as error:
            problems.append({"line": line, "problem": str(error)})
    if problems:
        return JsonResponse({"problems": problems[:100], "count": len(problems)}, status=400)
    try:
        with transaction.atomic():
            Interaction.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:
        return JsonResponse({"detail": "an external_id was imported before"}, status=409)
    return JsonResponse({"created": len(rows)}, status=201)


# Staff pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def interaction_list(request: HttpRequest) -> HttpResponse:
    """GET /desk/: the newest 25 interactions, numbered pages (an exact COUNT every view)."""
    interactions = Interaction.objects.select_related("team").order_by("-opened_at", "-pk")
    page = Paginator(interactions, PAGE).get_page(request.GET.get("page"))
    return render(request, "ceiling/list.html", {"rows": page, "page": page})


@login_required
@require_GET
def interaction_list_without_count(request: HttpRequest) -> HttpResponse:
    """GET /desk/recent: the same 25 rows with an "older" link instead of a count (keyset)."""
    interactions = Interaction.objects.select_related("team").order_by("-opened_at", "-pk")
    before = request.GET.get("before", "")
    if before:
        stamp, _, pk = before.rpartition("_")
        try:
            moment, last = datetime.datetime.fromisoformat(stamp), int(pk)
        except ValueError:
            return HttpResponse("before: <ISO date and time>_<id>", status=400)
        interactions = interactions.filter(
            Q(opened_at__lt=moment) | Q(opened_at=moment, pk__lt=last)
        )
    rows = list(interactions[: PAGE + 1])
    older = (
        f"{rows[PAGE - 1].opened_at.isoformat()}_{rows[PAGE - 1].pk}" if len(rows) > PAGE else ""
    )
    return render(request, "ceiling/list.html", {"rows": rows[:PAGE], "older": older})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """GET /voice/dashboard/: NPS and volume per team over 13 weeks, straight from the tables."""
    since = timezone.now() - datetime.timedelta(weeks=13)
    answers = (
        Response.objects.filter(submitted_at__gte=since)
        .values("invitation__interaction__team__name")
        .annotate(
            answers=Count("pk"),
            promoters=Count("pk", filter=Q(score__gte=9)),
            detractors=Count("pk", filter=Q(score__lte=6)),
            average=Avg("score"),
        )
        .order_by("invitation__interaction__team__name")
    )
    volume = dict(
        Interaction.objects.filter(opened_at__gte=since)
        .values_list("team__name")
        .annotate(Count("pk"))
        .order_by()
    )
    teams = [
        {
            "name": row["invitation__interaction__team__name"],
            "answers": row["answers"],
            "nps": round(100 * (row["promoters"] - row["detractors"]) / row["answers"]),
            "average": row["average"],
            "interactions": volume.get(row["invitation__interaction__team__name"], 0),
        }
        for row in answers
    ]
    return render(request, "ceiling/dashboard.html", {"teams": teams, "since": since})
