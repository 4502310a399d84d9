"""Personal links out of the logs: a logging filter and a gunicorn access logger that redact
the token of /p/<token>/ (employee pulse) and /s/<token>/ (customer survey) links.

The token's SHA-256 is what the database stores for the invitation, so a logged link plus
its time would tie a person to the moment they answered.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger  # type: ignore[import-untyped]

# A path segment after /p/ or /s/ long enough to be a token (the pages' own names, such as
# /p/answer/ and /p/thanks/, are shorter); the query string is redacted too, in case.
_LINK = re.compile(r"(/[ps]/)[A-Za-z0-9_\-.~%]{16,}")
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


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with link tokens redacted from every access-log atom
    (set `logger_class` to this, as gunicorn.conf.py at the repository root does)."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
