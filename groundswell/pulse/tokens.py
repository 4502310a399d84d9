"""Personal answer links: 192 random bits, sent once by email, stored only as a SHA-256 digest."""

import hashlib
import secrets

MAX_TOKEN_LENGTH = 64


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store; the token itself is never saved anywhere."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unusable_hash() -> str:
    """A placeholder digest for an invitation whose link has not been mailed yet."""
    return hash_token("unsent:" + secrets.token_urlsafe(24))
