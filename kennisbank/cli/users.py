"""``kennisbank users`` and ``kennisbank tokens``: accounts from the command line.

The changes go through :mod:`kennisbank.auth.accounts`, like the admin pages,
so a deactivation here ends sessions and tokens the same way and leaves the
same audit event (with address ``cli``).
"""

from __future__ import annotations

import sys

import click
from sqlalchemy import or_

from ..auth.accounts import (
    AccountError,
    change_password,
    deactivate,
    find_organisation,
    find_user,
    issue_token,
    reactivate,
    revoke_token,
    set_role,
)
from ..auth.accounts import create_user as create_account
from ..auth.invitations import Invitation, invite
from ..auth.links import as_utc
from ..auth.tokens import digest
from ..content.registry import current_registry
from ..extensions import db
from ..models import ROLES, ApiToken, User


def _user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


def _fail(error: AccountError) -> click.ClickException:
    return click.ClickException("; ".join(f"{k}: {v}" for k, v in error.errors.items()))


def _check_sectors(sectors: tuple[str, ...]) -> None:
    known = current_registry().sectors
    unknown = sorted(set(sectors) - set(known))
    if unknown:
        raise click.BadParameter(
            f"unknown sector(s) {', '.join(unknown)}; known: {', '.join(known)}",
            param_hint="--sector",
        )


@click.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", type=click.Choice(ROLES), default="contributor", show_default=True)
@click.option("--sector", "sectors", multiple=True, help="A sector an editor edits (repeat).")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    email: str, name: str, role: str, sectors: tuple[str, ...], language: str,
    password_stdin: bool,
) -> None:
    """Create a user; asks for the password without echoing it."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if find_user(email) is not None:
        raise click.ClickException(f"a user with email {email} exists already")
    _check_sectors(sectors)
    if sectors and role != "editor":
        raise click.BadParameter("only editors have sectors", param_hint="--sector")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_account(email=email, name=name, password=password, role=role,
                       sectors=list(sectors), language=language)
    except AccountError as error:
        if "password" in error.errors:
            raise click.ClickException(f"password refused: {error.errors['password']}") from None
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"Created {role} {email}")


@users.command("list")
def list_users() -> None:
    """List users with their role, sectors and state."""
    for user in db.session.execute(db.select(User).order_by(User.email)).scalars():
        state = "active" if user.active else "deactivated"
        sectors = ",".join(user.sectors or []) or "-"
        click.echo(f"{user.email:<40} {user.role:<12} {sectors:<30} {state}")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--sector", "sectors", multiple=True,
              help="A sector the editor edits (repeat); required for editors.")
def set_user_role(email: str, role: str, sectors: tuple[str, ...]) -> None:
    """Give EMAIL the role ROLE (and, for editors, their sectors)."""
    user = _user(email)
    _check_sectors(sectors)
    try:
        changed = set_role(user, role, list(sectors))
    except AccountError as error:
        raise _fail(error) from None
    db.session.commit()
    shown = f" ({', '.join(sectors)})" if sectors else ""
    click.echo(f"{user.email} is {role}{shown}" + ("" if changed else " already"))


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Deactivate EMAIL: sessions and API tokens stop working at once."""
    user = _user(email)
    if not user.active:
        click.echo(f"{user.email} is deactivated already")
        return
    revoked = deactivate(user)
    db.session.commit()
    click.echo(f"Deactivated {user.email}; {revoked} API token(s) revoked")


@users.command("reactivate")
@click.argument("email")
def reactivate_user(email: str) -> None:
    """Let EMAIL log in again (old sessions and tokens stay revoked)."""
    user = _user(email)
    reactivate(user)
    db.session.commit()
    click.echo(f"Reactivated {user.email}")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Give EMAIL a new password; every session and remember-me cookie of it ends."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"user {user.email} is deactivated; reactivate it first")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        change_password(user, password, how="cli")
    except AccountError as error:
        raise click.ClickException(
            f"password refused: {error.errors['new_password']}") from None
    db.session.commit()
    click.echo(f"Password of {user.email} set; its sessions have ended")


@users.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="contributor", show_default=True)
@click.option("--sector", "sectors", multiple=True, help="A sector an editor edits (repeat).")
@click.option("--organisation", default="", help="The organisation's name, as it is listed.")
@click.option("--name", default="", help="The person's name (they can change it).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of the invitation mail and of the account.")
def invite_user(email: str, role: str, sectors: tuple[str, ...], organisation: str, name: str,
                lang: str) -> None:
    """Mail EMAIL an invitation with a link to choose a password (KENNISBANK_BASE_URL
    gives the site's address for the link)."""
    _check_sectors(sectors)
    found = None
    if organisation.strip():
        found = find_organisation(organisation)
        if found is None:
            raise click.BadParameter(f"no organisation named {organisation!r}",
                                     param_hint="--organisation")
    try:
        invitation = invite(email=email, role=role, by=None, sectors=list(sectors),
                            organisation=found, name=name, language=lang)
    except AccountError as error:
        raise _fail(error) from None
    except RuntimeError as error:  # no BASE_URL: the link cannot be written
        raise click.ClickException(str(error)) from None
    db.session.commit()
    expires = invitation.expires_at.strftime("%Y-%m-%d %H:%M")
    click.echo(f"Invited {invitation.email} as {role}; the link works until {expires} UTC")


@users.command("invitations")
def list_invitations() -> None:
    """List invitations, newest first, with their state (pending, accepted, expired, revoked)."""
    found = db.session.execute(
        db.select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).scalars()
    for invitation in found:
        expires = as_utc(invitation.expires_at).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{invitation.email:<40} {invitation.role:<12} {invitation.state:<9} "
                   f"link until {expires} UTC")


@click.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def create_api_token(email: str, name: str) -> None:
    """Create an API token for EMAIL; the token is the last line printed, shown once."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"user {email} is deactivated")
    token = issue_token(user, name)
    db.session.commit()
    click.echo(f"API token for {user.email} (store it now; it is not shown again):")
    click.echo(token)


@tokens.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List the tokens of EMAIL by prefix (the secret itself is not stored)."""
    user = _user(email)
    for token in sorted(user.tokens, key=lambda t: t.created_at):
        state = "revoked" if token.revoked_at else "live"
        used = token.last_used_at.strftime("%Y-%m-%d") if token.last_used_at else "never"
        click.echo(f"{token.prefix:<12} {state:<8} used {used:<10} {token.name}")


@tokens.command("revoke")
@click.argument("prefix")
def revoke_api_token(prefix: str) -> None:
    """Revoke the token with PREFIX (its first 10 characters, as `tokens list` shows)."""
    prefix = prefix.strip().rstrip("…")
    found = db.session.execute(
        db.select(ApiToken).where(
            or_(ApiToken.prefix == prefix, ApiToken.token_hash == digest(prefix))
        )
    ).scalars().all()
    if not found:
        raise click.ClickException(
            f"no token with prefix {prefix!r} (see: kennisbank tokens list EMAIL)"
        )
    if len(found) > 1:
        raise click.ClickException(
            f"{len(found)} tokens have prefix {prefix!r}; give the whole token"
        )
    token = found[0]
    if revoke_token(token):
        db.session.commit()
        click.echo(f"Revoked token {token.prefix} of {token.user.email}")
    else:
        click.echo(f"Token {token.prefix} was revoked already")
