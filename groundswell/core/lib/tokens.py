"""Link tokens (survey and pulse links): 192 random bits, mailed once, stored only as a digest."""

import hashlib
import secrets

TOKEN_BYTES = 24  # 192 bits; token_urlsafe makes 32 characters of it
MAX_TOKEN_LENGTH = 64


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store; the token itself is never saved."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The stored form of a token (hex SHA-256). Tokens are random, so no salt is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def unusable_hash() -> str:
    """A digest no mailed token matches, alike to a real one: a link not sent yet, or revoked."""
    return hash_token("unsent:" + secrets.token_urlsafe(TOKEN_BYTES))


def looks_like_token(token: str) -> bool:
    """Cheap shape check before touching the database."""
    return 0 < len(token) <= MAX_TOKEN_LENGTH
