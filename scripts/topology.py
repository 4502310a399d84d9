#!/usr/bin/env python3
"""Groundswell's production topology on one machine, checked end to end (`make topology`).

Starts, all on 127.0.0.1 and under one temporary folder: a throw-away PostgreSQL cluster
(Debian's pg_virtualenv), redis-server, an SMTP sink (aiosmtpd, in this process, keeping every
message), gunicorn with 4 workers, 2 RQ workers and the scheduler of periodic jobs, with the
production settings (TASKS_BACKEND=rq, the cache and the request limits in Redis). Then it
checks, printing every step with its time:

1. the customer loop: an interaction arrives by the API, its survey email reaches the sink,
   the link is followed, a poor answer opens a follow-up and the team's leads are emailed; an
   invitation held back by its survey's delay goes out through RQ's scheduler;
2. sign-ins and limits across web workers: a session made by one worker is honoured by every
   worker; wrong passwords spread over the workers lock the account after AXES_FAILURE_LIMIT in
   all; the survey page's limit counts the hits of every worker together;
3. mixed load: 2,000 requests, 50 at a time (API ingests, survey pages and answers, staff
   pages with a session, health checks), then the database and the sink: no 5xx, every
   accepted answer stored once, no duplicate interaction, every email exactly once;
4. SIGKILL: an RQ worker (with its work horse) killed while it sends an invitation, another
   killed while it opens a follow-up; a replacement starts, and every email still arrives
   exactly once, within the lease and the sweep (SEND_LEASE_SECONDS, short here).

It ends with a summary of the figures and exits non-zero naming every failed check. It is
bounded in requests and in time (--time-limit), and stops every process it started on exit,
on failure, on Ctrl-C and on SIGTERM. A missing PostgreSQL, redis-server or aiosmtpd gives one
line saying what to install.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import email
import email.policy
import http.client
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

ROOT = Path(__file__).resolve().parent.parent
INSIDE = "GROUNDSWELL_TOPOLOGY_INSIDE"  # set once the script runs inside pg_virtualenv
STARTED = "GROUNDSWELL_TOPOLOGY_STARTED"  # when the outer script started (for the timings)

WEB_WORKERS = 4
RQ_WORKERS = 2
EMAIL_TIMEOUT = 3  # seconds; the sink holds a sender for less than this
HOLD_SECONDS = 2.0
AXES_LIMIT = 5
SURVEY_LIMIT = 8
RQ_JOB_CLASS = "django_tasks_rq.backend.Job"
CUSTOMERS = "customer.test"  # every customer's address ends so; staff use STAFF
STAFF = "staff.test"
CLIENT_ADDRESS = "198.51.100.10"  # X-Forwarded-For, read with PROXY_COUNT=1 as behind nginx


class CheckFailed(Exception):
    """A check found the topology misbehaving; its message names what."""


class Missing(Exception):
    """Something this machine lacks; its message says what to install."""


# What must be installed ------------------------------------------------------------------------


def preflight() -> None:
    """One clear line per missing piece, before anything starts."""
    if shutil.which("pg_virtualenv") is None or not list(
        Path("/usr/lib/postgresql").glob("*/bin/postgres")
    ):
        raise Missing("PostgreSQL is not installed: `apt-get install postgresql` (Debian)")
    if shutil.which("redis-server") is None:
        raise Missing("redis-server is not installed: `apt-get install redis-server` (Debian)")
    for module, what in (
        ("aiosmtpd", "aiosmtpd (the SMTP sink)"),
        ("gunicorn", "gunicorn"),
        ("django_rq", "django-rq"),
    ):
        if importlib.util.find_spec(module) is None:
            raise Missing(f"{what} is missing from {sys.executable}: run `make install`")


# Output ----------------------------------------------------------------------------------------


class Report:
    """Steps with their times as they happen, failed checks and the figures for the summary."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.load_at_start = os.getloadavg()[0]
        self.failures: list[str] = []
        self.figures: list[tuple[str, str]] = []

    def line(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {text}", flush=True)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        begun = time.monotonic()
        self.line(f"{name} ...")
        yield
        self.line(f"{name}: done in {time.monotonic() - begun:.1f}s")

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.line(f"  {'ok  ' if ok else 'FAIL'} {name}{f': {detail}' if detail else ''}")
        if not ok:
            self.failures.append(f"{name}{f': {detail}' if detail else ''}")
        return ok

    def figure(self, name: str, value: str) -> None:
        self.figures.append((name, value))


# Processes -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (an RQ worker's work horse), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name, in parentheses, may hold spaces: the parent id follows it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


class Processes:
    """Every process started here, each in its own session with its log under `logs`."""

    def __init__(self, logs: Path, environment: dict[str, str]) -> None:
        self.logs = logs
        self.environment = environment
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(
        self, name: str, command: Sequence[str], *, pass_fds: Sequence[int] = ()
    ) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
                list(command),
                cwd=ROOT,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us alone; we stop them in order
                pass_fds=tuple(pass_fds),
            )
        self.running[name] = process
        return process

    def manage(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        return self.start(name, [sys.executable, "manage.py", *args])

    def kill_hard(self, name: str) -> list[int]:
        """SIGKILL the process and its children at once, as a lost machine would; the pids."""
        process = self.running.pop(name)
        pids = [process.pid, *children_of(process.pid)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)
        return pids

    def stop_all(self) -> None:
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                for pid in children_of(process.pid):  # an RQ work horse has its own group
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        self.running.clear()

    def tails(self, lines: int = 15) -> str:
        out = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            if text:
                out.append(f"--- {log.name} (last {len(text)} lines)\n" + "\n".join(text))
        return "\n".join(out)


def start_redis(processes: Processes, folder: Path) -> str:
    port = free_port()
    processes.start(
        "redis",
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    raise CheckFailed(f"redis-server did not answer on port {port}")


# The SMTP sink ---------------------------------------------------------------------------------


HUDDLE = "Huddle for "  # the subject of recognition's daily huddle digest


@dataclass(frozen=True)
class Mail:
    at: float  # time.monotonic() when the sink accepted it
    to: tuple[str, ...]
    subject: str
    text: str


class Sink:
    """An aiosmtpd handler that keeps every message, and can hold senders at MAIL FROM.

    Holding makes a kill deterministic: a worker held there has claimed its email and has not
    handed it over, which is the moment a worker used to lose an email for good.
    """

    def __init__(self) -> None:
        self.messages: list[Mail] = []
        self.lock = threading.Lock()
        self.holding = False
        self.held = 0

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.holding:
            self.held += 1
            deadline = time.monotonic() + HOLD_SECONDS
            try:
                while self.holding and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
            finally:
                self.held -= 1
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        mail = Mail(time.monotonic(), tuple(envelope.rcpt_tos), str(message["Subject"]), text)
        with self.lock:
            self.messages.append(mail)
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[Mail]:
        with self.lock:
            return list(self.messages)

    def to(self, address: str) -> list[Mail]:
        return [mail for mail in self.snapshot() if address in mail.to]

    def notices(self) -> Counter[int]:
        """Lead notices received, by follow-up id (from the link they carry)."""
        found: Counter[int] = Counter()
        for mail in self.snapshot():
            match = re.search(r"/voice/follow-ups/(\d+)/", mail.text)
            if match:
                found[int(match.group(1))] += 1
        return found


def wait_until(condition: Callable[[], bool], timeout: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


# HTTP ------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: str
    seconds: float

    def cookies(self) -> dict[str, str]:
        found = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                found[key.strip()] = val.strip()
        return found

    def csrf_token(self) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.body)
        if match is None:
            raise CheckFailed(f"no CSRF token in the page (status {self.status})")
        return match.group(1)


@dataclass
class Web:
    """Requests to gunicorn, each on its own connection, as browsers behind nginx would."""

    port: int
    access_log: Path

    def headers(
        self, cookies: dict[str, str] | None = None, address: str = CLIENT_ADDRESS
    ) -> dict[str, str]:
        headers = {"Host": "127.0.0.1", "X-Forwarded-For": address, "Connection": "close"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        begun = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers or self.headers())
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            return Reply(response.status, response.getheaders(), text, time.monotonic() - begun)
        finally:
            connection.close()

    def form(
        self, path: str, fields: dict[str, str], cookies: dict[str, str], address: str
    ) -> Reply:
        body = urllib.parse.urlencode(fields).encode()
        headers = self.headers(cookies, address) | {
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self.request("POST", path, body=body, headers=headers)

    def raw(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
        if body:
            headers = headers | {"Content-Length": str(len(body))}
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        return f"{method} {path} HTTP/1.1\r\n{head}\r\n".encode() + body

    def spread(self, requests: Sequence[bytes]) -> list[int]:
        """Send the requests so that they land on different web workers: all but the last are
        held with their last byte unsent, each keeping the worker that took it busy, so the
        next goes to another; then each is finished. Returns the statuses in order."""
        held: list[socket.socket] = []
        try:
            for raw in requests[:-1]:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                held.append(sock)
                sock.sendall(raw[:-1])
                time.sleep(0.15)  # let a worker take it before the next arrives
            with socket.create_connection(("127.0.0.1", self.port), timeout=60) as last:
                last.sendall(requests[-1])
                final = _status(last)
            statuses = []
            for sock, raw in zip(held, requests[:-1], strict=True):
                sock.sendall(raw[-1:])
                statuses.append(_status(sock))
            return [*statuses, final]
        finally:
            for sock in held:
                sock.close()

    def served_by(self, marker: str) -> dict[str, tuple[str, str]]:
        """From the access log: for each request whose query holds `marker`, its worker's pid
        and status, keyed by the query."""
        found = {}
        for line in self.access_log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 6 and marker in parts[5]:
                found[parts[5]] = (parts[0], parts[1])
        return found

    def logged(self) -> int:
        return len(self.access_log.read_text().splitlines())

    def server_times(self, since: int) -> list[float]:
        """Milliseconds each request took inside gunicorn, for the log's lines from `since`."""
        lines = self.access_log.read_text().splitlines()[since:]
        return [float(line.split()[2]) for line in lines if len(line.split()) >= 3]


def _status(sock: socket.socket) -> int:
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return int(answer.split(b" ", 2)[1]) if answer else 0


@dataclass
class Session:
    cookies: dict[str, str]
    address: str


def sign_in(web: Web, login: str, password: str, address: str) -> tuple[Reply, Session]:
    page = web.request("GET", "/accounts/login/", headers=web.headers(address=address))
    cookies = page.cookies()
    reply = web.form(
        "/accounts/login/",
        {"username": login, "password": password, "csrfmiddlewaretoken": page.csrf_token()},
        cookies,
        address,
    )
    return reply, Session(cookies | reply.cookies(), address)


# The seeded organisation -----------------------------------------------------------------------


@dataclass
class Org:
    """The small organisation the checks use (ids and logins), made in this process."""

    password: str
    team_front: int
    team_back: int
    leads: dict[str, str]  # who must get the notices: name -> email
    others: dict[str, str]  # who must not
    agent: int
    api_key: str
    lockout_login: str
    tokens: list[str] = field(default_factory=list)  # link invitations' tokens
    invitation_of: dict[str, int] = field(default_factory=dict)  # token -> invitation id


def seed(invitations: int) -> Org:
    """Departments, two teams with their leads, staff with logins, an API key, surveys (CSAT
    for every channel; CES for chat, sent a minute after resolution) and `invitations` link
    invitations about open interactions, each for its own customer."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.utils import timezone

    from groundswell.api.services import create_api_key
    from groundswell.core.lib import tokens
    from groundswell.desk.models import Customer, Interaction
    from groundswell.people.choices import Role
    from groundswell.people.models import Department, Person, Team
    from groundswell.voice.invitations.services import current_version
    from groundswell.voice.models import Invitation, Survey

    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # one slow hash for every login
    service = Department.objects.create(name="Customer Service", slug="customer-service")
    it = Department.objects.create(name="IT", slug="it")
    front = Team.objects.create(department=service, name="Front", slug="front")
    back = Team.objects.create(department=service, name="Back", slug="back")

    def person(name: str, role: str, team: Team | None, department: Department) -> Person:
        address = f"{name.lower()}@{STAFF}"
        user = User.objects.create(username=address, email=address, password=hashed)
        return Person.objects.create(
            full_name=name, email=address, role=role, team=team, department=department, user=user
        )

    lena = person("Lena", Role.TEAM_LEAD, front, service)  # Front's named lead
    theo = person("Theo", Role.TEAM_LEAD, front, service)  # a lead in Front: told too
    ada = person("Ada", Role.AGENT, front, service)
    bob = person("Bob", Role.TEAM_LEAD, back, service)  # Back's lead: not told about Front
    max_ = person("Max", Role.MANAGER, None, service)
    ann = person("Ann", Role.ADMIN, None, it)
    sam = person("Sam", Role.AGENT, front, service)  # locked out by the sign-in check
    front.lead, back.lead = lena, bob
    front.save(update_fields=["lead"])
    back.save(update_fields=["lead"])
    key = create_api_key(actor=ann, name="topology", scope="read_write")

    Survey.objects.filter(kind="ces").update(is_active=False)
    ces = Survey.objects.filter(kind="ces").order_by("pk").first()
    if ces is None:
        raise CheckFailed("the CES survey of the data migrations is missing")
    Survey.objects.filter(pk=ces.pk).update(is_active=True, channels=["chat"], send_delay_minutes=1)

    now = timezone.now()
    customers = Customer.objects.bulk_create(
        Customer(name=f"Reader {n}", email=f"reader{n}@{CUSTOMERS}") for n in range(invitations)
    )
    interactions = Interaction.objects.bulk_create(
        Interaction(
            customer=customer,
            channel="phone",
            team=front,
            handled_by=ada,
            status="open",
            subject="Heating check",
            opened_at=now - datetime.timedelta(hours=1),
        )
        for customer in customers
    )
    org = Org(
        password=password,
        team_front=front.pk,
        team_back=back.pk,
        leads={"Lena": lena.email, "Theo": theo.email},
        others={
            "Ada": ada.email,
            "Bob": bob.email,
            "Max": max_.email,
            "Ann": ann.email,
            "Sam": sam.email,
        },
        agent=ada.pk,
        api_key=key.secret,
        lockout_login=sam.email,
    )
    # Link invitations (as POST /api/v1/invitations makes them), in one insert.
    version = current_version(Survey.objects.get(kind="csat", is_active=True))
    made = [(tokens.new_token(), interaction) for interaction in interactions]
    links = Invitation.objects.bulk_create(
        Invitation(
            version=version,
            interaction=interaction,
            customer=interaction.customer,
            token_hash=token_hash,
            channel="link",
            send_after=now,
            sent_at=now,
            expires_at=now + datetime.timedelta(days=14),
        )
        for (_token, token_hash), interaction in made
    )
    for ((token, _hash), _interaction), invitation in zip(made, links, strict=True):
        org.tokens.append(token)
        org.invitation_of[token] = invitation.pk
    return org


# The checks ------------------------------------------------------------------------------------


def ingest_body(
    org: Org, external_id: str, customer: str, *, channel: str = "email", resolved_ago: float = 0
) -> bytes:
    import datetime

    from django.utils import timezone

    resolved = timezone.now() - datetime.timedelta(seconds=resolved_ago)
    return json.dumps(
        {
            "team_id": org.team_front,
            "channel": channel,
            "status": "resolved",
            "subject": "Boiler still cold",
            "opened_at": (resolved - datetime.timedelta(hours=2)).isoformat(),
            "resolved_at": resolved.isoformat(),
            "handled_by_id": org.agent,
            "customer_email": customer,
            "customer_name": customer.split("@")[0].title(),
            "source": "topology",
            "external_id": external_id,
        }
    ).encode()


def api_headers(web: Web, org: Org) -> dict[str, str]:
    return web.headers() | {
        "Authorization": f"Bearer {org.api_key}",
        "Content-Type": "application/json",
    }


def ingest(web: Web, org: Org, external_id: str, customer: str, **extra: Any) -> Reply:
    body = ingest_body(org, external_id, customer, **extra)
    return web.request("POST", "/api/v1/interactions", body=body, headers=api_headers(web, org))


def survey_link(mail: Mail, score: int) -> str:
    match = re.search(rf"https?://[^\s]+(/s/[\w-]+)\?score={score}\b", mail.text)
    if match is None:
        raise CheckFailed(f"no survey link with score {score} in the email to {mail.to}")
    return match.group(1)


def answer(web: Web, path: str, score: int, address: str, comment: str = "") -> Reply:
    """Open the survey page (for its CSRF token) and send the answer, from `address`."""
    page = web.request("GET", f"{path}?score={score}", headers=web.headers(address=address))
    if page.status != 200:
        return page
    fields = {"score": str(score), "comment": comment, "csrfmiddlewaretoken": page.csrf_token()}
    return web.form(path, fields, page.cookies(), address)


def customer_loop(
    web: Web, sink: Sink, org: Org, sessions: dict[str, Session], report: Report
) -> None:
    from groundswell.voice.models import FollowUp

    customer = f"loop@{CUSTOMERS}"
    deferred = f"later@{CUSTOMERS}"
    # Resolved 50 s ago on chat, whose survey waits a minute: due in about 10 s, deferred by RQ.
    deferred_at = time.monotonic() + 10
    reply = ingest(web, org, "deferred-1", deferred, channel="chat", resolved_ago=50)
    report.check("a chat interaction is ingested", reply.status == 201, f"status {reply.status}")

    begun = time.monotonic()
    reply = ingest(web, org, "loop-1", customer)
    report.check("an interaction arrives by the API", reply.status == 201, f"status {reply.status}")
    arrived = wait_until(lambda: bool(sink.to(customer)), 30)
    if not report.check(
        "its survey email reaches the SMTP sink", arrived, "" if arrived else "none in 30 s"
    ):
        return
    [invitation_mail] = sink.to(customer)
    to_email = invitation_mail.at - begun
    report.figure("interaction → survey email", f"{to_email * 1000:.0f} ms")
    report.line(f"  the survey email arrived {to_email * 1000:.0f} ms after the API call")

    path = survey_link(invitation_mail, 1)
    page = web.request("GET", f"{path}?score=1")
    report.check(
        "the email's one-click link opens the survey", page.status == 200, f"status {page.status}"
    )
    answered_at = time.monotonic()
    reply = answer(web, path, 1, "203.0.113.50", "Still no heating after your visit.")
    report.check("a poor answer is accepted", reply.status == 303, f"status {reply.status}")

    notice = wait_until(lambda: any("/voice/follow-ups/" in m.text for m in sink.snapshot()), 30)
    if not report.check(
        "the team's leads are emailed about the follow-up", notice, "" if notice else "none in 30 s"
    ):
        return
    [mail] = [m for m in sink.snapshot() if "/voice/follow-ups/" in m.text]
    to_notice = mail.at - answered_at
    report.figure("poor answer → leads' email", f"{to_notice * 1000:.0f} ms")
    report.line(f"  the leads' email arrived {to_notice * 1000:.0f} ms after the answer")
    report.check(
        "it goes to Front's leads and nobody else",
        sorted(mail.to) == sorted(org.leads.values()),
        ", ".join(mail.to),
    )
    follow_up = FollowUp.objects.filter(response__invitation__customer__email=customer).first()
    report.check("one follow-up is open for the answer", follow_up is not None)
    if follow_up is None:
        return
    link = re.search(r"https?://[^\s]+(/voice/follow-ups/\d+/)", mail.text)
    report.check(
        "the email links to that follow-up",
        link is not None and link.group(1) == follow_up.get_absolute_url(),
    )
    lead = web.request(
        "GET", follow_up.get_absolute_url(), headers=web.headers(sessions["Lena"].cookies)
    )
    other = web.request(
        "GET", follow_up.get_absolute_url(), headers=web.headers(sessions["Bob"].cookies)
    )
    report.check(
        "Front's lead opens it; Back's lead gets 404",
        (lead.status, other.status) == (200, 404),
        f"{lead.status}, {other.status}",
    )

    late = wait_until(lambda: bool(sink.to(deferred)), max(0, deferred_at - time.monotonic()) + 30)
    if report.check(
        "a survey held back a minute after resolution goes out (RQ's scheduler)",
        late,
        "" if late else "none 30 s past its time",
    ):
        delay = sink.to(deferred)[0].at - deferred_at
        report.line(f"  it went out {delay:+.1f} s from its time")
        report.check("not before its time", delay > -1.5, f"{delay:+.1f} s")


def sign_ins_and_limits(web: Web, org: Org, session: Session, report: Report) -> None:
    """Sessions, lock-outs and the survey limit, each over every web worker."""
    # A session made by one worker is honoured by all: until each worker answered one.
    pids_ok: set[str] = set()
    pids_all: set[str] = set()
    for batch in range(6):
        marker = f"session{batch}x"
        raws = [
            web.raw("GET", f"/?probe={marker}{n}", web.headers(session.cookies, session.address))
            for n in range(WEB_WORKERS)
        ]
        statuses = web.spread(raws)
        served = web.served_by(marker)
        pids_all |= {pid for pid, _status in served.values()}
        pids_ok |= {pid for pid, status in served.values() if status == "200"}
        if set(statuses) != {200}:
            report.check(
                "a signed-in session is honoured by every worker", False, f"statuses {statuses}"
            )
            break
        if len(pids_ok) == WEB_WORKERS:
            break
    report.check(
        "a session made by one worker is honoured by the others",
        len(pids_ok) == WEB_WORKERS,
        f"{len(pids_ok)} of {WEB_WORKERS} workers answered it with 200",
    )

    # Wrong passwords over several workers lock the account once AXES_FAILURE_LIMIT failed.
    address = "198.51.100.66"
    page = web.request("GET", "/accounts/login/", headers=web.headers(address=address))
    cookies, token = page.cookies(), page.csrf_token()

    def login_raw(password: str, probe: str) -> bytes:
        body = urllib.parse.urlencode(
            {"username": org.lockout_login, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        headers = web.headers(cookies, address) | {
            "Content-Type": "application/x-www-form-urlencoded"
        }
        return web.raw("POST", f"/accounts/login/?probe={probe}", headers, body)

    statuses = web.spread([login_raw("wrong-password", f"fail{n}x") for n in range(WEB_WORKERS)])
    statuses += web.spread(
        [login_raw("wrong-password", f"fail{n}x") for n in range(WEB_WORKERS, AXES_LIMIT)]
    )
    failed_on = {pid for pid, _status in web.served_by("fail").values()}
    report.check(
        f"wrong passwords over {len(failed_on)} workers: refused, and the {AXES_LIMIT}th locks",
        statuses == [200] * (AXES_LIMIT - 1) + [429],
        f"statuses {statuses}",
    )
    locked = web.spread([login_raw(org.password, f"locked{n}x") for n in range(WEB_WORKERS)])
    locked_on = {pid for pid, _status in web.served_by("locked").values()}
    report.check(
        f"then the right password is locked out on every worker ({AXES_LIMIT} failures in all, "
        "not per worker)",
        set(locked) == {429} and len(locked_on) == WEB_WORKERS,
        f"statuses {locked} from {len(locked_on)} workers",
    )
    reply, _session = sign_in(web, org.lockout_login, org.password, "198.51.100.67")
    report.check(
        "the lock holds for that client address only: from another one the account signs in",
        reply.status == 302,
        f"status {reply.status}",
    )

    # The survey page's limit: SURVEY_LIMIT answers a minute per address, counted in Redis.
    if time.time() % 60 > 45:  # the fixed window must not turn over mid-check
        time.sleep(61 - time.time() % 60)
    address = "198.51.100.77"
    page = web.request("GET", "/accounts/login/", headers=web.headers(address=address))
    body = urllib.parse.urlencode({"score": "5", "csrfmiddlewaretoken": page.csrf_token()}).encode()
    headers = web.headers(page.cookies(), address) | {
        "Content-Type": "application/x-www-form-urlencoded"
    }
    statuses = []
    for batch in range(3 * SURVEY_LIMIT // WEB_WORKERS):
        raws = [
            web.raw("POST", f"/s/no-such-link-{batch}-{n}?probe=limit{batch}{n}x", headers, body)
            for n in range(WEB_WORKERS)
        ]
        statuses += web.spread(raws)
    limited_on = {pid for pid, _status in web.served_by("limit").values()}
    counts = Counter(statuses)
    report.check(
        f"the survey limit counts across workers: {SURVEY_LIMIT} of {len(statuses)} get through",
        counts[404] == SURVEY_LIMIT and counts[429] == len(statuses) - SURVEY_LIMIT,
        f"{dict(counts)} over {len(limited_on)} workers",
    )


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    key: str = ""  # the external id or the survey token
    score: int = 0


def plan_load(
    web: Web,
    org: Org,
    sessions: dict[str, Session],
    total: int,
    answer_cookies: dict[str, str],
    answer_token: str,
) -> list[Call]:
    """`total` requests: 15% ingests (a tenth of them repeats, sent twice at once), 25% survey
    pages, 25% answers (a tenth sent twice at once; one in ten poor), 25% staff pages, 10%
    health checks; shuffled, with each repeat beside its original."""
    rng = random.Random(7)  # noqa: S311 - a fixed mix, not a secret
    counts = {"ingest": total * 15 // 100, "page": total // 4, "answer": total // 4}
    counts["staff"] = total // 4
    counts["healthz"] = total - sum(counts.values())
    groups: list[list[Call]] = []
    api = tuple(api_headers(web, org).items())
    made = 0
    while made < counts["ingest"]:
        external_id = f"load-{made}"
        body = ingest_body(org, external_id, f"load{made}@{CUSTOMERS}")
        call = Call("ingest", "POST", "/api/v1/interactions", api, body, external_id)
        twice = made % 10 == 9 and made + 2 <= counts["ingest"]
        groups.append([call, call] if twice else [call])
        made += 2 if twice else 1
    answer_tokens = org.tokens[: counts["answer"]]
    made = 0
    for index, token in enumerate(answer_tokens):
        if made >= counts["answer"]:
            break
        score = 1 if index % 10 == 3 else rng.choice((4, 5))
        fields = {"score": str(score), "csrfmiddlewaretoken": answer_token}
        headers = web.headers(answer_cookies, f"10.{index // 250}.{index % 250}.9") | {
            "Content-Type": "application/x-www-form-urlencoded"
        }
        call = Call(
            "answer",
            "POST",
            f"/s/{token}",
            tuple(headers.items()),
            urllib.parse.urlencode(fields).encode(),
            token,
            score,
        )
        twice = index % 10 == 7 and made + 2 <= counts["answer"]
        groups.append([call, call] if twice else [call])
        made += 2 if twice else 1
    for n in range(counts["page"]):
        token = rng.choice(org.tokens)
        headers = web.headers(address=f"10.200.{n // 250}.{n % 250}")
        groups.append([Call("page", "GET", f"/s/{token}", tuple(headers.items()), key=token)])
    pages = [
        ("Max", "/desk/"),
        ("Max", "/voice/dashboard/"),
        ("Lena", "/voice/follow-ups/"),
        ("Lena", "/"),
        ("Ada", "/desk/"),
        ("Max", "/people/"),
    ]
    for n in range(counts["staff"]):
        who, path = pages[n % len(pages)]
        session = sessions[who]
        headers = web.headers(session.cookies, session.address)
        groups.append([Call("staff", "GET", path, tuple(headers.items()))])
    for _n in range(counts["healthz"]):
        groups.append([Call("healthz", "GET", "/healthz", tuple(web.headers().items()))])
    rng.shuffle(groups)
    return [call for group in groups for call in group]


def run_load(web: Web, calls: Sequence[Call], concurrency: int) -> list[tuple[Call, int, float]]:
    def one(call: Call) -> tuple[Call, int, float]:
        begun = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=60)
        try:
            connection.request(
                call.method, call.path, body=call.body or None, headers=dict(call.headers)
            )
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0  # no answer at all
        finally:
            connection.close()
        return call, status, time.monotonic() - begun

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, calls))


EXPECTED = {"ingest": {201}, "page": {200}, "answer": {303}, "staff": {200}, "healthz": {200}}


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def mixed_load(
    web: Web,
    sink: Sink,
    org: Org,
    sessions: dict[str, Session],
    report: Report,
    total: int,
    concurrency: int,
) -> None:
    from groundswell.desk.models import Interaction
    from groundswell.voice.models import FollowUp, Response

    # One visit to a survey page gives the CSRF cookie and token every answer sends.
    page = web.request("GET", f"/s/{org.tokens[-1]}")
    calls = plan_load(web, org, sessions, total, page.cookies(), page.csrf_token())
    logged = web.logged()
    begun = time.monotonic()
    results = run_load(web, calls, concurrency)
    seconds = time.monotonic() - begun
    inside = web.server_times(logged)
    latencies = [elapsed for _call, _status, elapsed in results]
    statuses = Counter(status for _call, status, _elapsed in results)
    errors = sum(count for status, count in statuses.items() if status >= 500 or status == 0)
    unexpected = Counter(
        (call.kind, status)
        for call, status, _elapsed in results
        if status not in EXPECTED[call.kind]
    )
    p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
    report.line(
        f"  {len(results)} requests in {seconds:.1f} s ({len(results) / seconds:.0f}/s), "
        f"p50 {p50:.0f} ms, p99 {p99:.0f} ms; statuses {dict(sorted(statuses.items()))}"
    )
    for kind in EXPECTED:
        mine = [elapsed for call, _status, elapsed in results if call.kind == kind]
        if mine:
            report.line(
                f"    {kind:8} {len(mine):5} requests, p50 "
                f"{percentile(mine, 0.5) * 1000:.0f} ms, p99 {percentile(mine, 0.99) * 1000:.0f} ms"
            )
    report.figure(
        "mixed load",
        f"{len(results)} requests, {concurrency} at a time, "
        f"{seconds:.1f} s, {len(results) / seconds:.0f} req/s",
    )
    report.figure(
        "latency p50 / p99, at the client (with queueing)", f"{p50:.0f} ms / {p99:.0f} ms"
    )
    if inside:
        in50, in99 = percentile(inside, 0.5), percentile(inside, 0.99)
        report.line(f"  inside gunicorn: p50 {in50:.0f} ms, p99 {in99:.0f} ms")
        report.figure("latency p50 / p99, inside gunicorn", f"{in50:.0f} ms / {in99:.0f} ms")
    report.figure("5xx or no answer", str(errors))
    report.check("no 5xx and no request left unanswered", errors == 0, f"{errors}")
    report.check(
        "every request got its expected status",
        not unexpected,
        ", ".join(f"{kind} {status}: {n}" for (kind, status), n in unexpected.items()),
    )

    # Answers: each accepted one stored, once, with the score last accepted for it.
    accepted: dict[str, int] = {}
    for call, status, _elapsed in results:
        if call.kind == "answer" and status == 303:
            accepted[call.key] = call.score
    stored = {
        invitation_id: score
        for invitation_id, score in Response.objects.filter(
            invitation_id__in=[org.invitation_of[token] for token in org.tokens]
        ).values_list("invitation_id", "score")
    }
    lost = [t for t in accepted if stored.get(org.invitation_of[t]) != accepted[t]]
    extra = set(stored) - {org.invitation_of[t] for t in accepted}
    report.figure(
        "answers accepted / stored / lost", f"{len(accepted)} / {len(stored)} / {len(lost)}"
    )
    report.check(
        "every accepted answer is stored once, with its score",
        not lost,
        f"{len(accepted)} accepted, {len(lost)} missing or wrong",
    )
    report.check("no answer is stored that was not accepted", not extra, f"{len(extra)}")

    # Ingests: one interaction per external id, however often it was sent.
    ingested = {call.key for call, status, _e in results if call.kind == "ingest" and status == 201}
    rows = Counter(
        Interaction.objects.filter(source="topology", external_id__startswith="load-").values_list(
            "external_id", flat=True
        )
    )
    duplicates = sum(n - 1 for n in rows.values() if n > 1)
    report.figure("interactions ingested / duplicates", f"{len(rows)} / {duplicates}")
    report.check(
        "one interaction per external id, repeats included",
        set(rows) == ingested and duplicates == 0,
        f"{len(ingested)} ids sent, {len(rows)} stored, {duplicates} duplicates",
    )

    # Emails: one invitation to every new customer, one notice for every poor answer.
    expected = [f"load{external_id.removeprefix('load-')}@{CUSTOMERS}" for external_id in rows]
    poor = [t for t, score in accepted.items() if score == 1]

    def delivered() -> bool:
        follow_ups = FollowUp.objects.filter(
            response__invitation_id__in=[org.invitation_of[t] for t in poor]
        ).values_list("pk", flat=True)
        notices = sink.notices()
        return (
            all(sink.to(c) for c in expected)
            and len(follow_ups) == len(poor)
            and all(notices[pk] for pk in follow_ups)
        )

    wait_until(delivered, 90, every=0.5)
    per_customer = Counter(len(sink.to(c)) for c in expected)
    follow_ups = list(
        FollowUp.objects.filter(
            response__invitation_id__in=[org.invitation_of[t] for t in poor]
        ).values_list("pk", flat=True)
    )
    notices = sink.notices()
    told = Counter(notices[pk] for pk in follow_ups)
    report.figure(
        "survey emails: expected / once / twice+ / missing",
        f"{len(expected)} / {per_customer[1]} / "
        f"{sum(n for k, n in per_customer.items() if k > 1)} / {per_customer[0]}",
    )
    report.check(
        "every ingested customer got exactly one survey email",
        per_customer[1] == len(expected),
        f"{dict(per_customer)} (emails: customers)",
    )
    report.figure(
        "poor answers / follow-ups / leads' emails once",
        f"{len(poor)} / {len(follow_ups)} / {told[1]}",
    )
    report.check(
        "every poor answer opened one follow-up and its leads were emailed once",
        len(follow_ups) == len(poor) and told[1] == len(poor),
        f"{len(poor)} poor, {len(follow_ups)} follow-ups, notices {dict(told)}",
    )


def rq_current_job(redis_url: str, worker_name: str) -> str:
    """What the RQ worker of that name is running, as `task(arguments)`."""
    from redis import Redis
    from rq.worker import Worker

    connection = Redis.from_url(redis_url)
    for worker in Worker.all(connection=connection):
        if worker.name == worker_name:
            job = worker.get_current_job()
            if job is not None:
                task = (job.func_name or "?").rsplit(".", 1)[-1]
                return f"{task}({', '.join(map(str, job.args))})"
    return "nothing (idle)"


@dataclass
class Workers:
    """The RQ workers, by name; a killed one is replaced by a new name."""

    processes: Processes
    redis_url: str
    names: list[str] = field(default_factory=list)
    started: int = 0

    def start(self) -> str:
        self.started += 1
        name = f"topology-worker-{self.started}"
        self.processes.manage(
            name,
            "rqworker",
            "--job-class",
            RQ_JOB_CLASS,
            "--with-scheduler",
            "--name",
            name,
            "-v",
            "0",
            "default",
        )
        self.names.append(name)
        return name

    def wait_ready(self, timeout: float = 120) -> bool:
        from redis import Redis
        from rq.worker import Worker

        connection = Redis.from_url(self.redis_url)
        return wait_until(
            lambda: set(self.names) <= {w.name for w in Worker.all(connection=connection)},
            timeout,
            every=0.2,
        )

    def kill(self, name: str) -> tuple[str, list[int]]:
        running = rq_current_job(self.redis_url, name)
        pids = self.processes.kill_hard(name)
        self.names.remove(name)
        return running, pids


def kill_while_sending(
    web: Web, sink: Sink, org: Org, workers: Workers, report: Report, lease: int, count: int
) -> None:
    """Kill a worker held at the mail server with a claimed invitation; all still arrive once."""
    from groundswell.voice.models import Invitation

    customers = [f"kill{n}@{CUSTOMERS}" for n in range(count)]
    sink.holding = True
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            replies = list(
                pool.map(lambda n: ingest(web, org, f"kill-{n}", customers[n]), range(count))
            )
        report.check(f"{count} interactions ingested", all(r.status == 201 for r in replies))
        both = wait_until(lambda: sink.held >= RQ_WORKERS, 20, every=0.01)
        if not report.check(
            "both RQ workers are inside an SMTP exchange", both, f"{sink.held} held"
        ):
            return
        victim = workers.names[0]
        running, pids = workers.kill(victim)
        killed_at = time.monotonic()
    finally:
        sink.holding = False
    report.line(f"  SIGKILL {victim} (pids {', '.join(map(str, pids))}) while it ran {running}")
    replacement = workers.start()
    report.check("a replacement worker starts", workers.wait_ready(), replacement)
    stranded = re.search(r"send_invitation\((\d+)\)", running)

    def all_sent() -> bool:
        return (
            all(sink.to(c) for c in customers)
            and not Invitation.objects.filter(customer__email__in=customers, sent_at=None).exists()
        )

    bound = 2 * lease + 15
    arrived = wait_until(all_sent, bound, every=0.2)
    per_customer = Counter(len(sink.to(c)) for c in customers)
    report.check(
        f"every invitation's email arrives within {bound} s (lease {lease} s + sweep)",
        arrived,
        f"{per_customer[0]} missing",
    )
    report.check("each exactly once", per_customer == Counter({1: count}), f"{dict(per_customer)}")
    if stranded:
        invitation = Invitation.objects.select_related("customer").get(pk=int(stranded.group(1)))
        mails = sink.to(invitation.customer.email)
        if mails:
            after = mails[0].at - killed_at
            report.figure(
                "killed mid-send: its invitation sent after",
                f"{after:.1f} s (lease {lease} s, sweep every {lease} s)",
            )
            report.line(
                f"  the killed worker's invitation {invitation.pk} went out "
                f"{after:.1f} s after the kill"
            )
    report.figure(
        "kill while sending: emails expected / once / twice",
        f"{count} / {per_customer[1]} / {sum(n for k, n in per_customer.items() if k > 1)}",
    )


def kill_while_opening(
    web: Web, sink: Sink, org: Org, workers: Workers, report: Report, lease: int, tokens: list[str]
) -> None:
    """Kill a worker that is opening a follow-up (held by a table lock); none is lost."""
    import psycopg
    from django.conf import settings

    from groundswell.voice.models import FollowUp

    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=database["NAME"],
        autocommit=False,
    ) as holder:
        # Openings insert into the follow-up table: with it locked they wait, mid-task.
        holder.execute(f"LOCK TABLE {FollowUp._meta.db_table} IN EXCLUSIVE MODE")
        replies = [answer(web, f"/s/{token}", 1, f"10.99.0.{n}") for n, token in enumerate(tokens)]
        report.check(
            f"{len(tokens)} poor answers accepted",
            all(r.status == 303 for r in replies),
            f"{[r.status for r in replies]}",
        )
        with psycopg.connect(
            host=database["HOST"],
            port=database["PORT"],
            user=database["USER"],
            password=database["PASSWORD"],
            dbname=database["NAME"],
            autocommit=True,
        ) as watcher:

            def waiting() -> int:
                row = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE %s",
                    (f"%{FollowUp._meta.db_table}%",),
                ).fetchone()
                return int(row[0]) if row else 0

            both = wait_until(lambda: waiting() >= RQ_WORKERS, 20, every=0.05)
        if not report.check("both RQ workers are opening a follow-up", both):
            holder.rollback()
            return
        victim = workers.names[0]
        running, pids = workers.kill(victim)
        killed_at = time.monotonic()
        holder.rollback()
    report.line(f"  SIGKILL {victim} (pids {', '.join(map(str, pids))}) while it ran {running}")
    replacement = workers.start()
    report.check("a replacement worker starts", workers.wait_ready(), replacement)
    invitations = [org.invitation_of[token] for token in tokens]

    def all_told() -> bool:
        ids = list(
            FollowUp.objects.filter(response__invitation_id__in=invitations).values_list(
                "pk", flat=True
            )
        )
        notices = sink.notices()
        return len(ids) == len(tokens) and all(notices[pk] for pk in ids)

    bound = 2 * lease + 15
    done = wait_until(all_told, bound, every=0.2)
    follow_ups = list(
        FollowUp.objects.filter(response__invitation_id__in=invitations).values_list(
            "pk", "created_at"
        )
    )
    notices = sink.notices()
    told = Counter(notices[pk] for pk, _created in follow_ups)
    report.check(
        f"every poor answer has its follow-up and its leads' email within {bound} s",
        done,
        f"{len(follow_ups)} of {len(tokens)} opened",
    )
    report.check(
        "each follow-up once and each leads' email once",
        len(follow_ups) == len(tokens) and told == Counter({1: len(tokens)}),
        f"notices {dict(told)}",
    )
    stranded = re.search(r"open_follow_up\((\d+)\)", running)
    if stranded:
        opened = FollowUp.objects.filter(response_id=int(stranded.group(1))).first()
        if opened is not None:
            notice = [m for m in sink.snapshot() if f"/voice/follow-ups/{opened.pk}/" in m.text]
            if notice:
                after = notice[0].at - killed_at
                report.figure("killed mid-opening: its leads emailed after", f"{after:.1f} s")
                report.line(
                    f"  the killed worker's follow-up {opened.pk} was opened and its "
                    f"leads emailed {after:.1f} s after the kill"
                )


# Putting it together ---------------------------------------------------------------------------


def environment(folder: Path, web_port: int, smtp_port: int, lease: int) -> dict[str, str]:
    user = urllib.parse.quote(os.environ["PGUSER"], safe="")
    password = urllib.parse.quote(os.environ["PGPASSWORD"], safe="")
    host, port, name = os.environ["PGHOST"], os.environ["PGPORT"], os.environ["PGDATABASE"]
    # Servers run from compiled bytecode, as an installed package does: without it every
    # process would compile scipy and pandas again (a minute each on a busy machine).
    dropped = ("GROUNDSWELL", "DJANGO", "PYTHONDONTWRITEBYTECODE")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return keep | {
        "GROUNDSWELL_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "groundswell.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        # Plain HTTP on loopback: no TLS redirect, no secure-only cookies.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PROXY_COUNT": "1",  # as behind nginx: the client address is in X-Forwarded-For
        "DATABASE_URL": f"postgres://{user}:{password}@{host}:{port}/{name}",
        "TASKS_BACKEND": "rq",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": str(EMAIL_TIMEOUT),
        "SEND_LEASE_SECONDS": str(lease),
        "AXES_FAILURE_LIMIT": str(AXES_LIMIT),
        "SURVEY_POSTS_PER_MINUTE": str(SURVEY_LIMIT),
        "GROUNDSWELL_DATA_DIR": str(folder / "data"),
        "STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def run(arguments: argparse.Namespace, report: Report, folder: Path) -> None:
    from aiosmtpd.controller import Controller

    processes: Processes | None = None
    controller: Controller | None = None
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        web_port = listener.getsockname()[1]
        smtp_port = free_port()
        env = environment(folder, web_port, smtp_port, arguments.lease)
        logs = folder / "logs"
        logs.mkdir()
        processes = Processes(logs, env)
        report.line(
            f"PostgreSQL {os.environ['PGVERSION']} on port {os.environ['PGPORT']} "
            f"(pg_virtualenv), folder {folder}"
        )

        with report.step("redis-server and the SMTP sink"):
            redis_url = start_redis(processes, folder)
            env["REDIS_URL"] = redis_url
            sink = Sink()
            controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
            controller.start()
        os.environ.update(env)

        with report.step("migrate and collectstatic (in parallel)"):
            migrate = processes.manage("migrate", "migrate", "--no-input", "-v", "0")
            static = processes.manage("collectstatic", "collectstatic", "--no-input", "-v", "0")
            for name, process in (("migrate", migrate), ("collectstatic", static)):
                if process.wait(timeout=arguments.time_limit) != 0:
                    raise CheckFailed(f"{name} failed (see its log)")

        import django

        django.setup()
        with report.step(f"seed a small organisation and {arguments.invitations} survey links"):
            org = seed(arguments.invitations)

        access_log = logs / "access.log"
        with report.step(f"gunicorn ({WEB_WORKERS} workers), {RQ_WORKERS} RQ workers, scheduler"):
            processes.start(
                "gunicorn",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "groundswell.wsgi:application",
                    "-c",
                    "gunicorn.conf.py",
                    "--workers",
                    str(WEB_WORKERS),
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--access-logfile",
                    str(access_log),
                    "--access-logformat",
                    "%(p)s %(s)s %(M)s %(m)s %(U)s %(q)s",
                ],
                pass_fds=[listener.fileno()],
            )
            workers = Workers(processes, redis_url)
            for _n in range(RQ_WORKERS):
                workers.start()
            processes.manage("scheduler", "scheduler", "-v", "0")
            web = Web(web_port, access_log)
            up = wait_until(lambda: _healthy(web), 180, every=0.2)
            if not up or not workers.wait_ready():
                raise CheckFailed("gunicorn or the RQ workers did not come up (see the logs)")

        sessions: dict[str, Session] = {}
        for n, name in enumerate(("Lena", "Bob", "Max", "Ada")):
            address = f"198.51.100.{20 + n}"
            login = f"{name.lower()}@{STAFF}"
            reply, sessions[name] = sign_in(web, login, org.password, address)
            if reply.status != 302:
                raise CheckFailed(f"{name} could not sign in (status {reply.status})")

        with report.step("the customer loop"):
            customer_loop(web, sink, org, sessions, report)
        with report.step("sign-ins and limits across the web workers"):
            sign_ins_and_limits(web, org, sessions["Ada"], report)
        reserved = org.tokens[-7:-1]  # answered in the kill check, kept out of the load
        load_org = dataclasses.replace(org, tokens=org.tokens[:-7])
        with report.step(
            f"mixed load: {arguments.requests} requests, {arguments.concurrency} at a time"
        ):
            mixed_load(
                web, sink, load_org, sessions, report, arguments.requests, arguments.concurrency
            )
        with report.step("SIGKILL an RQ worker while it sends invitations"):
            kill_while_sending(web, sink, org, workers, report, arguments.lease, 24)
        with report.step("SIGKILL an RQ worker while it opens follow-ups"):
            kill_while_opening(web, sink, org, workers, report, arguments.lease, reserved)
        # The daily huddle digest (recognition) goes to every team's members once a day; the
        # scheduler makes it here too, since the run is past the shift start.
        huddles = Counter(
            address
            for mail in sink.snapshot()
            if mail.subject.startswith(HUDDLE)
            for address in mail.to
        )
        report.check(
            "one daily huddle digest at most per person (several workers, one a team a day)",
            all(count <= 1 for count in huddles.values()),
            f"{dict(huddles)}",
        )
        strays = {
            name: [m.subject for m in sink.to(address) if not m.subject.startswith(HUDDLE)]
            for name, address in org.others.items()
        }
        report.check(
            "no other email all run to staff who are not Front's leads (agents, Back's lead, "
            "the manager, the admin)",
            not any(strays.values()),
            f"{strays}",
        )
        report.figure("emails through the sink", str(len(sink.snapshot())))
    except Exception:
        if processes is not None:
            print(processes.tails(), file=sys.stderr)
        raise
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if processes is not None:
            processes.stop_all()
        if controller is not None:
            controller.stop()
        listener.close()


def _healthy(web: Web) -> bool:
    try:
        return web.request("GET", "/healthz").status == 200
    except OSError:
        return False


def inside(arguments: argparse.Namespace) -> int:
    """The checks, run inside pg_virtualenv (PGHOST, PGPORT, … describe the cluster)."""
    started = float(os.environ.get(STARTED, time.time()))
    report = Report(time.monotonic() - (time.time() - started))

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    def too_long(signum: int, frame: FrameType | None) -> None:
        raise CheckFailed(f"the time limit of {arguments.time_limit} s ran out")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(arguments.time_limit)
    folder = Path(tempfile.mkdtemp(prefix="groundswell-topology-"))
    try:
        run(arguments, report, folder)
    except CheckFailed as error:
        report.failures.append(str(error))
    except KeyboardInterrupt:
        report.line("interrupted: everything started was stopped")
        return 130
    finally:
        signal.alarm(0)
        if arguments.keep:
            report.line(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    report.figure(
        "load average (1 min) at the start / at the end",
        f"{report.load_at_start:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
    )
    print("\n==================== topology summary ====================")
    for name, value in report.figures:
        print(f"  {name:50} {value}")
    print(f"  {'total time':50} {time.monotonic() - report.started:.0f} s")
    if report.failures:
        print(f"\nFAILED: {len(report.failures)} check(s)")
        for failure in report.failures:
            print(f"  - {failure}")
        return 1
    print("\nAll checks passed.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--requests", type=int, default=2000, help="requests in the mixed load")
    parser.add_argument("--concurrency", type=int, default=50, help="requests at a time")
    parser.add_argument(
        "--invitations",
        type=int,
        default=560,
        help="survey links made for the load's pages and answers",
    )
    parser.add_argument(
        "--lease",
        type=int,
        default=3 * EMAIL_TIMEOUT,
        help="SEND_LEASE_SECONDS: how long a claimed email waits for its "
        "worker before the sweep resends it",
    )
    parser.add_argument("--time-limit", type=int, default=600, help="seconds before giving up")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the logs")
    arguments = parser.parse_args()
    if arguments.lease < 3 * EMAIL_TIMEOUT:
        parser.error(f"--lease must be at least {3 * EMAIL_TIMEOUT} (three SMTP timeouts)")
    if os.environ.get(INSIDE) == "1":
        return inside(arguments)
    try:
        preflight()
    except Missing as missing:
        print(f"topology: {missing}", file=sys.stderr)
        return 2
    return in_pg_virtualenv()


def in_pg_virtualenv() -> NoReturn:
    """Run this script again inside a throw-away cluster in a temporary folder (-t, also as
    root, so it never meets another run's cluster), which pg_virtualenv drops when we exit."""
    os.environ[INSIDE] = "1"
    os.environ[STARTED] = str(time.time())
    command = ["pg_virtualenv", "-t", sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    os.execvp("pg_virtualenv", command)  # noqa: S606, S607 - Debian's pg_virtualenv from PATH


if __name__ == "__main__":
    sys.exit(main())
