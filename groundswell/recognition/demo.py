"""Demo data for recognition: five values, about 5,000 kudos over six months with uneven reach
(a fifth of the people are never thanked, a few get most of the thanks), compliments from the
survey answers, heroes, two weeks of sent huddle digests, two sent monthly newsletters (drafted
by the real drafting code, their copies marked delivered so nothing is mailed) and a reward
catalogue for when points are switched on. Everything is bulk-inserted so `make run` stays
quick.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoSize, DemoStep
from groundswell.people.models import Person
from groundswell.recognition import newsletter, services
from groundswell.recognition.choices import NewsletterStatus, Reaction, ReviewStatus
from groundswell.recognition.models import (
    Compliment,
    HeroNomination,
    HeroOfTheMonth,
    HuddleDigest,
    Kudos,
    KudosComment,
    KudosReaction,
    Newsletter,
    NewsletterDelivery,
    NewsletterOptOut,
    PointsAccount,
    PointsEntry,
    Redemption,
    Reward,
    Value,
)
from groundswell.voice.models import Response

KUDOS = {DemoSize.SMALL: 5_000, DemoSize.MEDIUM: 5_000, DemoSize.LARGE: 6_000}
DIGEST_DAYS = 14
REWARDS = (
    ("Lunch voucher", "Lunch for two at the place round the corner.", 50),
    ("Half day off", "An afternoon off, agreed with your lead.", 300),
    ("Training budget", "A course or a book of your choice.", 200),
    ("Charity donation", "We give to a charity you choose.", 100),
)
HISTORY_DAYS = 182
NEVER_THANKED_SHARE = 0.2
COMPLIMENTS = 80
HEROES = 14

VALUES = (
    ("Respect", "respect", "We listen first and treat every customer and colleague as an equal."),
    ("Growth", "growth", "We learn from every contact and help each other get better."),
    ("Trust", "trust", "We are honest about what we know and what we can do."),
    ("Working together", "working-together", "We solve it as one team, across departments."),
    ("Keeping promises", "keeping-promises", "We do what we said, when we said, or call first."),
)
MESSAGES = (
    "Thank you for taking that angry caller off my hands and calming them down so kindly.",
    "You stayed late to finish the refunds so customers had their money before the weekend.",
    "Your notes on the billing change saved the whole team hours this week.",
    "You called the customer back exactly when you promised, and they noticed.",
    "Thanks for showing me the new ordering screen; I finally get it.",
    "You spotted the repeat complaint and got Product to fix it at the root.",
    "Brilliant handover at shift change: nothing was lost.",
    "You turned a cancellation into a customer who now recommends us.",
    "Thanks for covering my queue while I was at the training.",
    "You admitted the mistake straight away and fixed it before the customer asked.",
)
COMMENTS = ("Well deserved!", "So true, thank you!", "This made my day.", "Great work.")
STORIES = (
    "A customer's internet went down the day before her job interview online. They found a "
    "technician slot that evening and stayed on the phone until the connection was back.",
    "An elderly customer was charged twice. They refunded it, then rang him the next day to "
    "check it had arrived and walked him through the app.",
    "A small shop's card terminal failed on a Saturday. They arranged a courier with a spare "
    "and kept the owner updated every hour.",
    "A family moving house had their service cut early by mistake. They got it back the same "
    "day and made sure the wrong order could not happen again.",
)


def create_recognition(ctx: DemoContext) -> None:
    """Values, months of kudos with reactions and comments, compliments and heroes."""
    rng = ctx.rng
    values = Value.objects.bulk_create(
        Value(name=name, slug=slug, description=description, position=position)
        for position, (name, slug, description) in enumerate(VALUES)
    )
    people = [p for p in ctx.people if p.is_active] or list(Person.objects.active())
    if len(people) < 3:
        return
    shuffled = rng.sample(people, len(people))
    never = max(1, int(len(people) * NEVER_THANKED_SHARE))
    thanked = shuffled[never:]
    # Reach is uneven: a few people get most of the thanks (a Pareto weight each).
    weights = list(itertools.accumulate(rng.paretovariate(1.3) for _ in thanked))
    now = ctx.now
    kudos_rows: list[Kudos] = []
    for _number in range(KUDOS[ctx.size]):
        recipient = rng.choices(thanked, cum_weights=weights)[0]
        giver = rng.choice(people)
        if giver.pk == recipient.pk:
            continue
        created = now - datetime.timedelta(
            days=rng.randrange(HISTORY_DAYS), minutes=rng.randrange(8 * 60)
        )
        kudos_rows.append(
            Kudos(
                giver=giver,
                recipient=recipient,
                team_id=recipient.team_id,
                department_id=recipient.department_id,
                message=rng.choice(MESSAGES),
                is_private=rng.random() < 0.08,
                created_at=created,
                notice_sent_at=created,
            )
        )
    teams = ctx.teams
    for _number in range(len(kudos_rows) // 20):  # some thanks to whole teams
        team = rng.choice(teams) if teams else None
        if team is None:
            break
        created = now - datetime.timedelta(days=rng.randrange(HISTORY_DAYS))
        kudos_rows.append(
            Kudos(
                giver=rng.choice(people),
                team=team,
                department_id=team.department_id,
                message=rng.choice(MESSAGES),
                created_at=created,
                notice_sent_at=created,
            )
        )
    kudos_rows = Kudos.objects.bulk_create(kudos_rows)
    through = Kudos.values.through
    links = []
    reactions: list[KudosReaction] = []
    comments: list[KudosComment] = []
    for kudos in kudos_rows:
        for value in rng.sample(values, rng.choice((1, 1, 2, 3))):
            links.append(through(kudos_id=kudos.pk, value_id=value.pk))
        for reactor in rng.sample(people, min(len(people), int(rng.paretovariate(1.5)) - 1)):
            reactions.append(
                KudosReaction(kudos=kudos, person=reactor, kind=rng.choice(Reaction.values))
            )
        if rng.random() < 0.15:
            comments.append(
                KudosComment(
                    kudos=kudos,
                    author=rng.choice(people),
                    body=rng.choice(COMMENTS),
                    created_at=kudos.created_at + datetime.timedelta(hours=2),
                )
            )
    through.objects.bulk_create(links)
    KudosReaction.objects.bulk_create(reactions, ignore_conflicts=True)
    KudosComment.objects.bulk_create(comments)
    if kudos_rows:  # the counters the feed reads (a recount is right for any kudos it meets)
        ids = [kudos.pk for kudos in kudos_rows]
        services.recount_reactions_and_comments(
            Kudos.objects.filter(pk__range=(min(ids), max(ids)))
        )
    compliments = _compliments(ctx, values)
    heroes = _heroes(ctx, people, values)
    digests = _digests(ctx)
    letters = _newsletters(ctx, people)
    Reward.objects.bulk_create(
        Reward(name=name, description=description, cost=cost) for name, description, cost in REWARDS
    )
    ctx.counts.update(
        {
            "kudos": len(kudos_rows),
            "compliments": compliments,
            "hero nominations": heroes,
            "huddle digests": digests,
            "newsletters": letters,
        }
    )


def _digests(ctx: DemoContext) -> int:
    """Each team's huddle digest of the last two weeks, already emailed."""
    rows: list[HuddleDigest] = []
    for days_ago in range(1, DIGEST_DAYS + 1):
        day = ctx.today - datetime.timedelta(days=days_ago)
        sent = ctx.now - datetime.timedelta(days=days_ago)
        rows.extend(
            HuddleDigest(team=team, day=day, created_at=sent, email_sent_at=sent)
            for team in ctx.teams
        )
    HuddleDigest.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _newsletters(ctx: DemoContext, people: list[Person]) -> int:
    """The newsletters of the two months before this one, drafted from the demo's recognition
    by the real drafting code and sent by the head of customer service; every copy is marked
    delivered, so loading the demo mails nobody."""
    sender = ctx.demo_people.get(Role.MANAGER)
    this_month = ctx.today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    months = [(last_month - datetime.timedelta(days=1)).replace(day=1), last_month]
    deliveries: list[NewsletterDelivery] = []
    for month in months:
        letter = newsletter.draft_newsletter(actor=None, month=month)
        # Sent on the 2nd of the next month, mid-morning (or now, when that is still to come).
        following = (month + datetime.timedelta(days=32)).replace(day=2)
        sent_at = min(
            ctx.now,
            timezone.make_aware(datetime.datetime.combine(following, datetime.time(10))),
        )
        Newsletter.objects.filter(pk=letter.pk).update(
            status=NewsletterStatus.SENT,
            sent_at=sent_at,
            sent_by=sender,
            recipient_count=len(people),
        )
        deliveries.extend(
            NewsletterDelivery(
                newsletter=letter, person=person, claimed_at=sent_at, sent_at=sent_at
            )
            for person in people
        )
    NewsletterDelivery.objects.bulk_create(deliveries)
    return len(months)


