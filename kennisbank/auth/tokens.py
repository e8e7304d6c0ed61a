"""API tokens: random secrets shown once, stored only as SHA-256 digests.

A token is 32 random bytes, so a fast digest is enough (no password-style
stretching is needed for high-entropy secrets) and lookups stay cheap.
"""

from __future__ import annotations

import hashlib
import secrets

from ..extensions import db
from ..models import ApiToken, User, utcnow

#: A public marker that tells tokens apart (and lets secret scanners find them); not a secret.
TOKEN_PREFIX = "kb_"  # nosec B105


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str = "") -> str:
    """Create a token for ``user`` and return it; only its digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, name=name[:100], token_hash=digest(token), prefix=token[:10])
    )
    return token


def user_for_token(token: str) -> User | None:
    """The active user owning a live token, or ``None``."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = db.session.execute(
        db.select(ApiToken).where(ApiToken.token_hash == digest(token))
    ).scalar_one_or_none()
    if found is None or found.revoked_at is not None or not found.user.active:
        return None
    found.last_used_at = utcnow()
    db.session.commit()
    return found.user


def revoke(token: ApiToken) -> None:
    token.revoked_at = utcnow()
