"""Claims with a lease: one worker at a time does a piece of work, and a dead one loses nothing.

A mail task first claims its row (an invitation, a follow-up's notice) by stamping a
`<claimed>` timestamp in one UPDATE whose WHERE says "not done, and nobody holds it": never
claimed, or claimed longer ago than the lease. The row's own columns decide it, so PostgreSQL
re-checks the condition on the row it waited for, and of two workers racing for one row
exactly one gets it. The worker marks the row done (its `<done>` timestamp) only after the work
succeeded, and only while it still holds the claim it stamped; when the work fails it gives
the claim back at once. A worker killed in between leaves a claim that runs out after the
lease; the sweep (a periodic job) then enqueues the work again, and a new claim takes over.

What remains: a worker killed after the outside world accepted the work (the SMTP server took
the message) but before its "done" was committed does it twice once the lease runs out.
docs/architecture.md, "Delivery guarantees", says so.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q


def lease() -> datetime.timedelta:
    """How long a claim holds before the sweep may hand the work to someone else."""
    return datetime.timedelta(seconds=settings.GROUNDSWELL_SEND_LEASE_SECONDS)


def unclaimed(field: str, now: datetime.datetime) -> Q:
    """Rows nobody holds as of `now`: `field` (the claim's time) empty, or older than the lease."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now - lease()})
