"""Demo data for the open door: a dozen policies and months of submissions in every state.

Submissions come from real demo people, some anonymously (stored exactly as the product stores
them: no submitter, the day only). One anonymous submission has a published follow-up code,
`DEMO_FOLLOW_UP_CODE`, so the follow-up page can be tried. Everything is bulk-inserted.
"""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal

from groundswell.ideas import selectors, services
from groundswell.ideas.choices import IdeaCategory, IdeaKind, IdeaStatus
from groundswell.ideas.models import Comment, Idea, Policy, RoutingRule, StatusChange, Vote
from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoSize, DemoStep
from groundswell.people.models import Department, Person

DEMO_FOLLOW_UP_CODE = "DEMS-KEST-RE22-HAPY"  # published on purpose: it opens one demo thread
SUBMISSIONS = {DemoSize.SMALL: 40, DemoSize.MEDIUM: 200, DemoSize.LARGE: 400}
HISTORY_DAYS = 150
ANONYMOUS_SHARE = 0.35

# name, summary, what staff may decide alone, limit, review in (days; negative: overdue)
POLICIES: tuple[tuple[str, str, str, int | None, int], ...] = (
    ("Goodwill credit", "Small credits to make up for a mistake on our side.",
     "Give a goodwill credit on the customer's next bill without approval.", 50, 120),
    ("Refunds", "When and how customers get their money back.",
     "Refund a duplicate or wrong charge straight away.", 150, -20),
    ("Late payment fees", "Fees on overdue invoices and when to waive them.",
     "Waive one late fee per customer per year.", 25, 60),
    ("Appointment rescheduling", "Moving an engineer visit at the customer's request.",
     "Move a visit once at no charge, up to the day before.", None, 200),
    ("Callback promises", "Promising to call a customer back.",
     "Promise a callback within a two-hour window you choose.", None, 15),
    ("Replacement parts", "Sending parts before the faulty one is returned.",
     "Ship a replacement part before the return arrives.", 80, -45),
    ("Contract cancellation", "Ending a contract early.",
     "Cancel without a fee when the customer moved house.", None, 300),
    ("Identity checks", "Confirming who we are talking to.",
     "Skip the second question for callers using the app.", None, 90),
    ("Complaint escalation", "Passing a complaint to a senior colleague.",
     "Escalate directly to the team lead on duty.", None, -5),
    ("Social media replies", "Answering customers in public channels.",
     "Reply publicly, then move to private messages.", None, 180),
    ("Service outage compensation", "Making up for outages we caused.",
     "Credit one day's service per day of outage.", 40, 240),
    ("Working from home", "Who may work remotely and how.",
     "Swap a home day with a teammate without asking.", None, 30),
)  # fmt: skip

