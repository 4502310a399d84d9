"""Demo data for learning: job profiles that state the culture, 40 candidates interviewed by
panels with customers on them, the first profile's earlier hires (its agents hired months or
years ago, former staff too) with their interview scores, 10 new hires at different stages of
onboarding (some with a buddy, one cleared by a manager for a week, the most advanced signed
off), and a course catalogue with two years of completions, some refreshers overdue (the demo
agent owes one that ran out and one that runs out soon), quizzes with their banks, and classes:
past ones with their attendance, coming ones part-full."""

from __future__ import annotations

import datetime

from django.utils import timezone

from groundswell.learning.choices import (
    DEFAULT_STEPS,
    CandidateStatus,
    PanelKind,
    QuestionKind,
)
from groundswell.learning.models import (
    Attitude,
    Candidate,
    Completion,
    Course,
    CourseClass,
    Enrolment,
    InterviewQuestion,
    InterviewScore,
    JobProfile,
    OnboardingStepTemplate,
    PanelMember,
    Programme,
    ProgrammeStep,
    Quiz,
    QuizChoice,
    QuizQuestion,
    ReadinessOverride,
)
from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoStep
from groundswell.people.models import Department, Person
from groundswell.quality.selectors import review_scores_of

CANDIDATES = 40
NEW_HIRES = 10
# The catalogue covers what the seeds say every service employee should learn.
COURSES = (
    ("Our service technology", "The phone, chat and ticket tools, and how to use them well.", 12),
    ("Our history", "Where the organisation comes from, and why service is part of it.", None),
    ("Products and services", "What we sell, what it costs, and what customers ask most.", 6),
    (
        "Listening and communication",
        "Listen first, sum up, then answer; say what happens next.",
        12,
    ),
    (
        "Serving customers of every background and ability",
        "Plain words, other languages, hearing and sight loss, and patience.",
        24,
    ),
)

# Each course with a quiz: its questions, the right answer first (shuffled when stored).
QUIZ_BANKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "Our service technology": (
        (
            "A chat goes quiet for five minutes. What do you do?",
            ("Ask once if the customer is still there, then say how to reach us", "Close it"),
        ),
        (
            "Where does a promise to call back go?",
            ("On the interaction, with its due time", "In my notebook", "Nowhere: I remember"),
        ),
        (
            "The ticket tool is down. Who do you tell first?",
            ("The IT desk and my lead", "Nobody: it comes back", "The customer on the line"),
        ),
    ),
    "Products and services": (
        (
            "A customer asks for something we do not sell. What helps most?",
            ("Say so plainly and point to who can help", "Sell the nearest product"),
        ),
        (
            "Where do you check today's prices?",
            ("The product catalogue page", "Last year's leaflet", "A colleague's memory"),
        ),
    ),
    "Listening and communication": (
        (
            "What comes before your answer?",
            ("Summing up what the customer said", "The company policy", "A joke"),
        ),
        (
            "The customer is angry and talks for minutes. You…",
            ("let them finish, then name what they feel", "interrupt to save time"),
        ),
        (
            "How does a call end well?",
            ("Say what happens next, and when", "Thank them and hang up quickly"),
        ),
    ),
    "Serving customers of every background and ability": (
        (
            "A customer hears poorly on the phone. What helps?",
            ("Offer chat or email and speak slowly", "Speak louder and faster"),
        ),
        (
            "A customer writes in another language. You…",
            ("answer in plain words and offer our translated pages", "ignore the message"),
        ),
    ),
}
# Classes per course with a bank: how many took place (attendance marked) and are to come.
PAST_CLASSES, COMING_CLASSES, CLASS_SEATS = 2, 2, 10

