"""The growth benchmark's data (bench/scale.py), built inside a Groundswell process.

Run through `manage.py shell -c` against the throw-away database only (bench/scale.py sets
DATABASE_URL to it). The few rows that need the product's rules (the bench administrator and
teams, the NPS survey, a pulse campaign's questions, the viewers' logins and sessions) go
through the ORM and the product's services; the many rows (interactions, invitations, answers,
people, pulse participations, submissions and answers) are written set-based on the server with
`INSERT ... SELECT generate_series(...)`, in the proportions of `bench_seed`: for every 20
interactions, 4 unanswered invitations (sent over the last two weeks) and 5 answered ones.

Every function prints one JSON line last, which bench/scale.py reads. PostgreSQL only.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.utils import timezone

# The 20-interaction cycle: ids ending (mod 20) in 0-3 get an unanswered invitation, 4-8 an
# answered one (bench_seed: 200,000 open invitations and 250,000 answers per 1,000,000).
CYCLE = 20
OPEN_INVITATIONS = 4
ANSWERED = 5
SPAN_DAYS = 730
FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Ema",
    "Finn",
    "Grace",
    "Hugo",
    "Iris",
    "Jon",
    "Kira",
    "Leo",
    "Maya",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sam",
    "Tess",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Brown",
    "Taylor",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Hughes",
    "Khan",
    "Patel",
    "Murphy",
    "Kelly",
    "Price",
    "Lewis",
    "Young",
    "King",
    "Hill",
    "Scott",
    "Baker",
    "Adams",
    "Mitchell",
    "Turner",
    "Carter",
    "Moore",
]
DEPARTMENTS = 10
TEAM_SIZE = 20
ANSWER_SHARE = 0.6
ADMIN_EMAIL = "scale-admin@scale.test"
MANAGER_EMAIL = "scale-manager@scale.test"


def _emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


def _sql(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.rowcount)


def _scalar(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
        return row[0] if row else None


def _session(user: Any) -> str:
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "groundswell.people.backends.PersonBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


# ---------------------------------------------------------------- customer voice (dashboard)


def _skip_foreign_key_checks() -> None:
    """For this transaction, no foreign-key trigger: every id written here is taken from the
    referenced table in the same statement, and queuing millions of deferred checks would take
    most of the load's time (needs the throw-away cluster's superuser)."""
    _sql("SET LOCAL session_replication_role = replica")


def grow_interactions(target: int) -> None:
    """Add interactions (with their invitations and answers) until there are `target`."""
    from groundswell.desk.benchdata import BENCH_SOURCE, SUBJECTS, bench_admin, first_team_id
    from groundswell.voice.benchdata import _nps_version

    started = time.perf_counter()
    have = _scalar("SELECT count(*) FROM desk_interaction")
    if have >= target:
        _emit({"interactions": have, "added": 0, "seconds": 0})
        return
    before = _scalar("SELECT coalesce(max(id), 0) FROM desk_interaction")
    admin = bench_admin()
    first_team = first_team_id(admin)
    teams = list(admin.department.teams.order_by("pk").values_list("pk", flat=True))
    version = _nps_version()
    customer = _scalar("SELECT min(id) FROM desk_customer")
    if first_team is None or customer is None:
        raise RuntimeError("Run bench_seed with zero rows first: no bench teams or customer.")
    now = timezone.now()
    with transaction.atomic():
        _skip_foreign_key_checks()
        _sql("SET LOCAL work_mem = '256MB'")  # sort the new rows in memory
        added = _sql(
            """
            INSERT INTO desk_interaction (channel, status, subject, topics, opened_at,
                resolved_at, handle_time_seconds, source, external_id, created_at, updated_at,
                team_id)
            SELECT (ARRAY['email','phone','chat','web','in_person'])[1 + n %% 5],
                   CASE WHEN r < 0.80 THEN 'closed' WHEN r < 0.88 THEN 'resolved'
                        WHEN r < 0.98 THEN 'open' ELSE 'pending' END,
                   (%s::text[])[1 + n %% 8], '[]'::jsonb, opened,
                   CASE WHEN r < 0.88 THEN opened + interval '2 hours' END,
                   60 + (n * 7919) %% 3540, %s, 'bench-' || n, %s, %s,
                   (%s::bigint[])[1 + (n * 31) %% %s]
            FROM (SELECT n, random() AS r,
                         %s - random() * interval '1 day' * %s AS opened
                  FROM generate_series(%s::bigint, %s::bigint) AS n) AS rows
            ORDER BY opened
            """,
            [SUBJECTS, BENCH_SOURCE, now, now, teams, len(teams), now, SPAN_DAYS, have,
             target - 1],
        )  # fmt: skip
        print(f"  interactions: +{added:,} in {time.perf_counter() - started:.0f} s", flush=True)
        lowest = before + 1
        step = time.perf_counter()
        opened = _sql(
            """
            INSERT INTO voice_invitation (token_hash, channel, language, send_after, sent_at,
                expires_at, created_at, customer_id, interaction_id, version_id)
            SELECT encode(sha256(('scale-open-' || i.id)::text::bytea), 'hex'), 'email', 'en',
                   sent, sent, %s + interval '365 days', %s, %s, i.id, %s
            FROM (SELECT id, %s - interval '1 day' * (1 + id %% 14) AS sent
                  FROM desk_interaction WHERE id >= %s AND id %% %s < %s) AS i
            """,
            [now, now, customer, version.pk, now, lowest, CYCLE, OPEN_INVITATIONS],
        )
        print(
            f"  unanswered invitations: +{opened:,} in {time.perf_counter() - step:.0f} s",
            flush=True,
        )
        step = time.perf_counter()
        invitations_before = _scalar("SELECT coalesce(max(id), 0) FROM voice_invitation")
        _sql(
            """
            INSERT INTO voice_invitation (token_hash, channel, language, send_after, sent_at,
                expires_at, created_at, customer_id, interaction_id, version_id)
            SELECT encode(sha256(('scale-done-' || id)::text::bytea), 'hex'), 'email', 'en',
                   opened_at, opened_at, opened_at + interval '14 days', opened_at, %s, id, %s
            FROM desk_interaction
            WHERE id >= %s AND id %% %s >= %s AND id %% %s < %s
            ORDER BY id
            """,
            [customer, version.pk, lowest, CYCLE, OPEN_INVITATIONS, CYCLE,
             OPEN_INVITATIONS + ANSWERED],
        )  # fmt: skip
        answered = _sql(
            """
            INSERT INTO voice_response (kind, score, comment, reasons, language, channel,
                is_poor, is_compliment, submitted_at, updated_at, agent_id, invitation_id,
                team_id, scale)
            SELECT 'nps', s.score, CASE WHEN random() < 0.2 THEN 'Quick and friendly' ELSE '' END,
                   '[]'::jsonb, 'en', i.channel, s.score <= 6, false,
                   least(i.opened_at + interval '3 hours', %s),
                   least(i.opened_at + interval '3 hours', %s), NULL, v.id, i.team_id, %s
            FROM voice_invitation AS v JOIN desk_interaction AS i ON i.id = v.interaction_id
            CROSS JOIN LATERAL (
                SELECT least(10, greatest(0, round(7.5 + 2.2 * sqrt(-2 * ln(1 - random()))
                       * cos(2 * pi() * random()))))::smallint AS score
                WHERE v.id IS NOT NULL
            ) AS s
            WHERE v.id > %s
            ORDER BY v.id
            """,
            [now, now, version.scale, invitations_before],
        )  # fmt: skip
        print(
            f"  answered invitations: +{answered:,} in {time.perf_counter() - step:.0f} s",
            flush=True,
        )
    _emit(
        {
            "interactions": target,
            "added": added,
            "open_invitations": opened,
            "answers": answered,
            "seconds": round(time.perf_counter() - started, 1),
        }
    )


def rollup_since() -> None:
    """The first day bench_seed rolls up: the dashboard never shows older weeks."""
    from groundswell.site.benchdata import ROLLED_UP_WEEKS

    since = timezone.localdate() - datetime.timedelta(weeks=ROLLED_UP_WEEKS)
    _emit({"since": since.isoformat()})


def counts() -> None:
    """Rows in the tables the curves grow."""
    tables = ("desk_interaction", "voice_invitation", "voice_response", "people_person",
              "pulse_participation", "pulse_submission", "pulse_answer")  # fmt: skip
    _emit({table: _scalar(f"SELECT count(*) FROM {table}") for table in tables})  # noqa: S608


# ---------------------------------------------------------------- people and pulse


def setup_people() -> None:
    """Departments, the administrator and a manager of the first department, with sessions."""
    from groundswell.people.choices import Role
    from groundswell.people.models import Department, Person

    departments = [
        Department.objects.get_or_create(
            slug=f"scale-department-{n + 1}", defaults={"name": f"Scale department {n + 1}"}
        )[0]
        for n in range(DEPARTMENTS)
    ]
    sessions = {}
    for email, role in ((ADMIN_EMAIL, Role.ADMIN), (MANAGER_EMAIL, Role.MANAGER)):
        person = Person.objects.filter(email=email).select_related("user").first()
        if person is None:
            user = get_user_model().objects.create_user(email, email, "not-used-scale-bench")
            person = Person.objects.create(
                full_name=f"Scale {role}", email=email, role=role,
                department=departments[0], user=user,
            )  # fmt: skip
        sessions[str(role)] = _session(person.user)
    _emit({"sessions": sessions, "departments": [d.pk for d in departments]})


def grow_people(target: int) -> None:
    """Teams of TEAM_SIZE spread over the departments, and people until there are `target`
    agents (besides the two viewers)."""
    started = time.perf_counter()
    departments = list(
        _rows("SELECT id FROM people_department WHERE slug LIKE 'scale-department-%%' ORDER BY id")
    )
    have = _scalar("SELECT count(*) FROM people_person WHERE email LIKE 'person-%%'")
    if have >= target:
        _emit({"people": have, "added": 0})
        return
    now = timezone.now()
    with transaction.atomic():
        _skip_foreign_key_checks()
        teams_have = _scalar("SELECT count(*) FROM people_team WHERE slug LIKE 'scale-team-%%'")
        teams_need = -(-target // TEAM_SIZE)
        _sql(
            """
            INSERT INTO people_team (name, slug, created_at, department_id)
            SELECT 'Team ' || n, 'scale-team-' || n, %s, (%s::bigint[])[1 + n %% %s]
            FROM generate_series(%s, %s) AS n
            """,
            [now, departments, len(departments), teams_have, teams_need - 1],
        )
        added = _sql(
            """
            INSERT INTO people_person (full_name, email, role, job_title, is_champion,
                is_active, hire_date, created_at, updated_at, department_id, team_id)
            SELECT (%s::text[])[1 + n %% 20] || ' ' || (%s::text[])[1 + (n / 20) %% 31],
                   'person-' || n || '@scale.test', 'agent', 'Customer service agent',
                   n %% 50 = 0, n %% 40 <> 0, %s::date - (n %% 2000), %s, %s,
                   t.department_id, t.id
            FROM generate_series(%s, %s) AS n
            JOIN people_team AS t ON t.slug = 'scale-team-' || (n / %s)
            """,
            [FIRST_NAMES, LAST_NAMES, now.date(), now, now, have, target - 1, TEAM_SIZE],
        )
    _emit({"people": target, "added": added, "seconds": round(time.perf_counter() - started, 1)})


def _rows(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()]


def pulse_campaign() -> None:
    """An organisation-wide pulse, created by the administrator with the product's services,
    whose one wave closed yesterday: every active person with a team was invited and
    ANSWER_SHARE of each team answered. Replaces the previous step's campaign.

    Submissions are written per team from the count of completed participations, never from a
    participation row, as publishing does: nothing ties an answer to a person here either.
    """
    from groundswell.people.models import Department, Person
    from groundswell.pulse import tally
    from groundswell.pulse.choices import CampaignKind, CampaignStatus
    from groundswell.pulse.models import Answer, Campaign, Wave
    from groundswell.pulse.services import create_campaign

    started = time.perf_counter()
    admin = Person.objects.get(email=ADMIN_EMAIL)
    # Answers protect their questions: they go first (one DELETE), then the campaign cascades.
    Answer.objects.filter(question__campaign__created_by=admin).delete()
    Campaign.objects.filter(created_by=admin).delete()
    now = timezone.now()
    with transaction.atomic():
        campaign = create_campaign(
            actor=admin, name="Scale pulse", kind=CampaignKind.PULSE,
            departments=list(Department.objects.filter(slug__startswith="scale-department-")),
            elements=["management", "rewards", "training"],
        )  # fmt: skip
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
        opens = now - datetime.timedelta(days=15)
        wave = Wave.objects.create(
            campaign=campaign, number=1, opens_at=opens, closes_at=now - datetime.timedelta(days=1)
        )
        invited = _sql(
            """
            INSERT INTO pulse_participation (token_hash, invited_at, has_completed, person_id,
                wave_id)
            SELECT encode(sha256(('scale-pulse-' || %s || '-' || p.id)::text::bytea), 'hex'),
                   %s, random() < %s, p.id, %s
            FROM people_person AS p
            WHERE p.is_active AND p.team_id IS NOT NULL
            """,
            [wave.pk, opens, ANSWER_SHARE, wave.pk],
        )
        submissions = _sql(
            """
            INSERT INTO pulse_submission (id, tenure_band, submitted_on, department_id, team_id,
                wave_id)
            SELECT gen_random_uuid(), (ARRAY['lt1','1to3','3plus'])[1 + n %% 3], %s,
                   t.department_id, t.id, %s
            FROM (SELECT p.team_id, count(*) AS answered
                  FROM pulse_participation AS pp JOIN people_person AS p ON p.id = pp.person_id
                  WHERE pp.wave_id = %s AND pp.has_completed
                  GROUP BY p.team_id) AS c
            JOIN people_team AS t ON t.id = c.team_id
            CROSS JOIN LATERAL generate_series(1, c.answered) AS n
            """,
            [now.date(), wave.pk, wave.pk],
        )
        answers = _sql(
            """
            INSERT INTO pulse_answer (id, value, question_id, submission_id)
            SELECT gen_random_uuid(),
                   CASE WHEN q.kind = 'enps' THEN floor(random() * 11)
                        ELSE 1 + floor(random() * 5) END, q.id, s.id
            FROM pulse_submission AS s CROSS JOIN pulse_question AS q
            WHERE s.wave_id = %s AND q.campaign_id = %s
            """,
            [wave.pk, campaign.pk],
        )
        _sql(
            """
            INSERT INTO pulse_comment (id, text, submission_id)
            SELECT gen_random_uuid(), 'Clearer priorities would help the team.', s.id
            FROM pulse_submission AS s WHERE s.wave_id = %s AND random() < 0.2
            """,
            [wave.pk],
        )
    # Publishing counts the wave once for every report to read (pulse/tally.py): timed apart,
    # since it is the one cost of a report that still grows with the respondents.
    counting = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pulse_submission, pulse_answer")  # as autovacuum would have
    tally.store(wave)
    _emit(
        {
            "campaign": campaign.pk,
            "invited": invited,
            "submissions": submissions,
            "answers": answers,
            "tally_seconds": round(time.perf_counter() - counting, 1),
            "seconds": round(time.perf_counter() - started, 1),
        }
    )


def analyze() -> None:
    """VACUUM ANALYZE, as autovacuum would have done by the time anyone looks."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    _emit({"seconds": round(time.perf_counter() - started, 1)})


