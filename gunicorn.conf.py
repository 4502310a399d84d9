"""gunicorn settings read from the repository root (`gunicorn groundswell.wsgi`).

The access log goes through a logger that redacts personal answer links (/p/<token>/,
/s/<token>/): see groundswell/core/logs.py and docs/anonymity.md.
"""

logger_class = "groundswell.core.logs.RedactingGunicornLogger"
