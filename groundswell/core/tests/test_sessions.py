"""The session store reads rows with prepared SQL and keeps Django's rules on expiry."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from groundswell.core.sessions import SessionStore


def test_the_project_uses_this_store() -> None:
    assert settings.SESSION_ENGINE == "groundswell.core.sessions"


def test_a_saved_session_reads_back(db: None) -> None:
    store = SessionStore()
    store["colour"] = "teal"
    store.save()

    again = SessionStore(session_key=store.session_key)

    assert again["colour"] == "teal"
    assert again.session_key == store.session_key


def test_an_unknown_key_gives_an_empty_session_and_a_new_key(db: None) -> None:
    store = SessionStore(session_key="x" * 32)

    assert store.load() == {}
    assert store.session_key is None
    store["colour"] = "red"
    store.save()
    assert store.session_key not in (None, "x" * 32)


def test_an_expired_session_is_not_read(db: None) -> None:
    store = SessionStore()
    store["colour"] = "teal"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    again = SessionStore(session_key=store.session_key)

    assert again.load() == {}
    assert again.session_key is None
