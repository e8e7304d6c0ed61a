"""Settings of the account mail: how long links live and how often they may be asked for.

Each can be set as ``KENNISBANK_<NAME>``. A password-reset link lives at most
an hour: it is a key to the account that sits in a mailbox.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app

from ..config import ConfigError

_LIMITS = {
    "PASSWORD_RESET_MINUTES": (1, 60),
    "INVITATION_DAYS": (1, 60),
    "SET_PASSWORD_DAYS": (1, 60),
    "EMAIL_CHANGE_HOURS": (1, 24 * 7),
}


def init_app(app: Flask) -> None:
    """Refuse values that would make links useless or dangerous (defaults: kennisbank.config)."""
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
