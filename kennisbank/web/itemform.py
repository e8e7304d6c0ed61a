"""Edit forms generated from a content type: inputs and where errors go.

A plugin declares its fields once (:class:`~kennisbank.content.types.Field`);
this module turns them into HTML inputs that fit each kind, labelled in the
reader's language, and puts each validation message (keyed by its path, such
as ``translations.nl.title``) next to the input it is about, with an error
summary in page order. Reading what the browser sends is :mod:`.formvalues`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from ..attachments.sniff import KINDS
from ..attachments.storage import format_size, max_attachment_size
from ..config import LANGUAGES
from ..content.kinds import FieldKind, kind_of
from ..content.kinds.country import country_options
from ..content.kinds.dates import date_hint
from ..content.registry import current_registry
from ..content.types import ContentType, Field, label_in
from ..content.vocab import THEMES
from ..i18n import language_name
from .formvalues import (
    ATTACHMENTS,
    COMMON_NAMES,
    TEXT_NAMES,
    FormValues,
    lang_name,
    remove_name,
    shared_name,
)

ACCEPT = [ext for kind in KINDS.values() for ext in kind.extensions] + list(KINDS)


@dataclass
class Input:
    """One form control (or group of checkboxes/radios) with what the template needs."""

    name: str
    label: str
    widget: str
    value: Any = ""
    required: bool = False
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None
    error: str = ""
    summary_label: str = ""
    #: The field's kind, which may render a control of its own (:meth:`render`).
    kind: FieldKind | None = None
    #: For a control of several parts, the id suffix of the part errors link to.
    focus: str = ""

    @property
    def id(self) -> str:
        return f"in-{self.name}"

    def render(self, ui: str | None = None) -> Markup | None:
        """The kind's own control, or ``None`` for the template's control of :attr:`widget`."""
        return self.kind.render_input(self, ui) if self.kind is not None else None

    @property
    def grouped(self) -> bool:
        """Checkboxes and radios are a fieldset with a legend, not one labelled control."""
        return self.widget in ("checkboxes", "radios")

    @property
    def target(self) -> str:
        """Where the error summary links to: the control, or a group's first option."""
        if self.focus:
            return f"{self.id}-{self.focus}"
        return f"{self.id}-0" if self.grouped and self.options else self.id

    @property
    def describedby(self) -> str:
        ids = []
        if self.hint:
            ids.append(f"hint-{self.name}")
        if self.error:
            ids.append(f"err-{self.name}")
        return " ".join(ids)

    @property
    def option_type(self) -> str:
        return "checkbox" if self.widget == "checkboxes" else "radio"

    @property
    def attributes(self) -> dict[str, Any]:
        """HTML attributes of the control (for Jinja's ``xmlattr``); ``None`` leaves one out.

        Inputs in a language column are not marked ``required``: the whole
        language may be left empty; the label and hint say what is needed.
        """
        found: dict[str, Any] = {
            key: key if value is True else value for key, value in self.attrs.items()
        }
        found["aria-describedby"] = self.describedby or None
        found["aria-invalid"] = "true" if self.error else None
        found["required"] = "required" if self.required and not self.lang else None
        found["lang"] = self.lang
        return found

    def selected(self, option: str) -> bool:
        if isinstance(self.value, list):
            return option in self.value
        return self.value == option


@dataclass
class Column:
    """The translatable inputs of one language."""

    lang: str
    title: str
    inputs: list[Input]
    exists: bool
    remove: Input | None = None


@dataclass
class Problem:
    """One line of the error summary; ``target`` is the id it links to, if any."""

    label: str
    message: str
    target: str | None


@dataclass
class ItemForm:
    ctype: ContentType
    common: list[Input]
    columns: list[Column]
    details: list[Input]
    upload: Input
    problems: list[Problem]
    missing: list[str]
    new: bool

    @property
    def inputs(self) -> list[Input]:
        """In page order, which is also the error summary's order."""
        found: list[Input] = []
        for column in self.columns:
            found += column.inputs + ([column.remove] if column.remove else [])
        return found + self.common + self.details + [self.upload]


# -- building inputs ---------------------------------------------------------------------


def _required_suffix(label: str, required: bool) -> str:
    return _("%(label)s (required)", label=label) if required else label


def field_input(fld: Field, name: str, value: Any, ui_lang: str, lang: str | None = None) -> Input:
    """The input that fits a field's kind, labelled in the reader's language."""
    label = label_in(fld.label, ui_lang, fld.name)
    made = Input(
        name=name,
        label=_required_suffix(label, fld.required),
        summary_label=label,
        widget="text",
        value=value,
        required=fld.required,
        hint=label_in(fld.help, ui_lang),
        lang=lang,
    )
    made.kind = kind_of(fld)
    made.kind.form_input(made, fld, ui_lang)
    return made


def markdown_hint() -> str:
    return _("You can use Markdown: **bold**, *italic*, lists starting with -, "
             "and links as [text](https://example.org).")


