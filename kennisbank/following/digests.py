"""E-mail digests of followed searches: what is due, what is new, the mail.

A followed search is due once its period (a day or a week) has passed since
``checked_until``. Its digest runs the search *as its owner* (the same
visibility as their search page) and keeps the practices published after
``checked_until``; when there are none, nothing is sent. Either way
``checked_until`` moves on to now, so the next digest starts where this one
ended and no practice is reported twice.

Digests are queued in the mail outbox (:func:`kennisbank.mail.queue_mail`) in
the owner's language, with a signed one-click unsubscribe link that is also in
the ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers (RFC 2369,
RFC 8058). ``kennisbank digests send`` and ``kennisbank index-worker`` call
:func:`send_due`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..auth.policy import visibility
from ..content.registry import current_registry
from ..extensions import db
from ..markup import plain_text
from ..models import Item, User, utcnow
from ..search.backend import MAX_PER_PAGE, SearchUnavailable
from ..search.service import BadSearchRequest, current_search, search
from .models import FollowedSearch
from .searches import describe, params_of

log = logging.getLogger(__name__)

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
#: A digest lists at most this many practices (and says how many more there are).
DIGEST_SIZE = 25
#: The search behind a digest looks at this many pages of its newest matches.
SEARCH_WINDOW_PAGES = 5
SUMMARY_LENGTH = 300
UNSUBSCRIBE_SALT = "kennisbank.following.unsubscribe"


class DigestError(RuntimeError):
    """Digests cannot be sent in this configuration (the message says what to set)."""


@dataclass
class DigestReport:
    """What one round of :func:`send_due` did."""

    due: int = 0
    sent: int = 0
    nothing_new: int = 0
    errors: list[str] = field(default_factory=list)


def unsubscribe_token(follow: FollowedSearch) -> str:
    """A signed token naming the followed search and its owner (no expiry: an
    unsubscribe link must work as long as the mail is kept; deleting the row
    makes every token for it void)."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    return str(serializer.dumps([follow.id, follow.user_id]))


