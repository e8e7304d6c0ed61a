"""The one reader of request arguments (query parameters) for the API and search.

Every parameter check (a choice, a whole number, an on/off switch, a value
given twice) is written once here, and collects its problems as
``{parameter: message}`` in the reader's language, so the items API, the
search API, the search page and the feeds say the same thing about the same
mistake. Which language that is follows :func:`kennisbank.i18n.current_language`
(for the API: the ``lang`` parameter, else ``Accept-Language``, else English).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _

TRUE_WORDS = ("1", "true", "on", "yes")
FALSE_WORDS = ("0", "false", "off", "no")


class ArgReader:
    """Reads parameters from a ``MultiDict``, collecting every problem in :attr:`errors`.

    A parameter with a problem reads as its default, so a caller can go on and
    report all problems at once. The API holds clients to its documented
    parameters (``page=`` or a repeated ``lang`` is a mistake); ``lenient``
    readers serve addresses HTML forms make, where an empty field means "not
    chosen" and the first of repeated values counts.
    """

    def __init__(self, args: Any, *, lenient: bool = False) -> None:
        self.args = args
        self.lenient = lenient
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def once(self, name: str) -> str | None:
        """The parameter's value, stripped; ``None`` when absent (or empty, when lenient)."""
        values = self.args.getlist(name)
        if not values:
            return None
        if len(values) > 1 and not self.lenient:
            self.fail(name, _("Give this parameter once."))
            return None
        text = str(values[0]).strip()
        return None if self.lenient and not text else text

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        """One of ``choices``, or ``None``."""
        raw = self.once(name)
        choices = list(choices)
        if raw is not None and raw not in choices:
            self.fail(name, _("Must be one of: %(choices)s.", choices=", ".join(choices)))
            return None
        return raw

    def whole_number(self, name: str, default: int, highest: int) -> int:
        """A whole number from 1 to ``highest``; ``default`` when absent."""
        raw = self.once(name)
        if raw is None:
            return default
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= highest:
            self.fail(name, _("Must be a whole number from 1 to %(max)d.", max=highest))
            return default
        return int(raw)

    def switch(self, name: str, default: bool = True) -> bool:
        """An on/off parameter: ``1``/``0``, ``true``/``false``, ``on``/``off``, ``yes``/``no``."""
        raw = self.once(name)
        if raw is None or (self.lenient and not raw):
            return default
        raw = raw.lower()
        if raw in TRUE_WORDS:
            return True
        if raw in FALSE_WORDS:
            return False
        self.fail(name, _("Must be true or false."))
        return default

    def text(self, name: str, max_length: int) -> str | None:
        """A value of at most ``max_length`` characters."""
        raw = self.once(name)
        if raw is not None and len(raw) > max_length:
            self.fail(name, _("At most %(max)d characters.", max=max_length))
            return None
        return raw

    def values(self, name: str, max_values: int, max_length: int) -> tuple[str, ...]:
        """A repeatable parameter's distinct non-empty values."""
        found = list(dict.fromkeys(v for v in (str(v).strip() for v in self.args.getlist(name))
                                   if v))
        if len(found) > max_values or any(len(v) > max_length for v in found):
            self.fail(name, _("At most %(count)d values of %(length)d characters.",
                              count=max_values, length=max_length))
            return ()
        if any("\x00" in v for v in found):
            # No stored value holds one, and PostgreSQL refuses it in a query.
            self.fail(name, _("Values must not contain NUL characters."))
            return ()
        return tuple(found)
