"""Transfer links: a practice inspired by, adapted from, or adopted by another practice or city.

A link is stored once, on the practice that records it (``from_item``), and
both sides show it: the other practice's page reads it the other way round
("Inspired" where this one says "Inspired by"). Which side *took* something
and which *gave* it follows from the kind (see ``models.TAKING_KINDS``), so a
city page can list what the city took from others and what it gave.

Every change to a link queues both practices for the search index in the
same transaction (their transfer counts are a facet and a sort), through
:func:`kennisbank.content.service.queue_index`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased, scoped_session

from ..auth.policy import PUBLIC_VISIBILITY, can, visibility
from ..config import LANGUAGES
from ..content.service import queue_index
from ..extensions import db
from ..models import City, Item, User
from .cities import fold
from .models import TRANSFER_KINDS, TransferLink

MAX_NOTE_LENGTH = 2000

#: What the recording practice's page says (``outgoing``), and what the other's says.
OUTGOING_LABELS = {
    "inspired_by": _l("Inspired by"),
    "adapted_from": _l("Adapted from"),
    "adopted_by": _l("Adopted by"),
}
INCOMING_LABELS = {
    "inspired_by": _l("Was an inspiration for"),
    "adapted_from": _l("Was adapted by"),
    "adopted_by": _l("Adopted from"),
}
KIND_NAMES = {
    "inspired_by": _l("inspired by"),
    "adapted_from": _l("adapted from"),
    "adopted_by": _l("adopted by"),
}


class TransferError(ValueError):
    """The link cannot be made; ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean_note(value: Any, field: str, errors: dict[str, str]) -> dict[str, str]:
    """A bilingual note: ``{lang: text}``, blank languages left out."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        errors[field] = _("Give the text per language, such as {\"nl\": ..., \"en\": ...}.")
        return {}
    note: dict[str, str] = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            errors[field] = _("Languages are nl and en.")
        elif not isinstance(text, str):
            errors[field] = _("Each language's text must be text.")
        elif len(text) > MAX_NOTE_LENGTH:
            errors[field] = _("At most %(max)d characters per language.", max=MAX_NOTE_LENGTH)
        elif "\x00" in text:
            errors[field] = _("Contains a character that is not allowed.")
        elif text.strip():
            note[lang] = text.strip()
    return note


def add_transfer(from_item: Item, *, kind: str, user: User | None, to_item: Item | None = None,
                 to_city: City | None = None, how: Any = None, result: Any = None
                 ) -> TransferLink:
    """Record a link from ``from_item``; the caller checks that ``user`` may edit
    ``from_item`` and commits (:func:`kennisbank.content.service.commit`).

    ``user`` must be able to see ``to_item``; ``None`` stands for the system
    (the demo loader), which may link any two practices.

    :raises TransferError: with a message per field.
    """
    errors: dict[str, str] = {}
    if kind not in TRANSFER_KINDS:
        errors["kind"] = _("Choose one of: %(kinds)s.", kinds=", ".join(TRANSFER_KINDS))
    if (to_item is None) == (to_city is None):
        errors["target"] = _("Choose either another practice or a city.")
    hidden = to_item is not None and user is not None and not can(user, "view", to_item)
    if to_item is not None and (to_item.id == from_item.id or hidden):
        errors["to_item"] = _("Choose another practice that you can see.")
    notes = {"how": clean_note(how, "how", errors), "result": clean_note(result, "result", errors)}
    if not errors and link_exists(from_item, kind, to_item, to_city):
        errors["target"] = _("This link exists already.")
    if errors:
        raise TransferError(errors)
    link = TransferLink(
        from_item=from_item, to_item=to_item, to_city=to_city, kind=kind,
        how=notes["how"], result=notes["result"],
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(link)
    db.session.flush()
    queue_sides(link)
    return link


def link_exists(from_item: Item, kind: str, to_item: Item | None, to_city: City | None) -> bool:
    """Whether ``from_item`` already has a link of ``kind`` to that practice or city."""
    if to_item is not None:
        target = TransferLink.to_item_id == to_item.id
    elif to_city is not None:
        target = TransferLink.to_city_id == to_city.id
    else:
        raise ValueError("a transfer link needs a practice or a city")
    query = select(TransferLink.id).where(
        TransferLink.from_item_id == from_item.id, TransferLink.kind == kind, target)
    return db.session.scalar(query) is not None


def queue_sides(link: TransferLink) -> None:
    """Reindex both practices of ``link`` (their transfer counts change)."""
    queue_index(link.from_item_id, "index")
    if link.to_item_id is not None:
        queue_index(link.to_item_id, "index")


def remove_transfer(link: TransferLink) -> None:
    """Delete a link; the caller checks permission and commits."""
    queue_sides(link)
    db.session.delete(link)


def links_of(item_id: int) -> list[TransferLink]:
    """Every link recorded on the item or pointing at it, oldest first."""
    return list(db.session.scalars(
        select(TransferLink)
        .where(or_(TransferLink.from_item_id == item_id, TransferLink.to_item_id == item_id))
        .order_by(TransferLink.id)
    ))


def shown_to(link: TransferLink, user: Any) -> bool:
    """A link is shown only to someone who may see the practices on both of its sides."""
    rule = visibility(user)
    return rule.allows(link.from_item) and (link.to_item is None or rule.allows(link.to_item))


def linked_item_ids(session: Session | scoped_session[Any], item_id: int) -> set[int]:
    """The practices on the other side of the item's links."""
    rows = session.execute(
        select(TransferLink.from_item_id, TransferLink.to_item_id)
        .where(or_(TransferLink.from_item_id == item_id, TransferLink.to_item_id == item_id))
    )
    return {other for pair in rows for other in pair if other is not None and other != item_id}