TITLES: dict[str, tuple[str, ...]] = {
    IdeaKind.IDEA: (
        "Let customers choose a callback slot",
        "One shared library of answer templates",
        "Send a text when the engineer is on the way",
        "Pair new starters with a buddy for their first calls",
        "Show the customer's last three contacts on one screen",
        "A weekly five-minute story of a customer we helped",
        "Offer chat in Spanish during evenings",
        "Let agents close duplicate tickets in bulk",
        "Put the refund status on the customer's account page",
        "A quiet room for calls with upset customers",
        "Let customers upload photos with a complaint",
        "Call back customers whose issue was closed in a hurry",
        "Share the week's best customer compliments on Mondays",
        "Give every agent a small goodwill budget",
        "Add the delivery tracking link to every reply",
        "Let customers pick email or phone for the follow-up",
    ),
    IdeaKind.ISSUE: (
        "Headsets drop calls after an hour",
        "The CRM times out during busy hours",
        "Customers get two surveys for one call",
        "Billing and support give different answers on fees",
        "Transfers to Tier 2 lose the call notes",
        "Evening shift has no one to escalate to",
        "The hold music restarts after every transfer",
        "Password resets take three days by post",
        "The returns label link expires too soon",
        "Chat customers are dropped at shift change",
        "Invoices show the wrong contact number",
    ),
    IdeaKind.WEAKNESS: (
        "We find out about outages from customers",
        "Nobody owns repeat complaints about installers",
        "Product changes reach us after customers notice",
        "Knowledge base articles are months out of date",
        "We promise delivery dates we cannot see",
        "Teams do not hear what happened after an escalation",
        "New starters take live calls before they know the products",
        "We measure speed but not whether the problem was solved",
        "Feedback from customers never reaches the product team",
    ),
    IdeaKind.POLICY_FRICTION: (
        "Needs a manager to approve a tiny credit",
        "The rule makes loyal customers wait",
        "Customers are asked the same questions twice",
        "We cannot fix what the policy calls an exception",
        "The limit is too low for real cases",
        "Refunds over a small amount need two signatures",
        "Customers must call to cancel what they bought online",
        "The policy asks for a receipt customers never got",
        "We cannot waive a fee even when we caused it",
    ),
}
BODIES = (
    "It happens several times a week and customers notice. A small change would save time "
    "for them and for us.",
    "I raised it in the team huddle; others see the same. It costs us repeat contacts.",
    "Customers told me this directly today. I think we can fix it without spending much.",
    "Most of the time the answer is yes anyway, so the wait only frustrates everyone.",
)
OUTCOMES = (
    "Changed from next Monday; thank you for raising it.",
    "Rolled out to every team after a two-week trial.",
    "The limit was raised and the form shortened.",
    "Fixed in the latest release of the desk tools.",
)
DECLINE_REASONS = (
    "The cost is higher than the benefit for now; we will look again next year.",
    "A legal requirement stops us from changing this.",
    "Already covered by the new process starting next month.",
)
OWNER_REPLIES = (
    "Thanks for raising this. I am looking into it with the team.",
    "Good point. Can you tell me how often it happens?",
    "We discussed this in the managers' meeting; more soon.",
)
SUBMITTER_REPLIES = (
    "About three times a day on my shift.",
    "Thank you, happy to help test a fix.",
    "It happened again this morning.",
)
STATUS_PATHS: tuple[tuple[tuple[IdeaStatus, ...], float], ...] = (
    ((), 0.22),
    ((IdeaStatus.ACKNOWLEDGED,), 0.18),
    ((IdeaStatus.ACKNOWLEDGED, IdeaStatus.UNDER_REVIEW), 0.18),
    ((IdeaStatus.ACKNOWLEDGED, IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED), 0.12),
    ((IdeaStatus.ACKNOWLEDGED, IdeaStatus.ACCEPTED, IdeaStatus.DONE), 0.14),
    ((IdeaStatus.ACKNOWLEDGED, IdeaStatus.UNDER_REVIEW, IdeaStatus.DECLINED), 0.10),
    ((IdeaStatus.DECLINED,), 0.06),
)
KIND_WEIGHTS = {
    IdeaKind.IDEA: 0.4,
    IdeaKind.ISSUE: 0.25,
    IdeaKind.WEAKNESS: 0.15,
    IdeaKind.POLICY_FRICTION: 0.2,
}


