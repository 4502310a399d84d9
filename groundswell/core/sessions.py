"""Database sessions whose lookup SQL is compiled once per connection.

Every signed-in request reads its session first; Django's store builds the same query each
time, which costs more than the database takes to answer it. This store overrides `load()`,
the method Django documents for a session engine to implement, and reads the row through a
`PreparedLookup`, checking the expiry in Python, with the same outcome: an unknown or expired
key gives an empty session and a fresh key on the next save.

Measured (bench/internals.py, microseconds to load a signed-in session; docs/performance.md):

    store                          SQLite   PostgreSQL
    this one                         53        221
    Django's database store         251        482
    Django's cached_db, Redis       267         -
    Django's cached_db, local        6          6

The cached-database store is only faster with the per-process local-memory cache, and there it
is wrong: a session ended in one worker (sign-out, password change) stays valid in the other
workers' memory until the cache entry expires. With Redis it is no faster than the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from groundswell.core.lib.prepared import PreparedLookup

_SESSION_BY_KEY = PreparedLookup(Session, lambda key: Session.objects.filter(session_key=key))


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        session = _SESSION_BY_KEY.get(self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return {}
        data: dict[str, Any] = self.decode(session.session_data)
        return data
