"""What goes into a brochure: a selection of published practices the reader may see.

A selection is a search (the search page's parameters), a sector, a city or
the reader's brochure basket. Each becomes a :class:`Selection`: a title and
an introduction for the cover, and the practices in the order the page shows
them. Only published practices go in, whoever asks: a brochure is made to be
handed on, and a draft must not travel in a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.policy import visibility
from ..content.registry import current_registry
from ..extensions import db
from ..models import City, Item
from ..search.backend import MAX_PER_PAGE
from ..search.service import SearchParams, search

#: A brochure holds at most this many practices (a search that finds more is cut
#: off, and the cover says so): rendering a PDF costs time on the server.
MAX_PRACTICES = 200
#: The session key of the brochure basket: a list of item ids, oldest first.
BASKET_KEY = "brochure_basket"


@dataclass
class Selection:
    """The practices of one brochure and the words on its cover."""

    title: str
    intro: str
    items: list[Item]
    #: How many practices the selection has in all (more than ``items`` when cut off).
    total: int


def published(ids: list[int]) -> list[Item]:
    """The published practices among ``ids`` that the reader may see, in that order."""
    if not ids:
        return []
    found = {item.id: item for item in db.session.scalars(
        select(Item).where(Item.id.in_(ids), Item.status == "published",
                           Item.type.in_(sorted(current_registry().types)),
                           visibility(current_user).sql()))}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def _cut(title: str, intro: str, ids: list[int], total: int | None = None) -> Selection:
    items = published(ids[:MAX_PRACTICES])
    return Selection(title=title, intro=intro, items=items,
                     total=max(total if total is not None else len(ids), len(items)))


def of_search(params: SearchParams, lang: str, describe: str) -> Selection:
    """The matches of a search as the reader sees them, in the order of the results."""
    ids: list[int] = []
    total = 0
    number = 1
    while len(ids) < MAX_PRACTICES:
        page = search(replace(params, page=number, per_page=MAX_PER_PAGE), current_user, lang)
        total = page.total
        ids += [int(hit["id"]) for hit in page.results]
        if number * MAX_PER_PAGE >= page.total or not page.results:
            break
        number += 1
    return _cut(_("Practices: %(search)s", search=describe),
                _("The practices found for the search %(search)s.", search=describe), ids, total)


def of_sector(code: str, label: str) -> Selection:
    ids = list(db.session.scalars(
        select(Item.id).where(Item.sector == code, Item.status == "published",
                              visibility(current_user).sql())
        .order_by(Item.published_at.desc().nulls_last(), Item.id.desc())))
    return _cut(label, _("The published practices of the sector %(sector)s.", sector=label), ids)


def of_city(city: City, items: list[Item]) -> Selection:
    ids = [item.id for item in items if item.status == "published"]
    return _cut(city.name, _("The published practices from %(city)s.", city=city.name), ids)


def basket_ids() -> list[int]:
    raw: Any = session.get(BASKET_KEY) or []
    return [int(i) for i in raw if isinstance(i, int)]


def save_basket(ids: list[int]) -> None:
    session[BASKET_KEY] = list(dict.fromkeys(ids))[:MAX_PRACTICES]


def of_basket(title: str, intro: str) -> Selection:
    return _cut(title or _("Selected practices"),
                intro or _("Practices selected on the Kennisbank."), basket_ids())