def _compliments(ctx: DemoContext, values: list[Value]) -> int:
    """Cards for the latest top answers with a comment; older ones approved by the lead."""
    answers = list(
        Response.objects.filter(is_compliment=True, agent__isnull=False)
        .select_related("team", "agent")
        .order_by("-submitted_at")[:COMPLIMENTS]
    )
    recent = ctx.now - datetime.timedelta(days=5)
    cards = Compliment.objects.bulk_create(
        Compliment(
            response=answer,
            agent=answer.agent,
            team=answer.team,
            department_id=answer.team.department_id,
            received_at=answer.submitted_at,
            status=ReviewStatus.PENDING if answer.submitted_at > recent else ReviewStatus.APPROVED,
            reviewed_at=None if answer.submitted_at > recent else answer.submitted_at,
            reviewed_by_id=None if answer.submitted_at > recent else answer.team.lead_id,
        )
        for answer in answers
    )
    through = Compliment.values.through
    through.objects.bulk_create(
        through(compliment_id=card.pk, value_id=ctx.rng.choice(values).pk)
        for card in cards
        if card.status == ReviewStatus.APPROVED
    )
    return len(cards)


def _heroes(ctx: DemoContext, people: list[Person], values: list[Value]) -> int:
    rng = ctx.rng
    agents = [p for p in people if p.role == Role.AGENT and p.team_id is not None]
    if not agents:
        return 0
    nominations: list[HeroNomination] = []
    for number in range(HEROES):
        nominee = rng.choice(agents)
        nominator = rng.choice([p for p in people if p.pk != nominee.pk])
        created = ctx.now - datetime.timedelta(days=rng.randrange(HISTORY_DAYS))
        status = (
            ReviewStatus.PENDING
            if number < 2
            else ReviewStatus.DECLINED
            if number < 4
            else ReviewStatus.APPROVED
        )
        decided = status != ReviewStatus.PENDING
        nominations.append(
            HeroNomination(
                nominee=nominee,
                nominated_by=nominator,
                team_id=nominee.team_id,
                department_id=nominee.department_id,
                story=rng.choice(STORIES),
                status=status,
                created_at=created if decided else ctx.now - datetime.timedelta(days=1),
                decided_at=created + datetime.timedelta(days=2) if decided else None,
                decision_note=(
                    "A fine effort, but part of the everyday job."
                    if status == ReviewStatus.DECLINED
                    else ""
                ),
            )
        )
    nominations = HeroNomination.objects.bulk_create(nominations)
    through = HeroNomination.values.through
    through.objects.bulk_create(
        through(heronomination_id=hero.pk, value_id=rng.choice(values).pk) for hero in nominations
    )
    month = ctx.today.replace(day=1)
    chosen: set[int] = set()
    months = []
    for hero in nominations:
        if hero.status == ReviewStatus.APPROVED and hero.team_id not in chosen:
            chosen.add(hero.team_id)  # type: ignore[arg-type]
            months.append(HeroOfTheMonth(month=month, nomination=hero, team_id=hero.team_id))
    HeroOfTheMonth.objects.bulk_create(months[:3])
    return len(nominations)


def wipe_recognition() -> None:
    """Remove every kudos, compliment, hero, value, digest, newsletter, reward and point."""
    PointsEntry.objects.all().delete()
    PointsAccount.objects.all().delete()
    Redemption.objects.all().delete()
    Reward.objects.all().delete()
    Newsletter.objects.all().delete()
    NewsletterOptOut.objects.all().delete()
    HuddleDigest.objects.all().delete()
    HeroOfTheMonth.objects.all().delete()
    HeroNomination.objects.all().delete()
    Compliment.objects.all().delete()
    Kudos.objects.all().delete()
    Value.objects.all().delete()


RECOGNITION = DemoStep(name="recognition", create=create_recognition, wipe=wipe_recognition)
