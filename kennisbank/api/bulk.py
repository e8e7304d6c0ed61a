"""``POST /api/v1/import`` and ``GET /api/v1/export``: JSON Lines, for editors and admins.

Both speak the format of the CLI (``kennisbank import``/``export``; one item a
line, see the README) and use the same code: an import is
:func:`kennisbank.content.transfer.import_items`, all or nothing, with every
bad line reported; an export streams :func:`~kennisbank.content.transfer.export_lines`
over the items the caller may see, so exporting from one instance and
importing into another reproduces the items.

Before the import runs, each line is read as strictly as a single ``POST
/items`` body (no NaN, no unstorable text, the item schema of
:mod:`.schemas`), because the API promises that schema for items however
they arrive. An editor may import only what they could do by hand: drafts,
changes to items they may edit, and other statuses only in their own
sectors. Nothing is saved unless every line passes. Lines with a ``kind``
key are synonym sets (:mod:`kennisbank.synonyms.transfer`): they need
``manage_synonyms``, and an export ends with them for a caller who has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, jsonify, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..auth.policy import can, visibility
from ..content.registry import current_registry
from ..content.service import validate
from ..content.transfer import export_lines, import_items
from ..content.validation import ValidationError
from ..extensions import db
from ..models import Item, User
from ..synonyms.transfer import check_lines, is_record
from ..synonyms.transfer import export_lines as synonym_lines
from ..workflow import required_action
from . import bp
from .errors import (
    ApiError,
    checked_lang,
    parse_json,
    raw_body,
    require_content_type,
    unauthorized,
    writer,
)
from .items import list_filters
from .schemas import check_item

JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")
EXPORT_BATCH = 200


def _refuse_lines(status: int, message: str, errors: dict[int, dict[str, str]]) -> Response:
    """Problems by line: ``errors`` as ``{"3.translations.nl.title": message}`` (line 0 is
    the file as a whole), and ``lines`` as ``{"3": {"translations.nl.title": message}}``."""
    response = jsonify({
        "error": message,
        "errors": {
            f"{line}.{path}": text
            for line, problems in sorted(errors.items())
            for path, text in problems.items()
        },
        "lines": {str(line): problems for line, problems in sorted(errors.items())},
    })
    response.status_code = status
    return response


def _parse(lines: list[bytes]) -> tuple[list[tuple[int, Any]], dict[int, dict[str, str]]]:
    """Each non-blank line as JSON, read as strictly as a single item's body is.

    The CLI's reader takes NaN and numbers of any length; here those lines are
    refused, like text no database can store, before they reach the import.
    """
    parsed: list[tuple[int, Any]] = []
    errors: dict[int, dict[str, str]] = {}
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            errors[number] = {"line": _("Not valid UTF-8 text.")}
            continue
        if not text.strip():
            continue
        try:
            parsed.append((number, parse_json(text)))
        except ValueError as exc:
            errors[number] = {"line": _("Not valid JSON: %(reason)s.",
                                        reason=str(exc).rstrip("."))}
    return parsed, errors


def _schema_problems(parsed: list[tuple[int, Any]]) -> dict[int, dict[str, str]]:
    """Each line held to the item schema, as ``POST /items`` holds a body (see :mod:`.schemas`)."""
    problems: dict[int, dict[str, str]] = {}
    for number, data in parsed:
        if is_record(data):
            continue  # a synonym set: held to its rules with the content (_content_problems)
        try:
            if not isinstance(data, dict):
                raise ValidationError({"item": _("An item must be a JSON object.")})
            check_item(data)
        except ValidationError as exc:
            problems[number] = exc.errors
    return problems


def _content_problems(parsed: list[tuple[int, Any]]) -> dict[int, dict[str, str]]:
    """What the import would say of each line, without saving anything."""
    _sets, problems = check_lines(parsed)
    for number, data in parsed:
        if is_record(data):
            continue
        try:
            validate(data)
        except ValidationError as exc:
            problems[number] = exc.errors
    return problems


def _forbidden(parsed: list[tuple[int, Any]], user: User) -> dict[int, dict[str, str]]:
    """Lines ``user`` could not carry out by hand: other sectors, other people's items."""
    registry = current_registry()
    wanted = [d["external_id"] for _n, d in parsed
              if isinstance(d, dict) and isinstance(d.get("external_id"), str)]
    existing: dict[str, Item] = {}
    for start in range(0, len(wanted), 500):
        rows = db.session.scalars(
            select(Item).where(Item.external_id.in_(wanted[start:start + 500]))
        )
        existing.update({item.external_id: item for item in rows if item.external_id})
    problems: dict[int, dict[str, str]] = {}
    for number, data in parsed:
        if is_record(data):
            if not can(user, "manage_synonyms"):
                problems[number] = {"kind": _("You may not change the synonym list.")}
            continue
        if not isinstance(data, dict):
            continue
        external_id = data.get("external_id")
        target = existing.get(external_id) if isinstance(external_id, str) else None
        if target is not None and not can(user, "edit", target):
            problems[number] = {"external_id": _(
                "You may not change the existing item with this external_id.")}
            continue
        name = data.get("type")
        ctype = registry.type(name) if isinstance(name, str) else None
        sector = data.get("sector") or (ctype.sector if ctype else None)
        status = data.get("status") or "draft"
        if not isinstance(sector, str) or not isinstance(status, str):
            continue  # not valid anyway: the import reports it
        probe = Item(
            sector=sector,
            status=target.status if target else "draft",
            owner_id=target.owner_id if target else user.id,
            translations=[],
        )
        if not can(user, "edit", probe):
            problems[number] = {"sector": _(
                "You may not add or change items in the sector \"%(sector)s\".",
                sector=sector[:100])}
            continue
        step = required_action(target.status if target else None, status)
        if step is not None and not can(user, step, probe):
            problems[number] = {"status": _(
                "You may not give items the status \"%(status)s\".", status=status[:20])}
    return problems


