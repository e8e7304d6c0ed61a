"""Account changes shared by the web pages and the command line.

Both paths go through here so they cannot drift apart: a deactivation from
the CLI ends sessions and tokens exactly as one from the admin page does, and
each change leaves the same audit event. Callers commit.
"""

from __future__ import annotations

from functools import lru_cache
from secrets import token_hex

from flask_babel import gettext as _

from ..config import LANGUAGES
from ..content.registry import current_registry
from ..extensions import db
from ..models import ROLES, ApiToken, Organisation, User
from . import audit
from .links import PURPOSE_EMAIL_CHANGE, PURPOSE_RESET, revoke_all_links, revoke_links
from .passwords import hash_password, password_problem, verify_password
from .tokens import create_token, revoke


class AccountError(ValueError):
    """A refused account change: ``errors`` maps a form field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password, checked when no account matches.

    Checking it costs the same scrypt work as a real check, so the answer
    time does not tell whether an email address has an account.
    """
    return hash_password(token_hex(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else ``None``.

    Unknown, deactivated and wrong-password cases cost the same and look the same.
    """
    user = find_user(email)
    if user is None or not user.password_hash:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def check_role(role: str, sectors: list[str]) -> dict[str, str]:
    """Problems with a role and sector choice, as ``{field: message}``."""
    errors: dict[str, str] = {}
    if role not in ROLES:
        errors["role"] = _("Choose one of the roles.")
    unknown = sorted(set(sectors) - set(current_registry().sectors))
    if unknown:
        errors["sectors"] = _("Unknown sector: %(codes)s.", codes=", ".join(unknown))
    elif role == "editor" and not sectors:
        errors["sectors"] = _("An editor needs at least one sector.")
    elif role != "editor" and sectors:
        errors["sectors"] = _("Only editors have sectors.")
    return errors


def email_problem(email: str, *, exclude: User | None = None) -> str | None:
    """Why ``email`` (normalised) cannot be an account's address, or ``None``."""
    if not looks_like_email(email):
        return _("Enter an email address.")
    found = find_user(email)
    if found is not None and found is not exclude:
        return _("An account with this email address exists already.")
    return None


def looks_like_email(text: str) -> bool:
    """One ``@``, something on both sides, a dot in the domain, no spaces: enough to
    mail it (the link in the mail proves the rest)."""
    local, at, domain = text.partition("@")
    return bool(at and local and "." in domain.strip(".") and "@" not in domain
                and len(text) <= 254 and not any(c.isspace() or ord(c) < 32 for c in text))


def create_user(
    *, email: str, name: str, password: str, role: str = "contributor",
    sectors: list[str] | None = None, language: str = "nl", by: User | None = None,
) -> User:
    """Create an account; raises :class:`AccountError` listing every problem."""
    email = normalise_email(email)
    sectors = list(dict.fromkeys(sectors or []))
    errors = check_role(role, sectors)
    problem = email_problem(email)
    if problem:
        errors["email"] = problem
    if not name.strip():
        errors["name"] = _("Enter a name.")
    problem = password_problem(password, email)
    if problem:
        errors["password"] = problem
    if errors:
        raise AccountError(errors)
    user = User(email=email, name=name.strip()[:200], role=role, sectors=sectors,
                preferred_language=language, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", user=by, subject=email, role=role, sectors=sectors)
    return user


def set_role(user: User, role: str, sectors: list[str], *, by: User | None = None) -> bool:
    """Change role and sectors; ``True`` when something changed."""
    sectors = list(dict.fromkeys(sectors))
    errors = check_role(role, sectors)
    if by is not None and by.id == user.id and role != user.role:
        errors["role"] = _("You cannot change your own role.")
    if errors:
        raise AccountError(errors)
    if role == user.role and sectors == list(user.sectors or []):
        return False
    audit.record("role_changed", user=by, subject=user.email,
                 old_role=user.role, new_role=role,
                 old_sectors=list(user.sectors or []), new_sectors=sectors)
    user.role = role
    user.sectors = sectors
    return True


def deactivate(user: User, *, by: User | None = None) -> int:
    """Stop an account at once: its sessions, remember-me cookies, tokens and mailed links.

    Sessions carry ``id:session_version``; bumping the version invalidates
    every one of them. Returns the number of tokens revoked.
    """
    if by is not None and by.id == user.id:
        raise AccountError({"active": _("You cannot deactivate your own account.")})
    user.active = False
    user.session_version += 1
    live = [t for t in user.tokens if t.revoked_at is None]
    for token in live:
        revoke(token)
    revoke_all_links(user)
    audit.record("user_deactivated", user=by, subject=user.email, tokens_revoked=len(live))
    return len(live)


def reactivate(user: User, *, by: User | None = None) -> None:
    """Let a person log in again; old sessions and tokens stay dead."""
    user.active = True
    audit.record("user_reactivated", user=by, subject=user.email)


def change_password(user: User, new_password: str, *, by: User | None = None,
                    field: str = "new_password", how: str = "changed") -> None:
    """Set a new password and end every session of this account.

    Sessions and remember-me cookies hold ``id:session_version`` (see
    :meth:`User.get_id`), so bumping the version ends all of them; reset links
    still in someone's mailbox die too. ``how`` says in the audit log whether the
    person changed it (``changed``), reset it by mail (``reset``), chose the first
    one (``first``) or an operator set it (``cli``).

    :raises AccountError: on ``field`` when the password is not acceptable.
    """
    problem = password_problem(new_password, user.email)
    if problem:
        raise AccountError({field: problem})
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    revoke_links(PURPOSE_RESET, user=user)
    audit.record("password_changed", user=by if by is not None else user, subject=user.email,
                 how=how)


def update_profile(user: User, *, name: str, language: str, notify_messages: bool,
                   by: User | None = None) -> list[str]:
    """Change what a person may change about themselves; returns the changed fields."""
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter a name.")
    elif len(name) > 200:
        errors["name"] = _("At most %(max)d characters.", max=200)
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of the languages.")
    if errors:
        raise AccountError(errors)
    wanted = {"name": name, "preferred_language": language,
              "notify_messages": bool(notify_messages)}
    changed = [key for key, value in wanted.items() if getattr(user, key) != value]
    if changed:
        audit.record("profile_changed", user=by if by is not None else user,
                     subject=user.email, fields=changed)
        for key in changed:
            setattr(user, key, wanted[key])
    return changed


def change_email(user: User, new_email: str, *, by: User | None = None,
                 field: str = "email") -> bool:
    """Give the account another address; ``True`` when it changed.

    Callers have proved the new address (a confirmation link) or are admins.
    Links sent to the old address (a password reset) stop working.
    """
    new_email = normalise_email(new_email)
    if new_email == user.email:
        return False
    problem = email_problem(new_email, exclude=user)
    if problem:
        raise AccountError({field: problem})
    audit.record("email_changed", user=by if by is not None else user, subject=user.email,
                 new_email=new_email)
    user.email = new_email
    revoke_links(PURPOSE_RESET, user=user)
    revoke_links(PURPOSE_EMAIL_CHANGE, user=user)
    return True


def find_organisation(name: str) -> Organisation | None:
    """The organisation called ``name`` (ignoring case and outer spaces)."""
    wanted = " ".join(name.split()).lower()
    return db.session.execute(
        db.select(Organisation).where(db.func.lower(Organisation.name) == wanted)
    ).scalars().first()


def update_user(user: User, *, name: str, email: str, role: str, sectors: list[str],
                organisation: Organisation | None, by: User) -> list[str]:
    """An admin's change of someone's name, address, role, sectors and organisation.

    Everything is checked before anything changes; returns the changed fields.
    """
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = _("Enter a name.")
    new_email = normalise_email(email)
    if new_email != user.email:
        problem = email_problem(new_email, exclude=user)
        if problem:
            errors["email"] = problem
    sectors = list(dict.fromkeys(sectors))
    errors.update(check_role(role, sectors))
    if by.id == user.id and role != user.role:
        errors["role"] = _("You cannot change your own role.")
    if errors:
        raise AccountError(errors)
    changed: list[str] = []
    if name[:200] != user.name:
        audit.record("profile_changed", user=by, subject=user.email, fields=["name"])
        user.name = name[:200]
        changed.append("name")
    new_org = organisation.id if organisation is not None else None
    if new_org != user.organisation_id:
        audit.record("organisation_changed", user=by, subject=user.email,
                     old=user.organisation.name if user.organisation else None,
                     new=organisation.name if organisation else None)
        user.organisation = organisation
        changed.append("organisation")
    if set_role(user, role, sectors, by=by):
        changed.append("role")
    if change_email(user, new_email, by=by):
        changed.append("email")
    return changed


def revoke_token(token: ApiToken, *, by: User | None = None) -> bool:
    """Revoke one token; ``False`` when it was revoked already."""
    if token.revoked_at is not None:
        return False
    revoke(token)
    audit.record("token_revoked", user=by, subject=token.prefix, owner=token.user.email)
    return True


def issue_token(user: User, name: str, *, by: User | None = None) -> str:
    """Create an API token for ``user``; the secret is returned once and never stored."""
    token = create_token(user, name.strip())
    audit.record("token_created", user=by, subject=token[:10], owner=user.email)
    return token
