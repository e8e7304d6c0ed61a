"""Revision history: readable differences per field and language, and restore.

Each revision keeps the whole item (its snapshot, in the import format), so a
difference is computed between two snapshots when someone looks, and a restore
saves an old snapshot again, as a new revision on top of the history: nothing
is ever rewritten. Differences speak the form's language: the same field
labels ("Title (Dutch)"), choices by their labels, no internal identifiers;
attachments added or removed are kept with the revision (:func:`record_files`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .auth import audit
from .content.registry import current_registry
from .content.service import item_to_data, restore_snapshot
from .content.types import Field, label_in
from .content.vocab import country_name
from .extensions import db
from .i18n import language_name
from .models import Item, Revision, User
from .workflow import action_label, status_label

CORE_LABELS: dict[str, Any] = {
    "type": _l("Content type"),
    "status": _l("Status"),
    "sector": _l("Sector"),
    "city": _l("City"),
    "country": _l("Country"),
    "themes": _l("Themes"),
    "tags": _l("Tags"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "organisation": _l("Organisation"),
    "title": _l("Title"),
    "summary": _l("Summary"),
    "body": _l("Description"),
}
#: Above this many token comparisons a word diff gets slow; compare lines instead.
WORD_DIFF_LIMIT = 4_000_000
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class Segment:
    """A run of text that is unchanged (``equal``), removed or added."""

    kind: str
    text: str


@dataclass
class FieldChange:
    """One field in one language that differs between two versions."""

    key: str
    label: str
    lang: str | None
    old: str
    new: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class HistoryEntry:
    """A revision with what it changed compared with the one before."""

    revision: Revision
    #: What happened, as people say it ("Created" for an item's first version).
    label: str
    changes: list[FieldChange]
    is_current: bool
    #: Whether restoring it would change the content (it differs from the latest).
    restorable: bool
    #: Names of the attachments this revision added and removed.
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)


def diff_text(old: str, new: str) -> list[Segment]:
    """Word-level differences, so a changed word in a long text is easy to find."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    if len(a) * len(b) > WORD_DIFF_LIMIT:
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return segments


def _show(key: str, value: Any, lang: str) -> str:
    """A stored core value as a reader would recognise it: labels for codes,
    lists joined (a type's fields are shown by their kind: :func:`_show_value`)."""
    if value is None or value == "" or value == []:
        return ""
    registry = current_registry()
    if key == "status":
        return status_label(value)
    if key == "sector":
        return registry.sector_label(value, lang)
    if key == "type":
        return registry.type_label(value, lang)
    if key == "country":
        return country_name(value, lang)
    if key == "themes":
        return ", ".join(registry.theme_label(code, lang) for code in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _show_value(type_name: str | None, name: str, value: Any, lang: str) -> str:
    """A type's field value as its kind writes it in plain text; else :func:`_show`."""
    fld = _field(type_name, name)
    if fld is None or value is None or value == "" or value == [] or value == {}:
        return _show(name, value, lang)
    try:
        return current_registry().kind(fld.kind).plain_text(value, fld, lang)
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError):
        return str(value)  # saved under an earlier definition of the field


def _field(type_name: str | None, name: str) -> Field | None:
    ctype = current_registry().type(type_name or "")
    return ctype.field(name) if ctype is not None else None


def _field_label(type_name: str | None, name: str, lang: str, text_lang: str | None = None) -> str:
    """The label the item form uses: the type's label, or the core one, with the
    text's language as on the form ("Title (Dutch)")."""
    fld = _field(type_name, name)
    label = label_in(fld.label, lang, name) if fld is not None else str(CORE_LABELS.get(name, name))
    if text_lang is None:
        return label
    return _("%(label)s (%(language)s)", label=label, language=language_name(text_lang, lang))


def _change(key: str, label: str, lang: str | None, old: str, new: str) -> FieldChange:
    return FieldChange(key, label, lang, old, new, diff_text(old, new))


