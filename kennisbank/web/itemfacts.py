"""The facts at the top of an item page, each leading on: its city, organisation,
themes and tags link to their pages or to a filtered search, and the tags speak
the page's language where the lexicon knows a translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from ..config import LANGUAGES
from ..extensions import db
from ..models import Item, Organisation
from ..search.lexicon.service import current_lexicon
from ..search.lexicon.terms import other, term_key

#: A translation must be at least this sure to replace a tag (FreeDict's first sense of
#: a plain word scores 1.0; its far-fetched senses score well below a half).
TAG_TRANSLATION_WEIGHT = 0.5


@dataclass(frozen=True)
class Tag:
    """A tag as a page shows it: ``text`` in ``lang``; ``tag`` is the stored tag, searched for."""

    tag: str
    text: str
    lang: str
    url: str


@dataclass(frozen=True)
class Period:
    """The label and the text of an item's dates: "Started: January 2016"."""

    label: str
    text: str


def organisation_link(name: str | None) -> str | None:
    """The profile page of the organisation named ``name``, if there is one."""
    if not name:
        return None
    found = db.session.execute(
        db.select(Organisation.id).where(Organisation.name == name)
    ).scalar_one_or_none()
    return url_for("partners.organisation", organisation_id=found) if found else None


def theme_url(code: str) -> str:
    return url_for("search.page", theme=code)


def _month(value: date) -> str:
    return format_date(value, format="MMMM yyyy")


def period(item: Item, today: date | None = None) -> Period | None:
    """Month and year (the day of a start is rarely meant); a lone start says "Started"."""
    if item.start_date is None:
        return None
    if item.end_date is not None:
        return Period(_("Period"), f"{_month(item.start_date)} – {_month(item.end_date)}")
    if item.start_date > (today or date.today()):
        return Period(_("Starts"), _month(item.start_date))
    return Period(_("Started"), _month(item.start_date))


def _knows(lang: str, tag: str) -> str | None:
    """The surest translation of ``tag`` read as a ``lang`` term, or ``None``."""
    found = current_lexicon().translations(lang, term_key(lang, tag), tag)
    best = found[0] if found else None
    return best.text if best is not None and best.weight >= TAG_TRANSLATION_WEIGHT else None


def _written_in(item: Item) -> str:
    """The language the item's tags were most likely written in: its only one, else the default."""
    languages = [code for code in item.languages if code in LANGUAGES]
    if len(languages) == 1:
        return languages[0]
    return str(current_app.config.get("DEFAULT_LANGUAGE", "nl"))


def tags(item: Item, lang: str) -> list[Tag]:
    """The item's tags in ``lang`` where known; otherwise as written, with their language.

    A tag the lexicon knows as a ``lang`` term stays as it is; one it knows as a
    term of the other language is shown translated; one it does not know keeps
    the language the item was written in, so the page can mark it.
    """
    current_lexicon().sync()
    shown = []
    for tag in item.tags or []:
        url = url_for("search.page", tag=tag)  # the tag facet: exactly the items tagged so
        if _knows(lang, tag) is not None:
            shown.append(Tag(tag, tag, lang, url))
            continue
        translated = _knows(other(lang), tag)
        if translated is not None:
            shown.append(Tag(tag, translated, lang, url))
        else:
            shown.append(Tag(tag, tag, _written_in(item), url))
    return shown
