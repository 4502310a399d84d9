"""Giving kudos: the rules, who reads what, moderation, and the email to the person and lead."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from groundswell.people.models import Person
from groundswell.people.tests.factories import PersonFactory
from groundswell.recognition import selectors, services
from groundswell.recognition.choices import Feed
from groundswell.recognition.models import Kudos, KudosReaction
from groundswell.recognition.tests.factories import ValueFactory


def error_fields(raised: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return raised.value.message_dict


# Bad input: a clear error naming the field, nothing stored -----------------------------------


def test_nobody_thanks_themselves(agent, give):
    with pytest.raises(ValidationError) as raised:
        give(agent, recipient=agent)

    assert "yourself" in error_fields(raised)["recipient"][0]
    assert Kudos.objects.count() == 0


def test_a_deactivated_person_cannot_be_thanked(agent, other_agent, give):
    other_agent.is_active = False
    other_agent.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as raised:
        give(agent, recipient=other_agent)

    assert "Ben Beta no longer works here" in error_fields(raised)["recipient"][0]
    assert Kudos.objects.count() == 0


def test_kudos_needs_a_value(agent, other_agent, give):
    with pytest.raises(ValidationError) as raised:
        give(agent, recipient=other_agent, values=[])

    assert error_fields(raised)["values"] == ["Choose at least one value."]
    assert Kudos.objects.count() == 0


def test_a_retired_value_cannot_be_chosen(agent, other_agent, give, respect, retired):
    with pytest.raises(ValidationError) as raised:
        give(agent, recipient=other_agent, values=[respect, retired])

    assert "Old ways was retired" in error_fields(raised)["values"][0]
    assert Kudos.objects.count() == 0


def test_kudos_names_exactly_one_person_or_team(agent, other_agent, team_beta, give):
    with pytest.raises(ValidationError) as neither:
        give(agent)
    with pytest.raises(ValidationError) as both:
        give(agent, recipient=other_agent, team=team_beta)

    assert "recipient" in error_fields(neither)
    assert "recipient" in error_fields(both)
    assert Kudos.objects.count() == 0


def test_an_empty_message_is_refused(agent, other_agent, give):
    with pytest.raises(ValidationError) as raised:
        give(agent, recipient=other_agent, message="   ")

    assert "message" in error_fields(raised)


def test_the_same_form_sent_twice_stores_one_kudos(agent, other_agent, give):
    key = uuid.uuid4()

    first = give(agent, recipient=other_agent, idempotency_key=key)
    second = give(agent, recipient=other_agent, idempotency_key=key)

    assert first.pk == second.pk
    assert Kudos.objects.count() == 1


def test_the_hourly_limit_stops_a_flood(agent, other_agent, give, settings):
    settings.GROUNDSWELL_KUDOS_PER_HOUR = 2
    give(agent, recipient=other_agent)
    give(agent, recipient=other_agent)

    with pytest.raises(services.KudosLimitReached):
        give(agent, recipient=other_agent)

    assert Kudos.objects.count() == 2


def test_a_retry_with_the_same_key_is_not_counted_against_the_limit(
    agent, other_agent, give, settings
):
    settings.GROUNDSWELL_KUDOS_PER_HOUR = 1
    key = uuid.uuid4()
    give(agent, recipient=other_agent, idempotency_key=key)

    again = give(agent, recipient=other_agent, idempotency_key=key)

    assert Kudos.objects.filter(pk=again.pk).count() == 1


def test_a_retry_with_the_same_key_leaves_the_hours_count_as_it_was(
    agent, other_agent, give, settings
):
    settings.GROUNDSWELL_KUDOS_PER_HOUR = 2
    key = uuid.uuid4()
    give(agent, recipient=other_agent, idempotency_key=key)
    give(agent, recipient=other_agent, idempotency_key=key)

    give(agent, recipient=other_agent)  # the second of two, not the third

    with pytest.raises(services.KudosLimitReached):
        give(agent, recipient=other_agent)
    assert Kudos.objects.count() == 2


def test_giving_kudos_writes_in_a_fixed_few_queries(
    agent, other_agent, give, django_assert_max_num_queries, respect
):
    give(agent, recipient=other_agent)  # warm
    growth = ValueFactory.create()

    # The savepoint pair, the kudos, its value links in one insert (the hour's count is in the
    # test cache); a second value adds no query.
    with django_assert_max_num_queries(4):
        give(agent, recipient=other_agent, values=[respect, growth])


def test_kudos_records_the_persons_team_and_department(agent, other_agent, give):
    kudos = give(agent, recipient=other_agent)

    assert kudos.team == other_agent.team
    assert kudos.department == other_agent.department
    assert list(kudos.values.values_list("slug", flat=True)) == ["respect"]


def test_an_interaction_the_giver_cannot_see_is_refused(agent, other_agent, give, team_invoices):
    from groundswell.voice.tests.factories import make_interaction

    elsewhere = make_interaction(team_invoices)

    with pytest.raises(ValidationError) as raised:
        give(agent, recipient=other_agent, interaction=elsewhere)

    assert "interaction" in error_fields(raised)


# Email ------------------------------------------------------------------------------------------


def test_the_person_and_their_lead_are_emailed(
    other_agent, agent, team_lead, give, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kudos = give(other_agent, recipient=agent, message="You rescued my queue.")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert message.cc == [team_lead.email]
    assert "Ben Beta thanked you" in message.subject
    assert "You rescued my queue." in message.body
    kudos.refresh_from_db()
    assert kudos.notice_sent_at is not None


def test_the_email_goes_out_once_even_if_the_task_runs_twice(
    other_agent, agent, team_lead, give, django_capture_on_commit_callbacks
):
    from groundswell.recognition import emails

    with django_capture_on_commit_callbacks(execute=True):
        kudos = give(other_agent, recipient=agent)

    assert emails.send_kudos_notice(kudos.pk) == 0
    assert len(mail.outbox) == 1


# Who reads what ---------------------------------------------------------------------------------


def visible(person, kudos):
    return Kudos.objects.visible_to(person).filter(pk=kudos.pk).exists()


@pytest.mark.parametrize(
    ("reader", "sees"),
    [
        ("agent", True),  # the person thanked
        ("other_agent", True),  # the giver
        ("team_lead", True),  # the person's lead
        ("manager", False),
        ("executive", False),
        ("admin", False),
        ("outsider", False),
    ],
)
def test_private_kudos_is_read_by_the_person_their_lead_and_the_giver(org, give, reader, sees):
    kudos = give(org["other_agent"], recipient=org["agent"], is_private=True)

    assert visible(org[reader], kudos) is sees


@pytest.mark.parametrize(
    "reader", ["agent", "team_lead", "manager", "executive", "admin", "outsider"]
)
def test_public_kudos_is_read_by_everyone(org, give, reader):
    kudos = give(org["other_agent"], recipient=org["agent"])

    assert visible(org[reader], kudos)
    assert kudos in selectors.list_kudos(org[reader], Feed.COMPANY)


def test_opting_out_keeps_kudos_out_of_public_feeds(org, give):
    kudos = give(org["other_agent"], recipient=org["agent"])
    services.set_preference(actor=org["agent"], hide_from_feed=True)

    assert kudos not in selectors.list_kudos(org["outsider"], Feed.COMPANY)
    assert not visible(org["outsider"], kudos)
    assert kudos in selectors.list_kudos(org["agent"], Feed.ME)
    assert kudos in selectors.list_kudos(org["other_agent"], Feed.ME)
    assert visible(org["team_lead"], kudos)


def test_a_person_who_left_leaves_the_feed_but_stays_in_history(org, give):
    kudos = give(org["other_agent"], recipient=org["agent"])
    org["agent"].is_active = False
    org["agent"].save(update_fields=["is_active"])

    assert kudos not in selectors.list_kudos(org["outsider"], Feed.COMPANY)
    assert kudos not in selectors.list_kudos(org["other_agent"], Feed.COMPANY)
    assert kudos in selectors.list_kudos(org["other_agent"], Feed.ME)
    assert Kudos.objects.filter(pk=kudos.pk).exists()


def test_the_team_feed_shows_my_teams_kudos(org, give):
    alpha = give(org["other_agent"], recipient=org["agent"])
    beta = give(org["agent"], recipient=org["other_agent"])

    assert list(selectors.list_kudos(org["team_lead"], Feed.TEAM)) == [alpha]
    assert list(selectors.list_kudos(org["other_agent"], Feed.TEAM)) == [beta]


def test_thanking_a_team_reaches_its_members(org, give, team_alpha):
    kudos = give(org["other_agent"], team=team_alpha, is_private=True)

    assert visible(org["agent"], kudos)
    assert visible(org["team_lead"], kudos)
    assert not visible(org["outsider"], kudos)


# Moderation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moderator", "allowed"),
    [
        ("agent", False),
        ("other_agent", False),
        ("team_lead", True),
        ("manager", True),
        ("executive", False),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_hiding_a_kudos_per_role(org, give, moderator, allowed):
    kudos = give(org["other_agent"], recipient=org["agent"])

    if not allowed:
        with pytest.raises(PermissionDenied):
            services.moderate_kudos(actor=org[moderator], kudos=kudos, hide=True, reason="Rude")
        return
    services.moderate_kudos(actor=org[moderator], kudos=kudos, hide=True, reason="Rude")
    assert not visible(org["outsider"], kudos)
    assert not visible(org["agent"], kudos)
    assert visible(org["other_agent"], kudos)  # the giver sees it was hidden
    assert visible(org[moderator], kudos)


def test_a_report_is_settled_when_the_kudos_is_hidden(org, give):
    kudos = give(org["other_agent"], recipient=org["agent"])
    report = services.report_kudos(actor=org["outsider"], kudos=kudos, reason="Too personal")

    with pytest.raises(ValidationError):
        services.report_kudos(actor=org["outsider"], kudos=kudos, reason="Again")
    assert kudos in selectors.reports_to_moderate(org["team_lead"])
    assert kudos not in selectors.reports_to_moderate(org["outsider"])
    services.moderate_kudos(actor=org["team_lead"], kudos=kudos, hide=True, reason="Personal")

    report.refresh_from_db()
    assert report.status == "hidden"
    assert report.resolved_by == org["team_lead"]
    assert kudos not in selectors.reports_to_moderate(org["team_lead"])


def test_hiding_needs_a_reason(org, give):
    kudos = give(org["other_agent"], recipient=org["agent"])

    with pytest.raises(ValidationError) as raised:
        services.moderate_kudos(actor=org["team_lead"], kudos=kudos, hide=True)

    assert "reason" in error_fields(raised)


def test_reactions_count_once_per_person_and_kind(org, give):
    kudos = give(org["other_agent"], recipient=org["agent"])

    services.react(actor=org["manager"], kudos=kudos, kind="heart")
    services.react(actor=org["manager"], kudos=kudos, kind="heart")
    services.react(actor=org["agent"], kudos=kudos, kind="heart")

    card = selectors.cards(org["manager"], [selectors.get_kudos_for(org["manager"], kudos.pk)])[0]
    heart = next(tally for tally in card.reactions if tally.kind == "heart")
    assert (heart.count, heart.mine) == (2, True)
    services.unreact(actor=org["manager"], kudos=kudos, kind="heart")
    assert KudosReaction.objects.filter(kudos=kudos).count() == 1


def test_a_teams_manager_who_is_not_their_lead_gets_no_private_kudos(give, team_alpha, agent):
    stranger = PersonFactory.create(team=None, department=team_alpha.department)
    kudos = give(stranger, recipient=agent, is_private=True)

    assert visible(stranger, kudos)


def test_the_sweep_sends_what_a_dead_worker_left(other_agent, agent, give):
    import datetime

    from django.utils import timezone

    kudos = give(other_agent, recipient=agent)  # its on-commit enqueue never ran
    Kudos.objects.filter(pk=kudos.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=20)
    )

    assert services.finish_stalled_work() == 1
    assert len(mail.outbox) == 1
    assert services.finish_stalled_work() == 0


# The feed page: keyset pages, one query for the cards -------------------------------------------


def _walk(viewer: Person, feed: str = Feed.COMPANY, size: int = 2) -> list[int]:
    """Every card of a feed, page after page through the `older` cursors."""
    seen: list[int] = []
    before: str | None = None
    while True:
        page = selectors.feed_page(viewer, feed, before=before, size=size)
        seen.extend(card.kudos.pk for card in page.cards)
        if page.older is None:
            return seen
        before = page.older


def test_feed_pages_walk_the_public_kudos_once_each_newest_first(org, give, team_lead):
    shown = [give(org["other_agent"], recipient=org["agent"]) for _ in range(4)]
    shown.append(give(org["agent"], recipient=org["team_lead"]))
    private = give(org["other_agent"], recipient=org["agent"], is_private=True)
    hidden = give(org["agent"], recipient=org["other_agent"])
    services.moderate_kudos(actor=org["admin"], kudos=hidden, hide=True, reason="Unkind.")
    opted_out = give(org["agent"], recipient=org["manager"])
    services.set_preference(actor=org["manager"], hide_from_feed=True)
    # Two kudos at the same moment: the cursor still separates them by their key.
    moment = shown[0].created_at
    Kudos.objects.filter(pk__in=[shown[1].pk, shown[2].pk]).update(created_at=moment)
    expected = list(Kudos.objects.filter(pk__in=[k.pk for k in shown]).values_list("pk", flat=True))

    walked = _walk(org["outsider"])

    assert walked == expected  # Meta ordering: newest first, then the higher key
    assert not {private.pk, hidden.pk, opted_out.pk} & set(walked)
    assert _walk(org["agent"], Feed.ME, size=3)[:1] == [opted_out.pk]


def test_an_unreadable_cursor_gives_the_first_page(org, give):
    kudos = give(org["other_agent"], recipient=org["agent"])

    page = selectors.feed_page(org["agent"], before="yesterday-7")

    assert [card.kudos for card in page.cards] == [kudos]
    assert page.is_first
    assert page.older is None


def test_a_feed_card_shows_values_reactions_and_comments(org, give, respect):
    later = ValueFactory.create(name="Trust", position=5)
    kudos = give(org["other_agent"], recipient=org["agent"], values=[later, respect])
    services.react(actor=org["team_lead"], kudos=kudos, kind="heart")
    services.react(actor=org["manager"], kudos=kudos, kind="heart")
    services.react(actor=org["manager"], kudos=kudos, kind="star")
    services.comment_on(actor=org["team_lead"], kudos=kudos, body="Well done.")

    (card,) = selectors.feed_page(org["manager"]).cards

    assert [value.name for value in card.values] == ["Respect", "Trust"]
    tallies = {tally.kind: (tally.count, tally.mine) for tally in card.reactions}
    assert tallies["heart"] == (2, True)
    assert tallies["star"] == (1, True)
    assert tallies["applause"] == (0, False)
    assert card.comment_count == 1
    (mine,) = selectors.feed_page(org["team_lead"]).cards
    assert {t.kind for t in mine.reactions if t.mine} == {"heart"}


@pytest.mark.parametrize("feed", [Feed.COMPANY, Feed.TEAM, Feed.ME])
def test_a_feed_page_takes_the_same_queries_for_one_card_or_ten(org, give, feed):
    """Fails if a query per card (values, reactions, comments, people) comes back."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        viewer = Person.objects.get(pk=org["other_agent"].pk)  # nothing cached on it
        with CaptureQueriesContext(connection) as captured:
            page = selectors.feed_page(viewer, feed, size=10)
            for card in page.cards:
                str(card.kudos.giver), str(card.kudos.recipient), str(card.kudos.team)
        return len(captured)

    give(org["agent"], recipient=org["other_agent"])
    one = queries()
    for number in range(11):
        kudos = give(org["agent"], recipient=org["other_agent"], message=f"Thanks {number}")
        services.react(actor=org["team_lead"], kudos=kudos, kind="heart")
        services.comment_on(actor=org["team_lead"], kudos=kudos, body="Yes.")

    assert queries() == one
    assert one <= 4  # the page, the viewer's moderation reach, and the team feed's teams


