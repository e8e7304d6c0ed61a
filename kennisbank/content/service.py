"""Saving and deleting items: the single place where content changes.

Every change goes through here, whatever its source (form, API, import, CLI),
so each one is validated the same way, keeps a revision, queues its search
update in the same transaction (the outbox), and fires the lifecycle hooks.
Callers commit with :func:`commit`, which also lets the index catch up.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import IndexTask, Item, ItemTranslation, Revision, User, utcnow
from ..plugins import HookError, current_plugins
from .registry import current_registry
from .validation import ValidationError, validate_item_data

SEARCH_EXTENSION_KEY = "kennisbank.search"
#: ``session.info`` key of :func:`commit`'s ``progress`` while it commits.
INDEX_PROGRESS_KEY = "kennisbank.search.progress"


def item_to_data(item: Item) -> dict[str, Any]:
    """The item in the import/export format (JSON-ready)."""
    return {
        "external_id": item.external_id,
        "type": item.type,
        "status": item.status,
        "sector": item.sector,
        "city": item.city,
        "country": item.country,
        "themes": list(item.themes or []),
        "tags": list(item.tags or []),
        "start_date": _iso(item.start_date),
        "end_date": _iso(item.end_date),
        "organisation": item.organisation,
        "fields": dict(item.fields or {}),
        "translations": {
            t.lang: {"title": t.title, "summary": t.summary, "body": t.body, **(t.fields or {})}
            for t in sorted(item.translations, key=lambda t: t.lang)
        },
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _apply(item: Item, clean: dict[str, Any]) -> None:
    """Copy clean data onto ``item`` (new or existing), translations included."""
    ctype = current_registry().types[clean["type"]]
    translatable = {f.name for f in ctype.translatable_fields}
    item.type = clean["type"]
    item.status = clean["status"]
    item.sector = clean["sector"]
    item.external_id = clean.get("external_id") or item.external_id or new_external_id()
    item.city = clean.get("city")
    item.country = clean.get("country")
    item.organisation = clean.get("organisation")
    item.themes = clean.get("themes", [])
    item.tags = clean.get("tags", [])
    item.start_date = _date(clean.get("start_date"))
    item.end_date = _date(clean.get("end_date"))
    item.fields = clean.get("fields", {})
    existing = {t.lang: t for t in item.translations}
    wanted = clean.get("translations", {})
    for lang, text in wanted.items():
        translation = existing.get(lang) or ItemTranslation(lang=lang)
        translation.title = text["title"]
        translation.summary = text.get("summary", "")
        translation.body = text.get("body", "")
        translation.fields = {k: v for k, v in text.items() if k in translatable}
        if lang not in existing:
            item.translations.append(translation)
    for lang, translation in existing.items():
        if lang not in wanted:
            item.translations.remove(translation)


def new_external_id() -> str:
    """A stable id for items created here, so export and re-import update, not duplicate."""
    return f"kb-{uuid.uuid4().hex[:16]}"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def preview_item(clean: dict[str, Any], item_id: int | None = None) -> Item:
    """A transient item built from clean data, for the ``validate_item`` hook.

    It is never added to the session, so a refusal leaves nothing behind.
    """
    preview = Item(id=item_id, translations=[])
    _apply(preview, clean)
    return preview


def validate(data: Any, *, item_id: int | None = None, strict: bool = True) -> dict[str, Any]:
    """Field rules of the type, then the plugins' ``validate_item`` hooks.

    :raises ValidationError: every problem found.
    """
    clean = validate_item_data(data, current_registry(), strict=strict)
    problems: dict[str, str] = {}
    try:
        results = current_plugins().call("validate_item", item=preview_item(clean, item_id))
    except HookError as exc:
        # A check that could not run is a refusal (it is a veto hook); the
        # log names the plugin, the reader gets nothing internal.
        raise ValidationError({"item": _(
            "This item could not be checked, so it was not saved. Please try again "
            "later, or tell an administrator if it keeps happening.")}) from exc
    for result in results:
        for key, message in (result or {}).items():
            problems.setdefault(str(key), str(message))
    if problems:
        raise ValidationError(problems)
    return clean


def save_item(
    data: Any,
    *,
    user: User | None,
    item: Item | None = None,
    strict: bool = True,
    action: str = "save",
    comment: str = "",
    clean: dict[str, Any] | None = None,
) -> Item:
    """Validate and save one item; the caller commits (see :func:`commit`).

    :param item: the item to update, or ``None`` to create one owned by ``user``.
    :param clean: data already validated by :func:`validate` (import validates
        a whole file first and must not run the hooks twice).
    :raises ValidationError: nothing is changed.
    """
    if clean is None:
        clean = validate(data, item_id=item.id if item else None, strict=strict)
    created = item is None
    before = {} if item is None else item_to_data(item)
    was_published = item is not None and item.status == "published"
    was_learned_from = was_published and _bilingual(before["translations"])
    if item is None:
        item = Item(owner=user, translations=[])
        db.session.add(item)
    _apply(item, clean)
    now = utcnow()
    published_now = item.status == "published" and not was_published
    if published_now:
        item.published_at = now
    db.session.flush()
    after = item_to_data(item)
    changed = sorted(_changed_keys(before, after))
    if created or changed:
        # Only a real change counts as an update: re-importing the same file
        # must leave "recently updated" lists and feeds alone.
        item.updated_at = now
        db.session.add(
            Revision(item=item, user=user, action=action, comment=comment,
                     changed=changed, snapshot=after)
        )
        queue_index(item.id, "index")
        if was_learned_from or (item.status == "published" and _bilingual(after["translations"])):
            _lexicon_changed()
    # Lifecycle events never break a save: a failing plugin is logged, named.
    plugins = current_plugins()
    plugins.contain("item_saved", item=item, created=created)
    if published_now:
        plugins.contain("item_published", item=item)
    return item


def _changed_keys(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """Top-level keys, ``fields.<name>`` and ``translations.<lang>.<name>`` that differ."""
    changed: set[str] = set()
    for key in after.keys() | before.keys():
        old, new = before.get(key), after.get(key)
        if key in ("fields", "translations"):
            continue
        if old != new:
            changed.add(key)
    old_fields, new_fields = before.get("fields") or {}, after.get("fields") or {}
    for name in old_fields.keys() | new_fields.keys():
        if old_fields.get(name) != new_fields.get(name):
            changed.add(f"fields.{name}")
    old_tr, new_tr = before.get("translations") or {}, after.get("translations") or {}
    for lang in old_tr.keys() | new_tr.keys():
        old_text, new_text = old_tr.get(lang) or {}, new_tr.get(lang) or {}
        for name in old_text.keys() | new_text.keys():
            if old_text.get(name) != new_text.get(name):
                changed.add(f"translations.{lang}.{name}")
    return changed


def delete_item(item: Item) -> None:
    """Delete an item; its search entry goes in the same transaction."""
    current_plugins().contain("item_deleted", item=item)
    queue_index(item.id, "delete")
    if item.status == "published" and _bilingual([t.lang for t in item.translations]):
        _lexicon_changed()
    db.session.delete(item)


def _bilingual(languages: Any) -> bool:
    return {"nl", "en"} <= set(languages)


def _lexicon_changed() -> None:
    """A published item in both languages changed, was published or went: the
    search lexicon learns its term pairs from those (``search.lexicon``), so
    it is out of date from this transaction on."""
    search = current_app.extensions.get(SEARCH_EXTENSION_KEY)
    if search is not None:
        search.lexicon_changed(db.session)


def queue_index(item_id: int, action: str) -> None:
    """Have the search index follow this item's change, inside the caller's
    transaction: as an outbox row (Whoosh), or as the search row itself,
    written just before the commit (PostgreSQL)."""
    search = current_app.extensions.get(SEARCH_EXTENSION_KEY)
    if search is not None:
        search.queue(db.session, item_id, action)
    else:
        db.session.add(IndexTask(item_id=item_id, action=action))


def commit(progress: Callable[[int], None] | None = None) -> None:
    """Commit the transaction, then let the search index apply the outbox
    (``progress(n)``: ``n`` more items indexed, when that is done in bulk, or
    as the commit writes them).

    The index update runs after the commit on purpose: if it fails, the
    outbox rows are still there and are applied on the next commit or by
    ``kennisbank check-index``; nothing saved is lost. So does relearning the
    lexicon's term pairs when the commit changed a bilingual published item.
    """
    if progress is not None:
        # A backend that writes its rows inside the commit (PostgreSQL) reports here.
        db.session.info[INDEX_PROGRESS_KEY] = progress
    try:
        db.session.commit()
    finally:
        db.session.info.pop(INDEX_PROGRESS_KEY, None)
    search = current_app.extensions.get(SEARCH_EXTENSION_KEY)
    if search is not None:
        search.drain(progress)


__all__ = [
    "ValidationError",
    "commit",
    "delete_item",
    "item_to_data",
    "queue_index",
    "save_item",
    "validate",
]


def change_status(
    item: Item, status: str, *, user: User | None, action: str, comment: str = ""
) -> Item:
    """Move ``item`` to ``status`` as a save, so a workflow step gets what every save gets:
    a revision (who, when, why), the search outbox and the lifecycle hooks, with
    ``item_published`` fired by :func:`save_item` exactly when the item becomes published.

    Moving towards publication (``review``, ``published``) validates the item
    again, type rules and ``validate_item`` hooks alike, because plugins may ask
    more of a published item (evidence, a second language). Moving away from it
    (``draft``, ``archived``) does not: a rule added since must not keep an
    editor from taking an item offline. The caller checks permissions and commits.

    :raises ValidationError: the item may not have that status yet; nothing changed.
    """
    data = {**item_to_data(item), "status": status}
    clean = validate(data, item_id=item.id) if status in ("review", "published") else data
    return save_item(data, user=user, item=item, action=action, comment=comment, clean=clean)


def restore_snapshot(
    item: Item, snapshot: dict[str, Any], *, user: User | None, comment: str = ""
) -> Item:
    """Bring back an earlier revision's content as a new revision.

    The workflow status and the external id stay as they are: restoring text is
    an edit, not a publication or withdrawal. The snapshot is validated like
    any input, because the content types may have changed since it was taken.

    :raises ValidationError: the old content no longer passes today's rules.
    """
    data = {**snapshot, "status": item.status, "external_id": item.external_id}
    clean = validate(data, item_id=item.id)
    return save_item(data, user=user, item=item, action="revert", comment=comment, clean=clean)
