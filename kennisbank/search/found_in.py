"""Which attachments a hit was found in ("Found in: brochure.pdf").

The index keeps all of an item's attachment text in one field, so it can only
say that the attachments matched, not which one. For the shown page only, and
only for hits whose attachment text holds a query word (``Hit.extra_words``,
found by the backend), each attachment's text is read from the database and
analysed as it was indexed; an attachment counts once one of its words equals
an analysed query word. Hits that matched elsewhere cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..attachments.models import Attachment
from ..extensions import db
from .analysis import analyzer_for
from .backend import Hit


def contains_words(text: str, words: Mapping[str, frozenset[str]]) -> bool:
    """Whether ``text``, analysed per language as the index does, has one of that
    language's ``words``; stops at the first match."""
    for lang, wanted in words.items():
        if wanted and any(token.text in wanted for token in analyzer_for(lang)(text)):
            return True
    return False


def mark_found_in(hits: Iterable[Hit]) -> None:
    """Set ``found_in`` of each hit with ``extra_words`` to the names of the
    attachments that hold one of those words, oldest attachment first."""
    candidates = {hit.id: hit for hit in hits if any(hit.extra_words.values())}
    if not candidates:
        return
    rows = db.session.execute(
        db.select(Attachment.item_id, Attachment.original_name, Attachment.text)
        .where(Attachment.item_id.in_(candidates))
        .order_by(Attachment.id)
    )
    for item_id, name, text in rows:
        hit = candidates[item_id]
        if text and name not in hit.found_in and contains_words(text, hit.extra_words):
            hit.found_in.append(name)