Counted = tuple[dict[str, tuple[int, bool]], int]


def _counted(card: selectors.KudosCard) -> Counted:
    return {tally.kind: (tally.count, tally.mine) for tally in card.reactions}, card.comment_count


def test_the_feeds_counters_follow_each_reaction_and_comment(org, give):
    """The feed reads counters kept on the kudos; a single kudos counts its rows. Both agree
    after every write, a second reaction of the same kind counts once and a reaction taken
    back twice never goes below zero."""
    kudos = give(org["other_agent"], recipient=org["agent"])
    viewer = org["manager"]

    def both() -> tuple[Counted, Counted]:
        (from_feed,) = selectors.feed_page(viewer).cards
        detail = selectors.cards(viewer, [selectors.get_kudos_for(viewer, kudos.pk)])[0]
        return _counted(from_feed), _counted(detail)

    services.react(actor=viewer, kudos=kudos, kind="heart")
    services.react(actor=viewer, kudos=kudos, kind="heart")  # a double click
    services.react(actor=org["team_lead"], kudos=kudos, kind="heart")
    services.react(actor=org["team_lead"], kudos=kudos, kind="smile")
    services.comment_on(actor=org["team_lead"], kudos=kudos, body="Well deserved.")
    feed_side, detail_side = both()
    assert feed_side == detail_side
    tallies, comments = feed_side
    assert tallies["heart"] == (2, True)
    assert tallies["smile"] == (1, False)
    assert comments == 1

    services.unreact(actor=org["team_lead"], kudos=kudos, kind="heart")
    services.unreact(actor=org["team_lead"], kudos=kudos, kind="heart")
    services.unreact(actor=viewer, kudos=kudos, kind="star")  # never given
    feed_side, detail_side = both()
    assert feed_side == detail_side
    assert feed_side[0]["heart"] == (1, True)
    assert feed_side[0]["star"] == (0, False)
    kudos.refresh_from_db()
    assert (kudos.heart_count, kudos.star_count, kudos.smile_count) == (1, 0, 1)


