"""The synonym set form (Flask-WTF, so it carries a CSRF token).

The form only reads and echoes what was typed: terms one per line, a note.
Every rule is :func:`kennisbank.synonyms.service.clean_set`, shared with the
API and the import, so the fields carry no validators of their own.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class SynonymSetForm(FlaskForm):
    terms_nl = TextAreaField(_l("Dutch terms"),
                             render_kw={"lang": "nl", "rows": 6, "spellcheck": "true"})
    terms_en = TextAreaField(_l("English terms"),
                             render_kw={"lang": "en", "rows": 6, "spellcheck": "true"})
    note = TextAreaField(_l("Note (optional)"), render_kw={"rows": 3})


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a text box, as typed (the service tidies them)."""
    return [line for line in (text or "").splitlines() if line.strip()]


def form_data(form: SynonymSetForm) -> dict[str, object]:
    """The form as the service's input; a browser's CRLF line breaks count as one character."""
    return {
        "nl": lines(form.terms_nl.data),
        "en": lines(form.terms_en.data),
        "note": (form.note.data or "").replace("\r\n", "\n"),
    }
