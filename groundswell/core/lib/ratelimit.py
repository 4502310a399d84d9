"""A fixed-window request limit per client address, kept in the cache (locmem or Redis)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


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


def limit_exceeded(request: HttpRequest, scope: str, limit: int) -> bool:
    """Count this request; True once `limit` requests came from its client in this minute."""
    if limit <= 0:
        return False
    window = int(time.time() // WINDOW_SECONDS)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, WINDOW_SECONDS + 1):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS + 1)
        return False
    return count > limit
