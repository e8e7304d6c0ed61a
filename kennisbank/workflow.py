"""The editorial workflow: draft -> review -> published -> archived.

A contributor writes a draft and submits it (and may withdraw the submission
to change it again); an editor of the item's sector publishes it or returns it
to the author with a comment; a published item can be archived, and an
archived one published again. Every step is a save through
:func:`kennisbank.content.service.change_status`, so the revision keeps who
moved the item, when and why, and ``item_published`` fires once per
publication. Who may take a step is the policy's answer
(:func:`kennisbank.auth.policy.can`); whether the step fits the item's
current status is this module's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false

from .auth import audit
from .auth.policy import can
from .content.service import change_status
from .models import Item, User

MAX_COMMENT_LENGTH = 2000
COMMENT_LABEL = _l("Comment")

STATUS_LABELS: dict[str, Any] = {
    "draft": _l("Draft"),
    "review": _l("In review"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}


@dataclass(frozen=True)
class Transition:
    """One workflow step: the policy action it needs, where it starts and ends."""

    action: str
    sources: frozenset[str]
    target: str
    label: Any
    done: Any
    audit_event: str
    needs_comment: bool = False
    #: What the comment box says to the person taking this step; none: no comment box.
    comment_hint: Any = None
    #: The comment box's label for this step (whom the comment is for).
    comment_label: Any = COMMENT_LABEL


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", frozenset({"draft"}), "review", _l("Submit for review"),
                   _l("The item has been submitted for review."), "item_submitted",
                   comment_hint=_l("A note for the editor who reviews it (optional)."),
                   comment_label=_l("Note for the editor")),
        Transition("publish", frozenset({"draft", "review", "archived"}), "published",
                   _l("Publish"), _l("The item has been published."), "item_published"),
        Transition("return", frozenset({"review"}), "draft", _l("Return to author"),
                   _l("The item has been returned to its author."), "item_returned",
                   needs_comment=True,
                   comment_hint=_l("Tell the author what to change. Required when you "
                                   "return the item to its author."),
                   comment_label=_l("Comment for the author")),
        Transition("archive", frozenset({"published"}), "archived", _l("Archive"),
                   _l("The item has been archived."), "item_archived"),
        # After "return": a direct review -> draft change (API, import) stays an
        # editor's "return" in required_action; withdrawing is the author's own step.
        Transition("withdraw", frozenset({"review"}), "draft", _l("Withdraw from review"),
                   _l("The item is a draft again: you can change it and submit it again."),
                   "item_withdrawn"),
    )
}

#: Revision actions as people read them in the history.
ACTION_LABELS: dict[str, Any] = {
    "create": _l("Created"),
    "save": _l("Saved"),
    "import": _l("Imported"),
    "revert": _l("Earlier version restored"),
    "submit": _l("Submitted for review"),
    "publish": _l("Published"),
    "return": _l("Returned to author"),
    "archive": _l("Archived"),
    "withdraw": _l("Withdrawn from review by the author"),
}


class TransitionError(Exception):
    """A step that does not fit: wrong status, or a missing comment.

    ``field`` names the form field the message belongs to, if any.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def fits(transition: Transition, item: Item) -> bool:
    """Whether the step can start from the item's current status."""
    return item.status in transition.sources


def available(user: Any, item: Item) -> list[Transition]:
    """The steps ``user`` may take on ``item`` now, in workflow order."""
    return [t for t in TRANSITIONS.values() if fits(t, item) and can(user, t.action, item)]


def required_action(old_status: str | None, new_status: str) -> str | None:
    """The policy action a direct status change needs (for forms and the API).

    A new item (``old_status`` ``None``) may start as a draft with ``create``
    rights only; otherwise the step that leads there decides, and a change no
    step makes (withdrawing a published item to draft) needs an editor's
    rights, the same as ``publish``.
    """
    if old_status == new_status or (old_status is None and new_status == "draft"):
        return None
    for transition in TRANSITIONS.values():
        starts = old_status is None or old_status in transition.sources
        if transition.target == new_status and starts:
            return transition.action
    return "publish"


