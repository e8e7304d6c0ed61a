"""Invitations for admins and editors: invite, see each one's state, resend, revoke.

Admins invite anyone with any role; editors readers and contributors of the
organisations in their sectors, and see only those invitations (the rules
are in :mod:`kennisbank.auth.invitations`). The page a person accepts on is
in :mod:`.account_links`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..auth.accounts import AccountError
from ..auth.forms import InvitationForm
from ..auth.invitations import (
    EDITOR_ROLES,
    Invitation,
    invite,
    manages,
    resend,
    revoke,
    visible_invitations,
)
from ..auth.policy import require
from ..auth.roles import role_label
from ..extensions import db
from ..models import Organisation, User
from ..security import throttle_posts
from .admin import _fill_choices, _show_errors, bp, chosen_organisation, organisation_choices


def init_app(app: Flask) -> None:
    for endpoint in ("admin.new_invitation", "admin.resend_invitation",
                     "admin.revoke_invitation"):
        throttle_posts(app, endpoint, scope=endpoint.replace(".", "-"),
                       address_limit="ACCOUNT_FORM_LIMIT_ADDRESS")


def _inviter() -> User:
    require(current_user, "invite")
    return current_user._get_current_object()


def _state_label(state: str) -> str:
    return {"pending": _("pending"), "accepted": _("accepted"), "expired": _("expired"),
            "revoked": _("revoked")}[state]


@bp.get("/invitations")
def invitations() -> str:
    user = _inviter()
    return render_template("admin/invitations.html", invitations=visible_invitations(user),
                           state_label=_state_label)


def _choices_for(form: InvitationForm, user: User) -> None:
    """Editors choose among the roles and organisations they may invite to."""
    _fill_choices(form)
    if user.role == "admin":
        form.organisation.choices = organisation_choices()
        return
    form.role.choices = [SelectChoice(role, role_label(role)) for role in EDITOR_ROLES]
    form.sectors.choices = []
    own = db.session.execute(
        db.select(Organisation).where(Organisation.sector.in_(user.sectors or []))
        .order_by(Organisation.name)
    ).scalars().all()
    form.organisation.choices = organisation_choices(list(own))


@bp.route("/invitations/new", methods=["GET", "POST"])
def new_invitation() -> Any:
    user = _inviter()
    form = InvitationForm(data={"role": "contributor", "language": "nl"})
    _choices_for(form, user)
    if form.validate_on_submit():
        try:
            invitation = invite(
                email=form.email.data or "", role=form.role.data or "", by=user,
                sectors=list(form.sectors.data or []),
                organisation=chosen_organisation(form.organisation.data),
                name=form.name.data or "", language=form.language.data or "nl",
            )
        except AccountError as error:
            db.session.rollback()
            _show_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("An invitation has been sent to %(email)s.", email=invitation.email),
                  "success")
            return redirect(url_for("admin.invitations"), 303)
    return render_template("admin/new_invitation.html", form=form,
                           editor=user.role != "admin")


def _invitation_or_404(user: User, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not manages(user, invitation):
        abort(404)
    return invitation


@bp.post("/invitations/<int:invitation_id>/resend")
def resend_invitation(invitation_id: int) -> Response:
    """A new link by mail; the old one stops working."""
    user = _inviter()
    invitation = _invitation_or_404(user, invitation_id)
    try:
        resend(invitation, by=user)
    except AccountError as error:
        db.session.rollback()
        flash(error.errors["invitation"], "error")
    else:
        db.session.commit()
        flash(_("The invitation has been sent again to %(email)s.", email=invitation.email),
              "success")
    return redirect(url_for("admin.invitations"), 303)


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int) -> Response:
    user = _inviter()
    invitation = _invitation_or_404(user, invitation_id)
    if revoke(invitation, by=user):
        db.session.commit()
        flash(_("The invitation for %(email)s has been revoked.", email=invitation.email),
              "success")
    return redirect(url_for("admin.invitations"), 303)
