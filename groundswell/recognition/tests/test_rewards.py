"""Points and rewards: off by default, points given with kudos from a monthly allowance, the
catalogue, redemptions decided per role, an append-only ledger that never goes negative and
never spends twice (50 concurrent redemptions against real transactions)."""

import threading
import time
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection
from django.db.models import Sum
from django.urls import reverse

from groundswell.people.models import Person
from groundswell.recognition import rewards
from groundswell.recognition.choices import EntryKind, RedemptionStatus
from groundswell.recognition.models import (
    Kudos,
    PointsAccount,
    PointsEntry,
    Redemption,
    Reward,
)


@pytest.fixture
def points_on(settings):
    settings.GROUNDSWELL_POINTS_ENABLED = True
    settings.GROUNDSWELL_POINTS_MONTHLY_ALLOWANCE = 100


@pytest.fixture
def voucher(db) -> Reward:
    return Reward.objects.create(name="Lunch voucher", cost=30)


def fund(person: Person, points: int) -> None:
    """Points received (as kudos would bring them), written through the ledger's own rules."""
    account, _created = PointsAccount.objects.get_or_create(person=person)
    account.balance += points
    account.save(update_fields=["balance"])
    PointsEntry.objects.create(
        person=person,
        kind=EntryKind.RECEIVED,
        amount=points,
        balance_after=account.balance,
        actor=person,
        reason="test funds",
    )


def ledger_total(person: Person) -> int:
    moving = PointsEntry.objects.filter(person=person).exclude(kind=EntryKind.GIVEN)
    return int(moving.aggregate(total=Sum("amount"))["total"] or 0)


# Off by default ----------------------------------------------------------------------------------


def test_points_are_off_by_default(org, client_for, give, settings):
    assert settings.GROUNDSWELL_POINTS_ENABLED is False
    client = client_for(org["admin"])

    assert client.get(reverse("recognition:points")).status_code == 404
    assert client.get(reverse("recognition:reward-list")).status_code == 404
    form = client.get(reverse("recognition:kudos-create")).content.decode()
    assert 'name="points"' not in form
    assert "My points" not in form
    with pytest.raises(rewards.PointsOff):
        give(org["agent"], recipient=org["other_agent"], points=5)
    assert not Kudos.objects.exists()


# Giving with kudos -------------------------------------------------------------------------------


def test_points_go_with_kudos_from_the_monthly_allowance(org, give, points_on):
    agent, ben = org["agent"], org["other_agent"]

    kudos = give(agent, recipient=ben, points=40)

    assert rewards.balance_of(ben) == 40
    assert rewards.allowance_left(agent) == 60
    assert rewards.balance_of(agent) == 0  # the allowance is not the giver's balance
    received = PointsEntry.objects.get(person=ben)
    assert (received.kind, received.amount, received.balance_after) == (EntryKind.RECEIVED, 40, 40)
    assert (received.actor, received.kudos) == (agent, kudos)
    assert received.created_at is not None
    assert "Ada Agent" in received.reason


@pytest.mark.parametrize(
    ("points", "to_team", "field", "message"),
    [
        (101, False, "points", "You have 100 points left to give this month."),
        (-1, False, "points", "Points cannot be negative."),
        (5, True, "points", "Points go to one person"),
    ],
)
def test_bad_points_store_no_kudos(org, give, points_on, points, to_team, field, message):
    target = {"team": org["agent"].team} if to_team else {"recipient": org["other_agent"]}

    with pytest.raises(ValidationError) as error:
        give(org["team_lead"], points=points, **target)

    assert message in " ".join(error.value.message_dict[field])
    assert not Kudos.objects.exists()
    assert not PointsEntry.objects.exists()


def test_the_kudos_form_takes_points_when_on(org, client_for, respect, points_on):
    client = client_for(org["agent"])
    page = client.get(reverse("recognition:kudos-create")).content.decode()
    assert 'name="points"' in page

    response = client.post(
        reverse("recognition:kudos-create"),
        {
            "recipient": org["other_agent"].pk,
            "message": "Thanks for covering.",
            "values": [respect.pk],
            "points": "150",
            "idempotency_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 422
    assert "100 points left to give" in response.content.decode()
    assert not Kudos.objects.exists()


# Redeeming ---------------------------------------------------------------------------------------


def test_asking_for_a_reward_holds_its_points_once(org, points_on, voucher):
    fund(org["agent"], 50)
    key = uuid.uuid4()

    first = rewards.redeem(actor=org["agent"], reward=voucher, idempotency_key=key)
    again = rewards.redeem(actor=org["agent"], reward=voucher, idempotency_key=key)

    assert first.pk == again.pk
    assert rewards.balance_of(org["agent"]) == 20
    held = PointsEntry.objects.get(kind=EntryKind.REDEEMED)
    assert (held.amount, held.balance_after, held.redemption) == (-30, 20, first)


def test_a_redemption_beyond_the_balance_is_refused_and_writes_nothing(org, points_on, voucher):
    fund(org["agent"], 29)

    with pytest.raises(ValidationError) as error:
        rewards.redeem(actor=org["agent"], reward=voucher)

    assert "Lunch voucher costs 30 points; you have 29." in error.value.messages
    assert not Redemption.objects.exists()
    assert rewards.balance_of(org["agent"]) == 29
    assert PointsEntry.objects.count() == 1


def test_a_retired_reward_cannot_be_asked_for(org, points_on, voucher):
    fund(org["agent"], 100)
    voucher.is_active = False
    voucher.save(update_fields=["is_active"])

    with pytest.raises(ValidationError):
        rewards.redeem(actor=org["agent"], reward=voucher)
    assert not Redemption.objects.exists()


def test_the_points_page_asks_for_a_reward(org, client_for, points_on, voucher):
    fund(org["agent"], 40)
    client = client_for(org["agent"])
    url = reverse("recognition:reward-redeem", kwargs={"pk": voucher.pk})
    key = str(uuid.uuid4())

    assert "Lunch voucher" in client.get(reverse("recognition:points")).content.decode()
    assert client.post(url, {"idempotency_key": key}).status_code == 302
    assert client.post(url, {"idempotency_key": key}).status_code == 302  # the double click
    short = client.post(url, {"idempotency_key": str(uuid.uuid4())})

    assert Redemption.objects.count() == 1
    assert short.status_code == 422
    assert "costs 30 points; you have 10" in short.content.decode()


# Deciding, per role ------------------------------------------------------------------------------


@pytest.fixture
def request_of_agent(org, points_on, voucher) -> Redemption:
    fund(org["agent"], 30)
    return rewards.redeem(actor=org["agent"], reward=voucher)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("team_lead", 403),
        ("executive", 403),
        ("outsider", 403),
        ("manager", 302),
        ("admin", 302),
    ],
)
def test_deciding_a_redemption_per_role(role, status, org, client_for, request_of_agent):
    url = reverse("recognition:redemption-decide", kwargs={"pk": request_of_agent.pk})

    response = client_for(org[role]).post(url, {"decision": "approve"})

    assert response.status_code == status
    request_of_agent.refresh_from_db()
    approved = request_of_agent.status == RedemptionStatus.APPROVED
    assert approved is (status == 302)
    assert rewards.balance_of(org["agent"]) == 0


