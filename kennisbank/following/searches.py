"""Followed searches as people see them: canonical parameters, a readable name,
following, changing and stopping.

A search is stored as the canonical query string of its parameters (see
:func:`canonical_query`): the same search followed from two pages is one row,
and the digest runs it with the same :func:`~kennisbank.search.service.parse_params`
as the search page, so a followed search cannot mean something else later.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..content.registry import current_registry
from ..extensions import db
from ..models import Organisation, User, utcnow
from ..search.facets import facet_title, value_label
from ..search.service import BadSearchRequest, SearchParams, parse_params, scopes
from .models import FREQUENCIES, FollowedSearch

#: At most this many followed searches per person (each costs a search per digest).
MAX_FOLLOWED = 50
MAX_QUERY_LENGTH = 2000


class FollowError(ValueError):
    """A follow request that cannot be carried out; the message is for the reader."""


def canonical_query(params: SearchParams) -> str:
    """The parameters that decide what a search finds, in a fixed order: words,
    the translation switch, filters and scopes. Sort and page do not change
    which practices match, so they are left out."""
    args: list[tuple[str, str]] = []
    if params.text.strip():
        args.append(("q", params.text.strip()))
    if not params.translate:
        args.append(("translate", "false"))
    for name in sorted(params.filters):
        args += [(name, value) for value in sorted(params.filters[name])]
    args += sorted(params.scopes.items())
    return urlencode(args)


def params_of(query: str) -> SearchParams:
    """The search parameters a stored query stands for.

    :raises BadSearchRequest: the query no longer parses (a facet a plugin
        that is now disabled added, say).
    """
    return parse_params(MultiDict(parse_qsl(query, keep_blank_values=False)))


def describe(follow: FollowedSearch, lang: str) -> str:
    """A short name for a followed search, in ``lang``: "fietsen; Sector: Education"."""
    if follow.organisation is not None:
        return _("Organisation: %(name)s", name=follow.organisation.name)
    return describe_query(follow.query, lang)


def describe_query(query: str, lang: str) -> str:
    try:
        params = params_of(query)
    except BadSearchRequest:
        return query
    registry = current_registry()
    parts = [f"“{params.text.strip()}”"] if params.text.strip() else []
    for name, values in params.filters.items():
        labels = ", ".join(value_label(registry, name, value, lang) for value in values)
        parts.append(f"{facet_title(registry, name, lang)}: {labels}")
    for name, value in params.scopes.items():
        scope = scopes().get(name)
        label = scope.label.get(lang, name) if scope is not None else name
        parts.append(f"{label} {value}")
    return "; ".join(parts) if parts else _("All new practices")


def find_follow(user: User, query: str, organisation: Organisation | None) -> FollowedSearch | None:
    """The person's row for this search or organisation, if they follow it."""
    conditions: list[Any] = [FollowedSearch.user_id == user.id]
    if organisation is not None:
        conditions.append(FollowedSearch.organisation_id == organisation.id)
    else:
        conditions += [FollowedSearch.organisation_id.is_(None), FollowedSearch.query == query]
    return db.session.scalar(select(FollowedSearch).where(*conditions))


def follows_of(user: User) -> list[FollowedSearch]:
    return list(db.session.scalars(
        select(FollowedSearch).where(FollowedSearch.user_id == user.id)
        .order_by(FollowedSearch.created_at, FollowedSearch.id)))


def follow(user: User, *, query: str = "", organisation: Organisation | None = None,
           frequency: str = "weekly") -> FollowedSearch:
    """Follow a search (or an organisation), or change how often when already followed.

    New practices count from now: the first digest does not list the whole archive.
    The caller commits.

    :raises FollowError: a frequency or search that cannot be followed.
    """
    if frequency not in FREQUENCIES:
        raise FollowError(_("Choose daily or weekly."))
    if organisation is not None:
        query = ""
    else:
        if len(query) > MAX_QUERY_LENGTH:
            raise FollowError(_("This search is too long to follow."))
        try:
            query = canonical_query(params_of(query))
        except BadSearchRequest as exc:
            raise FollowError(_("This search cannot be followed: %(fields)s.",
                                fields=", ".join(sorted(exc.errors)))) from exc
    found = find_follow(user, query, organisation)
    if found is not None:
        found.frequency = frequency
        return found
    if len(follows_of(user)) >= MAX_FOLLOWED:
        raise FollowError(_("You follow %(count)d searches already, the most there can be. "
                            "Stop following one first.", count=MAX_FOLLOWED))
    now = utcnow()
    found = FollowedSearch(user_id=user.id, query=query, organisation=organisation,
                           frequency=frequency, created_at=now, checked_until=now)
    db.session.add(found)
    return found


def owned_follow(user: User, follow_id: int) -> FollowedSearch | None:
    """The person's own followed search by id; someone else's is never found."""
    found = db.session.get(FollowedSearch, follow_id)
    return found if found is not None and found.user_id == user.id else None
