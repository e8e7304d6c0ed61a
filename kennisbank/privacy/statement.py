"""The privacy statement: the administrator's text per language, else the default.

The default lives in the catalogs like every other text, so it exists in both
languages from the start; it names what the site stores, why, how long, the
rights people have and whom to contact. An administrator replaces it per
language with Markdown, which is shown through :func:`kennisbank.markup.render_markdown`
(sanitised), and an empty text brings the default back.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..markup import render_markdown
from ..models import User
from ..sitepages import texts as site_texts

KEY = "privacy"
MAX_LENGTH = 50_000


def retention_days() -> int:
    return int(current_app.config["RETENTION_DAYS"])


def audit_retention_days() -> int:
    return int(current_app.config["AUDIT_RETENTION_DAYS"])


def mail_retention_days() -> int:
    """``MAIL_RETENTION_DAYS``, the mail outbox's setting."""
    return int(current_app.config["MAIL_RETENTION_DAYS"])


def default_text(lang: str) -> str:
    """The statement in the catalogs, as Markdown, in ``lang``."""
    contact = current_app.config.get("PRIVACY_CONTACT")
    with force_locale(lang):
        who = (_("Questions, or a request to see, correct or delete your data? Write to "
                 "%(contact)s.", contact=contact) if contact else
               _("Questions, or a request to see, correct or delete your data? Write to the "
                 "data protection officer of the Municipality of Deventer, or ask an "
                 "administrator of the Kennisbank."))
        parts = [
            _("The Municipality of Deventer runs the Kennisbank, where officials of Deventer "
              "and its partner cities share practices. This statement says which personal "
              "data the Kennisbank keeps, why, for how long, and what you can do about it."),
            "## " + _("What we store"),
            "- " + _("Your account: name, email address, organisation, role, language and, "
                     "unless you log in through your organisation, a hash of your password "
                     "(never the password itself)."),
            "- " + _("What you do: the practices you own, the changes you made to them, the "
                     "messages you send and receive, and your API tokens (only their hash)."),
            "- " + _("Requests for an account and messages from people without an account: "
                     "name, email address, organisation, city, function and what they wrote."),
            "- " + _("Mail the Kennisbank sends you: address, subject and whether it arrived."),
            "- " + _("Security log: logins, failed logins and changes to accounts, with the "
                     "network address they came from."),
            "- " + _("Contact persons of practices and organisations: name, position, email "
                     "address and phone number. Only logged-in people see the email address "
                     "and phone number; they are never in search results, feeds or exports."),
            "## " + _("Why"),
            _("To let officials find each other and work together on practices (the public "
              "task of the municipality), and to keep the Kennisbank secure."),
            "## " + _("How long"),
            "- " + _("Your account and what belongs to it: until you delete it or an "
                     "administrator does."),
            "- " + _("Requests and messages whose email address was never confirmed: "
                     "%(days)d days.", days=retention_days()),
            "- " + _("Mail sent to you: %(days)d days after it was sent.",
                     days=mail_retention_days()),
            "- " + _("The security log: %(days)d days.", days=audit_retention_days()),
            "## " + _("Your rights"),
            _("You may see, correct and delete your data, object to its use and take it with "
              "you. On your account page you download everything stored about you and delete "
              "your account yourself; your practices then stay, attributed to your "
              "organisation, and your messages stay without your name. You may also complain "
              "to the Dutch Data Protection Authority (Autoriteit Persoonsgegevens)."),
            "## " + _("Contact"),
            who,
        ]
    return "\n\n".join(parts) + "\n"


def custom_text(lang: str) -> str | None:
    """The administrator's text for ``lang``, or ``None``."""
    return site_texts.custom_text(KEY, lang)


def statement_markdown(lang: str) -> str:
    return custom_text(lang) or default_text(lang)


def statement_html(lang: str) -> Markup:
    return render_markdown(statement_markdown(lang))


def set_text(lang: str, text: str, *, by: User) -> bool:
    """Replace the statement in ``lang`` (empty: back to the default); the caller commits.

    Returns whether anything changed.
    """
    return site_texts.set_text(KEY, lang, text, by=by)
