"""Account forms (Flask-WTF, so each carries a CSRF token).

Field attributes help people and password managers: ``autocomplete`` says
which field is the user name, the current or a new password.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from ..config import LANGUAGES
from .passwords import MAX_LENGTH

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
REQUIRED = _l("This field is required.")


def _required() -> InputRequired:
    return InputRequired(message=REQUIRED)


class LoginForm(FlaskForm):
    email = StringField(
        _l("Email address"), validators=[_required(), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"), validators=[_required(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[_required(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"), validators=[_required()],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[_required(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("What is the token for?"), validators=[_required(), Length(max=100)],
        render_kw={"autocomplete": "off"},
    )


class RoleForm(FlaskForm):
    """Role and sectors; the choices are filled per request, in the page's language.

    Select fields check that the answer is one of the choices; they carry no
    ``required`` validator, whose HTML attribute would demand an empty first option.
    """

    role = SelectField(_l("Role"))
    sectors = SelectMultipleField(_l("Sectors (editors only)"), validate_choice=False)


class UserCreateForm(RoleForm):
    name = StringField(
        _l("Name"), validators=[_required(), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    email = StringField(
        _l("Email address"), validators=[_required(), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )
    password = PasswordField(
        _l("First password"), validators=[_required()],
        render_kw={"autocomplete": "new-password"},
    )


def _language_field(label: str | None = None) -> SelectField:
    return SelectField(
        label or _l("Language"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        _l("Email address"), validators=[_required(), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "username", "spellcheck": "false"},
    )


class NewPasswordForm(FlaskForm):
    """A new password twice; ``autocomplete`` lets a password manager offer one."""

    password = PasswordField(
        _l("New password"), validators=[_required(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[_required(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(
        _l("Your name"), validators=[_required(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[_required(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    language = _language_field(_l("Language of the site and of e-mail"))
    notify_messages = BooleanField(_l("E-mail me a copy of messages sent to me"))


class EmailChangeForm(FlaskForm):
    new_email = StringField(
        _l("New email address"), validators=[_required(), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"},
    )
    current_password = PasswordField(
        _l("Current password"), validators=[_required(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class OrganisationChoice(FlaskForm):
    """An organisation from the list; the choices are filled per request."""

    organisation = SelectField(_l("Organisation"), coerce=int)


class UserEditForm(RoleForm, OrganisationChoice):
    name = StringField(
        _l("Name"), validators=[_required(), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    email = StringField(
        _l("Email address"), validators=[_required(), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )


class InvitationForm(RoleForm, OrganisationChoice):
    email = StringField(
        _l("Email address"), validators=[_required(), Length(max=254)],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    name = StringField(
        _l("Name (optional)"), validators=[Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    language = _language_field(_l("Language of the invitation"))
