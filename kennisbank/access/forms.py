"""Forms of the way in (Flask-WTF, so each carries a CSRF token).

Both public forms carry a honeypot field, :attr:`PublicForm.website`: it is
hidden from people (and from screen readers), so only a program that fills
in every field it finds puts something in it. Such a submission gets the same
answer as a real one and leaves nothing behind. Choices that depend on the
data or the page's language are filled per request by the views.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..auth.forms import LANGUAGE_NAMES
from ..config import LANGUAGES
from ..partners.messages import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH
from ..partners.organisations import MAX_NAME_LENGTH

REQUIRED = _l("This field is required.")
MAX_REASON_LENGTH = 2000
#: The organisation choice meaning "none of these: the name I type".
NEW_ORGANISATION = "new"


def _required() -> InputRequired:
    return InputRequired(message=REQUIRED)


def _email_field(label: object) -> StringField:
    return StringField(label, validators=[_required(), Length(max=254)],
                       render_kw={"type": "email", "autocomplete": "email",
                                  "spellcheck": "false"})


class PublicForm(FlaskForm):
    """A form anyone may send: with the honeypot."""

    website = StringField(_l("Leave this field empty"), validators=[Length(max=500)],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    def is_bot(self) -> bool:
        return bool((self.website.data or "").strip())


class AccessRequestForm(PublicForm):
    name = StringField(_l("Your name"), validators=[_required(), Length(max=200)],
                       render_kw={"autocomplete": "name"})
    email = _email_field(_l("Email address"))
    organisation = SelectField(_l("Organisation"), validate_choice=False)
    new_organisation = StringField(
        _l("Name of your organisation, if it is not in the list"),
        validators=[Length(max=MAX_NAME_LENGTH)], render_kw={"autocomplete": "organization"})
    sector = SelectField(_l("Sector of your organisation"), validate_choice=False)
    city = StringField(_l("City"), validators=[_required(), Length(max=120)],
                       render_kw={"autocomplete": "address-level2"})
    function = StringField(_l("Your function"), validators=[_required(), Length(max=200)],
                           render_kw={"autocomplete": "organization-title"})
    reason = TextAreaField(_l("Why would you like an account?"),
                           validators=[_required(), Length(max=MAX_REASON_LENGTH)],
                           render_kw={"rows": 5})
    language = SelectField(_l("Language for our emails"),
                           choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])


class ApproveForm(FlaskForm):
    role = SelectField(_l("Role"), validate_choice=False)
    sectors = SelectMultipleField(_l("Sectors (editors only)"), validate_choice=False)
    organisation = SelectField(_l("Organisation"), validate_choice=False)


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the requester)"),
                           validators=[_required(), Length(max=MAX_REASON_LENGTH)],
                           render_kw={"rows": 4})


class OutsideMessageForm(PublicForm):
    """Writing to a contact person without an account."""

    name = StringField(_l("Your name"), validators=[_required(), Length(max=200)],
                       render_kw={"autocomplete": "name"})
    email = _email_field(_l("Your email address"))
    sender_organisation = StringField(_l("Your organisation"),
                                      validators=[_required(), Length(max=MAX_NAME_LENGTH)],
                                      render_kw={"autocomplete": "organization"})
    subject = StringField(_l("Subject"), validators=[_required(), Length(max=MAX_SUBJECT_LENGTH)],
                          render_kw={"autocomplete": "off"})
    body = TextAreaField(_l("Message"), validators=[_required(), Length(max=MAX_BODY_LENGTH)],
                         render_kw={"rows": 8})
    share_email = BooleanField(_l("Let the recipient see my email address"))


class OutsideReplyForm(FlaskForm):
    """A reply from the inbox to someone without an account; it goes out by mail."""

    subject = StringField(_l("Subject"), validators=[_required(), Length(max=MAX_SUBJECT_LENGTH)],
                          render_kw={"autocomplete": "off"})
    body = TextAreaField(_l("Message"), validators=[_required(), Length(max=MAX_BODY_LENGTH)],
                         render_kw={"rows": 8})
    share_email = BooleanField(_l("Share my email address with them"))
