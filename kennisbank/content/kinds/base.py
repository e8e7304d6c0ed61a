"""``FieldKind``: everything Kennisbank knows about one kind of field value, in one object.

A kind (text, integer, a plugin's amount of money...) is the only place that
knows its values. Every reader of a value asks the kind:

- the validator (:mod:`kennisbank.content.validation`) calls :meth:`FieldKind.clean`,
  whose messages are also the API's (:mod:`kennisbank.api.schemas` asks the
  validator for the message of any field value its schema refuses);
- the API document and its body check use :meth:`FieldKind.json_schema`;
- the edit form uses :meth:`FieldKind.form_input` (and :meth:`FieldKind.render_input`
  for a control the core's template does not have), :meth:`FieldKind.read_form`
  and :meth:`FieldKind.form_value`;
- the item page uses :meth:`FieldKind.display`;
- the search index uses :meth:`FieldKind.search_text`, :meth:`FieldKind.facet_values`,
  and facet lists :meth:`FieldKind.facet_label`.

So a kind cannot be validated one way and published another. The built-in
kinds live in this package; a plugin adds one by subclassing :class:`FieldKind`
and returning it from the ``register_field_kinds`` hook. Messages go through
gettext when they are produced, so they are in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

if TYPE_CHECKING:
    from ..types import Field

#: Options a :class:`~kennisbank.content.types.Field` may carry; a kind lists those it reads.
CHOICES = "choices"
MAX_LENGTH = "max_length"
RANGE = "range"

#: Every kind class defined so far, by name, so ``Field("price", "money")`` can
#: check its options when the plugin module is imported (before any app exists).
_DEFINED: dict[str, type[FieldKind]] = {}


class Invalid(Exception):
    """A value does not fit its kind; ``message`` is for the reader (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise_newlines(text: str) -> str:
    """Browsers send CRLF line ends; limits count characters people typed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def number_text(value: float) -> str:
    """``5`` rather than ``5.0`` in messages and HTML attributes."""
    return str(int(value)) if float(value).is_integer() else str(value)


class FieldKind:
    """One kind of field value. Subclass it, set ``name``, implement what differs.

    Kinds hold no state: a field's own settings (choices, limits, labels) are
    on the :class:`~kennisbank.content.types.Field` every method receives.
    """

    #: The name a field gives as its ``kind``: an identifier, unique in the app.
    name: ClassVar[str] = ""
    #: Field options this kind reads: any of ``CHOICES``, ``MAX_LENGTH``, ``RANGE``.
    options: ClassVar[frozenset[str]] = frozenset()
    #: Whether a ``searchable`` field of this kind has its text put in the full-text index.
    searchable: ClassVar[bool] = False
    #: Whether a translatable field's two languages are translations of each other
    #: (the cross-lingual lexicon learns from them).
    parallel_text: ClassVar[bool] = False
    #: The core form control (``text``, ``textarea``, ``number``, ``date``, ``url``,
    #: ``email``, ``checkbox``, ``select``, ``radios``, ``checkboxes``); a kind
    #: needing another control overrides :meth:`render_input`.
    widget: ClassVar[str] = "text"
    #: Whether the form sends several values under the field's name (checkboxes).
    multiple: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("name"):
            _DEFINED[cls.name] = cls

    # -- the field's definition ---------------------------------------------------------

    def check_field(self, fld: Field) -> None:
        """Refuse options this kind would ignore, so a plugin author learns at start-up.

        :raises ValueError: naming the field and the option.
        """
        prefix = f"field {fld.name!r}:"
        if fld.choices is not None and CHOICES not in self.options:
            raise ValueError(f"{prefix} only {_kinds_with(CHOICES)} fields have choices")
        if (fld.min_value is not None or fld.max_value is not None) and RANGE not in self.options:
            raise ValueError(f"{prefix} only {_kinds_with(RANGE)} fields have min/max values")
        if fld.max_length is not None and (MAX_LENGTH not in self.options or fld.max_length < 1):
            raise ValueError(f"{prefix} max_length must be positive, on a text field")
        if fld.min_value is not None and fld.max_value is not None and (
            fld.min_value > fld.max_value
        ):
            raise ValueError(f"{prefix} min_value is above max_value")

    # -- validation and the API ---------------------------------------------------------

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        """The value normalised for storage (JSON-ready), or :class:`Invalid`.

        ``value`` is never empty (``None``, blank text, ``[]``): the validator
        handles absent values. ``strict=False`` also accepts what HTML forms
        send (strings for numbers, ``"on"``); the API and the importer are strict.
        """
        raise NotImplementedError

    def json_schema(self, fld: Field) -> dict[str, Any]:
        """The JSON Schema of one value (also published in the OpenAPI document).

        At least as strict as :meth:`clean` in strict mode: the API refuses
        what the schema refuses, with :meth:`clean`'s message, or
        :meth:`schema_message` when :meth:`clean` would have taken the value.
        """
        raise NotImplementedError

    def schema_message(self, fld: Field) -> str:
        """The message for a value :meth:`json_schema` refuses but :meth:`clean` takes
        (such as ``"nl"`` for a country, which the lenient validator upper-cases)."""
        return _("This value is not valid.")

    # -- the edit form ------------------------------------------------------------------

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        """Fit the form's :class:`~kennisbank.web.itemform.Input` to this kind
        (widget, attributes, options, hint); it has label, value and error already."""
        made.widget = self.widget

    def render_input(self, made: Any, ui: str | None) -> Markup | None:
        """HTML for a control the core template does not have, or ``None`` for the
        template's control for :attr:`widget`. Use ``made.id``, ``made.name``,
        ``made.attributes`` and put ``made.hint``/``made.error`` with the ids in
        ``made.describedby``; escape everything. ``ui`` is the reader's language
        when the control sits in a column of another language."""
        return None

    def read_form(self, form: MultiDict[str, str], name: str) -> Any:
        """The value as the browser sent it (strings), kept to show back on errors."""
        if self.multiple:
            return [normalise_newlines(v) for v in form.getlist(name)]
        return normalise_newlines(form.get(name, ""))

    def form_value(self, value: Any) -> Any:
        """A stored value as the form shows it (the inverse of :meth:`read_form`)."""
        if self.multiple:
            return [str(v) for v in value or []]
        return "" if value is None else str(value)

    def form_blank(self, value: Any) -> bool:
        """Whether a form value means "nothing entered"."""
        if isinstance(value, Mapping):
            return all(self.form_blank(v) for v in value.values())
        return value is None or value == [] or (isinstance(value, str) and not value.strip())

    # -- reading --------------------------------------------------------------------------

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        """The value as safe HTML for a reader of ``lang``."""
        return escape(str(value))

    def plain_text(self, value: Any, fld: Field, lang: str) -> str:
        """The value as plain text a reader recognises; the revision history
        compares and shows these (so Markdown stays source, to see what changed)."""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def search_text(self, value: Any, fld: Field, lang: str) -> str:
        """The words a reader of ``lang`` may search the value by (plain text)."""
        return str(value)

    def facet_values(self, value: Any, fld: Field) -> list[str]:
        """The facet codes the value counts under; labels come from :meth:`facet_label`."""
        if isinstance(value, list | tuple | set):
            return [str(v) for v in value if v is not None and v != ""]
        return [str(value)]

    def facet_label(self, code: str, fld: Field, lang: str) -> str:
        """A facet code as a reader of ``lang`` sees it."""
        return code


def _kinds_with(option: str) -> str:
    """The built-in kinds reading ``option``, for definition errors ("choice and multichoice")."""
    from . import BUILTIN_KINDS

    return " and ".join(kind.name for kind in BUILTIN_KINDS if option in kind.options)


def defined_kind(name: str) -> FieldKind:
    """A kind by name, among every kind class defined (for checking a field definition).

    :raises ValueError: no such kind.
    """
    from . import BUILTIN_KINDS

    found = _DEFINED.get(name)
    if found is None:
        names = ", ".join(kind.name for kind in BUILTIN_KINDS)
        raise ValueError(f"unknown kind {name!r}; use one of {names}, or a plugin's kind")
    return found()
