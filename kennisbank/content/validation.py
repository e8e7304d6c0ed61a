"""The one validation path for items: web forms, the API and the importer all use it.

Input is the import format (a dict with ``type``, ``fields``, ``translations``...).
Output is a *clean* dict in the same format, with values normalised (stripped
text, ISO dates, upper-case country codes), or a :class:`ValidationError`
listing every problem at once, keyed by field path (``fields.participants``,
``translations.nl.title``), with messages in the reader's language.

``strict=False`` accepts the strings HTML forms send ("12", "on"); the API and
the importer are strict, so a client sending a string for a number learns so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

from ..config import LANGUAGES
from ..models import STATUSES
from .kinds import FieldKind, Invalid
from .kinds.choices import clean_choice_list
from .kinds.country import clean_country
from .kinds.dates import clean_date
from .kinds.text import DEFAULT_MAX_LENGTH as DEFAULT_MAX_LENGTH
from .kinds.text import clean_text, setting
from .registry import Registry
from .types import ContentType, Field
from .vocab import THEMES

TOP_LEVEL_KEYS = (
    "external_id", "type", "status", "sector", "city", "country", "themes", "tags",
    "start_date", "end_date", "organisation", "fields", "translations",
)
#: Lengths of these keys (the API schema reads them from here).
TOP_LEVEL_LENGTHS = {"external_id": 200, "city": 120, "organisation": 200}
TRANSLATION_KEYS = ("title", "summary", "body")
MAX_TAGS = 30
MAX_TAG_LENGTH = 60


class ValidationError(Exception):
    """Every problem with an item, as ``{field path: message}``."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


class _Checker:
    """Collects errors while cleaning one item; one instance per validation."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def check(self, path: str, clean: Callable[..., Any], value: Any, *args: Any,
              **kwargs: Any) -> Any:
        """``clean(value, ...)``, or ``None`` with its message recorded at ``path``."""
        try:
            return clean(value, *args, **kwargs)
        except Invalid as invalid:
            return self.fail(path, invalid.message)

    def string(self, path: str, value: Any, max_length: int, *, single_line: bool = True) -> Any:
        return self.check(path, clean_text, value, max_length, single_line=single_line)

    # -- fields of a content type -------------------------------------------------------

    def field_value(self, path: str, kind: FieldKind, fld: Field, value: Any) -> Any:
        return self.check(path, kind.clean, value, fld, strict=self.strict)

    def fields(self, prefix: str, values: Any, fields: list[Field], others: list[Field],
               registry: Registry) -> dict:
        """Clean a ``fields`` mapping; ``others`` are the type's fields that belong elsewhere."""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            self.fail(prefix.rstrip("."), _("Must be an object of field values."))
            return {}
        known = {f.name: f for f in fields}
        elsewhere = {f.name for f in others}
        clean: dict[str, Any] = {}
        for name, value in values.items():
            path = f"{prefix}{name}"
            if name in elsewhere:
                self.fail(path, _("This field belongs with the other place: "
                                  "translatable fields go in each translation, "
                                  "other fields in \"fields\"."))
            elif name not in known:
                self.fail(path, _("Unknown field \"%(name)s\".", name=name))
            elif not _is_empty(value):
                fld = known[name]
                cleaned = self.field_value(path, registry.kind(fld.kind), fld, value)
                if cleaned is not None:
                    clean[name] = cleaned
        for fld in fields:
            if fld.required and fld.name not in clean and f"{prefix}{fld.name}" not in self.errors:
                self.fail(f"{prefix}{fld.name}", _("This field is required."))
        return clean


