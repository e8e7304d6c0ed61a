"""Throttles for the public forms, and digests that recognise a person without storing them.

The counters live in the app's Flask-Limiter storage (``RATELIMIT_STORAGE_URI``,
see :mod:`kennisbank.security`), so every process and machine shares them.
Each form is limited per client address and per e-mail address typed; every
attempt counts, whether or not an account or a request exists, so the limit
says nothing about who has an account. Keys are HMACs under the secret key:
the storage never holds an e-mail or client address.

Unlike :func:`kennisbank.security.throttle_posts` (used for the confirmation
pages, where every post is a guess), only complete submissions count here:
a person who mistypes a field should not use up the budget of a form that
sends no mail until it is filled in.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import TooManyRequests

from ..security import LIMITER_KEY


def _digest(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, f"{kind}:{value}".encode(), "sha256").hexdigest()


def email_digest(email: str) -> str:
    return _digest("email", email.strip().lower()[:254])


def address_digest(address: str | None = None) -> str:
    """The HMAC of a client address (the current request's by default)."""
    return _digest("address", address if address is not None else get_remote_address())


def _limit(scope: str, setting: str, key: str) -> tuple[Any, Any, tuple[str, ...]]:
    limiter: Limiter = current_app.extensions[LIMITER_KEY]
    item = parse(str(current_app.config[setting]))
    return limiter.limiter, item, (str(current_app.config["RATELIMIT_KEY_PREFIX"]), scope, key)


def check(scope: str, email: str) -> None:
    """Count an attempt per address and per e-mail; past either limit, 429 with ``Retry-After``.

    ``scope`` names the form (``access`` or ``contact``); the settings are
    ``<SCOPE>_LIMIT_ADDRESS`` and ``<SCOPE>_LIMIT_EMAIL``. Both are counted
    before deciding, so a refused attempt still counts against both.
    """
    limits = [
        _limit(f"{scope}-address", f"{scope.upper()}_LIMIT_ADDRESS", address_digest()),
        _limit(f"{scope}-email", f"{scope.upper()}_LIMIT_EMAIL", email_digest(email)),
    ]
    refused = [(strategy, item, keys) for strategy, item, keys in limits
               if not strategy.hit(item, *keys)]
    if refused:
        wait = max(strategy.get_window_stats(item, *keys).reset_time
                   for strategy, item, keys in refused) - time.time()
        raise TooManyRequests(retry_after=max(1, int(wait) + 1))
