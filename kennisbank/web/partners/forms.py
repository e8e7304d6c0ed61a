"""Forms of the partner pages (Flask-WTF, so each carries a CSRF token).

Choices that depend on the data or the reader's language (sectors, countries,
cities, themes) are filled per request by the views. The rules themselves
live in :mod:`kennisbank.partners` (one place for forms, API and demo); the
forms only read and echo what was typed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ...partners.messages import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH
from ...partners.organisations import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH
from ...partners.transfers import MAX_NOTE_LENGTH

REQUIRED = _l("This field is required.")


def _required() -> InputRequired:
    return InputRequired(message=REQUIRED)


def _note(label: str, lang: str) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=MAX_NOTE_LENGTH)],
                         render_kw={"lang": lang, "rows": 3})


class TransferForm(FlaskForm):
    kind = SelectField(_l("This practice was"), validate_choice=False)
    practice = StringField(
        _l("Another practice"), validators=[Length(max=500)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    city = SelectField(_l("Or a city"), validate_choice=False)
    how_nl = _note(_l("How it was adapted (Dutch)"), "nl")
    how_en = _note(_l("How it was adapted (English)"), "en")
    result_nl = _note(_l("With what result (Dutch)"), "nl")
    result_en = _note(_l("With what result (English)"), "en")


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[_required(), Length(max=MAX_NAME_LENGTH)],
                       render_kw={"autocomplete": "organization"})
    sector = SelectField(_l("Sector"), validate_choice=False)
    city = StringField(_l("City"), validators=[Length(max=120)],
                       render_kw={"autocomplete": "address-level2"})
    country = SelectField(_l("Country"), validate_choice=False)
    website = StringField(_l("Website"), validators=[Length(max=500)],
                          render_kw={"type": "url", "autocomplete": "url", "spellcheck": "false"})
    description_nl = TextAreaField(_l("Description (Dutch)"),
                                   validators=[Length(max=MAX_DESCRIPTION_LENGTH)],
                                   render_kw={"lang": "nl", "rows": 5})
    description_en = TextAreaField(_l("Description (English)"),
                                   validators=[Length(max=MAX_DESCRIPTION_LENGTH)],
                                   render_kw={"lang": "en", "rows": 5})
    offers = SelectMultipleField(_l("What it offers in international work"),
                                 validate_choice=False)
    seeks = SelectMultipleField(_l("What it seeks in international work"), validate_choice=False)


class ContactPersonForm(FlaskForm):
    name = StringField(_l("Name"), validators=[_required(), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    position = StringField(_l("Position"), validators=[Length(max=200)],
                           render_kw={"autocomplete": "off"})
    email = StringField(_l("Email address"), validators=[Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"})
    phone = StringField(_l("Phone"), validators=[Length(max=50)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    account = StringField(_l("Their Kennisbank account (email address)"),
                          validators=[Length(max=254)],
                          render_kw={"type": "email", "autocomplete": "off",
                                     "spellcheck": "false"})


class MemberForm(FlaskForm):
    email = StringField(_l("Email address of the account"),
                        validators=[_required(), Length(max=254)],
                        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"})


class MessageForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[_required(), Length(max=MAX_SUBJECT_LENGTH)],
                          render_kw={"autocomplete": "off"})
    body = TextAreaField(_l("Message"), validators=[_required(), Length(max=MAX_BODY_LENGTH)],
                         render_kw={"rows": 8})
