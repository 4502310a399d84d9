"""Where the dashboards' heavy read-only queries go: the read replica when there is one.

`reporting_db()` is the one way a query is sent to the replica (DATABASE_REPLICA_URL). Only
the report selectors ask for it: the customer-voice figures (rollups and the live days,
voice/dashboard) and the pulse results (a wave's submissions, answers and comments). Every other
read stays on the primary, so a page that reads what was just written sees it; a replica a
moment behind only makes these figures a moment older. There is no database router: a query
reaches the replica only where its code says so.
"""

from django.conf import settings


def reporting_db() -> str:
    """The database alias for report reads: `replica` when one is configured, else `default`."""
    return str(settings.GROUNDSWELL_REPORTING_DATABASE)
