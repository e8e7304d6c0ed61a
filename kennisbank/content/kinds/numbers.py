"""Number kinds: ``integer`` and ``decimal``, with a field's own ``min_value``/``max_value``."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .base import RANGE, FieldKind, Invalid, number_text

if TYPE_CHECKING:
    from ..types import Field

INTEGER_RE = re.compile(r"^[+-]?\d{1,18}$")
#: Past this, a number is out of range whatever the field says (JSON clients lose precision).
MAX_NUMBER = 10**15


class IntegerKind(FieldKind):
    """A whole number (``integer``)."""

    name = "integer"
    options = frozenset({RANGE})
    widget = "number"
    json_type = "integer"

    def parse(self, value: Any, *, strict: bool) -> int | float:
        if isinstance(value, str) and not strict and INTEGER_RE.match(value.strip()):
            return int(value.strip())
        if isinstance(value, float) and math.isfinite(value) and abs(value) > MAX_NUMBER:
            # JSON Schema counts 1e300 as an integer; it is out of range before anything.
            raise Invalid(_("Number is out of range."))
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(_("Must be a whole number."))
        return value

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        number = self.parse(value, strict=strict)
        if abs(number) > MAX_NUMBER:
            raise Invalid(_("Number is out of range."))
        if fld.min_value is not None and number < fld.min_value:
            raise Invalid(_("Must be at least %(min)s.", min=number_text(fld.min_value)))
        if fld.max_value is not None and number > fld.max_value:
            raise Invalid(_("Must be at most %(max)s.", max=number_text(fld.max_value)))
        return number

    def json_schema(self, fld: Field) -> dict[str, Any]:
        low = -MAX_NUMBER if fld.min_value is None else max(-MAX_NUMBER, fld.min_value)
        high = MAX_NUMBER if fld.max_value is None else min(MAX_NUMBER, fld.max_value)
        return {"type": self.json_type, "minimum": low, "maximum": high}

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = "number"
        made.attrs["step"] = "1" if self.json_type == "integer" else "any"
        if fld.min_value is not None:
            made.attrs["min"] = number_text(fld.min_value)
        if fld.max_value is not None:
            made.attrs["max"] = number_text(fld.max_value)

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return escape(format_decimal(value, locale=lang))


class DecimalKind(IntegerKind):
    """A number with decimals (``decimal``); forms may write a decimal comma."""

    name = "decimal"
    json_type = "number"

    def parse(self, value: Any, *, strict: bool) -> int | float:
        if isinstance(value, str) and not strict:
            try:
                value = float(Decimal(value.strip().replace(",", ".")))
            except (InvalidOperation, ValueError):
                raise Invalid(_("Must be a number.")) from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(_("Must be a number."))
        # Range first: a huge JSON integer cannot even be converted to a float.
        if isinstance(value, int) and abs(value) > MAX_NUMBER:
            raise Invalid(_("Number is out of range."))
        if not math.isfinite(value):
            raise Invalid(_("Must be a number."))
        return value
