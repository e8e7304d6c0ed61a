"""Settings of the account mail: how long links live and how often they may be asked for.

Each can be set as ``KENNISBANK_<NAME>``. A password-reset link lives at most
an hour: it is a key to the account that sits in a mailbox.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from ..config import ConfigError

SETTINGS: dict[str, Any] = {
    # Minutes a password-reset link works (1 to 60).
    "PASSWORD_RESET_MINUTES": 60,
    # Days an invitation (and the link to choose a first password) works.
    "INVITATION_DAYS": 7,
    "SET_PASSWORD_DAYS": 7,
    # Hours the link confirming a new e-mail address works.
    "EMAIL_CHANGE_HOURS": 24,
    # "Forgot your password?" requests per typed address and per client address.
    "RESET_LIMIT_ACCOUNT": "3 per hour",
    "RESET_LIMIT_ADDRESS": "10 per hour",
    # Posts of the other account forms (link pages, invitations, profile) per client address.
    "ACCOUNT_FORM_LIMIT_ADDRESS": "30 per 15 minutes",
}

_LIMITS = {
    "PASSWORD_RESET_MINUTES": (1, 60),
    "INVITATION_DAYS": (1, 60),
    "SET_PASSWORD_DAYS": (1, 60),
    "EMAIL_CHANGE_HOURS": (1, 24 * 7),
}


def init_app(app: Flask) -> None:
    """Apply the defaults and refuse values that would make links useless or dangerous."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    for key, (low, high) in _LIMITS.items():
        value = app.config[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(
                f"KENNISBANK_{key} must be a whole number from {low} to {high}, not {value!r}"
            )


def reset_ttl() -> timedelta:
    return timedelta(minutes=int(current_app.config["PASSWORD_RESET_MINUTES"]))


def invitation_ttl() -> timedelta:
    return timedelta(days=int(current_app.config["INVITATION_DAYS"]))


def set_password_ttl() -> timedelta:
    return timedelta(days=int(current_app.config["SET_PASSWORD_DAYS"]))


def email_change_ttl() -> timedelta:
    return timedelta(hours=int(current_app.config["EMAIL_CHANGE_HOURS"]))