def common_inputs(values: FormValues, ui_lang: str) -> list[Input]:
    registry = current_registry()
    sectors = sorted(
        ((code, registry.sector_label(code, ui_lang)) for code in registry.sectors),
        key=lambda pair: pair[1],
    )
    themes = [
        (code, _("Goal %(number)s: %(name)s", number=code.removeprefix("sdg"),
                 name=label_in(labels, ui_lang)))
        for code, labels in THEMES.items()
    ]
    return [
        Input("sector", _required_suffix(_("Sector"), True), "select", values["sector"],
              required=True, options=[("", _("Choose a sector"))] + sectors,
              summary_label=_("Sector")),
        Input("themes", _("Themes"), "checkboxes", values["themes"], options=themes,
              hint=_("The Sustainable Development Goals this practice contributes to."),
              summary_label=_("Themes")),
        Input("tags", _("Tags"), "text", values["tags"], attrs={"maxlength": 2000},
              hint=_("Separate tags with commas, for example: cycling, mobility."),
              summary_label=_("Tags")),
        Input("city", _("City"), "text", values["city"], attrs={"maxlength": 120},
              summary_label=_("City")),
        Input("country", _("Country"), "select", values["country"],
              options=country_options(ui_lang),
              summary_label=_("Country")),
        Input("organisation", _("Organisation"), "text", values["organisation"],
              attrs={"maxlength": 200}, summary_label=_("Organisation")),
        Input("start_date", _("Start date"), "date", values["start_date"], hint=date_hint(),
              summary_label=_("Start date")),
        Input("end_date", _("End date"), "date", values["end_date"], hint=date_hint(),
              summary_label=_("End date")),
    ]


def language_column(
    ctype: ContentType, values: FormValues, lang: str, ui_lang: str, *, exists: bool,
    removable: bool,
) -> Column:
    config = current_app.config
    language = language_name(lang, ui_lang)

    def text(name: str, label: str, widget: str, **extra: Any) -> Input:
        return Input(lang_name(lang, name), label, widget, values[lang_name(lang, name)],
                     lang=lang, summary_label=label, **extra)

    inputs = [
        text("title", _("Title"), "text", attrs={"maxlength": config["MAX_TITLE_LENGTH"]},
             hint=_("Needed for each language you fill in.")),
        text("summary", _("Summary"), "textarea",
             attrs={"maxlength": config["MAX_SUMMARY_LENGTH"], "rows": 3},
             hint=_("One or two sentences shown in lists and search results.")),
        text("body", _("Description"), "textarea", attrs={"rows": 10}, hint=markdown_hint()),
    ]
    inputs += [
        field_input(fld, lang_name(lang, fld.name), values[lang_name(lang, fld.name)], ui_lang,
                    lang)
        for fld in ctype.translatable_fields
    ]
    for made in inputs:
        made.summary_label = _("%(label)s (%(language)s)", label=made.summary_label,
                               language=language)
    remove = None
    if exists and removable:
        remove = Input(remove_name(lang), _("Delete the %(language)s text of this practice",
                                            language=language),
                       "checkbox", values.get(remove_name(lang), ""))
    return Column(lang, language, inputs, exists, remove)


def build_form(
    ctype: ContentType,
    values: FormValues,
    *,
    ui_lang: str,
    existing: list[str],
    errors: Mapping[str, str] | None = None,
    new: bool,
) -> ItemForm:
    """Every input with its value, and each error placed by its path."""
    columns = [
        language_column(ctype, values, lang, ui_lang, exists=lang in existing,
                        removable=len(existing) > 1)
        for lang in LANGUAGES
    ]
    form = ItemForm(
        ctype=ctype,
        common=common_inputs(values, ui_lang),
        columns=columns,
        details=[
            field_input(fld, shared_name(fld), values[shared_name(fld)], ui_lang)
            for fld in ctype.shared_fields
        ],
        upload=upload_input(),
        problems=[],
        missing=[lang for lang in LANGUAGES if lang not in existing],
        new=new,
    )
    place_errors(form, errors or {})
    return form


def upload_input() -> Input:
    """The file input; a browser cannot be told to keep a chosen file, so it starts empty."""
    return Input(
        ATTACHMENTS, _("Add files"), "file", "",
        hint=_("PDF, Word (DOCX), OpenDocument text (ODT), PNG, JPEG or WebP; "
               "at most %(size)s per file.", size=format_size(max_attachment_size())),
        attrs={"accept": ",".join(ACCEPT), "multiple": True},
        summary_label=_("Attachments"),
    )


def error_input_name(key: str, ctype: ContentType) -> str | None:
    """The input an error path is about: ``translations.nl.title`` -> ``nl-title``."""
    parts = key.split(".")
    if parts[0] == "translations":
        lang = parts[1] if len(parts) > 1 and parts[1] in LANGUAGES else LANGUAGES[0]
        name = parts[2] if len(parts) > 2 else "title"
        return lang_name(lang, name)
    if parts[0] == "fields" and len(parts) > 1:
        return f"f-{parts[1]}"
    if key in COMMON_NAMES or key == ATTACHMENTS:
        return key
    if key in TEXT_NAMES:
        return lang_name(LANGUAGES[0], key)
    fld = ctype.field(key)
    if fld is not None:
        return lang_name(LANGUAGES[0], key) if fld.translatable else shared_name(fld)
    return None


def place_errors(form: ItemForm, errors: Mapping[str, str]) -> None:
    """Messages next to their inputs; the summary lists them in form order."""
    by_name = {made.name: made for made in form.inputs}
    loose: list[Problem] = []
    for key, message in errors.items():
        target = by_name.get(error_input_name(key, form.ctype) or "")
        if target is None:
            loose.append(Problem("", message, None))
        else:
            target.error = f"{target.error} {message}".strip()
    form.problems = loose + [
        Problem(made.summary_label or made.label, made.error, made.target)
        for made in form.inputs
        if made.error
    ]
