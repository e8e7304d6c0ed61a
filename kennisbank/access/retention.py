"""Forgetting what was never confirmed, and what outlived its purpose.

``RETENTION_DAYS`` (default 30) after it was written, an access request or an
outside message whose e-mail address was never confirmed is deleted: the
person never proved the address, so there is nothing to keep it for. A
decided request (approved or declined) is deleted ``ACCESS_DECLINE_DAYS``
after the decision: until then a declined one keeps its address out of the
queue; an approved one lives on as the account itself.

:func:`purge_expired` is called by ``kennisbank access purge`` and by the
general privacy purge.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from ..extensions import changed_rows, db
from .models import AccessRequest, OutsideMessage


def purge_expired(now: datetime) -> dict[str, int]:
    """Delete expired rows as of ``now`` (timezone-aware UTC); returns counts by kind.

    The caller commits.
    """
    config = current_app.config
    unconfirmed_before = now - timedelta(days=float(config["RETENTION_DAYS"]))
    decided_before = now - timedelta(days=float(config["ACCESS_DECLINE_DAYS"]))
    requests = db.session.execute(delete(AccessRequest).where(
        AccessRequest.state == "unconfirmed", AccessRequest.created_at < unconfirmed_before))
    decided = db.session.execute(delete(AccessRequest).where(
        AccessRequest.state.in_(("approved", "declined")),
        AccessRequest.decided_at < decided_before))
    messages = db.session.execute(delete(OutsideMessage).where(
        OutsideMessage.confirmed_at.is_(None), OutsideMessage.created_at < unconfirmed_before))
    return {
        "unconfirmed_requests": changed_rows(requests),
        "decided_requests": changed_rows(decided),
        "unconfirmed_messages": changed_rows(messages),
    }
