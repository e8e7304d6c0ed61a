"""The roles' names as people read them, in the current language."""

from __future__ import annotations

from flask_babel import gettext as _


def role_label(role: str) -> str:
    labels = {
        "reader": _("Reader"),
        "contributor": _("Contributor"),
        "editor": _("Editor"),
        "admin": _("Administrator"),
    }
    return labels.get(role, role)
