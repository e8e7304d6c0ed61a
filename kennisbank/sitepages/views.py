"""The footer's pages (contact, accessibility statement, colophon) and their admin pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.policy import require
from ..config import LANGUAGES
from ..extensions import db
from ..i18n import current_language
from .forms import SiteTextForm
from .texts import PAGES, custom_text, default_text, page_html, set_text

bp = Blueprint("sitepages", __name__, url_prefix="/<any(nl, en):lang>")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _show(key: str) -> str:
    return render_template("sitepages/page.html", page=PAGES[key],
                           text=page_html(key, current_language()))


@bp.get("/contact")
def contact() -> str:
    return _show("contact")


@bp.get("/accessibility")
def accessibility() -> str:
    return _show("accessibility")


@bp.get("/colophon")
def colophon() -> str:
    return _show("colophon")


def _admin() -> Any:
    if not current_user.is_authenticated:
        abort(401)
    user = current_user._get_current_object()
    require(user, "manage_users")
    return user


@bp.get("/admin/texts")
def texts() -> str:
    """Administrators: the site's replaceable texts, each with whether it was replaced."""
    _admin()
    rows = [(page, [code for code in LANGUAGES if custom_text(page.key, code)])
            for page in PAGES.values()]
    privacy = [code for code in LANGUAGES if custom_text("privacy", code)]
    return render_template("sitepages/texts.html", rows=rows, privacy=privacy)


@bp.route("/admin/texts/<key>", methods=["GET", "POST"])
def edit_text(key: str) -> Any:
    """Replace a page's text per language; an empty text brings the default back."""
    user = _admin()
    page = PAGES.get(key)
    if page is None:
        abort(404)
    form = SiteTextForm()
    if form.validate_on_submit():
        changed = [set_text(key, code, getattr(form, f"text_{code}").data or "", by=user)
                   for code in LANGUAGES]
        if any(changed):
            db.session.commit()
            flash(_("The text of “%(page)s” has been saved.", page=page.title), "success")
        return redirect(url_for("sitepages.edit_text", key=key), 303)
    if not form.is_submitted():
        for code in LANGUAGES:
            getattr(form, f"text_{code}").data = custom_text(key, code) or ""
    defaults = {code: default_text(key, code) for code in LANGUAGES}
    return render_template("sitepages/edit_text.html", form=form, page=page, defaults=defaults)
