"""Deleting one's own account, keeping what others rely on.

* Practices stay: their owner is cleared and, when they name no organisation,
  the person's organisation is written in, so they are attributed to it.
* Messages the person sent stay with their text, the sender anonymised;
  messages they received were theirs alone and go.
* Every other row that points at the account is found through the schema's
  foreign keys, so tables other features add are covered without a list here:
  a nullable reference is cleared, a row that cannot exist without the account
  (API tokens, single sign-on links, the inbox) is deleted.
* What features keep under the person's address rather than the account
  (sent mail, for one) goes through their ``register_forget`` functions.
* Sessions end because the account no longer exists (sessions name it).
* The last active administrator cannot delete their account: nobody could
  manage the site afterwards.

The deletion is recorded in the audit log without the person's address.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from ..auth import audit
from ..auth.accounts import AccountError
from ..content.service import queue_index
from ..extensions import changed_rows, db
from ..models import Item, User
from ..schema import import_models
from .registry import forget


def is_last_admin(user: User) -> bool:
    if user.role != "admin" or not user.active:
        return False
    others = db.session.scalar(select(func.count(User.id)).where(
        User.role == "admin", User.active.is_(True), User.id != user.id)) or 0
    return others == 0


def delete_account(user: User) -> dict[str, int]:
    """Delete ``user``'s account as described above; the caller commits.

    Returns how many practices were kept and how many messages were anonymised.
    :raises AccountError: the account is the last administrator's.
    """
    if is_last_admin(user):
        raise AccountError({"password": _(
            "You are the only administrator. Make someone else an administrator first.")})
    forget(user)
    user_id = user.id
    organisation = user.organisation.name if user.organisation is not None else None
    owned = list(db.session.scalars(select(Item).where(Item.owner_id == user_id)))
    for item in owned:
        item.owner_id = None
        if not item.organisation and organisation:
            item.organisation = organisation
        queue_index(item.id, "index")
    db.session.flush()
    counts = {"items_kept": len(owned), "messages_anonymised": _release_references(user_id)}
    db.session.expunge(user)
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.expire_all()
    audit.record("account_deleted", subject=f"user:{user_id}", **counts)
    return counts


def _release_references(user_id: int) -> int:
    """Clear or delete every row that refers to the account; returns the messages kept."""
    import_models()
    users = User.__table__
    kept_messages = 0
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table is not users or table is users:
                continue
            column = foreign_key.parent
            if column.nullable:
                result = db.session.execute(
                    update(table).where(column == user_id).values({column.name: None}))
                if table.name == "messages" and column.name == "sender_id":
                    kept_messages = changed_rows(result)
            else:
                db.session.execute(delete(table).where(column == user_id))
    return kept_messages
