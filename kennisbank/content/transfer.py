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
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import gettext as _

from ..extensions import db
from ..models import Item, User
from ..synonyms.transfer import SynonymCounts, check_lines, is_record, save_sets
from .service import ValidationError, commit, item_to_data, save_item, validate

MAX_LINE_LENGTH = 2_000_000
#: Lines checked, and items saved, per step: a step's objects are held at once.
BATCH_SIZE = 500
#: ``progress(stage, n)``: ``n`` more lines checked (``"check"``), items saved
#: (``"save"``) or items indexed (``"index"``, when the index is written in bulk).
Progress = Callable[[str, int], None]


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


class _BadLine(Exception):
    """A line that is not a JSON value; ``problems`` says why."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


def _parse_line(number: int, raw: str | bytes) -> Any:
    """The JSON value of one line; ``None`` for a blank line.

    :raises _BadLine: not UTF-8, too long or not JSON.
    """
    if isinstance(raw, bytes):
        try:
            # Editors on Windows save UTF-8 with a byte order mark on line 1.
            raw = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _BadLine({"line": _("Not valid UTF-8 text.")}) from None
    elif number == 1:
        raw = raw.removeprefix("\ufeff")
    if not raw.strip():
        return None
    if len(raw) > MAX_LINE_LENGTH:
        raise _BadLine({"line": _("Line is too long.")})
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        message = getattr(exc, "msg", "nesting too deep")
        raise _BadLine({"line": _("Not valid JSON: %(reason)s.", reason=message)}) from None


def parse_lines(lines: Iterable[str | bytes]) -> tuple[list[tuple[int, Any]], dict[int, dict]]:
    """Decode each non-blank line as JSON; returns ``(parsed, errors by line number)``."""
    parsed: list[tuple[int, Any]] = []
    errors: dict[int, dict[str, str]] = {}
    for number, raw in enumerate(lines, start=1):
        try:
            data = _parse_line(number, raw)
        except _BadLine as bad:
            errors[number] = bad.problems
            continue
        if data is not None:
            parsed.append((number, data))
    return parsed, errors


def import_items(lines: Iterable[str | bytes], *, user: User | None,
                 progress: Progress | None = None) -> ImportReport:
    """Validate every line, then save all of them in one transaction, or none.

    The lines are read once, as they come (a file, standard input, a request
    body): each batch is parsed and validated, and what passed is kept in a
    temporary file, not in memory, so a file of any length imports in
    bounded memory. Only when every line passed are the items saved, a batch
    at a time inside the one transaction, each batch's objects let go of
    after it is flushed; a large import is then indexed in bulk, as a
    rebuild is (``search.outbox.drain``). ``progress`` follows each stage.
    """
    report = ImportReport()
    tell: Progress = progress or (lambda stage, n: None)
    with tempfile.TemporaryFile(prefix="kennisbank-import-") as staged:
        records, count = _check(lines, report, staged, tell)
        if not count and not records and not report.errors:
            report.errors[0] = {"file": _("The file contains no items.")}
        synonym_sets, record_errors = check_lines(records)
        report.errors.update(record_errors)
        if report.errors:
            return report
        staged.seek(0)
        try:
            _save(staged, count, report, user, tell)
            if records:
                report.synonyms = save_sets(synonym_sets, user)
            commit(lambda n: tell("index", n))
        except Exception:
            db.session.rollback()
            raise
    return report


def _batches(lines: Iterable[str | bytes]) -> Iterator[list[tuple[int, str | bytes]]]:
    batch: list[tuple[int, str | bytes]] = []
    for numbered in enumerate(lines, start=1):
        batch.append(numbered)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _check(lines: Iterable[str | bytes], report: ImportReport, staged: IO[bytes],
           tell: Progress) -> tuple[list[tuple[int, Any]], int]:
    """Parse and validate every line into ``report.errors``; each valid item
    goes to ``staged`` as ``(clean data, id of the item it updates)``.
    Returns the synonym records (few, kept) and the number of items staged."""
    records: list[tuple[int, Any]] = []
    seen: dict[str, int] = {}
    count = 0
    for batch in _batches(lines):
        parsed: list[tuple[int, Any]] = []
        for number, raw in batch:
            try:
                data = _parse_line(number, raw)
            except _BadLine as bad:
                report.errors[number] = bad.problems
                continue
            if data is not None:
                (records if is_record(data) else parsed).append((number, data))
        existing = _existing_ids(parsed)
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
                clean = validate(data, item_id=target)
            except ValidationError as exc:
                report.errors[number] = exc.errors
                continue
            if not report.errors:  # after the first error nothing will be saved
                pickle.dump((clean, target), staged, protocol=pickle.HIGHEST_PROTOCOL)
                count += 1
        tell("check", len(batch))
    return records, count


def _save(staged: IO[bytes], count: int, report: ImportReport, user: User | None,
          tell: Progress) -> None:
    """Save the staged items a batch at a time (the caller commits)."""
    for start in range(0, count, BATCH_SIZE):
        batch = [pickle.load(staged) for _ in range(min(BATCH_SIZE, count - start))]  # nosec B301: an unnamed temporary file this process wrote
        ids = [target for _clean, target in batch if target is not None]
        targets = {item.id: item for item in db.session.scalars(
            db.select(Item).where(Item.id.in_(ids)))} if ids else {}
        for clean, target_id in batch:
            target = targets.get(target_id) if target_id is not None else None
            before = item_to_data(target) if target is not None else None
            item = save_item(None, user=user, item=target, clean=clean, action="import")
            report.item_ids.append(item.id)
            if target is None:
                report.created += 1
            elif item_to_data(item) == before:
                report.unchanged += 1
            else:
                report.updated += 1
        db.session.flush()
        _let_go(user)
        tell("save", len(batch))


def _let_go(user: User | None) -> None:
    """Stop tracking the flushed objects of a batch (they stay in the
    transaction), so the session does not grow with the file."""
    for obj in list(db.session.identity_map.values()):
        if obj is not user and obj in db.session:  # expunging an item takes its parts along
            db.session.expunge(obj)


def _existing_ids(parsed: list[tuple[int, Any]]) -> dict[str, int]:
    """The ids of the items already holding the external ids of ``parsed``."""
    wanted = [
        data["external_id"]
        for _number, data in parsed
        if isinstance(data, dict) and isinstance(data.get("external_id"), str)
    ]
    if not wanted:
        return {}
    rows = db.session.execute(db.select(Item.external_id, Item.id)
                              .where(Item.external_id.in_(wanted)))
    return {external_id: item_id for external_id, item_id in rows}


def export_lines(items: Iterable[Item]) -> Iterator[str]:
    """Each item as one JSON line (with its newline), in the import format."""
    for item in items:
        yield json.dumps(item_to_data(item), ensure_ascii=False, sort_keys=True) + "\n"

