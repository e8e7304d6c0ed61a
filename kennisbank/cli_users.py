"""``kennisbank users`` and ``kennisbank tokens``: accounts from the command line."""

from __future__ import annotations

import sys

import click

from .auth.passwords import hash_password, password_problem
from .auth.tokens import create_token
from .content.registry import current_registry
from .extensions import db
from .models import ROLES, User


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
    if db.session.execute(db.select(User).where(User.email == email)).scalar():
        raise click.ClickException(f"a user with email {email} exists already")
    unknown = sorted(set(sectors) - set(current_registry().sectors))
    if unknown:
        raise click.BadParameter(
            f"unknown sector(s) {', '.join(unknown)}; known: {', '.join(current_registry().sectors)}",
            param_hint="--sector",
        )
    if sectors and role != "editor":
        raise click.BadParameter("only editors have sectors", param_hint="--sector")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    user = User(
        email=email, name=name.strip(), role=role, sectors=list(sectors),
        preferred_language=language, password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}")


@users.command("list")
def list_users() -> None:
    """List users with their role, sectors and state."""
    for user in db.session.execute(db.select(User).order_by(User.email)).scalars():
        state = "active" if user.active else "deactivated"
        sectors = ",".join(user.sectors or []) or "-"
        click.echo(f"{user.email:<40} {user.role:<12} {sectors:<30} {state}")


@click.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def create_api_token(email: str, name: str) -> None:
    """Create an API token for EMAIL; the token is the last line printed, shown once."""
    user = db.session.execute(
        db.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    if not user.active:
        raise click.ClickException(f"user {email} is deactivated")
    token = create_token(user, name)
    db.session.commit()
    click.echo(f"API token for {user.email} (store it now; it is not shown again):")
    click.echo(token)
