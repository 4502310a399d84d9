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
import datetime
import functools
import json
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from groundswell.pulse.choices import COMMENT_MAX_LENGTH, TenureBand

PURPOSE = b"groundswell.pulse.pending-pool"
# JSON writes no character of a comment in more than six bytes (a control character as \u00XX).
MAX_BYTES_PER_CHARACTER = 6


class PoolKeyMismatch(ImproperlyConfigured):
    """Pending answers were sealed with a secret key that is neither the current nor a fallback."""


@functools.lru_cache(maxsize=16)
def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=PURPOSE, info=PURPOSE + b" fernet key")
    return Fernet(base64.urlsafe_b64encode(key.derive(secret.encode())))


def _keys() -> MultiFernet:
    known = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([_fernet(secret) for secret in known])


def padded_size(question_count: int) -> int:
    """The one length every sealed payload of a campaign with that many questions is padded to.

    A token's length follows its plain text's, and a comment whose length showed could be
    found again, in clear, once the wave is published; so every payload is padded to what the
    longest possible answer set (every key at its largest, the longest comment) would take.
    """
    longest = {
        "department": -(2**63),
        "team": -(2**63),
        "tenure_band": max((band.value for band in TenureBand), key=len),
        "values": {str(-(2**63) - n): 10 for n in range(question_count)},
        "comment": "",
    }
    bound = len(_encode(longest)) + MAX_BYTES_PER_CHARACTER * COMMENT_MAX_LENGTH
    return -(-bound // 1024) * 1024


def seal(payload: dict[str, Any], *, size: int, moment: datetime.datetime) -> str:
    """The payload as a fresh token (random IV) under SECRET_KEY, alike from outside to all others.

    A Fernet token shows its encryption time (in seconds) in clear and its length follows the
    plain text's, so every token of a wave carries the same time (the wave's opening) and is
    padded to `size` (JSON ignores the trailing spaces).
    """
    text = _encode(payload)
    if len(text) > size:
        raise ValueError(f"A sealed payload of {len(text)} bytes does not fit {size}.")
    return _keys().encrypt_at_time(text.ljust(size), int(moment.timestamp())).decode()


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


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
