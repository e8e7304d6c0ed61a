"""Site texts an administrator can replace per language, with their defaults.

Each text has a key (``contact``, ``accessibility``, ``colophon``; the privacy
statement is ``privacy`` and keeps its own module). A row in ``site_texts``
replaces the default in one language; an empty text brings the default back.
The defaults live in the catalogs, so a new instance has them in both
languages, written for the configured site name and city.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..auth import audit
from ..extensions import db
from ..markup import render_markdown
from ..models import User, utcnow
from ..privacy.models import SiteText
from . import site_city, site_name

MAX_LENGTH = 50_000


@dataclass(frozen=True)
class SitePage:
    """A page whose text is a site text: its key, address endpoint, title and default."""

    key: str
    endpoint: str
    title: Any  # a lazy gettext string, translated when shown
    default: Callable[[], str]


def custom_text(key: str, lang: str) -> str | None:
    """The administrator's text for ``key`` in ``lang``, or ``None``."""
    row = db.session.get(SiteText, (key, lang))
    return row.text if row is not None else None


def set_text(key: str, lang: str, text: str, *, by: User) -> bool:
    """Replace text ``key`` in ``lang`` (empty: back to the default); the caller commits.

    Returns whether anything changed; every change is in the security log.
    """
    text = text.replace("\r\n", "\n").strip()
    row = db.session.get(SiteText, (key, lang))
    if text == (row.text if row is not None else ""):
        return False
    if not text:
        db.session.delete(row)
    elif row is None:
        db.session.add(SiteText(key=key, lang=lang, text=text, updated_by_id=by.id))
    else:
        row.text, row.updated_at, row.updated_by_id = text, utcnow(), by.id
    event = "privacy_statement_changed" if key == "privacy" else "site_text_changed"
    audit.record(event, user=by, subject=f"{key}:{lang}", default=not text)
    return True


def _contact_line() -> str:
    """Whom to write to: the configured address, else the administrators."""
    email = current_app.config.get("CONTACT_EMAIL")
    if email:
        link = f"[{email}](mailto:{email})"
        return _("Write to %(email)s. We answer within five working days.", email=link)
    return _("Ask an administrator of %(name)s, or the contact person named on a "
             "practice's page.", name=site_name())


def _contact_default() -> str:
    names = {"name": site_name(), "city": site_city()}
    return "\n\n".join([
        _("%(name)s is run by the Municipality of %(city)s. Where to go depends on your "
          "question.", **names),
        "## " + _("About a practice"),
        _("Every practice page names the organisation behind it and, where there is one, a "
          "contact person. Logged-in users can send them a message from that page."),
        "## " + _("An account"),
        _("Officials of %(city)s and its partner cities can [request an account](%(url)s).",
          city=site_city(), url=url_for("access.request_access")),
        "## " + _("The site itself"),
        _("Questions about the site, its accessibility or your data?") + " " + _contact_line(),
    ]) + "\n"


def _accessibility_default() -> str:
    names = {"name": site_name(), "city": site_city()}
    return "\n\n".join([
        _("The Municipality of %(city)s wants everyone to be able to use %(name)s, whatever "
          "their abilities or device. The standard is WCAG 2.1 at level AA (EN 301 549), "
          "which the Temporary Decree on Digital Accessibility of Government "
          "(Tijdelijk besluit digitale toegankelijkheid overheid) requires of Dutch public "
          "bodies. This statement follows the model statement of the Dutch government.",
          **names),
        "## " + _("Status"),
        _("%(name)s partially complies with WCAG 2.1 level AA. Every page is checked "
          "automatically at every change to the software: with axe-core in a browser against "
          "the WCAG 2.1 A and AA rules, with the Nu HTML checker, for use by keyboard, and at "
          "the width of a phone. No independent expert has audited the site yet; automated "
          "checks find only part of the problems people can meet.", **names),
        "## " + _("Known limitations"),
        "- " + _("Attachments (PDF, Word, OpenDocument) are uploaded by contributors and may "
                 "not be accessible. Ask the practice's contact person for another version."),
        "- " + _("Some practices are only available in Dutch or only in English. Their pages "
                 "and the lists that show them say so, and mark the language of the text."),
        "- " + _("The charts on the overview page are images; the same figures are in the "
                 "tables below each chart."),
        "- " + _("Texts written by contributors are not checked for plain language."),
        "## " + _("Contact"),
        _("Can you not use part of the site, or do you meet a problem not listed here? Tell "
          "us which page and what went wrong.") + " " + _contact_line() + " "
        + _("Not satisfied with our answer? You may turn to the National Ombudsman "
            "(Nationale ombudsman)."),
    ]) + "\n"


def _colophon_default() -> str:
    names = {"name": site_name(), "city": site_city()}
    return "\n\n".join([
        _("%(name)s is the knowledge base in which %(city)s and its partner cities share "
          "practices in education, business, culture, civil society and government.", **names),
        "## " + _("Publisher"),
        _("The Municipality of %(city)s. Contributors from each sector write the practices; "
          "an editor of the sector reviews each one before it is published.", **names),
        "## " + _("Software"),
        _("Open-source software built on Flask, SQLAlchemy, Whoosh or PostgreSQL full-text "
          "search and Flask-Babel. The design follows the patterns of the GOV.UK Design "
          "System and the NL Design System. The site uses the fonts of your device, loads "
          "nothing from other sites and sets no tracking cookies: only a session cookie "
          "when you log in."),
        "## " + _("Open data"),
        _("Published practices are available through the [API](%(url)s) and as feeds.",
          url=url_for("web.api_docs")),
    ]) + "\n"


#: The pages in the footer whose text administrators replace, by key.
PAGES: dict[str, SitePage] = {
    "contact": SitePage("contact", "sitepages.contact", _l("Contact"), _contact_default),
    "accessibility": SitePage("accessibility", "sitepages.accessibility",
                              _l("Accessibility statement"), _accessibility_default),
    "colophon": SitePage("colophon", "sitepages.colophon", _l("Colophon"), _colophon_default),
}


def default_text(key: str, lang: str) -> str:
    """The default Markdown of page ``key`` in ``lang``."""
    with force_locale(lang):
        return PAGES[key].default()


def page_html(key: str, lang: str) -> Markup:
    """Page ``key`` in ``lang``: the administrator's text, else the default, sanitised."""
    return render_markdown(custom_text(key, lang) or default_text(key, lang))