# ---------------------------------------------------------------- quality (dashboard)

QUALITY_TEAMS = 10
QUALITY_TEAM_SIZE = 20
QUALITY_CRITERIA = 8
QUALITY_SPAN_DAYS = 182  # six months of reviews: the dashboard shows at most 52 weeks
QUALITY_MANAGER_EMAIL = "scale-qa-manager@scale.test"
QUALITY_SOURCE = "scale-quality"


def setup_quality() -> None:
    """A department of QUALITY_TEAMS teams of QUALITY_TEAM_SIZE agents, each team with its
    lead, a manager with a session (the dashboard's viewer), and a scorecard of
    QUALITY_CRITERIA criteria made with the product's service (as bench/quality_writes.py)."""
    from decimal import Decimal

    from groundswell.people.choices import Role
    from groundswell.people.models import Department, Person, Team
    from groundswell.quality import services
    from groundswell.quality.choices import CriterionScale

    department, _ = Department.objects.get_or_create(
        slug="scale-quality", defaults={"name": "Scale quality"}
    )
    manager = Person.objects.filter(email=QUALITY_MANAGER_EMAIL).select_related("user").first()
    if manager is None:
        user = get_user_model().objects.create_user(
            QUALITY_MANAGER_EMAIL, QUALITY_MANAGER_EMAIL, "not-used-scale-bench"
        )
        manager = Person.objects.create(
            full_name="Scale QA manager", email=QUALITY_MANAGER_EMAIL, role=Role.MANAGER,
            department=department, user=user,
        )  # fmt: skip
        for t in range(QUALITY_TEAMS):
            team = Team.objects.create(
                department=department, name=f"QA team {t + 1}", slug=f"scale-qa-team-{t + 1}"
            )
            people = Person.objects.bulk_create(
                Person(
                    full_name=f"{FIRST_NAMES[n % 20]} {LAST_NAMES[(t * 7 + n) % 31]}",
                    email=f"qa-{t}-{n}@scale.test",
                    role=Role.TEAM_LEAD if n == 0 else Role.AGENT,
                    department=department,
                    team=team,
                )
                for n in range(QUALITY_TEAM_SIZE + 1)
            )
            team.lead = people[0]
            team.save(update_fields=["lead"])
        services.create_scorecard(
            actor=manager,
            name="Scale scorecard",
            department=department,
            criteria=[
                services.CriterionInput(
                    "Section",
                    f"Behaviour {n + 1}",
                    scale=CriterionScale.ONE_TO_FIVE if n % 3 == 0 else CriterionScale.YES_NO,
                    weight=Decimal(1 + n % 3),
                    allows_na=n == 4,
                    is_critical=n == 5,
                )
                for n in range(QUALITY_CRITERIA)
            ],
        )
    _emit({"session": _session(manager.user), "dashboard_path": "/quality/dashboard/"})


