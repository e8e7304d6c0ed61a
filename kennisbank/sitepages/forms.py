"""The administrator's form for a site text (Flask-WTF: it carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from .texts import MAX_LENGTH


class SiteTextForm(FlaskForm):
    text_nl = TextAreaField(_l("Text in Dutch (Markdown)"),
                            validators=[Length(max=MAX_LENGTH)], render_kw={"rows": 16})
    text_en = TextAreaField(_l("Text in English (Markdown)"),
                            validators=[Length(max=MAX_LENGTH)], render_kw={"rows": 16})
