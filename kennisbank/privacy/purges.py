"""The core's retention clean-up: the security log after ``AUDIT_RETENTION_DAYS``."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from ..extensions import changed_rows, db
from ..models import AuditEvent
from .registry import register_purge
from .statement import audit_retention_days


def purge_audit_events(now: datetime) -> int:
    """Remove security-log events older than the retention period."""
    cutoff = (now - timedelta(days=audit_retention_days())).replace(tzinfo=None)
    result = db.session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    return changed_rows(result)


def register_core() -> None:
    register_purge("audit_events", purge_audit_events)
