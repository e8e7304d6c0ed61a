"""Privacy forms (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from ..auth.passwords import MAX_LENGTH as MAX_PASSWORD
from .statement import MAX_LENGTH


class DeleteAccountForm(FlaskForm):
    """Confirmed with the password; an account without one (single sign-on) types its address."""

    password = PasswordField(
        _l("Your password"), validators=[Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    email = StringField(
        _l("Your email address"), validators=[Length(max=254)],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )


class StatementForm(FlaskForm):
    text_nl = TextAreaField(_l("Privacy statement in Dutch (Markdown)"),
                            validators=[Length(max=MAX_LENGTH)], render_kw={"rows": 16})
    text_en = TextAreaField(_l("Privacy statement in English (Markdown)"),
                            validators=[Length(max=MAX_LENGTH)], render_kw={"rows": 16})
