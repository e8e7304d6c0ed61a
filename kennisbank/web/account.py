"""Logging in and out, and a person's own account: password and API tokens.

Login errors are the same whether the email address is unknown, the account
is deactivated or the password is wrong, and cost the same time (see
:func:`kennisbank.auth.accounts.authenticate`). Failed attempts are throttled
per account and per address (:mod:`kennisbank.security`).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME
from werkzeug.wrappers import Response

from ..auth import audit
from ..auth.accounts import (
    AccountError,
    authenticate,
    change_password,
    issue_token,
    looks_like_email,
    normalise_email,
    update_profile,
)
from ..auth.accounts import revoke_token as revoke_api_token
from ..auth.email_change import request_email_change
from ..auth.forms import EmailChangeForm, LoginForm, PasswordChangeForm, ProfileForm, TokenForm
from ..auth.oidc import current_sso
from ..auth.passwords import MIN_LENGTH, verify_password
from ..auth.policy import require
from ..auth.redirects import safe_next
from ..extensions import db
from ..models import ApiToken, User
from ..security import mark_failed, throttle_failures, throttle_posts

bp = Blueprint("account", __name__, url_prefix="/<any(nl, en):lang>")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    throttle_failures(app, "account.login", "account.password", "account.email")
    throttle_posts(app, "account.email", scope="email-change",
                   address_limit="ACCOUNT_FORM_LIMIT_ADDRESS",
                   account_limit="RESET_LIMIT_ACCOUNT")
    throttle_posts(app, "account.profile", scope="profile",
                   address_limit="ACCOUNT_FORM_LIMIT_ADDRESS")
    account_links.init_app(app)

    @app.context_processor
    def account_helpers() -> dict[str, Any]:
        return {"login_url": login_url}


def login_url() -> str:
    """The login page, with a way back to the current page when that is a page."""
    if request.endpoint == "account.login" or request.method != "GET":
        return url_for("account.login")
    here = safe_next(request.full_path.rstrip("?"))
    return url_for("account.login", next=here) if here else url_for("account.login")


def _person() -> User:
    """The logged-in user as a model object (a proxy cannot be saved in a relation)."""
    if not current_user.is_authenticated:
        abort(401)
    return current_user._get_current_object()


def _home() -> str:
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login form; on success, on to ``next`` when it is a page of this site."""
    target = safe_next(request.args.get("next")) or _home()
    if current_user.is_authenticated:
        return redirect(target, 303)
    form = LoginForm()
    failed = False
    valid = form.validate_on_submit()
    if _goes_to_sso(form):
        return redirect(url_for("sso.start", next=safe_next(request.args.get("next"))), 303)
    if valid:
        email = normalise_email(form.email.data or "")
        user = authenticate(email, form.password.data or "")
        if user is None:
            mark_failed()
            # A password typed into the email field must not end up in the audit log.
            audit.record("login_failed", subject=email if looks_like_email(email) else "")
            db.session.commit()
            failed = True
        else:
            start_session(user, remember=bool(form.remember.data))
            flash(_("You are logged in."), "success")
            return redirect(target, 303)
    forgot = url_for("account.forgot_password", next=safe_next(request.args.get("next")))
    return render_template("account/login.html", form=form, failed=failed, forgot_url=forgot)


def start_session(user: User, *, remember: bool = False, how: str = "password") -> None:
    """Log ``user`` in on a fresh session (no state of a previous visitor survives) and
    record it; commits."""
    session.clear()
    login_user(user, remember=remember)
    audit.record("login", user=user, subject=user.email, how=how)
    db.session.commit()


def _goes_to_sso(form: LoginForm) -> bool:
    """A submitted address of a domain that logs in at the SSO provider goes there,
    password or not (a CSRF-checked form only, so no other site can send people off)."""
    sso = current_sso()
    return (sso is not None and form.is_submitted() and "csrf_token" not in form.errors
            and sso.handles(form.email.data or ""))


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        user = _person()
        audit.record("logout", user=user, subject=user.email)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are logged out."), "success")
    return redirect(_home(), 303)


@bp.get("/account")
def overview() -> str:
    user = _person()
    return render_template("account/overview.html", user=user)


@bp.route("/account/profile", methods=["GET", "POST"])
def profile() -> Any:
    """Name, language and whether messages are also e-mailed."""
    user = _person()
    form = ProfileForm(obj=None, data={"name": user.name, "language": user.preferred_language,
                                       "notify_messages": user.notify_messages})
    if form.validate_on_submit():
        try:
            changed = update_profile(user, name=form.name.data or "",
                                     language=form.language.data or "",
                                     notify_messages=bool(form.notify_messages.data))
        except AccountError as error:
            for name, message in error.errors.items():
                getattr(form, name).errors.append(message)
        else:
            db.session.commit()
            if changed:
                with force_locale(user.preferred_language):  # the language just chosen
                    flash(_("Your settings have been saved."), "success")
            return redirect(url_for("account.overview", lang=user.preferred_language), 303)
    return render_template("account/profile.html", form=form)


def _current_password_given(user: User, form: Any) -> bool:
    """Whether ``form.current_password`` is the user's password; a wrong one counts
    towards the login throttle and is said on the field."""
    if verify_password(user.password_hash, form.current_password.data or ""):
        return True
    mark_failed()
    form.current_password.errors.append(_("This is not your current password."))
    return False


@bp.route("/account/email", methods=["GET", "POST"])
def email() -> Any:
    """Ask for a new address; it changes only when the link sent there is used."""
    user = _person()
    form = EmailChangeForm()
    if form.validate_on_submit() and _current_password_given(user, form):
        try:
            new_email = request_email_change(user, form.new_email.data or "")
        except AccountError as error:
            form.new_email.errors.append(error.errors["new_email"])
        else:
            db.session.commit()
            flash(_("We sent a link to %(email)s. Your address changes when you open it.",
                    email=new_email), "success")
            return redirect(url_for("account.overview"), 303)
    return render_template("account/email.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
def password() -> Any:
    """Change one's password; other sessions and remember-me cookies end."""
    user = _person()
    form = PasswordChangeForm()
    if form.validate_on_submit() and _current_password_given(user, form):
        try:
            change_password(user, form.new_password.data or "")
        except AccountError as error:
            form.new_password.errors.append(error.errors["new_password"])
        else:
            db.session.commit()
            remembered = request.cookies.get(_remember_cookie()) is not None
            login_user(user, remember=remembered)
            flash(_("Your password has been changed. You were logged out everywhere else."),
                  "success")
            return redirect(url_for("account.overview"), 303)
    return render_template("account/password.html", form=form, min_length=MIN_LENGTH)


def _remember_cookie() -> str:
    return str(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME))


@bp.route("/account/tokens", methods=["GET", "POST"])
def tokens() -> Any:
    """One's own API tokens; a new token is shown once, on this response only.

    It is not put in a flash message: that would store it in the session cookie.
    """
    user = _person()
    require(user, "manage_tokens")
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = issue_token(user, form.name.data or "", by=user)
        db.session.commit()
        form = TokenForm(formdata=None)
    listed = db.session.execute(
        db.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    ).scalars().all()
    return render_template("account/tokens.html", form=form, tokens=listed,
                           new_token=new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Response:
    user = _person()
    require(user, "manage_tokens")
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    if revoke_api_token(token, by=user):
        db.session.commit()
        flash(_("The token %(prefix)s… has been revoked.", prefix=token.prefix), "success")
    return redirect(url_for("account.tokens"), 303)


from . import account_links  # noqa: E402  (registers its views on ``bp``)
