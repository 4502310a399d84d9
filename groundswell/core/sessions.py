"""Database sessions whose lookup SQL is compiled once per connection.

Every signed-in request reads its session first; Django's store builds the same query each
time, which costs more than SQLite takes to answer it. This store reads the row through a
`PreparedLookup` and checks the expiry in Python, with the same outcome: an unknown or expired
key gives an empty session and a fresh key on the next save.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from groundswell.core.lib.prepared import PreparedLookup

_SESSION_BY_KEY = PreparedLookup(Session, lambda key: Session.objects.filter(session_key=key))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        session = _SESSION_BY_KEY.get(self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
