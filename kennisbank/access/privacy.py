"""What the way in keeps about a person with an account, for the data download and
account deletion (the privacy feature registers these two functions).

An account made by approving a request keeps that request (``AccessRequest.user``):
what the person wrote about themselves is theirs to download and goes with the
account. Replies they mailed to outside senders are theirs too; when the
account goes, each reply stays for its outside conversation, without a sender.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select

from ..extensions import db
from ..models import User
from .models import AccessRequest, OutsideReply


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def export_for(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's access requests and their replies to people without an account."""
    requests = db.session.scalars(
        select(AccessRequest).where(or_(AccessRequest.user_id == user.id,
                                        AccessRequest.email == user.email))
        .order_by(AccessRequest.id))
    replies = db.session.scalars(
        select(OutsideReply).where(OutsideReply.sender_id == user.id).order_by(OutsideReply.id))
    return {
        "access_requests": [{
            "created_at": _when(r.created_at), "state": r.state, "name": r.name,
            "email": r.email, "organisation": r.organisation_label, "city": r.city,
            "function": r.function, "reason": r.reason, "language": r.language,
            "decided_at": _when(r.decided_at), "decision_reason": r.decision_reason,
            "role": r.role,
        } for r in requests],
        "replies_to_people_without_an_account": [{
            "created_at": _when(r.created_at), "to": r.outside_message.name,
            "subject": r.subject, "body": r.body, "shared_email": r.shared_email,
        } for r in replies],
    }


def forget(user: User) -> None:
    """Delete the person's access requests; the caller deletes the account and commits."""
    db.session.execute(delete(AccessRequest).where(or_(AccessRequest.user_id == user.id,
                                                       AccessRequest.email == user.email)))
