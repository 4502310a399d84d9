"""A brake on guessing follow-up codes: a few wrong codes per address, then a pause.

Only a digest of the address is kept, in the cache, for a short while, and only for wrong
codes: nothing here is ever stored with a submission.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from groundswell.core.lib.ratelimit import client_address

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


def _key(request: HttpRequest) -> str:
    address = client_address(request)  # the real client behind trusted proxies
    return "ideas:follow-up-failures:" + hashlib.sha256(address.encode()).hexdigest()


def is_blocked(request: HttpRequest) -> bool:
    return int(cache.get(_key(request), 0)) >= MAX_FAILURES


def record_failure(request: HttpRequest) -> None:
    key = _key(request)
    if not cache.add(key, 1, WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
