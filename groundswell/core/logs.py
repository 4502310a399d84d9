"""Logs: personal links kept out, and one JSON object a line when LOG_FORMAT=json.

A logging filter and a gunicorn logger redact the token of /p/<token>/ (employee pulse) and
/s/<token>/ (customer survey) links. The token's SHA-256 is what the database stores for the
invitation, so a logged link plus its time would tie a person to the moment they answered.

`JsonFormatter` (python-json-logger underneath) writes each record as one JSON object: time,
level, logger, message, the request's id, method and path when the record was written while
a request was handled (`current_request`, set by core.lib.request_id), a status and a duration
where the record carries them, and the exception. Every string in it goes through `redact`.
gunicorn's access and error logs take the same shape when LOG_FORMAT=json.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import os
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from gunicorn.glogging import Logger as GunicornLogger  # type: ignore[import-untyped]
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# A path segment after /p/, /s/ or /i/ (interview panel) long enough to be a token (the pages'
# own names, such as /p/answer/ and /p/thanks/, are shorter); the query string is redacted too.
_LINK = re.compile(r"(/[psi]/)[A-Za-z0-9_\-.~%]{16,}")
PLACEHOLDER = "[link]"


def redact(text: str) -> str:
    """`text` with the token of every personal link replaced by a placeholder."""
    return _LINK.sub(rf"\g<1>{PLACEHOLDER}", text)


class RedactLinks(logging.Filter):
    """Rewrite a record's message without link tokens; drop the request of such a record,
    which AdminEmailHandler would otherwise print in full (path and headers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        request = getattr(record, "request", None)
        path = getattr(request, "path", None) or getattr(request, "requestline", None)
        if isinstance(path, str) and redact(path) != path:
            record.request = None
        return True


LOG_FORMATS = ("text", "json")


def log_format() -> str:
    """LOG_FORMAT from the environment: `text` (the default) or `json`.

    Read here rather than from Django's settings because gunicorn's master process sets up
    its logger before it loads the application; settings.py refuses any other value too.
    """
    value = os.environ.get("LOG_FORMAT", "").strip().lower() or "text"
    if value not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {value!r}.")
    return value


@dataclass(frozen=True)
class RequestContext:
    """What every log line written while a request is handled says about that request."""

    request_id: str
    method: str
    path: str  # already redacted


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "groundswell_current_request", default=None
)


def _time(created: float) -> str:
    moment = datetime.datetime.fromtimestamp(created, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


# Extra attributes of a record that are kept: plain values only. Django puts the whole request
# object on some records (`request`), whose text holds the full path and which a log line does
# not need: the request's id, method and path come from `current_request` instead.
_PLAIN = (str, int, float, bool, type(None))
_RENAMED = {"status_code": "status"}


class JsonFormatter(BaseJsonFormatter):
    """One JSON object a line, every string redacted (see the module's docstring)."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data.update(
            time=_time(record.created),
            level=record.levelname,
            logger=record.name,
            message=record.message,
        )
        context = current_request.get()
        if context is not None:
            log_data.update(request_id=context.request_id, method=context.method, path=context.path)
        extras: dict[str, Any] = {}
        super().add_fields(extras, record, message_dict)
        for key, value in extras.items():
            if key in {"exc_info", "stack_info"} or key in log_data or key == "request":
                continue
            if isinstance(value, _PLAIN):
                log_data[_RENAMED.get(key, key)] = value
        if "exc_info" in extras:
            log_data["exception"] = extras["exc_info"]
        if "stack_info" in extras:
            log_data["stack"] = extras["stack_info"]

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {key: _redacted(value) for key, value in log_data.items()}


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with link tokens redacted from every access-log atom
    (set `logger_class` to this, as gunicorn.conf.py at the repository root does).

    With LOG_FORMAT=json each access-log line is one JSON object (time, level, logger,
    message, request_id, method, path, status, duration_ms, bytes, remote_addr, referer,
    user_agent) instead of `access_log_format`, and the error log uses `JsonFormatter`.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if log_format() == "json":
            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())
                handler.addFilter(RedactLinks())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if log_format() != "json":
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = str(atoms["s"])
        line = {
            "time": _time(datetime.datetime.now(tz=datetime.UTC).timestamp()),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": atoms["r"],
            "request_id": atoms.get("{x-request-id}o"),
            "method": atoms["m"],
            "path": atoms["U"],
            "status": int(status) if status.isdigit() else status,
            "duration_ms": round(atoms["D"] / 1000, 3),
            "bytes": atoms["B"],
            "remote_addr": atoms["h"],
            "referer": atoms["f"],
            "user_agent": atoms["a"],
        }
        self.access_log.info("%s", json.dumps(line, ensure_ascii=False))
