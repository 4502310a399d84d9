"""After answering, no log line written by Django or gunicorn holds the link's token."""

import datetime
import io
import logging
from types import SimpleNamespace

import pytest
from gunicorn.config import Config  # type: ignore[import-untyped]

from groundswell.core.logs import RedactingGunicornLogger
from groundswell.pulse.tests.factories import (
    ANSWER_PAGE,
    full_answers,
    launched,
    link_url,
    members,
    open_link,
)


@pytest.fixture
def captured():
    """Everything the configured handlers (settings.LOGGING) write, in one string buffer."""
    stream = io.StringIO()
    handlers = {
        handler
        for name in ("", "django", "django.request", "django.server")
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, logging.StreamHandler)
    }
    previous = {handler: handler.setStream(stream) for handler in handlers}
    assert previous, "settings.LOGGING configures no stream handler"
    yield stream
    for handler, old in previous.items():
        handler.setStream(old)


def test_answering_leaves_no_token_in_django_logs(manager, team_alpha, client, captured):
    people = members(team_alpha, 5)
    campaign, _wave, tokens = launched(manager, teams=[team_alpha])
    token = tokens[people[0].email]

    browser = open_link(token)
    browser.post(ANSWER_PAGE, full_answers(campaign))
    refused = client.post(link_url(token))  # 405: Django logs the path as a warning
    again = open_link(token).get(ANSWER_PAGE)  # 410: logged too
    logging.getLogger("django.server").info(  # as runserver logs each request
        '"%s" %s %s',
        f"GET {link_url(token)} HTTP/1.1",
        "302",
        "0",
        extra={"server_time": "04/Dec/2026 10:00:00", "status_code": 302, "request": None},
    )

    output = captured.getvalue()
    assert (refused.status_code, again.status_code) == (405, 410)
    assert "/p/[link]/" in output
    assert token not in output


def test_the_gunicorn_access_log_line_has_no_token():
    token = "S2d1sYwDq0T3hWcP3mG8n2cV9l4X7aQe"  # the shape of a real one: 32 url-safe characters
    survey = "Yt7bN1qP0xW3eR5tY8uI2oP4aS6dF9gH"
    logger = RedactingGunicornLogger(Config())
    response = SimpleNamespace(status="302 Found", headers=[], sent=0)
    request = SimpleNamespace(headers=[("REFERER", f"https://mail.example/?go=/s/{survey}/")])
    lines = []
    for path in (f"/p/{token}/", f"/s/{survey}/"):
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.9",
        }
        atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=12))
        lines.append(logger.cfg.access_log_format % logger.atoms_wrapper_class(atoms))

    assert lines[0].startswith("203.0.113.9 - - [")
    assert '"GET /p/[link]/ HTTP/1.1" 302' in lines[0]
    assert '"GET /s/[link]/ HTTP/1.1" 302' in lines[1]
    assert not any(token in line or survey in line for line in lines)


def test_the_repository_gunicorn_config_uses_the_redacting_logger():
    from pathlib import Path

    from django.conf import settings

    config = Config()
    namespace: dict[str, object] = {}
    source = Path(settings.BASE_DIR, "gunicorn.conf.py").read_text()
    exec(compile(source, "gunicorn.conf.py", "exec"), namespace)  # noqa: S102 - our own file
    config.set("logger_class", namespace["logger_class"])

    assert config.logger_class is RedactingGunicornLogger