def _transfer_count_statement() -> Any:
    """Both directions in one statement, built once: it runs for every item
    indexed, and a statement built per call costs more to compile than to run."""
    other = aliased(Item)
    item_id: Any = bindparam("item_id")
    public = PUBLIC_VISIBILITY.sql(other.id)
    outgoing = (
        select(func.count(TransferLink.id))
        .outerjoin(other, other.id == TransferLink.to_item_id)
        .where(TransferLink.from_item_id == item_id,
               or_(TransferLink.to_city_id.is_not(None), public))
    ).scalar_subquery()
    incoming = (
        select(func.count(TransferLink.id))
        .join(other, other.id == TransferLink.from_item_id)
        .where(TransferLink.to_item_id == item_id, public)
    ).scalar_subquery()
    return select(outgoing + incoming)


_TRANSFER_COUNT = _transfer_count_statement()


def transfer_count(session: Session | scoped_session[Any], item_id: int) -> int:
    """Links of a practice that anyone may see: to a city, or to a practice every
    reader may see (published, labelled ``public``).

    This is the count in the search index, which every reader shares, so links
    to practices that are not published (or kept from readers) do not count.
    """
    return int(session.scalar(_TRANSFER_COUNT, {"item_id": item_id}) or 0)


@dataclass(frozen=True)
class Side:
    """One end of a transfer: a practice (with its place) or a city."""

    item: Item | None
    city: str | None
    country: str | None


def sides(link: TransferLink) -> tuple[Side, Side]:
    """``(giver, taker)``: who passed something on, and who took it up."""
    recorder = Side(link.from_item, link.from_item.city, link.from_item.country)
    if link.to_item is not None:
        other = Side(link.to_item, link.to_item.city, link.to_item.country)
    else:
        other = Side(None, link.target_city.name, link.target_city.country)
    return (other, recorder) if link.taker_is_from else (recorder, other)


def is_city(side: Side, city: City) -> bool:
    return (bool(side.city) and fold(side.city or "") == fold(city.name)
            and (side.country or city.country) == city.country)


def city_transfers(city: City, user: Any) -> tuple[list[TransferLink], list[TransferLink]]:
    """``(took, gave)``: links through which ``city`` took something from another
    city, and through which it passed something on, as ``user`` may see them.
    Links within one city are left out: they are not exchanges between cities."""
    took: list[TransferLink] = []
    gave: list[TransferLink] = []
    for link in all_links():
        if not shown_to(link, user):
            continue
        giver, taker = sides(link)
        if is_city(taker, city) and not is_city(giver, city):
            took.append(link)
        elif is_city(giver, city) and not is_city(taker, city):
            gave.append(link)
    return took, gave


def all_links() -> list[TransferLink]:
    return list(db.session.scalars(select(TransferLink).order_by(TransferLink.id)))


def flows(user: Any, cities: Iterable[City]) -> list[tuple[City, City, int]]:
    """``(giver, taker, number of links)`` between stored cities, as ``user`` may see them."""
    index = {(city.country, fold(city.name)): city for city in cities}

    def find(side: Side) -> City | None:
        name = fold(side.city or "")
        if side.country:
            return index.get((side.country, name))
        return next((c for (_, n), c in index.items() if n == name), None)

    counted: Counter[tuple[int, int]] = Counter()
    by_id: dict[int, City] = {}
    for link in all_links():
        if not shown_to(link, user):
            continue
        giver, taker = (find(side) for side in sides(link))
        if giver is not None and taker is not None and giver.id != taker.id:
            counted[(giver.id, taker.id)] += 1
            by_id[giver.id], by_id[taker.id] = giver, taker
    return [(by_id[g], by_id[t], n) for (g, t), n in sorted(counted.items())]
