"""Every request limit: so many hits per key in a fixed window, counted in one shared cache.

A `Limit` counts hits per key (a client address, an email address) in fixed windows of
`window` seconds. The counts live in the "ratelimit" cache (see CACHES in settings.py):
Redis, or a database table when there is no Redis, so every web process sees the same
count. Keys are kept only as an HMAC digest under SECRET_KEY: the cache never holds an
address or an email, and a digest cannot be reversed by trying every address without the key.

Counting uses nothing but the cache's `add`, which every Django backend makes atomic (Redis
SET NX, a unique key in the database table), never `incr`, which the database backend does
as a read and a write that two workers can interleave. Hit number i of a window takes slot i
(`<key>:<window>:<i>`); a window whose `limit` slots are taken is full. Each hit costs one
`get_many` and usually one `add`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

CACHE_ALIAS = "ratelimit"
WINDOW_SECONDS = 60  # the survey page's window, in its Retry-After


def client_address(request: HttpRequest) -> str:
    """The client's address; behind PROXY_COUNT trusted proxies, read from X-Forwarded-For."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def digest(value: str) -> str:
    """What the cache keeps instead of an address or an email."""
    value = value.strip().lower()
    return salted_hmac("groundswell.ratelimit", value, algorithm="sha256").hexdigest()


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


@dataclass(frozen=True)
class Limit:
    """At most `limit` hits per key in each window of `window` seconds; 0 means no limit."""

    scope: str
    limit: int
    window: int = WINDOW_SECONDS

    def _slots(self, key: str) -> list[str]:
        current = int(time.time() // self.window)
        base = f"{self.scope}:{digest(key)}:{current}"
        return [f"{base}:{slot}" for slot in range(self.limit)]

    def count(self, key: str) -> int:
        """Hits counted for `key` in the current window."""
        if self.limit <= 0:
            return 0
        return len(_cache().get_many(self._slots(key)))

    def is_full(self, key: str) -> bool:
        """True when `key` has used up this window, without counting a hit."""
        return self.limit > 0 and self.count(key) >= self.limit

    def take(self, key: str) -> str | None:
        """Count a hit for `key` and return its slot; None (nothing counted) when full.

        For a brake on failures: take a slot before trying, `give_back` when it was no
        failure. Checking first and counting after would let each worker that checks at
        the same moment through.
        """
        if self.limit <= 0:
            return ""
        cache = _cache()
        slots = self._slots(key)
        taken = cache.get_many(slots)
        # The window's end plus a second, so a slot never outlives the window it counts in.
        timeout = self.window + 1
        return next(
            (slot for slot in slots if slot not in taken and cache.add(slot, 1, timeout)), None
        )

    def give_back(self, slot: str) -> None:
        """Uncount a hit `take` counted."""
        if slot:
            _cache().delete(slot)

    def hit(self, key: str) -> bool:
        """Count a hit for `key`; False (and nothing counted) when the window is full."""
        return self.take(key) is not None


def limit_exceeded(request: HttpRequest, scope: str, limit: int) -> bool:
    """Count this request for its client address; True once `limit` came in this minute."""
    return not Limit(scope, limit).hit(client_address(request))