def test_a_recount_makes_the_counters_again_from_rows_written_in_bulk(org, give):
    from groundswell.recognition.models import KudosComment

    kudos = give(org["other_agent"], recipient=org["agent"])
    other = give(org["agent"], recipient=org["other_agent"])
    KudosReaction.objects.bulk_create(
        [
            KudosReaction(kudos=kudos, person=org["manager"], kind="star"),
            KudosReaction(kudos=kudos, person=org["team_lead"], kind="star"),
            KudosReaction(kudos=other, person=org["manager"], kind="applause"),
        ]
    )
    KudosComment.objects.bulk_create([KudosComment(kudos=kudos, author=org["agent"], body="Yes")])
    Kudos.objects.filter(pk=other.pk).update(heart_count=5)  # a counter gone wrong

    assert services.recount_reactions_and_comments() == 2

    assert dict(Kudos.objects.values_list("pk", "star_count")) == {kudos.pk: 2, other.pk: 0}
    other.refresh_from_db()
    assert (other.applause_count, other.heart_count, other.comment_count) == (1, 0, 0)
    kudos.refresh_from_db()
    assert kudos.comment_count == 1


def test_every_reaction_kind_has_a_counter():
    from groundswell.recognition.choices import Reaction
    from groundswell.recognition.models import reaction_count_field

    for kind in Reaction.values:
        assert Kudos._meta.get_field(reaction_count_field(kind)).default == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reactions_given_at_once_are_each_counted(org, respect):
    """Workers reacting together to one kudos: the counter is an increment in the database,
    so none is lost (each person's double click still counts once)."""
    import threading
    from functools import partial

    from groundswell.core.tests.workers import retry_when_locked, run_together

    kudos = services.give_kudos(
        actor=org["other_agent"], recipient=org["agent"], message="Thanks.", values=[respect]
    )
    people = [org["manager"], org["team_lead"], org["executive"], org["admin"]]
    turns = iter(people * 2)  # everyone twice: the second time changes nothing
    lock = threading.Lock()

    def one() -> None:
        for _turn in range(4):
            with lock:
                person = next(turns)
            retry_when_locked(partial(services.react, actor=person, kudos=kudos, kind="heart"))

    run_together(one)

    kudos.refresh_from_db()
    assert kudos.heart_count == KudosReaction.objects.filter(kudos=kudos).count() == len(people)
