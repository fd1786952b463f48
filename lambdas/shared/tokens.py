"""Approval link tokens (ARCHITECTURE.md 3.6).

The link carries 256 random bits from `secrets`; only their SHA-256 is stored, so the table alone
never yields a working link. Lookups go by the hash (the table key); the stored hash is compared to
the recomputed one in constant time before anything is trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32  # 256 bits; the contract asks for at least 128
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 43 chars, no padding


def new_link_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Hex SHA-256: the approvals table key (`token_hash`)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed(token: str) -> bool:
    """True for something shaped like a token we issue; says nothing about whether it exists."""
    return _TOKEN_PATTERN.fullmatch(token) is not None


def matches(token: str, stored_hash: str) -> bool:
    """Constant-time check that `token` hashes to `stored_hash`."""
    return hmac.compare_digest(hash_token(token), stored_hash)


def approval_id(token_hash: str) -> str:
    """A short, loggable name for an approval: a prefix of the hash, useless for forging a link."""
    return token_hash[:16]