def create_open_door(ctx: DemoContext) -> None:
    """Policies with owners, a routing rule, and submissions with replies, votes and history."""
    rng = ctx.rng
    people = [person for person in ctx.people if person.is_active] or list(Person.objects.active())
    leaders = [p for p in people if p.role in (Role.MANAGER, Role.ADMIN, Role.EXECUTIVE)]
    policies = Policy.objects.bulk_create(
        Policy(
            name=name,
            owner=rng.choice(leaders),
            summary=summary,
            empowerment=empowerment,
            limit_amount=Decimal(limit) if limit is not None else None,
            currency="EUR" if limit is not None else "",
            review_by=ctx.today + datetime.timedelta(days=review_in),
        )
        for name, summary, empowerment, limit, review_in in POLICIES
    )
    admins = [p for p in people if p.role == Role.ADMIN]
    if admins:
        RoutingRule.objects.create(category=IdeaCategory.TOOLS, department=None, owner=admins[0])
    departments = ctx.departments or list(Department.objects.all())
    owners: dict[tuple[str, int], Person | None] = {}
    latest = services.start_of_day(ctx.today)  # nothing happens after the demo's today
    ideas, changes, comments, votes = [], [], [], []
    used_titles: set[str] = set()
    for number in range(SUBMISSIONS[ctx.size]):
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        category = (
            IdeaCategory.POLICY
            if kind == IdeaKind.POLICY_FRICTION
            else rng.choice(IdeaCategory.values)
        )
        department = rng.choice(departments)
        key = (category, department.pk)
        if key not in owners:
            owners[key] = services.route(category=category, department=department)
        submitter = rng.choice(people)
        anonymous = number == 0 or rng.random() < ANONYMOUS_SHARE
        path = rng.choices([p for p, _w in STATUS_PATHS], weights=[w for _p, w in STATUS_PATHS])[0]
        # Unanswered ones are mostly recent: some within their deadline, some overdue.
        day = ctx.today - datetime.timedelta(days=rng.randrange(HISTORY_DAYS if path else 14))
        code = DEMO_FOLLOW_UP_CODE if number == 0 else _random_code(rng)
        submitted_at = (
            services.start_of_day(day)
            if anonymous
            else services.start_of_day(day)
            + datetime.timedelta(minutes=rng.randrange(8 * 60, 18 * 60))
        )
        idea = Idea(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            kind=kind,
            title=_title(rng, kind, department, used_titles),
            body=rng.choice(BODIES),
            category=category,
            department=department,
            policy=rng.choice(policies) if kind == IdeaKind.POLICY_FRICTION else None,
            status=path[-1] if path else IdeaStatus.NEW,
            owner=owners[key],
            acknowledge_by=services.add_business_days(day, services.ACKNOWLEDGE_BUSINESS_DAYS),
            is_anonymous=anonymous,
            submitted_by=None if anonymous else submitter,
            follow_up_code_hash=selectors.hash_code(code) if anonymous else None,
            submitted_at=submitted_at,
        )
        moment = submitted_at
        actor = owners[key] or (admins[0] if admins else None)
        previous = IdeaStatus.NEW
        for status in path:
            moment = min(moment + datetime.timedelta(days=rng.randint(1, 9), hours=2), latest)
            if previous == IdeaStatus.NEW:
                idea.acknowledged_at = moment
            note = ""
            if status == IdeaStatus.DECLINED:
                note = idea.decline_reason = rng.choice(DECLINE_REASONS)
            elif status == IdeaStatus.DONE:
                note = idea.outcome = rng.choice(OUTCOMES)
            changes.append(
                StatusChange(
                    idea=idea, actor=actor, from_status=previous, to_status=status, note=note
                )
            )
            previous = status
        if path and actor is not None:
            thread: list[tuple[Person | None, bool, str]] = [
                (actor, False, rng.choice(OWNER_REPLIES))
            ]
            if rng.random() < 0.5:
                thread.append(
                    (None if anonymous else submitter, True, rng.choice(SUBMITTER_REPLIES))
                )
            for position, (author, from_submitter, body) in enumerate(thread, start=1):
                at = (idea.acknowledged_at or moment) + datetime.timedelta(hours=position)
                comments.append(
                    Comment(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        idea=idea,
                        position=position,
                        author=author,
                        is_from_submitter=from_submitter,
                        body=body,
                        created_at=services.start_of_day(at.date()) if author is None else at,
                    )
                )
        voters = rng.sample(people, min(len(people), 40, int(rng.paretovariate(1.2)) - 1))
        votes += [Vote(idea=idea, person=voter) for voter in voters if voter != submitter]
        ideas.append(idea)
    Idea.objects.bulk_create(ideas)
    StatusChange.objects.bulk_create(changes)
    Comment.objects.bulk_create(comments)
    Vote.objects.bulk_create(votes, ignore_conflicts=True)
    ctx.counts.update(
        {"policies": len(policies), "submissions": len(ideas), "idea replies": len(comments)}
    )


def _random_code(rng: random.Random) -> str:
    # Known only to the generator: these demo submissions cannot be followed up.
    return "".join(rng.choice(selectors.CODE_ALPHABET) for _ in range(16))


def wipe_open_door() -> None:
    """Remove every submission, policy and routing rule."""
    Vote.objects.all().delete()
    Comment.objects.all().delete()
    StatusChange.objects.all().delete()
    Idea.objects.all().delete()
    RoutingRule.objects.all().delete()
    Policy.objects.all().delete()


OPEN_DOOR = DemoStep(name="open door", create=create_open_door, wipe=wipe_open_door)


def _title(rng: random.Random, kind: str, department: Department, used: set[str]) -> str:
    """A title no other demo idea has: each of the kind's titles once, then the same concern
    raised again in another department, named after it."""
    fresh = [title for title in TITLES[kind] if title not in used]
    if fresh:
        title = rng.choice(fresh)
    else:
        options = [f"{title} ({department.name})" for title in TITLES[kind]]
        unused = [option for option in options if option not in used]
        # Every title already raised in this department too: number the repeat.
        title = rng.choice(unused) if unused else f"{rng.choice(options)} #{len(used) + 1}"
    used.add(title)
    return title
