"""Import and export in JSON Lines, one item a line (the format in the README).

Import is all or nothing: every line is parsed and validated before anything is
written, and one invalid line means nothing is imported, with every bad line
reported. An ``external_id`` already present updates that item, so importing
the same file twice changes nothing the second time, and export then import
round-trips. Lines with a ``kind`` key are no items but records of the
instance's synonym list (:mod:`kennisbank.synonyms.transfer`), imported in
the same transaction as the items.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from ..extensions import db
from ..models import Item, User
from ..synonyms.transfer import SynonymCounts, check_lines, is_record, save_sets
from .service import ValidationError, commit, item_to_data, save_item, validate

MAX_LINE_LENGTH = 2_000_000


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: dict[int, dict[str, str]] = field(default_factory=dict)
    #: The ids of the items saved (created, updated or unchanged).
    item_ids: list[int] = field(default_factory=list)
    #: What happened to the synonym list; ``None`` when the file held no synonym sets.
    synonyms: SynonymCounts | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        """One readable line per problem: ``line 3: translations.nl.title: A title is required.``"""
        return [
            _("line %(line)d: %(field)s: %(message)s", line=line, field=path, message=message)
            for line, problems in sorted(self.errors.items())
            for path, message in problems.items()
        ]


def parse_lines(lines: Iterable[str | bytes]) -> tuple[list[tuple[int, Any]], dict[int, dict]]:
    """Decode each non-blank line as JSON; returns ``(parsed, errors by line number)``."""
    parsed: list[tuple[int, Any]] = []
    errors: dict[int, dict[str, str]] = {}
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, bytes):
            try:
                # Editors on Windows save UTF-8 with a byte order mark on line 1.
                raw = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                errors[number] = {"line": _("Not valid UTF-8 text.")}
                continue
        elif number == 1:
            raw = raw.removeprefix("\ufeff")
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_LENGTH:
            errors[number] = {"line": _("Line is too long.")}
            continue
        try:
            parsed.append((number, json.loads(raw)))
        except (json.JSONDecodeError, RecursionError) as exc:
            message = getattr(exc, "msg", "nesting too deep")
            errors[number] = {"line": _("Not valid JSON: %(reason)s.", reason=message)}
    return parsed, errors


def import_items(lines: Iterable[str | bytes], *, user: User | None) -> ImportReport:
    """Validate every line, then save all of them in one transaction, or none."""
    report = ImportReport()
    parsed, report.errors = parse_lines(lines)
    if not parsed and not report.errors:
        report.errors[0] = {"file": _("The file contains no items.")}
        return report
    records = [(number, data) for number, data in parsed if is_record(data)]
    parsed = [(number, data) for number, data in parsed if not is_record(data)]
    synonym_sets, record_errors = check_lines(records)
    report.errors.update(record_errors)
    existing = _existing_by_external_id(parsed)
    seen: dict[str, int] = {}
    validated: list[tuple[dict[str, Any], Item | None]] = []
    for number, data in parsed:
        external_id = data.get("external_id") if isinstance(data, dict) else None
        if isinstance(external_id, str) and external_id:
            if external_id in seen:
                report.errors[number] = {
                    "external_id": _("Duplicate of line %(line)d.", line=seen[external_id])
                }
                continue
            seen[external_id] = number
        target = existing.get(external_id) if isinstance(external_id, str) else None
        try:
            clean = validate(data, item_id=target.id if target else None)
        except ValidationError as exc:
            report.errors[number] = exc.errors
            continue
        validated.append((clean, target))
    if report.errors:
        return report
    try:
        for clean, target in validated:
            before = item_to_data(target) if target is not None else None
            item = save_item(None, user=user, item=target, clean=clean, action="import")
            report.item_ids.append(item.id)
            if target is None:
                report.created += 1
            elif item_to_data(item) == before:
                report.unchanged += 1
            else:
                report.updated += 1
        if records:
            report.synonyms = save_sets(synonym_sets, user)
        commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _existing_by_external_id(parsed: list[tuple[int, Any]]) -> dict[str, Item]:
    ids = [
        data["external_id"]
        for _number, data in parsed
        if isinstance(data, dict) and isinstance(data.get("external_id"), str)
    ]
    if not ids:
        return {}
    found: dict[str, Item] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = db.session.execute(db.select(Item).where(Item.external_id.in_(chunk))).scalars()
        found.update({item.external_id: item for item in rows})
    return found


def export_lines(items: Iterable[Item]) -> Iterator[str]:
    """Each item as one JSON line (with its newline), in the import format."""
    for item in items:
        yield json.dumps(item_to_data(item), ensure_ascii=False, sort_keys=True) + "\n"