def test_a_manager_of_another_department_cannot_decide(org, request_of_agent):
    from groundswell.people.choices import Role
    from groundswell.people.tests.factories import PersonFactory

    billing_manager = PersonFactory.create(
        role=Role.MANAGER, department=org["outsider"].department, team=None
    )

    with pytest.raises(PermissionDenied):
        rewards.decide_redemption(actor=billing_manager, redemption=request_of_agent, approve=True)
    assert rewards.redemptions_to_decide(billing_manager).count() == 0
    assert list(rewards.redemptions_to_decide(org["manager"])) == [request_of_agent]


def test_declining_gives_the_points_back_and_needs_a_reason(org, request_of_agent):
    with pytest.raises(ValidationError) as error:
        rewards.decide_redemption(actor=org["manager"], redemption=request_of_agent, approve=False)
    assert "note" in error.value.message_dict
    assert rewards.balance_of(org["agent"]) == 0

    rewards.decide_redemption(
        actor=org["manager"], redemption=request_of_agent, approve=False, note="Out of stock."
    )
    with pytest.raises(ValidationError):  # decided once only
        rewards.decide_redemption(
            actor=org["admin"], redemption=request_of_agent, approve=False, note="Again."
        )

    assert rewards.balance_of(org["agent"]) == 30
    refund = PointsEntry.objects.get(kind=EntryKind.REFUNDED)
    assert (refund.amount, refund.balance_after, refund.actor) == (30, 30, org["manager"])
    assert "Out of stock." in refund.reason
    assert ledger_total(org["agent"]) == rewards.balance_of(org["agent"])


# The catalogue -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 403),
        ("team_lead", 403),
        ("executive", 403),
        ("manager", 200),
        ("admin", 200),
    ],
)
def test_the_catalogue_pages_per_role(role, status, org, client_for, points_on):
    client = client_for(org[role])

    assert client.get(reverse("recognition:reward-list")).status_code == status
    assert client.get(reverse("recognition:reward-create")).status_code == status
    assert client.get(reverse("recognition:points")).status_code == 200


def test_a_reward_is_added_and_bad_input_is_explained(org, client_for, points_on):
    client = client_for(org["manager"])
    url = reverse("recognition:reward-create")

    bad = client.post(url, {"name": "Day off", "cost": "0", "is_active": "on"})
    good = client.post(url, {"name": "Day off", "cost": "500", "is_active": "on"})

    assert bad.status_code == 422
    assert "greater than or equal to 1" in bad.content.decode()
    assert good.status_code == 302
    assert Reward.objects.get().cost == 500


# The ledger --------------------------------------------------------------------------------------


def test_a_ledger_entry_is_never_rewritten(org, points_on):
    fund(org["agent"], 10)
    entry = PointsEntry.objects.get()
    entry.amount = 1000

    with pytest.raises(ValueError, match="never changed"):
        entry.save()


def _retry(work):
    """SQLite's in-memory test database answers "locked" at once rather than waiting (shared
    cache): back off a little and try again. PostgreSQL waits on the row lock itself."""
    for attempt in range(2000):
        try:
            return work()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.001 * (attempt % 20))
    raise AssertionError("still locked")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_redemptions_never_overspend(org, settings):
    settings.GROUNDSWELL_POINTS_ENABLED = True
    reward = Reward.objects.create(name="Coffee", cost=10)
    agent = org["agent"]
    fund(agent, 100)
    start = threading.Barrier(50)
    granted: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def one_request() -> None:
        try:
            start.wait(timeout=60)
            granted.append(_retry(lambda: rewards.redeem(actor=agent, reward=reward).pk))
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=one_request) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert len(granted) == 10
    assert len(set(granted)) == 10
    assert len(refused) == 40
    assert all("you have 0" in message for message in refused)
    assert rewards.balance_of(agent) == 0
    assert Redemption.objects.count() == 10
    held = PointsEntry.objects.filter(kind=EntryKind.REDEEMED)
    assert held.count() == 10
    # Each hold saw the balance the one before it left: 90, 80, ... 0, never the same twice.
    assert sorted(held.values_list("balance_after", flat=True)) == list(range(0, 100, 10))
    assert ledger_total(agent) == 0