def follow_for_token(token: str) -> FollowedSearch | None:
    """The followed search a token names, if the token is genuine and the row exists."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)
    try:
        follow_id, user_id = serializer.loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(follow_id, int) or not isinstance(user_id, int):
        return None
    found = db.session.get(FollowedSearch, follow_id)
    return found if found is not None and found.user_id == user_id else None


def due(now: datetime) -> list[FollowedSearch]:
    """Followed searches of active accounts whose period has passed, oldest first."""
    now = now.replace(tzinfo=None)
    rows = db.session.scalars(
        select(FollowedSearch).join(User, User.id == FollowedSearch.user_id)
        .where(User.active.is_(True))
        .order_by(FollowedSearch.checked_until, FollowedSearch.id))
    return [row for row in rows
            if row.checked_until.replace(tzinfo=None) + PERIODS[row.frequency] <= now]


def _search_ids(follow: FollowedSearch, user: User, lang: str) -> list[int] | None:
    """Ids of the newest matches of the followed search for ``user``; ``None`` when
    the search does not narrow anything down (every visible practice matches)."""
    params = params_of(follow.query)
    if not (params.text.strip() or params.filters or params.scopes):
        return None
    ids: list[int] = []
    for number in range(1, SEARCH_WINDOW_PAGES + 1):
        page = search(replace(params, sort="newest", page=number, per_page=MAX_PER_PAGE,
                              correct=False), user, lang)
        ids += [int(hit["id"]) for hit in page.results]
        if number * MAX_PER_PAGE >= page.total:
            break
    return ids


def new_practices(follow: FollowedSearch, user: User, lang: str,
                  until: datetime) -> tuple[list[Item], int]:
    """The practices matching ``follow`` that ``user`` may see and that were published
    after ``follow.checked_until`` and by ``until``: the first :data:`DIGEST_SIZE`
    newest first, and how many there are in all.

    :raises BadSearchRequest: the stored search no longer parses.
    :raises SearchUnavailable: the search engine cannot answer now.
    """
    conditions: list[Any] = [
        Item.status == "published", Item.type.in_(sorted(current_registry().types)),
        visibility(user).sql(), Item.published_at > follow.checked_until.replace(tzinfo=None),
        Item.published_at <= until.replace(tzinfo=None),
    ]
    if follow.organisation is not None:
        conditions.append(Item.organisation == follow.organisation.name)
    else:
        ids = _search_ids(follow, user, lang)
        if ids is not None:
            if not ids:
                return [], 0
            conditions.append(Item.id.in_(ids))
    found = list(db.session.scalars(
        select(Item).where(*conditions)
        .order_by(Item.published_at.desc(), Item.id.desc())))
    return found[:DIGEST_SIZE], len(found)


def follow_url(follow: FollowedSearch, lang: str) -> str:
    """The page of the followed search (absolute): the search, or the organisation."""
    if follow.organisation_id is not None:
        return url_for("partners.organisation", organisation_id=follow.organisation_id,
                       lang=lang, _external=True)
    base = url_for("search.page", lang=lang, _external=True)
    return f"{base}?{follow.query}&sort=newest" if follow.query else f"{base}?sort=newest"


def _entry(item: Item, lang: str) -> dict[str, Any]:
    text = item.best_translation(lang)
    summary = text.summary or plain_text(text.body)
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"
    return {
        "title": text.title, "lang": text.lang, "summary": summary,
        "where": ", ".join(v for v in (item.organisation, item.city) if v),
        "url": url_for("web.item", item_id=item.id, lang=lang, _external=True),
    }


def queue_digest(follow: FollowedSearch, user: User, items: list[Item], total: int) -> None:
    """Add the digest of ``items`` to the outbox, in ``user``'s language."""
    from ..mail import queue_mail

    lang = user.preferred_language
    stop = url_for("following.unsubscribe", token=unsubscribe_token(follow), lang=lang,
                   _external=True)
    with force_locale(lang):
        name = describe(follow, lang)
    context = {
        "name": name, "entries": [_entry(item, lang) for item in items], "total": total,
        "more": total - len(items), "frequency": follow.frequency,
        "search_url": follow_url(follow, lang),
        "manage_url": url_for("account.overview", lang=lang, _external=True),
        "unsubscribe_url": stop,
    }
    queue_mail(user.email, "digest", context, user=user, headers={
        "List-Unsubscribe": f"<{stop}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })


@contextmanager
def _site_context() -> Iterator[None]:
    """A request context on the site's public address, so links in digests are
    absolute and right: ``BASE_URL``, else ``SERVER_NAME``."""
    config = current_app.config
    base = str(config.get("BASE_URL") or "").rstrip("/")
    if not base and config.get("SERVER_NAME"):
        base = f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    if not base:
        raise DigestError("digests link to the site and need its address: set "
                          "KENNISBANK_BASE_URL, for example https://kennisbank.example.org")
    with current_app.test_request_context("/", base_url=base):
        yield


def send_due(now: datetime | None = None) -> DigestReport:
    """Queue the digest of every due followed search that has something new.

    Each followed search is its own transaction: one that fails (a search that
    no longer parses, an engine that is down) is reported and tried again next
    round, and does not hold up the others.

    :raises DigestError: the site's address is not configured.
    """
    now = (now or utcnow()).replace(tzinfo=None)
    report = DigestReport()
    with _site_context():
        current_search().drain()  # publications of a moment ago are in the index
        for follow in due(now):
            report.due += 1
            user = follow.user
            try:
                with force_locale(user.preferred_language):
                    items, total = new_practices(follow, user, user.preferred_language, now)
                    if items:
                        queue_digest(follow, user, items, total)
                follow.checked_until = now
                if items:
                    follow.last_sent_at = now
                db.session.commit()
            except (BadSearchRequest, SearchUnavailable) as exc:
                db.session.rollback()
                report.errors.append(f"followed search {follow.id}: {exc}")
                continue
            if items:
                report.sent += 1
            else:
                report.nothing_new += 1
    return report


def send_due_quietly() -> int:
    """One worker round: queue due digests; never raises (the worker goes on)."""
    try:
        report = send_due()
    except DigestError:
        return 0
    except Exception:
        log.exception("digests not sent now; they are tried again next round")
        db.session.rollback()
        return 0
    for line in report.errors:
        log.warning("digest not sent: %s", line)
    return report.sent


def frequency_label(frequency: str) -> str:
    return _("daily") if frequency == "daily" else _("weekly")
