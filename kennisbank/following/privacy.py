"""Followed searches in the privacy registries: in a person's download, and gone
with their account (also through the foreign key; removing them here first keeps
deletion independent of the schema walk's order)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from ..extensions import changed_rows, db
from ..models import User
from .models import FollowedSearch
from .searches import describe, follows_of


def export_follows(user: User) -> list[dict[str, Any]]:
    """Each followed search: what it is, how often, since when, the last digest."""
    return [{"search": row.query,
             "organisation": row.organisation.name if row.organisation else None,
             "name": describe(row, user.preferred_language), "frequency": row.frequency,
             "created_at": row.created_at, "checked_until": row.checked_until,
             "last_sent_at": row.last_sent_at}
            for row in follows_of(user)]


def forget_follows(user: User) -> int:
    result = db.session.execute(delete(FollowedSearch).where(FollowedSearch.user_id == user.id)
                                .execution_options(synchronize_session=False))
    return changed_rows(result)
