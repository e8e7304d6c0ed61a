"""The pages behind mailed links, and the page that asks for one.

* ``/password/forgot``: "Forgot your password?" The answer is the same page
  whether or not the address has an account (see :mod:`kennisbank.auth.reset`).
* ``/password/reset/<token>``: choose a new password; then log in with it.
* ``/password/choose/<token>``: choose the first password of an account made
  without one (an approved access request); then one is logged in.
* ``/invitation/<token>``: accept an invitation; then one is logged in.
* ``/account/email/confirm/<token>``: confirm a new e-mail address.

A token is checked without being used up when the page is shown, and used up
only when the form succeeds. These pages send no ``Referer`` (the token is in
their URL) and are never cached. Every form has a CSRF token and its posts are
throttled per client address (the forgot page also per typed address).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.accounts import AccountError
from ..auth.email_change import confirm_email_change
from ..auth.forms import AcceptInvitationForm, ForgotPasswordForm, NewPasswordForm
from ..auth.invitations import accept, open_invitation
from ..auth.links import PURPOSE_EMAIL_CHANGE, PURPOSE_RESET, PURPOSE_SET_PASSWORD, peek_link
from ..auth.passwords import MIN_LENGTH
from ..auth.redirects import safe_next
from ..auth.reset import link_user, request_reset, use_password_link
from ..auth.roles import role_label
from ..extensions import db
from ..security import throttle_posts
from .account import bp, start_session

LINK_PAGES = ("account.reset_password", "account.choose_password", "account.accept_invitation",
              "account.confirm_email")


def init_app(app: Flask) -> None:
    throttle_posts(app, "account.forgot_password", scope="password-reset",
                   address_limit="RESET_LIMIT_ADDRESS", account_limit="RESET_LIMIT_ACCOUNT")
    for endpoint in LINK_PAGES:
        throttle_posts(app, endpoint, scope=endpoint.replace(".", "-"),
                       address_limit="ACCOUNT_FORM_LIMIT_ADDRESS")
    app.after_request(_private_link_pages)


def _private_link_pages(response: Response) -> Response:
    """The token is in the URL: send no ``Referer`` from these pages, keep no copy."""
    if request.endpoint in LINK_PAGES:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


def _target() -> str:
    return safe_next(request.args.get("next")) or url_for("web.home")


def _login_url() -> str:
    here = safe_next(request.args.get("next"))
    return url_for("account.login", next=here) if here else url_for("account.login")


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> Any:
    """Ask for a reset link; every address gets the same answer."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_reset(form.email.data or "")
        db.session.commit()
        return render_template("account/forgot_sent.html", back_url=_login_url())
    return render_template("account/forgot.html", form=form, back_url=_login_url())


def _invalid_link() -> tuple[str, int]:
    return render_template("account/link_invalid.html"), 404


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    """Choose a new password; every session of the account ends, then one logs in."""
    return _password_page(PURPOSE_RESET, token)


@bp.route("/password/choose/<token>", methods=["GET", "POST"])
def choose_password(token: str) -> Any:
    """Choose the first password of an account made without one; one is logged in."""
    return _password_page(PURPOSE_SET_PASSWORD, token)


def _password_page(purpose: str, token: str) -> Any:
    user = link_user(purpose, token)
    if user is None:
        return _invalid_link()
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            use_password_link(purpose, token, form.password.data or "")
        except AccountError as error:
            db.session.rollback()
            if "token" in error.errors:
                return _invalid_link()
            form.password.errors.append(error.errors["password"])
        else:
            db.session.commit()
            if purpose == PURPOSE_RESET:
                flash(_("Your password has been changed. Log in with your new password."),
                      "success")
                return redirect(url_for("account.login"), 303)
            start_session(user)
            flash(_("Your password has been set. Welcome!"), "success")
            return redirect(_target(), 303)
    return render_template("account/new_password.html", form=form, user=user,
                           first=purpose != PURPOSE_RESET, min_length=MIN_LENGTH)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Any:
    """Accept an invitation: choose a name and password; the account is made and logged in."""
    invitation = open_invitation(token)
    if invitation is None:
        return _invalid_link()
    form = AcceptInvitationForm(data={"name": invitation.name} if request.method == "GET"
                                else None)
    if form.validate_on_submit():
        try:
            user = accept(token, name=form.name.data or "", password=form.password.data or "")
        except AccountError as error:
            db.session.rollback()
            if "token" in error.errors:
                flash(error.errors["token"], "error")
                return _invalid_link()
            for name, message in error.errors.items():
                getattr(form, name).errors.append(message)
        else:
            db.session.commit()
            switched = current_user.is_authenticated
            start_session(user)
            if switched:
                flash(_("You were logged out of the account you were using."), "success")
            flash(_("Welcome! Your account has been created."), "success")
            return redirect(_target(), 303)
    return render_template("account/invitation.html", form=form, invitation=invitation,
                           role=role_label(invitation.role), min_length=MIN_LENGTH)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Any:
    """Confirm a new address with a button (a mail scanner that follows links changes nothing)."""
    link = peek_link(PURPOSE_EMAIL_CHANGE, token)
    if link is None:
        return _invalid_link()
    if request.method == "GET":
        return render_template("account/email_confirm.html",
                               new_email=link.payload.get("email", ""))
    try:
        user = confirm_email_change(token)
    except AccountError as error:
        db.session.rollback()
        flash(error.errors["token"], "error")
        return _invalid_link()
    db.session.commit()
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    return redirect(url_for("account.overview") if current_user.is_authenticated
                    else url_for("account.login"), 303)
