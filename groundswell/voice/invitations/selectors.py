"""Reads for invitations and responses, scoped to the viewer; shared by pages and API."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from groundswell.desk.models import Interaction
from groundswell.people.choices import Role
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can_somewhere
from groundswell.voice.models import Invitation, Response, ResponseQuerySet


def list_invitations(
    viewer: Person,
    *,
    interaction: int | None = None,
    sent: bool | None = None,
    answered: bool | None = None,
) -> QuerySet[Invitation]:
    """Invitations about interactions `viewer` can see, newest first."""
    if not can_somewhere(viewer, Action.VIEW_INTERACTIONS):
        raise PermissionDenied
    invitations = Invitation.objects.visible_to(viewer).select_related(
        "version__survey", "response"
    )
    if interaction is not None:
        invitations = invitations.filter(interaction_id=interaction)
    if sent is not None:
        invitations = invitations.filter(sent_at__isnull=not sent)
    if answered is not None:
        invitations = invitations.filter(response__isnull=not answered)
    return invitations.order_by("-created_at", "-pk")


def get_invitation_for(viewer: Person, pk: int) -> Invitation:
    """One invitation on an interaction `viewer` can see; 404 otherwise."""
    invitation = list_invitations(viewer).filter(pk=pk).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    return invitation


def responses_shown_to(viewer: Person, responses: ResponseQuerySet) -> ResponseQuerySet:
    """The answers among `responses` that `viewer` may see one by one.

    An answer names the agent who served (and its interaction does too), so it is shown only
    where the dashboard would show that agent's figures: to the agent themselves; otherwise
    only once the agent has at least GROUNDSWELL_MIN_AGENT_RESPONSES answers of that kind in
    the teams `viewer` may see; and to agents never for a colleague, as the dashboard shows an
    agent only their own row. Answers about no agent are the team's and always shown.
    """
    responses = responses.visible_to(viewer)
    mine = Q(agent=viewer) | Q(agent__isnull=True)
    if Role(viewer.role) == Role.AGENT:
        return responses.filter(mine)
    answers_of_agent = (
        Response.objects.visible_to(viewer)
        .filter(agent=OuterRef("agent"), kind=OuterRef("kind"))
        .order_by()
        .values("agent")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return responses.annotate(agent_answers=Subquery(answers_of_agent)).filter(
        mine | Q(agent_answers__gte=settings.GROUNDSWELL_MIN_AGENT_RESPONSES)
    )


def answers_shown_about(viewer: Person, interaction: Interaction) -> set[int]:
    """The ids of the answers about `interaction` that `viewer` may read one by one (for the
    interaction's timeline, through `desk.hooks.on_timeline_answers`)."""
    about = Response.objects.filter(invitation__interaction=interaction)
    return set(responses_shown_to(viewer, about).values_list("pk", flat=True))


def answers_for_review(interaction: Interaction) -> list[Response]:
    """The customer's own answers about one interaction, for a quality reviewer scoring it.

    The caller has decided that its viewer may review this interaction as a whole (quality's
    reviewer scope): a review sets the agent's work beside what the customer said about that
    very contact, so the dashboard's minimum, which is about judging an agent on too few
    answers in aggregate, does not apply here."""
    return list(
        Response.objects.filter(invitation__interaction=interaction).order_by("submitted_at")
    )


def list_responses(
    viewer: Person,
    *,
    kind: str = "",
    team: int | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    is_poor: bool | None = None,
) -> QuerySet[Response]:
    """Survey answers `viewer` may see one by one (`responses_shown_to`), newest first."""
    if not can_somewhere(viewer, Action.VIEW_CUSTOMER_VOICE):
        raise PermissionDenied
    responses = responses_shown_to(viewer, Response.objects.all()).select_related(
        "invitation__version"
    )
    if kind:
        responses = responses.filter(kind=kind)
    if team is not None:
        responses = responses.filter(team_id=team)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    if is_poor is not None:
        responses = responses.filter(is_poor=is_poor)
    return responses.order_by("-submitted_at", "-pk")


def get_response_for(viewer: Person, pk: int) -> Response:
    """One answer in `viewer`'s customer-voice scope; 404 otherwise."""
    response = list_responses(viewer).filter(pk=pk).first()
    if response is None:
        raise Http404(_("No such response."))
    return response