ATTITUDES = (
    (
        "Helps without being asked",
        (
            "Waits to be told; help stops at the job description.",
            "Helps when asked, reluctantly.",
            "Helps when asked, willingly.",
            "Notices when someone needs help and offers it.",
            "Offers help unprompted and follows up to see it worked.",
        ),
        "Did the candidate offer help when the interviewer dropped their papers?",
        "Tell us about a time you helped someone when it was not your job.",
    ),
    (
        "Listens before answering",
        (
            "Interrupts; answers a question that was not asked.",
            "Listens in part, jumps to a stock answer.",
            "Lets the other finish and answers the question asked.",
            "Asks a question back to check they understood.",
            "Sums up what they heard, feelings included, before answering.",
        ),
        "Did the candidate let the customer on the panel finish every sentence?",
        "A customer is upset and talks for five minutes. What do you do?",
    ),
    (
        "Owns the problem",
        (
            "Blames others or the system.",
            "Passes the problem on without follow-up.",
            "Solves what is in their hands.",
            "Solves it and tells the customer what happens next.",
            "Solves it, keeps the promise and fixes the cause for the next customer.",
        ),
        "When the role-play went wrong, did they say 'I will' or 'they should'?",
        "Describe a promise to a customer you kept although it was hard.",
    ),
    (
        "Treats everyone with respect",
        (
            "Talks down to people, or only to some.",
            "Polite with customers, curt with colleagues.",
            "Courteous with everyone.",
            "Adapts to each person's needs and pace.",
            "Makes every person, whatever their background or ability, feel welcome.",
        ),
        "How did the candidate treat the receptionist on the way in?",
        "How would you serve a customer who cannot read the letter we sent?",
    ),
)
PROFILES = (
    (
        "Customer service advisor",
        "You will answer our customers by phone, chat and email. Here service is everyone's "
        "job: we hire people who enjoy helping, who listen first, and who keep their promises. "
        "We teach the products; we cannot teach caring, so that is what we look for.",
    ),
    (
        "Billing specialist",
        "You will put billing questions right for customers and for colleagues in other "
        "departments, who are your customers too. We look for patience, ownership and respect.",
    ),
)
REASONS_HIRED = (
    "Strong on every attitude; the customer on the panel would gladly be served by them.",
    "Helped without being asked in the practice moment; skills we can teach.",
)
REASONS_DECLINED = (
    "Good product knowledge, but blamed others twice; ownership scored 2 by every panel member.",
    "Interrupted the customer on the panel repeatedly; listening is the core of this job.",
)


def create_learning(ctx: DemoContext) -> None:
    """Job profiles, candidates with panels and scores, and new hires in onboarding."""
    rng, faker, now = ctx.rng, ctx.faker, ctx.now
    teams = [team for team in ctx.teams if team.lead_id is not None] or list(ctx.teams)
    if not teams:
        return
    departments = []
    for team in teams:
        if team.department not in departments:
            departments.append(team.department)
    profiles: list[JobProfile] = []
    for n, (title, description) in enumerate(PROFILES):
        department = departments[n % len(departments)]
        profile = JobProfile.objects.create(
            department=department,
            title=title,
            description=description,
            created_at=now - datetime.timedelta(days=300),
        )
        profiles.append(profile)
        OnboardingStepTemplate.objects.bulk_create(
            OnboardingStepTemplate(profile=profile, kind=kind, title=step, position=p)
            for p, (kind, step) in enumerate(DEFAULT_STEPS)
        )
        for position, (name, anchors, moment, question) in enumerate(ATTITUDES):
            attitude = Attitude.objects.create(
                profile=profile,
                name=name,
                position=position,
                **{f"anchor_{i}": text for i, text in enumerate(anchors, start=1)},
            )
            InterviewQuestion.objects.bulk_create(
                [
                    InterviewQuestion(attitude=attitude, kind=QuestionKind.QUESTION, text=question),
                    InterviewQuestion(
                        attitude=attitude, kind=QuestionKind.MOMENT, text=moment, position=1
                    ),
                ]
            )
    profile_teams = {
        p.pk: [t for t in teams if t.department_id == p.department_id] or teams for p in profiles
    }
    staff = [p for p in ctx.people if p.is_active and p.role in (Role.AGENT, Role.TEAM_LEAD)]
    scores: list[InterviewScore] = []
    hired_candidates: list[Candidate] = []
    for n in range(CANDIDATES):
        profile = profiles[n % len(profiles)]
        team = rng.choice(profile_teams[profile.pk])
        added = now - datetime.timedelta(days=rng.randint(2, 150))
        status = rng.choices(
            [CandidateStatus.INTERVIEWING, CandidateStatus.HIRED, CandidateStatus.DECLINED],
            weights=[4, 3, 3],
        )[0]
        if n < NEW_HIRES:
            status = CandidateStatus.HIRED
        decided = status != CandidateStatus.INTERVIEWING
        candidate = Candidate.objects.create(
            profile=profile,
            team=team,
            full_name=faker.name(),
            email=f"candidate{n}@example.org",
            consent_at=added,
            created_at=added,
            status=status,
            decision_reason=rng.choice(
                REASONS_HIRED if status == CandidateStatus.HIRED else REASONS_DECLINED
            )
            if decided
            else "",
            decided_at=added + datetime.timedelta(days=7) if decided else None,
            decided_by=team.lead if decided else None,
        )
        if status == CandidateStatus.HIRED:
            hired_candidates.append(candidate)
        members = [
            PanelMember(candidate=candidate, person=team.lead, kind=PanelKind.COLLEAGUE)
            if team.lead
            else None,
            PanelMember(
                candidate=candidate,
                kind=PanelKind.CUSTOMER,
                name=faker.name(),
                email=f"panel{n}@example.org",
            ),
        ]
        colleagues = [p for p in staff if p.team_id == team.pk and p.pk != team.lead_id]
        if colleagues:
            members.append(PanelMember(candidate=candidate, person=rng.choice(colleagues)))
        seated = PanelMember.objects.bulk_create([m for m in members if m is not None])
        base = 4 if status == CandidateStatus.HIRED else (2 if decided else 3)
        attitudes = list(profile.attitudes.all())
        for i, member in enumerate(seated):
            if not decided and i == len(seated) - 1:
                continue  # the last member of an open panel has not scored yet
            member.submitted_at = added + datetime.timedelta(days=2)
            for attitude in attitudes:
                value = min(5, max(1, base + rng.choice((-1, 0, 0, 1))))
                scores.append(InterviewScore(panel_member=member, attitude=attitude, score=value))
        PanelMember.objects.bulk_update(seated, ["submitted_at"])
    InterviewScore.objects.bulk_create(scores)
    _earlier_hires(ctx, profiles[0])
    _new_hires(ctx, hired_candidates[:NEW_HIRES], staff)
    _catalogue(ctx, departments[0], staff)
    ctx.counts["job profiles"] = len(profiles)
    ctx.counts["candidates"] = CANDIDATES