def snapshot_changes(
    before: dict[str, Any] | None, after: dict[str, Any], lang: str
) -> list[FieldChange]:
    """What differs between two snapshots, shared fields first, then per language.

    :param before: the earlier snapshot, or ``None`` for an item's first revision.
    :param lang: the reader's language, for labels and displayed codes.
    """
    before = before or {}
    type_name = after.get("type") or before.get("type")
    changes: list[FieldChange] = []
    for key in CORE_LABELS:
        if key in ("title", "summary", "body"):
            continue
        old, new = _show(key, before.get(key), lang), _show(key, after.get(key), lang)
        if old != new:
            changes.append(_change(key, str(CORE_LABELS[key]), None, old, new))
    old_fields, new_fields = before.get("fields") or {}, after.get("fields") or {}
    for name in _ordered(old_fields, new_fields):
        old = _show_value(type_name, name, old_fields.get(name), lang)
        new = _show_value(type_name, name, new_fields.get(name), lang)
        if old != new:
            changes.append(
                _change(f"fields.{name}", _field_label(type_name, name, lang), None, old, new)
            )
    old_tr, new_tr = before.get("translations") or {}, after.get("translations") or {}
    for text_lang in sorted(old_tr.keys() | new_tr.keys()):
        old_text, new_text = old_tr.get(text_lang) or {}, new_tr.get(text_lang) or {}
        for name in _ordered(old_text, new_text):
            old = _show_value(type_name, name, old_text.get(name), lang)
            new = _show_value(type_name, name, new_text.get(name), lang)
            if old != new:
                label = _field_label(type_name, name, lang, text_lang)
                changes.append(
                    _change(f"translations.{text_lang}.{name}", label, text_lang, old, new)
                )
    return changes


def _ordered(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Title, summary and body first, then the type's fields in the order seen."""
    names = list(dict.fromkeys([*new, *old]))
    first = [n for n in ("title", "summary", "body") if n in names]
    return first + [n for n in names if n not in first]


def history(item: Item, lang: str) -> list[HistoryEntry]:
    """Every revision of ``item``, newest first, each with its changes."""
    entries: list[HistoryEntry] = []
    previous: dict[str, Any] | None = None
    revisions = list(item.revisions)
    latest = content_of(revisions[-1].snapshot) if revisions else {}
    for index, revision in enumerate(revisions):
        changes = snapshot_changes(previous, revision.snapshot, lang)
        is_current = index == len(revisions) - 1
        restorable = not is_current and content_of(revision.snapshot) != latest
        files = revision.files or {}
        action = "create" if index == 0 and revision.action == "save" else revision.action
        entries.append(HistoryEntry(revision, action_label(action), changes, is_current,
                                    restorable,
                                    list(files.get("added") or []),
                                    list(files.get("removed") or [])))
        previous = revision.snapshot
    entries.reverse()
    return entries


def record_files(item: Item, *, user: User | None, added: list[str], removed: list[str]) -> None:
    """Note attachments a save added or removed in the history; the caller commits.

    They join the revision this save made (a change of content too), or make a
    revision of their own when only files changed: an upload is always traced.
    """
    if not added and not removed:
        return
    files = {"added": list(added), "removed": list(removed)}
    db.session.flush()
    latest = item.revisions[-1] if item.revisions else None
    if latest is not None and latest in db.session.new:
        latest.files = files
        return
    db.session.add(Revision(item=item, user=user, action="save", comment="", changed=[],
                            snapshot=item_to_data(item), files=files))


def content_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without the workflow status: what a restore brings back."""
    return {k: v for k, v in snapshot.items() if k not in ("status", "external_id")}


def revert(item: Item, revision: Revision, *, user: User) -> bool:
    """Restore ``revision``'s content as a new revision; the caller commits.

    :return: ``False`` when the item has that content already (nothing saved).
    :raises ValueError: the revision belongs to another item.
    :raises kennisbank.content.validation.ValidationError: today's rules refuse it.
    """
    if revision.item_id != item.id:
        raise ValueError("revision of another item")
    if content_of(item_to_data(item)) == content_of(revision.snapshot):
        return False
    # The comment is stored once and read in either language: a date, not a sentence.
    restore_snapshot(item, revision.snapshot, user=user,
                     comment=f"\u2190 {revision.created_at:%Y-%m-%d %H:%M} UTC")
    audit.record("item_reverted", user=user, subject=f"item:{item.id}", revision=revision.id)
    return True
