"""Single-use e-mailed links: random, hashed at rest, single use, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kennisbank.auth import links
from kennisbank.auth.links import (
    PURPOSE_EMAIL_CHANGE,
    PURPOSE_RESET,
    EmailLink,
    issue_link,
    peek_link,
    redeem_link,
    revoke_all_links,
    revoke_links,
)
from kennisbank.auth.tokens import digest
from kennisbank.extensions import db
from kennisbank.models import User, utcnow

HOUR = timedelta(hours=1)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def user(ctx, make_user):
    return db.session.get(User, make_user("reader").id)


@pytest.fixture
def clock(monkeypatch):
    """Shift the links module's clock: ``clock.shift(hours=2)``."""

    class Clock:
        offset = timedelta(0)

        def shift(self, **delta: float) -> None:
            self.offset += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(links, "utcnow", lambda: utcnow() + moved.offset)
    return moved


def test_token_is_long_random_and_only_its_digest_is_stored(app, user):
    token = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    other = issue_link(PURPOSE_RESET, email="someone@example.org", ttl=HOUR)
    db.session.commit()
    assert token != other and len(token) >= 43
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM email_links")).all()
    dumped = repr(rows)
    assert token not in dumped and other not in dumped
    assert digest(token) in dumped


def test_a_link_is_used_once(user):
    token = issue_link(PURPOSE_RESET, user=user, payload={"x": 1}, ttl=HOUR)
    db.session.commit()
    assert peek_link(PURPOSE_RESET, token) is not None
    assert peek_link(PURPOSE_RESET, token) is not None, "peeking does not use it"
    link = redeem_link(PURPOSE_RESET, token)
    assert link is not None and link.user_id == user.id and link.payload == {"x": 1}
    assert link.used_at is not None
    db.session.commit()
    assert redeem_link(PURPOSE_RESET, token) is None
    assert peek_link(PURPOSE_RESET, token) is None


def test_a_stale_copy_cannot_redeem_twice(user):
    """Two requests that both found the link live: only one conditional UPDATE wins."""
    token = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    db.session.commit()
    first = peek_link(PURPOSE_RESET, token)
    db.session.execute(sa.update(EmailLink).where(EmailLink.id == first.id)
                       .values(used_at=utcnow())
                       .execution_options(synchronize_session=False))
    # The session still holds the old (unused) state of the row ...
    assert first.used_at is None
    # ... yet redeeming fails, because the database decides.
    assert redeem_link(PURPOSE_RESET, token) is None


def test_a_link_expires(user, clock):
    token = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    db.session.commit()
    clock.shift(minutes=59)
    assert peek_link(PURPOSE_RESET, token) is not None
    clock.shift(minutes=2)
    assert peek_link(PURPOSE_RESET, token) is None
    assert redeem_link(PURPOSE_RESET, token) is None


def test_the_purpose_must_match(user):
    token = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    assert redeem_link(PURPOSE_EMAIL_CHANGE, token) is None
    assert redeem_link(PURPOSE_RESET, token) is not None


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 5000, "../../etc/passwd", "' OR 1=1"])
def test_unknown_or_silly_tokens_find_nothing(user, token):
    issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    assert peek_link(PURPOSE_RESET, token) is None
    assert redeem_link(PURPOSE_RESET, token) is None


def test_a_new_link_revokes_the_older_ones_of_the_same_purpose_and_person(user, make_user):
    other = db.session.get(User, make_user("reader").id)
    old = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    others = issue_link(PURPOSE_RESET, user=other, ttl=HOUR)
    change = issue_link(PURPOSE_EMAIL_CHANGE, user=user, email="new@example.org", ttl=HOUR)
    new = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    db.session.commit()
    assert peek_link(PURPOSE_RESET, old) is None
    assert peek_link(PURPOSE_RESET, new) is not None
    assert peek_link(PURPOSE_RESET, others) is not None, "another person's link lives on"
    assert peek_link(PURPOSE_EMAIL_CHANGE, change) is not None, "another purpose lives on"


def test_links_by_address_alone(ctx):
    old = issue_link("confirm_request", email=" Someone@Example.org ", ttl=HOUR)
    new = issue_link("confirm_request", email="someone@example.org", ttl=HOUR)
    assert peek_link("confirm_request", old) is None
    link = peek_link("confirm_request", new)
    assert link.email == "someone@example.org" and link.user_id is None
    assert revoke_links("confirm_request", email="SOMEONE@example.org") == 1
    assert peek_link("confirm_request", new) is None


def test_revoke_links_and_revoke_all(user):
    reset = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    change = issue_link(PURPOSE_EMAIL_CHANGE, user=user, ttl=HOUR)
    assert revoke_links(PURPOSE_RESET, user=user) == 1
    assert peek_link(PURPOSE_RESET, reset) is None
    assert peek_link(PURPOSE_EMAIL_CHANGE, change) is not None
    assert revoke_all_links(user) == 1
    assert peek_link(PURPOSE_EMAIL_CHANGE, change) is None


def test_bad_arguments_are_refused(user):
    with pytest.raises(ValueError):
        issue_link(PURPOSE_RESET, ttl=HOUR)
    with pytest.raises(ValueError):
        issue_link(PURPOSE_RESET, user=user, ttl=timedelta(0))
    with pytest.raises(ValueError):
        issue_link("x" * 41, user=user, ttl=HOUR)
    with pytest.raises(ValueError):
        revoke_links(PURPOSE_RESET)


def test_links_die_with_their_user(user):
    token = issue_link(PURPOSE_RESET, user=user, ttl=HOUR)
    db.session.commit()
    db.session.delete(user)
    db.session.commit()
    assert peek_link(PURPOSE_RESET, token) is None
    assert db.session.scalar(sa.select(sa.func.count(EmailLink.id))) == 0


def test_absolute_url_outside_a_request_needs_the_base_url(app):
    with app.app_context():
        with pytest.raises(RuntimeError, match="KENNISBANK_BASE_URL"):
            links.absolute_url("web.home", lang="en")
        app.config["BASE_URL"] = "https://kennisbank.example.org/"
        assert links.absolute_url("web.home", lang="en") == "https://kennisbank.example.org/en/"
