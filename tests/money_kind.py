"""A test plugin that adds a field kind the core does not have: an amount of money.

Written only from the plugin guide, as a third-party plugin would be: one
:class:`FieldKind` subclass plus its Dutch translations
(``tests/fixtures/money/nl/LC_MESSAGES/kennisbank_moneytest.po``), returned from
``register_field_kinds`` and used by a content type. The core is not edited.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, get_currency_name, list_currencies
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from kennisbank import ContentType, Field, FieldKind, Invalid, hookimpl

CATALOG = Path(__file__).parent / "fixtures" / "money"
DOMAIN = "kennisbank_moneytest"
#: Up to a trillion, with at most two decimals, written with a point: what clients send.
AMOUNT_PATTERN = r"^-?\d{1,13}(\.\d{1,2})?$"
AMOUNT_RE = re.compile(AMOUNT_PATTERN)


@lru_cache(maxsize=1)
def currencies() -> list[str]:
    """The ISO 4217 codes CLDR knows (current and historic), sorted."""
    return sorted(code for code in list_currencies() if re.fullmatch(r"[A-Z]{3}", code))


def currency_name(code: str, lang: str) -> str:
    name = get_currency_name(code, locale=lang)
    return name[:1].upper() + name[1:]


class MoneyKind(FieldKind):
    """``{"amount": "1250.00", "currency": "EUR"}``: a decimal string and an ISO 4217 code.

    The amount is a string so no client loses cents to binary floating point.
    ``min_value``/``max_value`` bound the amount; the facet is the currency.
    """

    name = "money"
    options = frozenset({"range"})
    searchable = True

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        if not isinstance(value, dict) or set(value) - {"amount", "currency"}:
            raise Invalid(_("Must be an amount with a currency, "
                            "such as {\"amount\": \"1250.00\", \"currency\": \"EUR\"}."))
        amount, currency = value.get("amount"), value.get("currency")
        if not strict:  # a form: "1250,50" and "eur" are fine
            amount = amount.strip().replace(",", ".") if isinstance(amount, str) else amount
            currency = currency.strip().upper() if isinstance(currency, str) else currency
        if not isinstance(currency, str) or currency not in currencies():
            raise Invalid(_("The currency must be an ISO 4217 code, such as EUR or USD."))
        if not isinstance(amount, str) or not AMOUNT_RE.match(amount):
            raise Invalid(_("The amount must be a number with at most two decimals, "
                            "such as 1250.00."))
        number = Decimal(amount)
        if fld.min_value is not None and number < Decimal(str(fld.min_value)):
            raise Invalid(_("The amount must be at least %(min)s.", min=fld.min_value))
        if fld.max_value is not None and number > Decimal(str(fld.max_value)):
            raise Invalid(_("The amount must be at most %(max)s.", max=fld.max_value))
        return {"amount": f"{number:.2f}", "currency": currency}

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "amount": {"type": "string", "pattern": AMOUNT_PATTERN,
                           "description": "A decimal number with a point, such as 1250.00."},
                "currency": {"type": "string", "enum": currencies(),
                             "description": "An ISO 4217 currency code."},
            },
            "required": ["amount", "currency"],
            "additionalProperties": False,
            "x-kind": self.name,
        }

    # -- the form: an amount box and a currency list, in one fieldset ---------------------

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = "money"
        made.focus = "amount"
        made.options = [("", _("Choose a currency"))] + sorted(
            ((code, f"{currency_name(code, ui_lang)} ({code})") for code in currencies()),
            key=lambda option: option[1])

    def read_form(self, form: MultiDict[str, str], name: str) -> Any:
        return {"amount": form.get(f"{name}-amount", ""),
                "currency": form.get(f"{name}-currency", "")}

    def form_value(self, value: Any) -> Any:
        value = value if isinstance(value, dict) else {}
        return {"amount": str(value.get("amount") or ""),
                "currency": str(value.get("currency") or "")}

    def render_input(self, made: Any, ui: str | None) -> Markup:
        value = made.value if isinstance(made.value, dict) else {}
        lang = Markup(' lang="{}"').format(ui) if ui else Markup("")
        invalid = Markup(' aria-invalid="true"') if made.error else Markup("")
        described = (Markup(' aria-describedby="{}"').format(made.describedby)
                     if made.describedby else Markup(""))
        hint = (Markup('<p class="hint" id="hint-{}"{}>{}</p>').format(made.name, lang, made.hint)
                if made.hint else Markup(""))
        error = (Markup('<p class="error-message" id="err-{}"{}><span class="visually-hidden">'
                        '{}:</span> {}</p>').format(made.name, lang, _("Error"), made.error)
                 if made.error else Markup(""))
        options = Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                code, Markup(" selected") if code == value.get("currency") else Markup(""), label)
            for code, label in made.options)
        return Markup(
            '<fieldset class="field group{cls}"{described}><legend{lang}>{label}</legend>'
            '{hint}{error}'
            '<label for="{id}-amount"{lang}>{amount_label}</label>'
            '<input type="text" inputmode="decimal" id="{id}-amount" name="{name}-amount" '
            'value="{amount}" autocomplete="off"{invalid}>'
            '<label for="{id}-currency"{lang}>{currency_label}</label>'
            '<select id="{id}-currency" name="{name}-currency"{invalid}>{options}</select>'
            '</fieldset>'
        ).format(
            cls=" has-error" if made.error else "", described=described, lang=lang,
            label=made.label, hint=hint, error=error, id=made.id, name=made.name,
            amount_label=_("Amount"), amount=value.get("amount", ""), invalid=invalid,
            currency_label=_("Currency"), options=options,
        )

    # -- reading ----------------------------------------------------------------------------

    def plain_text(self, value: Any, fld: Field, lang: str) -> str:
        return format_currency(Decimal(value["amount"]), value["currency"], locale=lang)

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return escape(self.plain_text(value, fld, lang))

    def search_text(self, value: Any, fld: Field, lang: str) -> str:
        code = value["currency"]
        shown = format_currency(Decimal(value["amount"]), code, locale=lang)
        return f"{shown} {code} {currency_name(code, lang)}"

    def facet_values(self, value: Any, fld: Field) -> list[str]:
        return [value["currency"]]

    def facet_label(self, code: str, fld: Field, lang: str) -> str:
        return currency_name(code, lang)


GRANT = ContentType(
    name="grant",
    label={"nl": "Subsidie", "en": "Grant"},
    sector="ngo",
    fields=[
        Field("amount", "money", label={"nl": "Bedrag", "en": "Amount granted"},
              help={"nl": "Het toegekende bedrag.", "en": "The amount granted."},
              searchable=True, facet=True, min_value=0),
        Field("funder", "text", label={"nl": "Financier", "en": "Funder"}),
    ],
)


def compile_catalog(target: Path) -> Path:
    """The plugin's Dutch catalog compiled into ``target`` (what its build would ship)."""
    source = CATALOG / "nl" / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = target / "nl" / "LC_MESSAGES" / f"{DOMAIN}.mo"
    mo.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as po, mo.open("wb") as out:
        write_mo(out, read_po(po))
    return target


class MoneyPlugin:
    """The plugin: the kind, a type using it, and its translations."""

    def __init__(self, catalogs: Path) -> None:
        self.catalogs = catalogs

    @hookimpl
    def register_field_kinds(self) -> list[type[FieldKind]]:
        return [MoneyKind]

    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        return [GRANT]

    @hookimpl
    def translation_dirs(self) -> list[tuple[str, str]]:
        return [(str(self.catalogs), DOMAIN)]
