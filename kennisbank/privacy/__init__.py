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


def init_app(app: Flask) -> None:
    from . import exports, purges, views

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