def apply(item: Item, action: str, *, user: User, comment: str = "") -> Item:
    """Take workflow step ``action`` on ``item``; the caller commits.

    :raises PermissionError: the policy says no (callers check first and
        answer 401/403/404; this is the safety net).
    :raises TransitionError: the step does not fit the status, or the comment
        is missing or too long.
    :raises kennisbank.content.validation.ValidationError: the item is not
        complete enough for review or publication (type rules, plugin hooks).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValueError(f"unknown workflow step {action!r}")
    if not can(user, action, item):
        raise PermissionError(f"{user!r} may not {action} {item!r}")
    if not fits(transition, item):
        raise TransitionError(
            _("This step is not possible now: the item is %(status)s.",
              status=status_label(item.status).lower())
        )
    comment = comment.strip()
    if transition.needs_comment and not comment:
        raise TransitionError(
            _("Enter a comment that tells the author what to change before you return the item."),
            field="comment",
        )
    if len(comment) > MAX_COMMENT_LENGTH:
        raise TransitionError(
            _("Use at most %(max)d characters.", max=MAX_COMMENT_LENGTH), field="comment"
        )
    old_status = item.status
    change_status(item, transition.target, user=user, action=action, comment=comment)
    audit.record(transition.audit_event, user=user, subject=f"item:{item.id}",
                 old_status=old_status, new_status=transition.target)
    return item


def last_step(item: Item, action: str) -> Any:
    """The latest revision made by workflow step ``action``, or ``None``."""
    for revision in reversed(item.revisions):
        if revision.action == action:
            return revision
    return None


def last_return_comment(item: Item) -> str | None:
    """The editor's comment when the item was last returned and not resubmitted since."""
    for revision in reversed(item.revisions):
        if revision.action == "return":
            return revision.comment
        if revision.action in ("submit", "publish"):
            return None
    return None


def lock_reason(user: Any, item: Item) -> str | None:
    """Why the item's author may not change it now, or ``None`` (they may, or
    it is not theirs). Shown instead of a bare 403 on the edit pages."""
    if can(user, "edit", item) or getattr(user, "id", None) != item.owner_id:
        return None
    if item.status == "review":
        return _("This item is in review: it cannot be changed while an editor reviews it. "
                 "Withdraw it from review to make it a draft again, then change it and "
                 "submit it again.")
    if item.status == "published":
        return _("This item is published: only an editor of its sector can change it now. "
                 "Write to an editor if something needs correcting.")
    return _("This item is archived: only an editor of its sector can change it now.")


def status_note(user: Any, item: Item) -> str:
    """One sentence for the item page's status panel: where the item stands and
    what this person can do about it."""
    owner = getattr(user, "id", None) == item.owner_id
    reviewer = can(user, "publish", item)
    if item.status == "draft":
        if owner:
            return _("This is a draft: only you and the editors of its sector can see it. "
                     "Submit it for review when it is ready.")
        return _("This is a draft: its author has not submitted it for review yet.")
    if item.status == "review":
        if reviewer:
            return _("This item awaits review: publish it, or return it to its author "
                     "with a comment.")
        return _("This item is in review. An editor of its sector will publish it or "
                 "return it to you with a comment. You cannot change it meanwhile; "
                 "withdraw it from review if you want to change something.")
    if item.status == "published":
        return _("This item is published: everyone who may read the Kennisbank sees it.")
    return _("This item is archived: it no longer appears in search results and lists.")


def in_review_for(user: Any) -> ColumnElement[bool]:
    """Items waiting for this person's review: in review, in an editor's sectors
    (an admin's: everywhere). The review queue and its count use it."""
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    if role == "admin":
        return Item.status == "review"
    if role == "editor" and user.sectors:
        return and_(Item.status == "review", Item.sector.in_(sorted(user.sectors)))
    return false()
