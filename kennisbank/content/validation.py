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

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from flask_babel import gettext as _

from ..config import DEFAULTS, LANGUAGES
from ..models import STATUSES
from .registry import Registry
from .types import ContentType, Field
from .vocab import THEMES, is_country

TOP_LEVEL_KEYS = (
    "external_id", "type", "status", "sector", "city", "country", "themes", "tags",
    "start_date", "end_date", "organisation", "fields", "translations",
)
TRANSLATION_KEYS = ("title", "summary", "body")
MAX_TAGS = 30
MAX_TAG_LENGTH = 60
DEFAULT_MAX_LENGTH = {"text": 1000, "keyword": 100, "url": 2000, "email": 254}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INTEGER_RE = re.compile(r"^[+-]?\d{1,18}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_NUMBER = 10**15


class ValidationError(Exception):
    """Every problem with an item, as ``{field path: message}``."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def _limit(name: str) -> int:
    if has_app_context():
        return int(current_app.config.get(name, DEFAULTS[name]))
    return int(DEFAULTS[name])


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


class _Checker:
    """Collects errors while cleaning one item; one instance per validation."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    # -- scalar kinds -------------------------------------------------------------------

    def string(self, path: str, value: Any, max_length: int, *, single_line: bool = True) -> Any:
        if not isinstance(value, str):
            return self.fail(path, _("Must be text."))
        value = value.strip()
        if "\x00" in value:
            return self.fail(path, _("Contains a character that is not allowed."))
        if single_line and ("\n" in value or "\r" in value):
            return self.fail(path, _("Must be a single line."))
        if len(value) > max_length:
            return self.fail(
                path,
                _("Too long: at most %(max)d characters, got %(count)d.",
                  max=max_length, count=len(value)),
            )
        return value

    def integer(self, path: str, value: Any) -> Any:
        if isinstance(value, str) and not self.strict and INTEGER_RE.match(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            return self.fail(path, _("Must be a whole number."))
        if abs(value) > MAX_NUMBER:
            return self.fail(path, _("Number is out of range."))
        return value

    def decimal(self, path: str, value: Any) -> Any:
        if isinstance(value, str) and not self.strict:
            try:
                value = float(Decimal(value.strip().replace(",", ".")))
            except (InvalidOperation, ValueError):
                return self.fail(path, _("Must be a number."))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.fail(path, _("Must be a number."))
        # Range first: a huge JSON integer cannot even be converted to a float.
        if isinstance(value, int) and abs(value) > MAX_NUMBER:
            return self.fail(path, _("Number is out of range."))
        if not math.isfinite(value):
            return self.fail(path, _("Must be a number."))
        if abs(value) > MAX_NUMBER:
            return self.fail(path, _("Number is out of range."))
        return value

    def date(self, path: str, value: Any) -> Any:
        # ``date.fromisoformat`` also takes "20240229" and "2024-W09-4"; the
        # format is YYYY-MM-DD, as the message says.
        if not isinstance(value, str) or not DATE_RE.match(value.strip()):
            return self.fail(path, _("Must be a date written as YYYY-MM-DD."))
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return self.fail(path, _("Must be a date written as YYYY-MM-DD."))

    def boolean(self, path: str, value: Any) -> Any:
        if isinstance(value, str) and not self.strict:
            lowered = value.strip().lower()
            if lowered in ("1", "true", "on", "yes", "y"):
                return True
            if lowered in ("0", "false", "off", "no", "n", ""):
                return False
        if not isinstance(value, bool):
            return self.fail(path, _("Must be true or false."))
        return value

    def url(self, path: str, value: Any, max_length: int) -> Any:
        text = self.string(path, value, max_length)
        if text is None:
            return None
        try:
            parts = urlsplit(text)
        except ValueError:  # such as an unclosed IPv6 bracket: "http://[::1"
            parts = None
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(char.isspace() for char in text)
        ):
            return self.fail(path, _("Must be a web address starting with http:// or https://."))
        return text

    def email(self, path: str, value: Any, max_length: int) -> Any:
        text = self.string(path, value, max_length)
        if text is not None and not EMAIL_RE.match(text):
            return self.fail(path, _("Must be an email address."))
        return text

    def country(self, path: str, value: Any) -> Any:
        if not isinstance(value, str) or not is_country(value.strip().upper()):
            return self.fail(path, _("Must be a two-letter country code, such as NL or DE."))
        return value.strip().upper()

    def choice(self, path: str, value: Any, choices: Mapping[str, Any]) -> Any:
        if not isinstance(value, str) or value not in choices:
            return self.fail(
                path, _("Must be one of: %(choices)s.", choices=", ".join(choices))
            )
        return value

    def choice_list(self, path: str, value: Any, choices: Mapping[str, Any]) -> Any:
        if isinstance(value, str) and not self.strict:
            value = [value]
        if not isinstance(value, list):
            return self.fail(path, _("Must be a list."))
        bad = [v for v in value if not isinstance(v, str) or v not in choices]
        if bad:
            return self.fail(
                path, _("Must be one or more of: %(choices)s.", choices=", ".join(choices))
            )
        return list(dict.fromkeys(value))

    # -- fields of a content type -------------------------------------------------------

    def field_value(self, path: str, fld: Field, value: Any) -> Any:
        if fld.kind in ("text", "keyword"):
            limit = fld.max_length or DEFAULT_MAX_LENGTH[fld.kind]
            result = self.string(path, value, limit, single_line=fld.kind == "keyword")
        elif fld.kind == "markdown":
            limit = fld.max_length or _limit("MAX_TEXT_LENGTH")
            result = self.string(path, value, limit, single_line=False)
        elif fld.kind == "url":
            result = self.url(path, value, fld.max_length or DEFAULT_MAX_LENGTH["url"])
        elif fld.kind == "email":
            result = self.email(path, value, fld.max_length or DEFAULT_MAX_LENGTH["email"])
        else:
            check: Callable[..., Any] = {
                "integer": self.integer,
                "decimal": self.decimal,
                "date": self.date,
                "boolean": self.boolean,
                "country": self.country,
            }.get(fld.kind)  # type: ignore[assignment]
            if check is not None:
                result = check(path, value)
            elif fld.kind == "choice":
                result = self.choice(path, value, fld.choices or {})
            else:
                result = self.choice_list(path, value, fld.choices or {})
        if isinstance(result, int | float) and not isinstance(result, bool):
            if fld.min_value is not None and result < fld.min_value:
                return self.fail(path, _("Must be at least %(min)s.", min=_num(fld.min_value)))
            if fld.max_value is not None and result > fld.max_value:
                return self.fail(path, _("Must be at most %(max)s.", max=_num(fld.max_value)))
        return result

    def fields(self, prefix: str, values: Any, fields: list[Field], others: list[Field]) -> dict:
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
                cleaned = self.field_value(path, known[name], value)
                if cleaned is not None:
                    clean[name] = cleaned
        for fld in fields:
            if fld.required and fld.name not in clean and f"{prefix}{fld.name}" not in self.errors:
                self.fail(f"{prefix}{fld.name}", _("This field is required."))
        return clean


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


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

    for key, limit in (("external_id", 200), ("city", 120), ("organisation", 200)):
        if not _is_empty(data.get(key)):
            clean[key] = check.string(key, data[key], limit)
    if not _is_empty(data.get("country")):
        clean["country"] = check.country("country", data["country"])
    for key in ("start_date", "end_date"):
        if not _is_empty(data.get(key)):
            clean[key] = check.date(key, data[key])
    start, end = clean.get("start_date"), clean.get("end_date")
    if start and end and end < start:
        check.fail("end_date", _("The end date is before the start date."))

    themes = data.get("themes")
    clean["themes"] = [] if _is_empty(themes) else check.choice_list("themes", themes, THEMES)
    clean["tags"] = _tags(check, data.get("tags"))

    if ctype is not None:
        clean["fields"] = check.fields(
            "fields.", data.get("fields"), ctype.shared_fields, ctype.translatable_fields
        )
        clean["translations"] = _translations(check, data.get("translations"), ctype)
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


def _translations(check: _Checker, translations: Any, ctype: ContentType) -> dict:
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
            entry["title"] = check.string(f"{prefix}.title", title, _limit("MAX_TITLE_LENGTH"))
        summary = values.pop("summary", None)
        entry["summary"] = "" if _is_empty(summary) else check.string(
            f"{prefix}.summary", summary, _limit("MAX_SUMMARY_LENGTH"), single_line=False
        )
        body = values.pop("body", None)
        entry["body"] = "" if _is_empty(body) else check.string(
            f"{prefix}.body", body, _limit("MAX_TEXT_LENGTH"), single_line=False
        )
        entry.update(
            check.fields(f"{prefix}.", values, ctype.translatable_fields, ctype.shared_fields)
        )
        clean[lang] = entry
    return clean
