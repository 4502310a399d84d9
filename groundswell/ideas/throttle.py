"""The open door's brakes, per client address: wrong follow-up codes, and submissions.

Only a digest of the address is kept, in the shared "ratelimit" cache, for one window; the
brakes count named and anonymous submissions alike, so what they keep says nothing about who
chose anonymity, and nothing here is ever stored with a submission.
"""

from django.conf import settings
from django.http import HttpRequest

from groundswell.core.lib.ratelimit import Limit, client_address

FAILURE_WINDOW_SECONDS = 15 * 60
SUBMIT_WINDOW_SECONDS = 60 * 60


def _failures() -> Limit:
    return Limit(
        "ideas-follow-up-failures", settings.GROUNDSWELL_FOLLOW_UP_FAILURES, FAILURE_WINDOW_SECONDS
    )


def begin_attempt(request: HttpRequest) -> str | None:
    """Count a follow-up attempt from this address as a failure until `not_a_failure` says
    otherwise; None when too many failed lately. Counting first keeps the brake exact when
    several workers try codes from one address at once."""
    return _failures().take(client_address(request))


def not_a_failure(attempt: str) -> None:
    """The attempt opened a submission (or never tried a code): it does not count."""
    _failures().give_back(attempt)


def may_submit(request: HttpRequest) -> bool:
    """Count a submission from this address; False when it has sent too many this hour."""
    limit = Limit(
        "ideas-submit", settings.GROUNDSWELL_IDEA_SUBMITS_PER_ADDRESS, SUBMIT_WINDOW_SECONDS
    )
    return limit.hit(client_address(request))