def validate_item_data(
    data: Any, registry: Registry, *, strict: bool = True
) -> dict[str, Any]:
    """Check and normalise one item in the import format.

    :raises ValidationError: with every problem found, keyed by field path.
    :return: the clean data (same format; absent optional values left out).
    """
    check = _Checker(strict)
    if not isinstance(data, dict):
        raise ValidationError({"item": _("An item must be a JSON object.")})
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            check.fail(str(key), _("Unknown field \"%(name)s\".", name=key))

    clean: dict[str, Any] = {}
    ctype = _content_type(check, data.get("type"), registry)
    if ctype is not None:
        clean["type"] = ctype.name

    status = data.get("status") or "draft"
    if status not in STATUSES:
        check.fail("status", _("Must be one of: %(choices)s.", choices=", ".join(STATUSES)))
    clean["status"] = status

    sector = data.get("sector") or (ctype.sector if ctype else None)
    if _is_empty(sector):
        check.fail("sector", _("This field is required."))
    elif not isinstance(sector, str) or sector not in registry.sectors:
        check.fail("sector", _("Must be one of: %(choices)s.", choices=", ".join(registry.sectors)))
    else:
        clean["sector"] = sector

    for key, limit in TOP_LEVEL_LENGTHS.items():
        if not _is_empty(data.get(key)):
            clean[key] = check.string(key, data[key], limit)
    if not _is_empty(data.get("country")):
        clean["country"] = check.check("country", clean_country, data["country"])
    for key in ("start_date", "end_date"):
        if not _is_empty(data.get(key)):
            clean[key] = check.check(key, clean_date, data[key])
    start, end = clean.get("start_date"), clean.get("end_date")
    if start and end and end < start:
        check.fail("end_date", _("The end date is before the start date."))

    themes = data.get("themes")
    clean["themes"] = [] if _is_empty(themes) else check.check(
        "themes", clean_choice_list, themes, THEMES, strict=strict)
    clean["tags"] = _tags(check, data.get("tags"))

    if ctype is not None:
        clean["fields"] = check.fields(
            "fields.", data.get("fields"), ctype.shared_fields, ctype.translatable_fields,
            registry,
        )
        clean["translations"] = _translations(check, data.get("translations"), ctype, registry)
    if check.errors:
        raise ValidationError(check.errors)
    return {k: v for k, v in clean.items() if v is not None}


def _content_type(check: _Checker, name: Any, registry: Registry) -> ContentType | None:
    if _is_empty(name):
        check.fail("type", _("This field is required."))
        return None
    ctype = registry.type(name) if isinstance(name, str) else None
    if ctype is None:
        check.fail(
            "type",
            _("Unknown content type \"%(name)s\"; known types: %(types)s.",
              name=str(name)[:100], types=", ".join(registry.types)),
        )
    return ctype


def _tags(check: _Checker, tags: Any) -> list[str] | None:
    if _is_empty(tags):
        return []
    if isinstance(tags, str) and not check.strict:
        tags = [t for t in tags.split(",") if t.strip()]
    if not isinstance(tags, list):
        return check.fail("tags", _("Must be a list."))
    if len(tags) > MAX_TAGS:
        return check.fail("tags", _("At most %(max)d tags.", max=MAX_TAGS))
    clean = [check.string("tags", tag, MAX_TAG_LENGTH) for tag in tags]
    return list(dict.fromkeys(t for t in clean if t))


def _translations(check: _Checker, translations: Any, ctype: ContentType,
                  registry: Registry) -> dict:
    if not isinstance(translations, dict) or not translations:
        check.fail("translations", _("Give at least one translation (nl or en) with a title."))
        return {}
    clean: dict[str, dict[str, Any]] = {}
    for lang, text in translations.items():
        prefix = f"translations.{lang}"
        if lang not in LANGUAGES:
            check.fail(
                prefix, _("Unknown language \"%(lang)s\"; use nl or en.", lang=str(lang)[:20])
            )
            continue
        if not isinstance(text, dict):
            check.fail(prefix, _("Must be an object with a title, summary and body."))
            continue
        values = dict(text)
        entry: dict[str, Any] = {}
        title = values.pop("title", None)
        if _is_empty(title):
            check.fail(f"{prefix}.title", _("A title is required."))
        else:
            entry["title"] = check.string(f"{prefix}.title", title, setting("MAX_TITLE_LENGTH"))
        summary = values.pop("summary", None)
        entry["summary"] = "" if _is_empty(summary) else check.string(
            f"{prefix}.summary", summary, setting("MAX_SUMMARY_LENGTH"), single_line=False
        )
        body = values.pop("body", None)
        entry["body"] = "" if _is_empty(body) else check.string(
            f"{prefix}.body", body, setting("MAX_TEXT_LENGTH"), single_line=False
        )
        entry.update(
            check.fields(f"{prefix}.", values, ctype.translatable_fields, ctype.shared_fields,
                         registry)
        )
        clean[lang] = entry
    return clean


def field_problem(fld: Field, value: Any, registry: Registry) -> str | None:
    """The validator's message for one field's value (strictly, as for the API), or ``None``.

    The API's schema check asks this for every field value its schema refuses,
    so a client reads the very words a form shows.
    """
    if _is_empty(value):
        return _("This field is required.") if fld.required else None
    try:
        registry.kind(fld.kind).clean(value, fld, strict=True)
    except Invalid as invalid:
        return invalid.message
    return None
