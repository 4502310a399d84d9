"""PreparedInsert: the same row as `save()`, with the INSERT compiled once per connection."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groundswell.core.lib.prepared import PreparedInsert
from groundswell.desk.models import Interaction
from groundswell.people.models import Person, Team
from groundswell.voice.models import Invitation, Response
from groundswell.voice.tests.factories import make_customer, make_interaction, make_invitation

pytestmark = pytest.mark.django_db

INSERT_RESPONSE = PreparedInsert(Response)


@pytest.fixture
def invitations(team_alpha: Team, agent: Person) -> list[Invitation]:
    made = []
    for _ in range(3):
        interaction = make_interaction(team_alpha, customer=make_customer(), handled_by=agent)
        made.append(make_invitation(interaction, kind="nps")[0])
    return made


def _answer(invitation: Invitation, **values: Any) -> Response:
    return Response(
        invitation=invitation,
        kind="nps",
        scale=invitation.version.scale,
        team_id=invitation.interaction.team_id,
        agent_id=invitation.interaction.handled_by_id,
        channel=invitation.interaction.channel,
        **{
            "submitted_at": timezone.now(),
            "score": 3,
            "comment": "Slow reply",
            "reasons": ["speed"],
            "is_poor": True,
            **values,
        },
    )


def _stored(pk: int) -> dict[str, Any]:
    row = model_to_dict(Response.objects.get(pk=pk))
    row.pop("id")
    row.pop("invitation")
    row.pop("updated_at", None)  # auto_now: not editable, so not in the dict
    return row


def test_stores_the_same_row_as_save(invitations: list[Invitation]) -> None:
    by_save = _answer(invitations[0])
    by_save.save()
    prepared = INSERT_RESPONSE.insert(_answer(invitations[1], submitted_at=by_save.submitted_at))
    assert prepared.pk is not None
    assert prepared.pk != by_save.pk
    assert isinstance(prepared.pk, int)
    assert not prepared._state.adding
    assert prepared._state.db == "default"
    assert _stored(prepared.pk) == _stored(by_save.pk)
    stored = Response.objects.get(pk=prepared.pk)
    assert stored.reasons == ["speed"]  # JSON went in as JSON
    assert stored.invitation_id == invitations[1].pk
    # auto_now ran, as in save(): the instance and the row agree
    assert prepared.updated_at is not None
    assert abs(stored.updated_at - prepared.updated_at) < datetime.timedelta(seconds=1)


def test_compiles_once_and_runs_one_query_per_insert(invitations: list[Invitation]) -> None:
    with CaptureQueriesContext(connection) as queries:
        for invitation in invitations:
            INSERT_RESPONSE.insert(_answer(invitation))
    assert len(queries) == 3
    assert all(q["sql"].lstrip().upper().startswith(("INSERT", "EXECUTE")) for q in queries)
    assert Response.objects.filter(invitation__in=invitations).count() == 3


def test_constraint_violation_raises_and_leaves_nothing(invitations: list[Invitation]) -> None:
    INSERT_RESPONSE.insert(_answer(invitations[0]))
    with pytest.raises(IntegrityError), transaction.atomic():
        INSERT_RESPONSE.insert(_answer(invitations[0], score=9))  # one answer per invitation
    assert list(Response.objects.filter(invitation=invitations[0]).values_list("score")) == [(3,)]


def test_refuses_an_object_already_saved(invitations: list[Invitation]) -> None:
    answer = INSERT_RESPONSE.insert(_answer(invitations[0]))
    with pytest.raises(ValueError, match="already saved"):
        INSERT_RESPONSE.insert(answer)


def test_refuses_a_model_with_save_receivers(team_alpha: Team) -> None:
    def receiver(**kwargs: Any) -> None:  # pragma: no cover - never called
        pass

    post_save.connect(receiver, sender=Interaction, weak=False)
    try:
        insert = PreparedInsert(Interaction)
        with pytest.raises(ImproperlyConfigured, match="save signal receivers"):
            insert.insert(Interaction(team=team_alpha, channel="email", opened_at=timezone.now()))
    finally:
        post_save.disconnect(receiver, sender=Interaction)
    assert not Interaction.objects.filter(team=team_alpha).exists()
