"""The core's sections of a person's data download (see :mod:`.registry`); the partner
features add messages and contact entries through ``register_personal_data``.

What is about the person, and nothing else: their own messages but not the
other side's e-mail address, token names and prefixes but never a hash.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from ..auth.sso_accounts import links_of
from ..extensions import db
from ..models import ApiToken, AuditEvent, Item, Revision, User
from .registry import register_export


def profile(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "sectors": list(user.sectors or []),
        "organisation": user.organisation.name if user.organisation else None,
        "preferred_language": user.preferred_language,
        "active": user.active,
        "has_password": bool(user.password_hash),
        "created_at": user.created_at,
    }


def items(user: User) -> list[dict[str, Any]]:
    owned = db.session.scalars(select(Item).where(Item.owner_id == user.id).order_by(Item.id))
    return [{
        "id": item.id,
        "type": item.type,
        "status": item.status,
        "sector": item.sector,
        "organisation": item.organisation,
        "titles": {t.lang: t.title for t in item.translations},
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    } for item in owned]


def revisions(user: User) -> list[dict[str, Any]]:
    made = db.session.scalars(select(Revision).where(Revision.user_id == user.id)
                              .order_by(Revision.id))
    return [{
        "id": revision.id,
        "item_id": revision.item_id,
        "created_at": revision.created_at,
        "action": revision.action,
        "comment": revision.comment,
        "changed": list(revision.changed or []),
    } for revision in made]


def audit_events(user: User) -> list[dict[str, Any]]:
    events = db.session.scalars(
        select(AuditEvent).where(or_(AuditEvent.user_id == user.id,
                                     AuditEvent.subject == user.email))
        .order_by(AuditEvent.id))
    return [{
        "event": event.event,
        "created_at": event.created_at,
        "by_you": event.user_id == user.id,
        "subject": event.subject,
        "address": event.address,
        "details": event.details,
    } for event in events]


def api_tokens(user: User) -> list[dict[str, Any]]:
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.id))
    return [{
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    } for token in tokens]


def single_sign_on(user: User) -> list[dict[str, Any]]:
    return [{"issuer": link.issuer, "subject": link.subject, "created_at": link.created_at,
             "last_login_at": link.last_login_at} for link in links_of(user)]


def register_core() -> None:
    for name, fn in (("profile", profile), ("items", items), ("revisions", revisions),
                     ("audit_events", audit_events), ("api_tokens", api_tokens),
                     ("single_sign_on", single_sign_on)):
        register_export(name, fn)
