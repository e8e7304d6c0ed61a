"""Learning the instance's own term pairs, and keeping them current.

``mark_changed`` is called (through the search service) in the transaction of
every save or deletion that touches a published item written in both
languages; it raises ``lexicon_state.content_version``.
:func:`rebuild` learns the pairs afresh from every such item (and from the
app's bilingual vocabularies, which are parallel texts too) and records which
content version it read. A rebuild reads without any lock and writes its
result in one short transaction; if items changed meanwhile the state stays
out of date, and the next refresh learns again.

Rebuilding costs about a second per few thousand bilingual items
(``bench/RESULTS.md``), so :func:`refresh` does it right after the commit
that made the pairs stale only up to ``LEARN_INLINE_LIMIT`` bilingual items;
a larger instance leaves it to ``kennisbank reindex``, ``kennisbank
index-worker`` or ``kennisbank lexicon learn`` (and ``check-index`` says so).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, scoped_session, selectinload

from ...auth.policy import PUBLIC_VISIBILITY
from ...content.registry import Registry
from ...extensions import db
from ...markup import text_of
from ...models import Item, ItemTranslation, utcnow
from .learned import LearnedPair, learn_pairs
from .models import STATE_ID, LearnedTerm, LexiconState
from .vocabularies import label_pairs

log = logging.getLogger(__name__)

#: Bilingual items up to which a save relearns the pairs right after its commit.
LEARN_INLINE_LIMIT = 5_000
BATCH = 500
#: Translatable fields of these kinds are parallel texts too (short, written text).


@dataclass(frozen=True)
class State:
    """Whether the learned pairs are current, and what they were learned from."""

    content_version: int
    built_version: int
    items: int
    pairs: int
    built_at: Any

    @property
    def stale(self) -> bool:
        return self.content_version != self.built_version


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(LexiconState)


def mark_changed(session: Session) -> None:
    """Make the learned pairs out of date, in ``session``'s transaction (one
    upsert: two first changes at once cannot both insert the row)."""
    statement = _insert(session).values(id=STATE_ID, content_version=1, built_version=0,
                                        items=0)
    session.execute(statement.on_conflict_do_update(
        index_elements=[LexiconState.id],
        set_={"content_version": LexiconState.content_version + 1}))


def read_state(session: Session) -> State:
    row = session.get(LexiconState, STATE_ID)
    pairs = session.scalar(select(func.count()).select_from(LearnedTerm)) or 0
    if row is None:
        return State(content_version=1, built_version=0, items=0, pairs=pairs, built_at=None)
    return State(content_version=row.content_version, built_version=row.built_version,
                 items=row.items, pairs=pairs, built_at=row.built_at)


def built_version(session: Session | scoped_session[Any]) -> int:
    """The content version the stored pairs come from (cheap: one row)."""
    return session.scalar(select(LexiconState.built_version)
                          .where(LexiconState.id == STATE_ID)) or 0


def bilingual_count(session: Session) -> int:
    both = (select(ItemTranslation.item_id).where(ItemTranslation.lang.in_(("nl", "en")))
            .group_by(ItemTranslation.item_id).having(func.count() == 2).subquery())
    return session.scalar(select(func.count()).select_from(Item)
                          .join(both, both.c.item_id == Item.id)
                          .where(PUBLIC_VISIBILITY.sql())) or 0


def item_segments(item: Item, registry: Registry) -> list[tuple[str, str]]:
    """An item's parallel segments: title with title, summary with summary, and
    each translatable text field with its counterpart (Markdown as its words)."""
    texts = {t.lang: t for t in item.translations}
    nl, en = texts.get("nl"), texts.get("en")
    if nl is None or en is None:
        return []
    segments = [(nl.title or "", en.title or ""),
                (text_of(nl.summary), text_of(en.summary))]
    ctype = registry.types.get(item.type)
    for fld in ctype.translatable_fields if ctype is not None else ():
        if registry.kind(fld.kind).parallel_text:
            pair = ((nl.fields or {}).get(fld.name), (en.fields or {}).get(fld.name))
            if isinstance(pair[0], str) and isinstance(pair[1], str):
                segments.append((text_of(pair[0]), text_of(pair[1])))
    return [(a, b) for a, b in segments if a.strip() and b.strip()]


def _bilingual_items(session: Session, registry: Registry) -> Iterator[list[tuple[str, str]]]:
    last = 0
    while True:
        batch = session.scalars(
            select(Item).where(PUBLIC_VISIBILITY.sql(), Item.id > last)
            .options(selectinload(Item.translations)).order_by(Item.id).limit(BATCH)).all()
        if not batch:
            return
        for item in batch:
            segments = item_segments(item, registry)
            if segments:
                yield segments
        last = batch[-1].id
        session.expunge_all()


def rebuild(registry: Registry) -> tuple[int, list[LearnedPair]]:
    """Learn the pairs afresh and store them; returns (items read, pairs)."""
    started = time.monotonic()
    with Session(db.engine) as session:
        version = read_state(session).content_version
        counted: list[int] = [0]

        def sources() -> Iterator[list[tuple[str, str]]]:
            for segments in _bilingual_items(session, registry):
                counted[0] += 1
                yield segments
            # The app's own bilingual labels: each one a tiny parallel text.
            for pair in dict.fromkeys(label_pairs(registry)):
                yield [pair]

        pairs = learn_pairs(sources())
    with Session(db.engine) as session:
        session.execute(delete(LearnedTerm))
        if pairs:
            session.execute(insert(LearnedTerm), [
                {"nl": p.nl[:200], "en": p.en[:200], "items": p.count, "g2": p.g2,
                 "dice": p.dice} for p in pairs])
        values = {"built_version": version, "items": counted[0], "built_at": utcnow()}
        statement = _insert(session).values(id=STATE_ID, content_version=version, **values)
        session.execute(statement.on_conflict_do_update(index_elements=[LexiconState.id],
                                                        set_=values))
        session.commit()
    log.info("lexicon learned %d term pairs from %d bilingual items in %.2f s",
             len(pairs), counted[0], time.monotonic() - started)
    return counted[0], pairs


def learned_pairs(session: Session) -> list[LearnedPair]:
    rows = session.scalars(select(LearnedTerm).order_by(LearnedTerm.id)).all()
    return [LearnedPair(nl=r.nl, en=r.en, count=r.items, g2=r.g2, dice=r.dice) for r in rows]


def refresh(registry: Registry, *, inline_limit: int = LEARN_INLINE_LIMIT) -> bool:
    """Relearn the pairs if they are out of date and the instance is small
    enough to do it now; returns whether it learned. Never raises: a failure
    leaves the old pairs in use and the state out of date, for the next try."""
    try:
        with Session(db.engine) as session:
            state = read_state(session)
            if not state.stale:
                return False
            if bilingual_count(session) > inline_limit:
                log.info("lexicon out of date; %d+ bilingual items: left to `kennisbank "
                         "reindex` or `kennisbank index-worker`", inline_limit)
                return False
        rebuild(registry)
        return True
    except Exception:
        log.exception("the learned lexicon could not be rebuilt now; the previous one stays")
        return False
