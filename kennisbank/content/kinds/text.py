"""Text kinds: ``text``, ``keyword``, ``markdown``, ``url`` and ``email``.

The helpers (:func:`clean_text`, :func:`text_schema`) also check an item's own
text keys (city, organisation, titles), so those follow the same rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from flask_babel import gettext as _
from markupsafe import Markup

from ...config import DEFAULTS
from ...markup import render_markdown, text_of
from .base import MAX_LENGTH, FieldKind, Invalid

if TYPE_CHECKING:
    from ..types import Field

DEFAULT_MAX_LENGTH = {"text": 1000, "keyword": 100, "url": 2000, "email": 254}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Every character ``str.strip`` removes (all below U+3001): the validator
#: strips before it checks, so "blank" and "one line" mean these characters.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def escaped(chars: str) -> str:
    """Characters as ``\\uXXXX`` escapes, read alike by ECMA, Python and Rust regexes."""
    return "".join(f"\\u{ord(c):04x}" for c in chars)


NUL = escaped("\x00")
BREAKS = escaped("\n\r")
SPACE = escaped(WHITESPACE)
#: The email rule with ``\s`` spelled out, and NUL refused as everywhere.
EMAIL_PATTERN = EMAIL_RE.pattern.replace(r"\s", SPACE + NUL)
#: http(s), a host of URL characters (ASCII, so no Unicode look-alikes of ``/``), no spaces.
URL_PATTERN = (
    "^https?://[A-Za-z0-9._~%!$&'()*+,;=:@-]+"
    f"(?:[/?#][^{SPACE}{NUL}]*)?$"
)


def setting(name: str) -> int:
    """A length limit from the app's settings (the default outside an app)."""
    if has_app_context():
        return int(current_app.config.get(name, DEFAULTS[name]))
    return int(DEFAULTS[name])


def clean_text(value: Any, max_length: int, *, single_line: bool = True) -> str:
    """Stripped text, or :class:`Invalid`: no NUL, one line unless allowed, not too long."""
    if not isinstance(value, str):
        raise Invalid(_("Must be text."))
    value = value.strip()
    if "\x00" in value:
        raise Invalid(_("Contains a character that is not allowed."))
    if single_line and ("\n" in value or "\r" in value):
        raise Invalid(_("Must be a single line."))
    if len(value) > max_length:
        raise Invalid(_("Too long: at most %(max)d characters, got %(count)d.",
                        max=max_length, count=len(value)))
    return value


def text_pattern(*, single_line: bool, required: bool) -> str:
    """No NUL; no line breaks for one-line text; something besides spaces when required."""
    allowed = f"[^{NUL}{BREAKS}]" if single_line else f"[^{NUL}]"
    if not required:
        return f"^{allowed}*$"
    return f"^{allowed}*[^{SPACE}{NUL}]{allowed}*$"


def text_schema(max_length: int, *, single_line: bool = True, required: bool = False,
                kind: str = "text") -> dict[str, Any]:
    """The schema :func:`clean_text` holds text to."""
    return {
        "type": "string",
        "maxLength": max_length,
        "pattern": text_pattern(single_line=single_line, required=required),
        "x-kind": kind,
    }


class TextKind(FieldKind):
    """One line of text (``text``)."""

    name = "text"
    options = frozenset({MAX_LENGTH})
    searchable = True
    parallel_text = True
    single_line = True

    def max_length(self, fld: Field) -> int:
        return fld.max_length or DEFAULT_MAX_LENGTH[self.name]

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        return clean_text(value, self.max_length(fld), single_line=self.single_line)

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return text_schema(self.max_length(fld), single_line=self.single_line,
                           required=fld.required, kind=self.name)

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = self.widget
        made.attrs["maxlength"] = self.max_length(fld)


class KeywordKind(TextKind):
    """A short code or name, one line (``keyword``)."""

    name = "keyword"


class MarkdownKind(TextKind):
    """Longer text with Markdown (``markdown``); shown rendered and sanitised."""

    name = "markdown"
    single_line = False
    widget = "textarea"

    def max_length(self, fld: Field) -> int:
        return fld.max_length or setting("MAX_TEXT_LENGTH")

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = "textarea"
        made.attrs["rows"] = 6
        made.hint = " ".join(filter(None, [made.hint, _("Markdown is allowed.")]))

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return render_markdown(value)

    def search_text(self, value: Any, fld: Field, lang: str) -> str:
        return text_of(str(value))


class UrlKind(FieldKind):
    """A web address (``url``), shown as a link."""

    name = "url"
    options = frozenset({MAX_LENGTH})
    searchable = True
    widget = "url"

    def max_length(self, fld: Field) -> int:
        return fld.max_length or DEFAULT_MAX_LENGTH[self.name]

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        text = clean_text(value, self.max_length(fld))
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
            raise Invalid(self.schema_message(fld))
        return text

    def schema_message(self, fld: Field) -> str:
        return _("Must be a web address starting with http:// or https://.")

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length(fld), "pattern": URL_PATTERN,
                "x-kind": self.name}

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = self.widget
        made.attrs["maxlength"] = self.max_length(fld)

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(value)


class EmailKind(UrlKind):
    """An email address (``email``): contact details, so never in the search index."""

    name = "email"
    widget = "email"

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        text = clean_text(value, self.max_length(fld))
        if not EMAIL_RE.match(text):
            raise Invalid(self.schema_message(fld))
        return text

    def schema_message(self, fld: Field) -> str:
        return _("Must be an email address.")

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length(fld), "pattern": EMAIL_PATTERN,
                "x-kind": self.name}

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return Markup('<a href="mailto:{0}">{0}</a>').format(value)

    def search_text(self, value: Any, fld: Field, lang: str) -> str:
        # Search is open to anonymous readers; an address is not, whatever the type says.
        return ""
