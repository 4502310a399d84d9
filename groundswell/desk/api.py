"""The service desk over the API: customers, interactions (with ingest and import), promises."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticValidationError

from groundswell.core.api.errors import ERROR_RESPONSES, field_path
from groundswell.core.api.pagination import Pages
from groundswell.desk import imports, selectors, services
from groundswell.desk.models import Customer, Interaction, InteractionNote, Promise
from groundswell.desk.schemas import (
    BatchItemResult,
    BatchOut,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    FieldProblem,
    ImportOut,
    InteractionFilter,
    InteractionIn,
    InteractionOut,
    InteractionPage,
    InteractionPatch,
    NoteIn,
    NoteOut,
    PromiseFilter,
    PromiseIn,
    PromiseOut,
)
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.typing import ApiRequest

router = Router(tags=["desk"])

MAX_BATCH = 1000
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "A CSV file in the Groundswell format (docs/desk-import.md).",
    }
}


def _viewer(request: ApiRequest) -> Person:
    if not can_somewhere(request.auth, Action.VIEW_INTERACTIONS):
        raise PermissionDenied
    return request.auth


# Customers ---------------------------------------------------------------------------------------


@router.get("/customers", response={200: list[CustomerOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_customers(request: ApiRequest, q: str = "") -> QuerySet[Customer]:
    """Customers; `q` matches part of a name or email."""
    return selectors.list_customers(_viewer(request), search=q[:200].replace("\x00", ""))


@router.get("/customers/{int:customer_id}", response={200: CustomerOut, **ERROR_RESPONSES})
def get_customer(request: ApiRequest, customer_id: int) -> Customer:
    return selectors.get_customer_for(_viewer(request), customer_id)


@router.post("/customers", response={201: CustomerOut, **ERROR_RESPONSES})
def create_customer(request: ApiRequest, payload: CustomerIn) -> Status[Customer]:
    """Add a customer for `team_id` (by default your own team), who sees them at once."""
    fields = payload.dict()
    team = _default_team(fields.pop("team_id", None))
    return Status(201, services.create_customer(actor=request.auth, team=team, **fields))


@router.patch("/customers/{int:customer_id}", response={200: CustomerOut, **ERROR_RESPONSES})
def update_customer(request: ApiRequest, customer_id: int, payload: CustomerPatch) -> Customer:
    customer = selectors.get_customer_for(
        _viewer(request), customer_id, action=Action.CHANGE_INTERACTIONS
    )
    changes = payload.dict(exclude_unset=True)
    return services.update_customer(actor=request.auth, customer=customer, **changes)


# Interactions ------------------------------------------------------------------------------------


@router.post("/interactions", response={201: InteractionOut, **ERROR_RESPONSES})
def upsert_interaction(
    request: ApiRequest, payload: InteractionIn, response: HttpResponse
) -> Status[Interaction]:
    """Record an interaction, or update it when `source` + `external_id` were seen before.

    Answers 201 with the stored interaction either way, so a helpdesk can send every change
    of a ticket to this one endpoint; the `Groundswell-Upsert` header says `created` or
    `updated`.
    """
    result = services.upsert_interaction(actor=request.auth, data=payload.dict(exclude_unset=True))
    response["Groundswell-Upsert"] = "created" if result.created else "updated"
    return Status(201, result.interaction)


@router.get("/interactions", response={200: InteractionPage, **ERROR_RESPONSES})
def list_interactions(request: ApiRequest, filters: Query[InteractionFilter]) -> dict[str, Any]:
    """Interactions you may see, newest first, a page at a time (no total is counted)."""
    interactions = selectors.list_interactions(
        _viewer(request),
        team=filters.team_id,
        agent=filters.handled_by_id,
        customer=filters.customer_id,
        status=filters.status or "",
        channel=filters.channel or "",
        opened_from=filters.opened_from,
        opened_to=filters.opened_to,
    )
    try:
        page = selectors.keyset_page(interactions, cursor=filters.cursor, size=filters.limit)
    except ValueError as error:
        raise ValidationError({"cursor": str(error)}) from None
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/interactions/{int:interaction_id}", response={200: InteractionOut, **ERROR_RESPONSES})
def get_interaction(request: ApiRequest, interaction_id: int) -> Interaction:
    return selectors.get_interaction_for(_viewer(request), interaction_id)


@router.patch(
    "/interactions/{int:interaction_id}", response={200: InteractionOut, **ERROR_RESPONSES}
)
def update_interaction(
    request: ApiRequest, interaction_id: int, payload: InteractionPatch
) -> Interaction:
    """Change an interaction; setting status `resolved` resolves it (and surveys the customer)."""
    interaction = selectors.get_interaction_for(
        _viewer(request), interaction_id, action=Action.CHANGE_INTERACTIONS
    )
    changes = payload.dict(exclude_unset=True)
    return services.update_interaction(actor=request.auth, interaction=interaction, data=changes)


@router.post("/interactions/batch", response={200: BatchOut, **ERROR_RESPONSES})
def batch_interactions(request: ApiRequest, payload: list[dict[str, Any]]) -> dict[str, Any]:
    """Up to 1,000 interactions at once; each is checked and stored on its own.

    Every item gets a result: `created`, `updated` or `error` with the fields at fault. A bad
    item never stops the others.
    """
    if len(payload) > MAX_BATCH:
        message = _("At most %(limit)s interactions per batch.") % {"limit": MAX_BATCH}
        raise ValidationError({"body": message})
    results = [_batch_item(request.auth, index, item) for index, item in enumerate(payload)]
    return {
        "created": sum(1 for result in results if result.status == "created"),
        "updated": sum(1 for result in results if result.status == "updated"),
        "failed": sum(1 for result in results if result.status == "error"),
        "results": results,
    }


def _batch_item(actor: Person, index: int, item: dict[str, Any]) -> BatchItemResult:
    try:
        data = InteractionIn.model_validate(item).dict(exclude_unset=True)
        upserted = services.upsert_interaction(actor=actor, data=data)
    except PydanticValidationError as error:
        problems = [
            FieldProblem(field=field_path(problem["loc"], body_params=0), message=problem["msg"])
            for problem in error.errors()
        ]
        return BatchItemResult(index=index, status="error", errors=problems)
    except ValidationError as error:
        problems = [
            FieldProblem(field=name, message=message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        return BatchItemResult(index=index, status="error", errors=problems)
    except PermissionDenied as error:
        problem = FieldProblem(field=None, message=str(error) or _("You may not do that."))
        return BatchItemResult(index=index, status="error", errors=[problem])
    if upserted.created:
        return BatchItemResult(index=index, status="created", id=upserted.interaction.pk)
    return BatchItemResult(index=index, status="updated", id=upserted.interaction.pk)


@router.post(
    "/interactions/import",
    response={201: ImportOut, **ERROR_RESPONSES},
    openapi_extra=CSV_BODY,
)
def import_interactions(
    request: ApiRequest,
    preset: str = "groundswell",
    source: str = "",
    skip_bad_rows: bool = False,
    team_id: int | None = None,
) -> Status[dict[str, Any]]:
    """Import a CSV body (text/csv) at once: every row, or none when any row is wrong.

    With `skip_bad_rows=true` the good rows are imported and the bad ones listed. Rows are
    matched on (`source`, `external_id`): sending the file again updates the same rows.
    """
    outcome = imports.import_file(
        actor=request.auth,
        content=request.body,
        preset=preset,
        source=source[:40],
        default_team=_default_team(team_id),
        skip_bad_rows=skip_bad_rows,
    )
    if not outcome.committed:
        raise ValidationError(imports.problems_as_errors(outcome.plan))
    plan = outcome.plan
    return Status(
        201,
        {
            "total": plan.total,
            "created": outcome.created,
            "updated": outcome.updated,
            "skipped": plan.bad_lines,
            "not_ready": plan.not_ready_count,
            "problems": imports.problem_list(plan)[:100],
        },
    )


def _default_team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise ValidationError({"team_id": _("There is no team with id %(id)s.") % {"id": team_id}})
    return team


# Internal notes ----------------------------------------------------------------------------------


@router.get(
    "/interactions/{int:interaction_id}/notes",
    response={200: list[NoteOut], **ERROR_RESPONSES},
)
def list_notes(request: ApiRequest, interaction_id: int) -> QuerySet[InteractionNote]:
    """The internal notes on an interaction you may see, oldest first."""
    interaction = selectors.get_interaction_for(_viewer(request), interaction_id)
    return selectors.list_notes(request.auth, interaction)


@router.post("/interactions/{int:interaction_id}/notes", response={201: NoteOut, **ERROR_RESPONSES})
def create_note(
    request: ApiRequest, interaction_id: int, payload: NoteIn
) -> Status[InteractionNote]:
    """Leave an internal note for colleagues; the requester never sees it."""
    interaction = selectors.get_interaction_for(
        _viewer(request), interaction_id, action=Action.CHANGE_INTERACTIONS
    )
    note = services.add_note(actor=request.auth, interaction=interaction, body=payload.body)
    return Status(201, note)


# Promises ----------------------------------------------------------------------------------------


@router.get("/promises", response={200: list[PromiseOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_promises(request: ApiRequest, filters: Query[PromiseFilter]) -> QuerySet[Promise]:
    """Promises on interactions you may see, soonest due first."""
    promises = selectors.list_promises(_viewer(request), status=filters.status or "")
    if filters.interaction_id is not None:
        promises = promises.filter(interaction_id=filters.interaction_id)
    return promises


@router.post(
    "/interactions/{int:interaction_id}/promises", response={201: PromiseOut, **ERROR_RESPONSES}
)
def create_promise(request: ApiRequest, interaction_id: int, payload: PromiseIn) -> Status[Promise]:
    interaction = selectors.get_interaction_for(
        _viewer(request), interaction_id, action=Action.CHANGE_INTERACTIONS
    )
    promise = services.make_promise(actor=request.auth, interaction=interaction, **payload.dict())
    return Status(201, promise)


@router.post("/promises/{int:promise_id}/keep", response={200: PromiseOut, **ERROR_RESPONSES})
def keep_promise(request: ApiRequest, promise_id: int) -> Promise:
    promise = selectors.get_promise_for(
        _viewer(request), promise_id, action=Action.CHANGE_INTERACTIONS
    )
    return services.keep_promise(actor=request.auth, promise=promise)


@router.post("/promises/{int:promise_id}/break", response={200: PromiseOut, **ERROR_RESPONSES})
def break_promise(request: ApiRequest, promise_id: int) -> Promise:
    promise = selectors.get_promise_for(
        _viewer(request), promise_id, action=Action.CHANGE_INTERACTIONS
    )
    return services.break_promise(actor=request.auth, promise=promise)
