"""Privacy pages: the statement, one's data as JSON, deleting one's account, and the
administrator's page for the statement's text."""

from __future__ import annotations

import hmac
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..auth.accounts import AccountError, normalise_email
from ..auth.passwords import verify_password
from ..auth.policy import require
from ..config import LANGUAGES
from ..content.service import commit
from ..extensions import db
from ..i18n import current_language
from ..models import User
from ..security import mark_failed, throttle_failures
from .deletion import delete_account, is_last_admin
from .forms import DeleteAccountForm, StatementForm
from .registry import export_json
from .statement import custom_text, default_text, set_text, statement_html

bp = Blueprint("privacy", __name__, url_prefix="/<any(nl, en):lang>")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    throttle_failures(app, "privacy.delete")


def _person() -> User:
    if not current_user.is_authenticated:
        abort(401)
    return current_user._get_current_object()


@bp.get("/privacy")
def statement() -> str:
    return render_template("privacy/statement.html",
                           statement=statement_html(current_language()))


@bp.get("/account/data")
def download() -> Response:
    """Everything stored about the logged-in person, as a JSON file."""
    user = _person()
    response = Response(export_json(user), mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kennisbank-data-{user.id}.json"')
    response.headers["Cache-Control"] = "no-store"
    return response


def _confirmed(user: User, form: DeleteAccountForm) -> bool:
    """The password, or for an account without one its own address, typed again."""
    if user.password_hash:
        if verify_password(user.password_hash, form.password.data or ""):
            return True
        form.password.errors.append(_("This is not your current password."))
    else:
        typed = normalise_email(form.email.data or "")
        if hmac.compare_digest(typed.encode(), user.email.encode()):
            return True
        form.email.errors.append(_("Type the email address of your account."))
    mark_failed()
    return False


@bp.route("/account/delete", methods=["GET", "POST"])
def delete() -> Any:
    """Delete one's own account after confirming; the session ends with it."""
    user = _person()
    form = DeleteAccountForm()
    if form.validate_on_submit() and _confirmed(user, form):
        try:
            delete_account(user)
        except AccountError as error:
            form.password.errors.append(error.errors["password"])
        else:
            commit()
            logout_user()
            session.clear()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("web.home"), 303)
    return render_template("privacy/delete.html", form=form, user=user,
                           last_admin=is_last_admin(user))


@bp.route("/admin/privacy", methods=["GET", "POST"])
def edit_statement() -> Any:
    """Administrators replace the statement per language; empty means the default."""
    user = _person()
    require(user, "manage_users")
    form = StatementForm()
    if form.validate_on_submit():
        changed = [set_text(code, getattr(form, f"text_{code}").data or "", by=user)
                   for code in LANGUAGES]
        if any(changed):
            db.session.commit()
            flash(_("The privacy statement has been saved."), "success")
        return redirect(url_for("privacy.edit_statement"), 303)
    if not form.is_submitted():
        for code in LANGUAGES:
            getattr(form, f"text_{code}").data = custom_text(code) or ""
    defaults = {code: default_text(code) for code in LANGUAGES}
    return render_template("privacy/edit_statement.html", form=form, defaults=defaults)
