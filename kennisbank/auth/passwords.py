"""Password hashing and the rules a person can follow.

scrypt (through Werkzeug) is memory-hard, so stolen hashes are slow to crack.
The rules are the ones NIST SP 800-63B recommends: length, not composition.
"""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 256


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash or len(password) > MAX_LENGTH:
        return False
    return check_password_hash(password_hash, password)


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, in the reader's language, or ``None``."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(min)d characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(max)d characters.", max=MAX_LENGTH)
    lowered = password.lower()
    local = email.split("@")[0].lower()
    if email and (lowered == email.lower() or (len(local) >= 4 and local in lowered)):
        return _("Do not use your email address in your password.")
    if len(set(password)) < 4:
        return _("Use more different characters.")
    return None