@bp.post("/import")
def import_jsonl() -> Response:
    """Import JSON Lines: every line valid and permitted, then all saved; else nothing."""
    checked_lang()
    user = writer()
    if not can(user, "import"):
        raise ApiError(403, _("Only editors and administrators may import."))
    require_content_type(JSONL_TYPES)
    lines = raw_body("API_MAX_IMPORT_BODY").split(b"\n")
    parsed, problems = _parse(lines)
    problems.update(_schema_problems(parsed))
    if problems:
        # Report every line at once: the content rules too, for lines that got that far.
        problems.update(_content_problems([(n, d) for n, d in parsed if n not in problems]))
        return _refuse_lines(422, _("Nothing was imported; see the errors per line."), problems)
    forbidden = _forbidden(parsed, user)
    if forbidden:
        return _refuse_lines(
            403, _("Nothing was imported: some lines do what you may not do."), forbidden
        )
    try:
        report = import_items(lines, user=user)
    except IntegrityError:
        # Another request took one of these external ids between the check and the save.
        db.session.rollback()
        raise ApiError(409, _("Another change used one of these external ids at the same "
                              "time; nothing was imported. Try again.")) from None
    if not report.ok:
        return _refuse_lines(422, _("Nothing was imported; see the errors per line."),
                             report.errors)
    answer: dict[str, Any] = {"created": report.created, "updated": report.updated,
                              "unchanged": report.unchanged}
    if report.synonyms is not None:
        answer["synonym_sets"] = report.synonyms.as_dict()
    return jsonify(answer)


@bp.get("/export")
def export_jsonl() -> Response:
    """Every item the caller may see, one JSON line each, streamed in batches."""
    checked_lang()
    if not current_user.is_authenticated:
        raise unauthorized()
    if not can(current_user, "export"):
        raise ApiError(403, _("Only editors and administrators may export."))
    conditions = [visibility(current_user).sql(), *list_filters()]
    with_synonyms = can(current_user, "manage_synonyms")

    def lines() -> Iterator[str]:
        last = 0
        while True:
            batch = db.session.scalars(
                select(Item).where(*conditions, Item.id > last)
                .order_by(Item.id).limit(EXPORT_BATCH)
            ).all()
            if not batch:
                if with_synonyms:
                    yield from synonym_lines()
                return
            yield from export_lines(batch)
            last = batch[-1].id
            db.session.expunge_all()

    return Response(
        stream_with_context(lines()),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="kennisbank-export.jsonl"'},
    )
