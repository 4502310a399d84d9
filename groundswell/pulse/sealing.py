"""Sealing the pending pool: answers of an open wave are stored as Fernet tokens only.

The key comes from `settings.SECRET_KEY` through HKDF, under a name of its own, so it is
never the secret itself and serves nothing else. Production keeps the secret in
`SECRET_KEY_FILE`, outside the database and its backups, so whoever reads those learns how
many have answered, not what. Opening tries `SECRET_KEY` and then each of
`SECRET_KEY_FALLBACKS` (MultiFernet), so a key changed while a wave is open loses nothing;
sealing always uses `SECRET_KEY`.
"""

from __future__ import annotations

import base64
import functools
import json
import time
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PURPOSE = b"groundswell.pulse.pending-pool"
# Every token of a pool has one length: a token's length follows its plain text's, and a comment
# whose length shows could be found again, in clear, once the wave is published. The floor
# holds the answers and a comment of over a thousand characters; a longer one lifts the whole
# pool to the next power of two.
PADDED_FLOOR = 2048


class PoolKeyMismatch(ImproperlyConfigured):
    """Pending answers were sealed with a secret key that is neither the current nor a fallback."""


@functools.lru_cache(maxsize=16)
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=PURPOSE, info=PURPOSE + b" fernet key")
    return Fernet(base64.urlsafe_b64encode(key.derive(secret.encode())))


def _keys() -> MultiFernet:
    known = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_fernet(secret) for secret in known])


def seal_all(payloads: Iterable[dict[str, Any]]) -> list[str]:
    """Each payload as a fresh token (random IV) under SECRET_KEY, all alike from outside.

    A Fernet token shows its encryption time (in seconds) in clear and its length follows
    the plain text's, so all are sealed with one time and padded to one length (JSON ignores
    the trailing spaces).
    """
    plain = [json.dumps(payload, ensure_ascii=False).encode() for payload in payloads]
    size = max([PADDED_FLOOR, *(len(text) for text in plain)])
    size = 1 << (size - 1).bit_length()
    keys, now = _keys(), int(time.time())
    return [keys.encrypt_at_time(text.ljust(size), now).decode() for text in plain]


def unseal_all(tokens: Iterable[str], *, wave: object) -> list[dict[str, Any]]:
    """The payloads behind tokens, or PoolKeyMismatch naming the settings to fix."""
    keys = _keys()
    try:
        return [json.loads(keys.decrypt(token.encode())) for token in tokens]
    except InvalidToken:
        raise PoolKeyMismatch(
            f"The pending answers of {wave} cannot be opened with SECRET_KEY or any of "
            "SECRET_KEY_FALLBACKS: they were sealed with another secret key. Put that key in "
            "SECRET_KEY_FALLBACKS and try again; the pending answers are kept as they are."
        ) from None
