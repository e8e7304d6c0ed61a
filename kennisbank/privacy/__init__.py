"""Privacy (AVG/GDPR): the statement, a person's data download, account deletion, retention.

Features that store something about people take part through two registries
(:mod:`.registry`): :func:`register_export` adds a section to the download,
:func:`register_purge` a clean-up to ``kennisbank privacy purge``, and
:func:`register_forget` what account deletion must also remove.
"""

from __future__ import annotations

from flask import Flask

from .registry import (
    export_sections,
    register_export,
    register_forget,
    register_purge,
    run_purges,
    unregister_export,
    unregister_forget,
    unregister_purge,
)

SETTINGS = {
    # Days an unconfirmed request or message is kept before a purge removes it.
    "RETENTION_DAYS": 30,
    # Days the security log is kept.
    "AUDIT_RETENTION_DAYS": 365,
    # Whom the privacy statement names for questions (an address or a name); None: default text.
    "PRIVACY_CONTACT": None,
}


def init_app(app: Flask) -> None:
    from . import exports, purges, views

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    exports.register_core()
    purges.register_core()
    views.init_app(app)


__all__ = [
    "export_sections",
    "init_app",
    "register_export",
    "register_forget",
    "register_purge",
    "run_purges",
    "unregister_export",
    "unregister_forget",
    "unregister_purge",
]
