"""User management for admins: list, create, edit (name, address, role, sectors,
organisation), deactivate, and mail a password-reset link; invitations are in
:mod:`.invitations`.

Every view asks the policy for ``manage_users`` (401 for visitors, 403 for
everyone but admins); the changes themselves live in
:mod:`kennisbank.auth.accounts`, shared with the command line.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..auth.accounts import AccountError, create_user, deactivate, reactivate, update_user
from ..auth.email_change import notify_old_address
from ..auth.forms import RoleForm, UserCreateForm, UserEditForm
from ..auth.passwords import MIN_LENGTH
from ..auth.policy import require
from ..auth.reset import send_reset_link
from ..auth.roles import role_label
from ..content.registry import current_registry
from ..extensions import db
from ..models import ROLES, Organisation, User
from .filters import page_lang

bp = Blueprint("admin", __name__, url_prefix="/<any(nl, en):lang>/admin")

def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    invitations.init_app(app)

    @app.context_processor
    def admin_helpers() -> dict[str, Any]:
        return {"role_label": role_label}


def _admin() -> User:
    require(current_user, "manage_users")
    return current_user._get_current_object()


def _fill_choices(form: RoleForm) -> None:
    lang = page_lang()
    form.role.choices = [SelectChoice(role, role_label(role)) for role in ROLES]
    form.sectors.choices = [
        SelectChoice(code, current_registry().sector_label(code, lang))
        for code in current_registry().sectors
    ]


def _show_errors(form: RoleForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]


@bp.get("/users")
def users() -> str:
    _admin()
    people = db.session.execute(db.select(User).order_by(User.active.desc(), User.email))
    return render_template("admin/users.html", users=people.scalars().all())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Any:
    admin = _admin()
    form = UserCreateForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data or "", name=form.name.data or "",
                password=form.password.data or "", role=form.role.data or "",
                sectors=list(form.sectors.data or []), language=form.language.data or "nl",
                by=admin,
            )
        except AccountError as error:
            _show_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("The account for %(email)s has been created.", email=user.email), "success")
            return redirect(url_for("admin.users"), 303)
    return render_template("admin/new_user.html", form=form, min_length=MIN_LENGTH)


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def organisation_choices(organisations: list[Organisation] | None = None) -> list[SelectChoice]:
    """"No organisation" (0) and the organisations by name."""
    if organisations is None:
        organisations = list(db.session.execute(
            db.select(Organisation).order_by(Organisation.name)).scalars())
    return [SelectChoice(0, _("No organisation")),
            *(SelectChoice(o.id, o.name) for o in organisations)]


def chosen_organisation(form_value: int | None) -> Organisation | None:
    return db.session.get(Organisation, form_value) if form_value else None


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> Any:
    """Name, address, role, sectors and organisation; access and password below."""
    admin = _admin()
    user = _user_or_404(user_id)
    form = UserEditForm(data={"name": user.name, "email": user.email, "role": user.role,
                              "sectors": list(user.sectors or []),
                              "organisation": user.organisation_id or 0})
    _fill_choices(form)
    form.organisation.choices = organisation_choices()
    if form.validate_on_submit():
        old_email = user.email
        try:
            changed = update_user(
                user, name=form.name.data or "", email=form.email.data or "",
                role=form.role.data or "", sectors=list(form.sectors.data or []),
                organisation=chosen_organisation(form.organisation.data), by=admin,
            )
        except AccountError as error:
            db.session.rollback()
            _show_errors(form, error.errors)
        else:
            if "email" in changed:
                notify_old_address(user, old_email, by_admin=True)
            db.session.commit()
            if changed:
                flash(_("The account of %(email)s has been changed.", email=user.email),
                      "success")
            return redirect(url_for("admin.users"), 303)
    return render_template("admin/edit_user.html", form=form, user=user)


@bp.post("/users/<int:user_id>/reset-password")
def reset_user_password(user_id: int) -> Response:
    """Mail the person a link to choose a new password (their password stays until then)."""
    admin = _admin()
    user = _user_or_404(user_id)
    if not user.active:
        flash(_("Reactivate the account first."), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    send_reset_link(user, by=admin)
    db.session.commit()
    flash(_("A link to choose a new password has been sent to %(email)s.", email=user.email),
          "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int) -> Response:
    """Ends the person's sessions and tokens at once (see :func:`deactivate`)."""
    admin = _admin()
    user = _user_or_404(user_id)
    try:
        revoked = deactivate(user, by=admin)
    except AccountError as error:
        flash(error.errors["active"], "error")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    db.session.commit()
    flash(_("%(email)s has been deactivated.", email=user.email), "success")
    if revoked:
        flash(ngettext("%(num)d API token was revoked.", "%(num)d API tokens were revoked.",
                       revoked), "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int) -> Response:
    admin = _admin()
    user = _user_or_404(user_id)
    reactivate(user, by=admin)
    db.session.commit()
    flash(_("%(email)s can log in again.", email=user.email), "success")
    return redirect(url_for("admin.users"), 303)


from . import invitations  # noqa: E402,F401  (registers its views on ``bp``)