# The earlier hires' "Helps without being asked" scores follow their later quality; their
# "Treats everyone with respect" scores follow this pattern over the same order, which has no
# trend of its own, so the page shows one attitude that relates and one that does not.
NO_TREND = (2, 5, 3, 1, 4)
EARLIER_HIRE_DAYS = 120  # staff hired at least this long ago were interviewed for the profile


def _earlier_hires(ctx: DemoContext, profile: JobProfile) -> None:
    """The profile's agents hired earlier (former staff too) as its hired candidates, with the
    panel's scores, so that "did hiring for attitude work?" has hires with outcomes."""
    rng, today = ctx.rng, ctx.today
    earlier = today - datetime.timedelta(days=EARLIER_HIRE_DAYS)
    hires = [
        p
        for p in ctx.people
        if p.role == Role.AGENT
        and p.department_id == profile.department_id
        and p.team is not None
        and p.hire_date is not None
        and p.hire_date <= earlier
    ]
    if not hires:
        return
    since = _noon(min(p.hire_date or today for p in hires))
    quality: dict[int, list[float]] = {}
    for pk, _when, score in review_scores_of([p.pk for p in hires], since, ctx.now):
        quality.setdefault(pk, []).append(score)
    # From the lowest mean quality score to the highest; those without reviews in between.
    order = sorted(
        hires, key=lambda p: sum(quality.get(p.pk, [70.0])) / len(quality.get(p.pk, [1]))
    )
    attitudes = list(profile.attitudes.all())
    scores: list[InterviewScore] = []
    for rank, person in enumerate(order):
        team = person.team
        assert team is not None  # noqa: S101 - filtered above
        hired_on = person.hire_date or today
        decided = _noon(hired_on - datetime.timedelta(days=14))
        candidate = Candidate.objects.create(
            profile=profile,
            team=team,
            full_name=person.full_name,
            email=person.email,
            consent_at=decided - datetime.timedelta(days=10),
            created_at=decided - datetime.timedelta(days=10),
            status=CandidateStatus.HIRED,
            decision_reason=rng.choice(REASONS_HIRED),
            decided_at=decided,
            decided_by=team.lead,
            hired_person=person,
        )
        seated = PanelMember.objects.bulk_create(
            PanelMember(
                candidate=candidate,
                kind=PanelKind.CUSTOMER,
                name=ctx.faker.name(),
                email=f"earlier.panel{rank}.{n}@example.org",
                submitted_at=decided - datetime.timedelta(days=2),
            )
            for n in range(2)
        )
        helps = 1 + min(4, 5 * rank // len(order))
        for member in seated:
            for position, attitude in enumerate(attitudes):
                if position == 0:
                    value = helps
                elif position == len(attitudes) - 1:
                    value = NO_TREND[rank % len(NO_TREND)]
                else:
                    value = rng.randint(3, 5)
                scores.append(InterviewScore(panel_member=member, attitude=attitude, score=value))
    InterviewScore.objects.bulk_create(scores)
    ctx.counts["earlier hires"] = len(order)


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _new_hires(ctx: DemoContext, candidates: list[Candidate], staff: list[Person]) -> None:
    """Ten new hires: stage n has the first n steps done; the last two are signed off."""
    now, today = ctx.now, ctx.today
    for stage, candidate in enumerate(candidates):
        team = candidate.team
        signed_off = stage >= len(candidates) - 2
        person = Person.objects.create(
            full_name=candidate.full_name,
            email=f"new.hire{stage}@example.org",
            role=Role.AGENT,
            job_title=candidate.profile.title,
            department_id=team.department_id,
            team=team,
            manager=team.lead,
            hire_date=today - datetime.timedelta(days=5 + 4 * stage),
            on_readiness_hold=not signed_off,
        )
        Candidate.objects.filter(pk=candidate.pk).update(hired_person=person)
        buddies = [p for p in staff if p.team_id == team.pk]
        buddy = buddies[stage % len(buddies)] if buddies and stage > 0 else None
        started = now - datetime.timedelta(days=5 + 4 * stage)
        programme = Programme.objects.create(
            person=person,
            profile=candidate.profile,
            buddy=buddy,
            started_at=started,
            signed_off_at=now - datetime.timedelta(days=1) if signed_off else None,
            signed_off_by=team.lead if signed_off else None,
        )
        if buddy is not None:
            Person.objects.filter(pk=person.pk).update(buddy=buddy)
        done = len(DEFAULT_STEPS) if signed_off else min(stage // 2, len(DEFAULT_STEPS) - 1)
        ProgrammeStep.objects.bulk_create(
            ProgrammeStep(
                programme=programme,
                kind=kind,
                title=title,
                position=p,
                completed_at=started + datetime.timedelta(days=p + 1) if p < done else None,
                completed_by=team.lead if p < done else None,
            )
            for p, (kind, title) in enumerate(DEFAULT_STEPS)
        )
        if stage == 5 and team.lead is not None:
            until = today + datetime.timedelta(days=7)
            Person.objects.filter(pk=person.pk).update(readiness_override_until=until)
            ReadinessOverride.objects.create(
                person=person,
                granted_by=team.lead,
                reason="Peak week: handles simple chats with the buddy beside them.",
                until=until,
            )
    ctx.counts["new hires in onboarding"] = len(candidates)


def _catalogue(ctx: DemoContext, department: Department, staff: list[Person]) -> None:
    """The course catalogue, and completions over two years: some refreshers now overdue."""
    rng, today = ctx.rng, ctx.today
    recorder = next((p for p in ctx.people if p.role == Role.MANAGER), None)
    if recorder is None:
        return
    courses = Course.objects.bulk_create(
        Course(department=department, title=title, content=content, refresher_months=months)
        for title, content, months in COURSES
    )
    rows = []
    for person in staff:
        for course in courses:
            if rng.random() < 0.25:
                continue
            done = today - datetime.timedelta(days=rng.randint(10, 700))
            months = course.refresher_months
            expires = done + datetime.timedelta(days=round(months * 30.44)) if months else None
            rows.append(
                Completion(
                    course=course,
                    person=person,
                    completed_on=done,
                    expires_on=expires,
                    recorded_by=recorder,
                )
            )
    _overdue_for_the_demo_agent(ctx, courses, rows, recorder)
    Completion.objects.bulk_create(rows)
    ctx.counts["course completions"] = len(rows)
    _quizzes(ctx, courses)
    _classes(ctx, courses, staff, recorder)


def _overdue_for_the_demo_agent(
    ctx: DemoContext, courses: list[Course], rows: list[Completion], recorder: Person
) -> None:
    """The agent one signs in as owes one refresher that ran out and one that runs out soon, so
    the overdue list and the reminder show something for them whatever the draw."""
    agent = ctx.demo_people.get(Role.AGENT)
    refreshed = [c for c in courses if c.refresher_months]
    if agent is None or len(refreshed) < 2:
        return
    rows[:] = [r for r in rows if not (r.person_id == agent.pk and r.course in refreshed[:2])]
    for course, expires in (
        (refreshed[0], ctx.today - datetime.timedelta(days=20)),
        (refreshed[1], ctx.today + datetime.timedelta(days=12)),
    ):
        months = course.refresher_months or 12
        rows.append(
            Completion(
                course=course,
                person=agent,
                completed_on=expires - datetime.timedelta(days=round(months * 30.44)),
                expires_on=expires,
                recorded_by=recorder,
            )
        )


def _quizzes(ctx: DemoContext, courses: list[Course]) -> None:
    """A quiz with its bank for every course the seeds' topics test (not the history)."""
    rng = ctx.rng
    questions = 0
    for course in courses:
        bank = QUIZ_BANKS.get(course.title)
        if not bank:
            continue
        quiz = Quiz.objects.create(
            course=course,
            pass_mark=rng.choice((60, 75, 80)),
            max_attempts=3,
            created_at=ctx.now - datetime.timedelta(days=200),
        )
        for position, (text, answers) in enumerate(bank):
            question = QuizQuestion.objects.create(quiz=quiz, text=text, position=position)
            order = list(range(len(answers)))
            rng.shuffle(order)
            QuizChoice.objects.bulk_create(
                QuizChoice(question=question, text=answers[i], is_correct=i == 0, position=p)
                for p, i in enumerate(order)
            )
            questions += 1
    ctx.counts["quiz questions"] = questions


def _classes(
    ctx: DemoContext, courses: list[Course], staff: list[Person], recorder: Person
) -> None:
    """Classes of the quizzed courses: those that took place with their attendance (each who
    came holds the completion of that day), and those to come with some seats taken."""
    rng, now = ctx.rng, ctx.now
    trainers = [team.lead for team in ctx.teams if team.lead is not None] or [recorder]
    places = ("Training room 1", "Training room 2", "https://meet.example.org/training")
    seats: list[Enrolment] = []
    done: list[Completion] = []
    made = 0
    for n, course in enumerate(c for c in courses if c.title in QUIZ_BANKS):
        for k in range(PAST_CLASSES + COMING_CLASSES):
            past = k < PAST_CLASSES
            days = -rng.randint(20, 200) if past else rng.randint(5, 40)
            starts = (now + datetime.timedelta(days=days)).replace(
                hour=9 + 2 * (n % 3), minute=0, second=0, microsecond=0
            )
            # Past classes were well attended; the coming ones are part-full.
            taken = rng.randint(6, CLASS_SEATS) if past else rng.randint(2, CLASS_SEATS - 3)
            # The demo agent's refreshers stay owed (see _overdue_for_the_demo_agent).
            pool = [p for p in staff if not past or p != ctx.demo_people.get(Role.AGENT)]
            people = rng.sample(pool, min(taken, len(pool)))
            course_class = CourseClass.objects.create(
                course=course,
                starts_at=starts,
                place=places[(n + k) % len(places)],
                trainer=trainers[(n + k) % len(trainers)],
                capacity=CLASS_SEATS,
                seats_taken=len(people),
                attendance_marked_at=starts + datetime.timedelta(hours=3) if past else None,
                created_at=starts - datetime.timedelta(days=30),
            )
            made += 1
            for person in people:
                came = past and rng.random() < 0.85
                seats.append(
                    Enrolment(
                        course_class=course_class,
                        person=person,
                        enrolled_by=person,
                        enrolled_at=starts - datetime.timedelta(days=rng.randint(2, 20)),
                        attended=came if past else None,
                    )
                )
                if came:
                    day = starts.date()
                    months = course.refresher_months
                    done.append(
                        Completion(
                            course=course,
                            person=person,
                            completed_on=day,
                            expires_on=day + datetime.timedelta(days=round(months * 30.44))
                            if months
                            else None,
                            recorded_by=course_class.trainer,
                        )
                    )
    Enrolment.objects.bulk_create(seats)
    Completion.objects.bulk_create(done, ignore_conflicts=True)
    ctx.counts["classes"] = made


def wipe_learning() -> None:
    """Remove every profile, candidate, programme and override, and the new hires' holds."""
    ReadinessOverride.objects.all().delete()
    Completion.objects.all().delete()
    Course.objects.all().delete()
    Programme.objects.all().delete()
    Candidate.objects.all().delete()
    JobProfile.objects.all().delete()
    Person.objects.filter(on_readiness_hold=True).update(
        on_readiness_hold=False, readiness_override_until=None
    )


LEARNING = DemoStep(name="learning", create=create_learning, wipe=wipe_learning)
