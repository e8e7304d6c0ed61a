"""Attachments: reports, brochures and images uploaded with an item.

Importing this package registers the ``attachments`` table with SQLAlchemy,
which is why ``kennisbank.app`` imports it before the tables are created.
The search integration is the built-in plugin :mod:`.hooks`; export and
import of the files live in :mod:`.transfer`.
"""

from __future__ import annotations

from .models import Attachment

__all__ = ["Attachment"]