def grow_reviews(target: int) -> None:
    """Add submitted reviews (each of its own interaction, with a score for every criterion)
    until there are `target`, spread over the last QUALITY_SPAN_DAYS days and the agents of
    the department `setup_quality` made, each reviewed by their team's lead. Set-based on the
    server: three INSERT ... SELECT statements (interactions, reviews, criterion scores)."""
    from groundswell.people.models import Person
    from groundswell.quality import selectors
    from groundswell.quality.models import Scorecard

    started = time.perf_counter()
    have = _scalar("SELECT count(*) FROM quality_review")
    if have >= target:
        _emit({"reviews": have, "added": 0, "seconds": 0})
        return
    card = Scorecard.objects.get(department__slug="scale-quality")
    version = selectors.current_version(card)
    if version is None:
        raise RuntimeError("Run setup_quality() first: the scorecard has no version.")
    criteria = selectors.version_criteria(version)
    agents = list(
        Person.objects.filter(department__slug="scale-quality", role="agent")
        .order_by("pk")
        .values_list("pk", "team_id", "team__lead_id")
    )
    agent_ids, team_ids, lead_ids = (list(column) for column in zip(*agents, strict=True))
    interactions_before = _scalar("SELECT coalesce(max(id), 0) FROM desk_interaction")
    reviews_before = _scalar("SELECT coalesce(max(id), 0) FROM quality_review")
    now = timezone.now()
    with transaction.atomic():
        _skip_foreign_key_checks()
        _sql("SET LOCAL work_mem = '256MB'")
        added = _sql(
            """
            INSERT INTO desk_interaction (channel, status, subject, topics, opened_at,
                resolved_at, handle_time_seconds, source, external_id, created_at, updated_at,
                team_id, handled_by_id)
            SELECT 'phone', 'closed', 'Scale review', '[]'::jsonb, opened,
                   opened + interval '20 minutes', 120 + (n * 7919) %% 1500, %s, 'qa-' || n,
                   opened, opened, (%s::bigint[])[1 + n %% %s], (%s::bigint[])[1 + n %% %s]
            FROM (SELECT n, %s - random() * interval '1 day' * %s AS opened
                  FROM generate_series(%s::bigint, %s::bigint) AS n) AS rows
            ORDER BY opened
            """,
            [QUALITY_SOURCE, team_ids, len(team_ids), agent_ids, len(agent_ids),
             now - datetime.timedelta(hours=1), QUALITY_SPAN_DAYS, have, target - 1],
        )  # fmt: skip
        print(f"  interactions: +{added:,} in {time.perf_counter() - started:.0f} s", flush=True)
        step = time.perf_counter()
        reviewed = _sql(
            """
            INSERT INTO quality_review (version_id, interaction_id, team_id, agent_id,
                reviewer_id, is_self_review, status, score, weighted_score, is_failed,
                comment, created_at, updated_at, submitted_at)
            SELECT %s, i.id, i.team_id, i.handled_by_id, l.lead_id, false, 'submitted',
                   40 + (i.id * 37) %% 61, 40 + (i.id * 37) %% 61, i.id %% 23 = 0, '',
                   i.resolved_at, i.resolved_at, i.resolved_at
            FROM desk_interaction AS i
            JOIN unnest(%s::bigint[], %s::bigint[]) AS l(agent_id, lead_id)
              ON l.agent_id = i.handled_by_id
            WHERE i.id > %s AND i.source = %s
            ORDER BY i.id
            """,
            [version.pk, agent_ids, lead_ids, interactions_before, QUALITY_SOURCE],
        )
        print(f"  reviews: +{reviewed:,} in {time.perf_counter() - step:.0f} s", flush=True)
        step = time.perf_counter()
        scores = _sql(
            """
            INSERT INTO quality_criterionscore (review_id, criterion_id, value, is_na,
                fraction, comment)
            SELECT r.id, c.id,
                   CASE WHEN c.top = 1 THEN (r.id + c.o) %% 2 ELSE 1 + (r.id + c.o) %% 5 END,
                   false,
                   CASE WHEN c.top = 1 THEN ((r.id + c.o) %% 2)::float
                        ELSE ((r.id + c.o) %% 5) / 4.0 END,
                   ''
            FROM quality_review AS r
            CROSS JOIN unnest(%s::bigint[], %s::int[]) WITH ORDINALITY AS c(id, top, o)
            WHERE r.id > %s
            ORDER BY r.id, c.o
            """,
            [[c.pk for c in criteria], [c.top for c in criteria], reviews_before],
        )
        print(f"  criterion scores: +{scores:,} in {time.perf_counter() - step:.0f} s",
              flush=True)  # fmt: skip
    _emit(
        {
            "reviews": target,
            "added": reviewed,
            "scores": scores,
            "seconds": round(time.perf_counter() - started, 1),
        }
    )


def refresh_quality(since_days: int = QUALITY_SPAN_DAYS + 7) -> None:
    """The quality rollups recomputed as the hourly job does, over every week with reviews."""
    from groundswell.quality.rollups import refresh_quality_rollups

    started = time.perf_counter()
    written = refresh_quality_rollups(
        since=timezone.localdate() - datetime.timedelta(days=since_days)
    )
    _emit({"rows": written, "seconds": round(time.perf_counter() - started, 1)})


def quality_counts() -> None:
    """Rows behind the quality dashboard's curve."""
    tables = ("quality_review", "quality_criterionscore", "quality_weeklyqualityrollup",
              "quality_weeklycriterionrollup", "quality_teamweeklycriterionrollup")  # fmt: skip
    _emit({table: _scalar(f"SELECT count(*) FROM {table}") for table in tables})  # noqa: S608
