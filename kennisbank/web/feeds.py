"""Atom feeds: ``/<lang>/feed.atom`` (new publications) and ``/<lang>/search.atom`` (a search).

Published items every reader may see, whoever asks: a feed address is
shared, cached and polled by programs, so what it shows must not depend on
who fetched it, and neither a draft nor an item a plugin's permission labels
keep from readers may ever reach a feed reader. The search feed takes the same
parameters as the search page (``q``, facet filters) and lists the newest
publications among the matches. The XML is built with ElementTree, which
escapes every value; characters XML 1.0 cannot carry are dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from flask import Response, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.policy import may_read_collection, visibility
from ..content.registry import current_registry
from ..extensions import db
from ..markup import plain_text
from ..models import Item, Organisation, User, utcnow
from ..search.backend import MAX_PER_PAGE, SearchUnavailable
from ..search.service import BadSearchRequest, parse_params, search
from . import bp
from .filters import page_lang

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SIZE = 30
#: The search feed looks at this many of the newest matches (pages of the search).
SEARCH_WINDOW_PAGES = 5
SUMMARY_LENGTH = 500
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    return NOT_XML.sub("", value)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _require_readable() -> None:
    """A private site (``PUBLIC`` off) shows its feeds to logged-in people only."""
    if not may_read_collection(current_user):
        abort(401)


def _published(conditions: list[object]) -> list[Item]:
    registry = current_registry()
    return list(db.session.scalars(
        select(Item)
        .where(Item.status == "published", Item.type.in_(sorted(registry.types)),
               visibility(_published_reader()).sql(), *conditions)
        .order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
        .limit(FEED_SIZE)
    ))


def _entry(feed: Element, item: Item, lang: str) -> None:
    registry = current_registry()
    text = item.best_translation(lang)
    url = url_for("web.item", item_id=item.id, lang=lang, _external=True)
    entry = SubElement(feed, "entry")
    SubElement(entry, "id").text = url
    title = SubElement(entry, "title", {"type": "text"})
    title.text = _text(text.title)
    if text.lang != lang:
        entry.set(XML_LANG, text.lang)
    SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": url,
                               "hreflang": text.lang})
    SubElement(entry, "published").text = _iso(item.published_at or item.created_at)
    SubElement(entry, "updated").text = _iso(item.updated_at)
    author = SubElement(entry, "author")
    SubElement(author, "name").text = _text(
        item.organisation or item.city or _("Municipality of Deventer")
    )
    SubElement(entry, "category", {"term": item.sector,
                                   "label": _text(registry.sector_label(item.sector, lang))})
    summary = text.summary or plain_text(text.body)[:SUMMARY_LENGTH]
    if summary:
        SubElement(entry, "summary", {"type": "text"}).text = _text(summary)


def atom(title: str, self_url: str, page_url: str, items: list[Item], lang: str) -> Response:
    """A valid Atom 1.0 document for ``items``."""
    feed = Element("feed", {"xmlns": ATOM, XML_LANG: lang})
    SubElement(feed, "id").text = self_url
    SubElement(feed, "title", {"type": "text"}).text = _text(title)
    newest = max((item.updated_at for item in items), default=None)
    SubElement(feed, "updated").text = _iso(newest or utcnow())
    SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": page_url})
    author = SubElement(feed, "author")
    SubElement(author, "name").text = _("Municipality of Deventer")
    SubElement(feed, "generator").text = "Kennisbank"
    for item in items:
        _entry(feed, item, lang)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + tostring(feed, encoding="unicode")
    return Response(body, mimetype="application/atom+xml")


@bp.route("/feed.atom")
def feed() -> Response:
    """The newest publications."""
    _require_readable()
    return atom(
        _("Kennisbank: new practices"),
        url_for("web.feed", _external=True),
        url_for("web.home", _external=True),
        _published([]),
        page_lang(),
    )


@bp.route("/organisations/<int:organisation_id>/feed.atom")
def organisation_feed(organisation_id: int) -> Response:
    """The newest publications of one organisation."""
    _require_readable()
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return atom(
        _("Kennisbank: new practices of %(name)s", name=organisation.name),
        url_for("web.organisation_feed", organisation_id=organisation_id, _external=True),
        url_for("partners.organisation", organisation_id=organisation_id, _external=True),
        _published([Item.organisation == organisation.name]),
        page_lang(),
    )


def _published_reader() -> User:
    """Someone who sees exactly the published items: the search service takes a person,
    and a feed must show the same to everyone (never saved; nobody logs in as it)."""
    return User(role="reader", active=True, sectors=[])


@bp.route("/search.atom")
def search_feed() -> Response:
    """The newest publications among the matches of the search in the address."""
    _require_readable()
    lang = page_lang()
    try:
        params = parse_params(request.args)
    except BadSearchRequest:
        abort(400)
    reader = _published_reader()
    ids: list[int] = []
    try:
        for number in range(1, SEARCH_WINDOW_PAGES + 1):
            page = search(replace(params, sort="newest", page=number, per_page=MAX_PER_PAGE),
                          reader, lang)
            ids += [int(hit["id"]) for hit in page.results]
            if number * MAX_PER_PAGE >= page.total:
                break
    except SearchUnavailable:
        abort(503)
    query = request.query_string.decode("utf-8", "replace")
    page_url = url_for("search.page", _external=True) + (f"?{query}" if query else "")
    title = (_("Kennisbank: search for %(query)s", query=params.text) if params.text.strip()
             else _("Kennisbank: search"))
    return atom(title, request.url, page_url, _published([Item.id.in_(ids)]) if ids else [],
                lang)
