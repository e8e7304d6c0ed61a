"""The synonym list's rules and changes, in one place for pages, API, import and CLI.

:func:`clean_set` is the only validation: every way in (the admin form, the
JSON API, an import line, ``kennisbank synonyms add``) hands it the same
shape, ``{"nl": [...], "en": [...], "note": ...}``, and gets the same
messages, in the reader's language. It is exact about types and sizes, so
the API needs no stricter check of its own, and the OpenAPI schema
(:mod:`kennisbank.api.synonym_specs`) states the same limits. The forms do
the lenient part before they call it: one term per line, blank lines dropped.

Every change also raises the generation in ``synonym_state`` within the same
transaction (:func:`_changed`), which is what :func:`version` reads: search
rebuilds its compiled lexicon only when that value differs from the one it
built with. The caller checks permissions and commits.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..config import LANGUAGES
from ..extensions import db
from ..models import User, utcnow
from .models import STATE_ID, SynonymSet, SynonymState

MAX_TERM_LENGTH = 100
MAX_TERM_WORDS = 5
MAX_TERMS = 30
MIN_TERMS = 2
MAX_NOTE_LENGTH = 500
#: The keys a set is given as; anything else is refused, so a typo is not lost silently.
KEYS = (*LANGUAGES, "note")
#: Line and paragraph separators are no control characters to Unicode, but break a line.
LINE_SEPARATORS = "\u2028\u2029"
#: How many bad terms one message names before it says "and N more".
NAMED_PROBLEMS = 3


class SynonymError(ValueError):
    """The set cannot be saved; ``errors`` maps each field (``nl``, ``en``, ``terms``,
    ``note``, or an unknown key) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class SynonymEntry:
    """A set as search reads it: plain, immutable data, safe to keep in a per-process cache."""

    id: int
    nl: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class CleanSet:
    """A set that passed :func:`clean_set`: tidy terms, duplicates gone, note stripped."""

    nl: tuple[str, ...]
    en: tuple[str, ...]
    note: str

    def key(self) -> tuple[frozenset[str], frozenset[str]]:
        """What makes two sets the same: their folded terms per language, in any order."""
        return (frozenset(fold(t) for t in self.nl), frozenset(fold(t) for t in self.en))


def fold(term: str) -> str:
    """A term for comparison: no accents, no case, single spaces (``Café`` = ``cafe``)."""
    decomposed = unicodedata.normalize("NFKD", term)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _disallowed(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in LINE_SEPARATORS


def _term_problem(value: Any) -> str | None:
    """Why ``value`` is no term, or ``None``."""
    if not isinstance(value, str):
        return _("Each term must be text.")
    if any(_disallowed(c) for c in value):
        return _("A term must be one line without tabs or control characters.")
    if not value.strip():
        return _("A term cannot be empty.")
    if len(value) > MAX_TERM_LENGTH:
        return _("\"%(term)s\" is too long: at most %(max)d characters.",
                 term=value.strip()[:40] + "…", max=MAX_TERM_LENGTH)
    if len(value.split()) > MAX_TERM_WORDS:
        return _("\"%(term)s\" has more than %(max)d words; a term is a word or a short phrase.",
                 term=value.strip(), max=MAX_TERM_WORDS)
    return None


def _terms(data: Mapping[str, Any], field: str, errors: dict[str, str]) -> tuple[str, ...]:
    """One language's terms, tidied and without duplicates (the first spelling stays)."""
    if field not in data:
        return ()
    value = data[field]
    if not isinstance(value, list):
        errors[field] = _("Give the terms as a list.")
        return ()
    if len(value) > MAX_TERMS:
        errors[field] = _("At most %(max)d terms per language; this has %(count)d.",
                          max=MAX_TERMS, count=len(value))
        return ()
    problems = list(dict.fromkeys(p for p in map(_term_problem, value) if p is not None))
    if problems:
        shown = " ".join(problems[:NAMED_PROBLEMS])
        rest = len(problems) - NAMED_PROBLEMS
        if rest > 0:
            shown += " " + ngettext("And %(num)d more problem.", "And %(num)d more problems.",
                                    rest)
        errors[field] = shown
        return ()
    kept: dict[str, str] = {}
    for term in value:
        tidy = unicodedata.normalize("NFC", " ".join(term.split()))
        kept.setdefault(fold(tidy), tidy)
    return tuple(kept.values())


def _note(value: Any, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors["note"] = _("Must be text.")
        return ""
    if "\x00" in value:
        errors["note"] = _("Contains a character that is not allowed.")
        return ""
    if len(value) > MAX_NOTE_LENGTH:
        errors["note"] = _("Too long: at most %(max)d characters, got %(count)d.",
                           max=MAX_NOTE_LENGTH, count=len(value))
        return ""
    return value.strip()


def clean_set(data: Mapping[str, Any]) -> CleanSet:
    """Check a set given as ``{"nl": [...], "en": [...], "note": ...}`` (each key optional).

    :raises SynonymError: with a message per field; nothing is stored either way.
    """
    errors = {str(key): _("Unknown field \"%(name)s\".", name=str(key)[:50])
              for key in data if key not in KEYS}
    nl = _terms(data, "nl", errors)
    en = _terms(data, "en", errors)
    note = _note(data.get("note"), errors)
    if not ({"nl", "en"} & set(errors)) and len(nl) + len(en) < MIN_TERMS:
        errors["terms"] = _("A set needs at least two different terms, in Dutch and English "
                            "together.")
    if errors:
        raise SynonymError(errors)
    return CleanSet(nl=nl, en=en, note=note)


def clean_of(synonym_set: SynonymSet) -> CleanSet:
    """A stored set as a :class:`CleanSet`, to compare with one that was given."""
    return CleanSet(nl=tuple(synonym_set.terms_nl or ()), en=tuple(synonym_set.terms_en or ()),
                    note=synonym_set.note or "")


def same_terms(clean: CleanSet, *, besides: int | None = None) -> SynonymSet | None:
    """The stored set with exactly these terms (folded, in any order), other than ``besides``."""
    key = clean.key()
    for stored in db.session.scalars(select(SynonymSet).order_by(SynonymSet.id)):
        if stored.id != besides and clean_of(stored).key() == key:
            return stored
    return None


def _refuse_duplicate(clean: CleanSet, besides: int | None) -> None:
    twin = same_terms(clean, besides=besides)
    if twin is not None:
        raise SynonymError({"terms": _("These terms already form synonym set %(id)d.",
                                       id=twin.id)})


def apply_clean(synonym_set: SynonymSet, clean: CleanSet, user: User | None) -> bool:
    """Store an already checked set in ``synonym_set``; whether anything changed."""
    if synonym_set.id is not None and clean_of(synonym_set) == clean:
        return False
    synonym_set.terms_nl = list(clean.nl)
    synonym_set.terms_en = list(clean.en)
    synonym_set.note = clean.note
    synonym_set.updated_at = utcnow()
    synonym_set.updated_by_id = user.id if user is not None else None
    _changed()
    return True


def create_set(data: Mapping[str, Any], user: User | None) -> SynonymSet:
    """Add a set; refused when its terms already form a set.

    :raises SynonymError: nothing is added.
    """
    clean = clean_set(data)
    _refuse_duplicate(clean, None)
    return add_clean(clean, user)


def add_clean(clean: CleanSet, user: User | None) -> SynonymSet:
    """Add an already checked set (the import matches duplicates itself)."""
    synonym_set = SynonymSet(created_at=utcnow())
    apply_clean(synonym_set, clean, user)
    db.session.add(synonym_set)
    db.session.flush()
    return synonym_set


def update_set(synonym_set: SynonymSet, data: Mapping[str, Any], user: User | None) -> bool:
    """Replace a set's terms and note; whether anything changed (saving as it was is no change).

    :raises SynonymError: nothing is changed.
    """
    clean = clean_set(data)
    _refuse_duplicate(clean, synonym_set.id)
    return apply_clean(synonym_set, clean, user)


def delete_set(synonym_set: SynonymSet) -> None:
    db.session.delete(synonym_set)
    _changed()


def get_set(set_id: int) -> SynonymSet | None:
    return db.session.get(SynonymSet, set_id)


def find_sets(text: str = "") -> list[SynonymSet]:
    """Every set, oldest first; with ``text``, those with a term containing it.

    The list is small (edited by hand), so it is filtered here, alike on every database.
    """
    found = list(db.session.scalars(select(SynonymSet).order_by(SynonymSet.id)))
    return [s for s in found if matches(s, text)]


def matches(synonym_set: SynonymSet, text: str) -> bool:
    """Whether a term of the set contains ``text``, ignoring case and accents."""
    wanted = fold(text)
    return not wanted or any(wanted in fold(term)
                             for term in synonym_set.terms("nl") + synonym_set.terms("en"))


def all_sets() -> list[SynonymEntry]:
    """Every set as plain data, for the search side's lexicon.

    Read :func:`version` *before* this (or use :func:`snapshot`): a change in
    between then makes the next version differ and the lexicon is rebuilt
    once more, never kept stale.
    """
    rows = db.session.execute(
        select(SynonymSet.id, SynonymSet.terms_nl, SynonymSet.terms_en).order_by(SynonymSet.id)
    )
    return [SynonymEntry(id=row.id, nl=tuple(row.terms_nl or ()), en=tuple(row.terms_en or ()))
            for row in rows]


def version() -> str:
    """A value that differs after every change to the list (one primary-key read).

    ``"0"`` until the first change; then ``"<generation>-<stamp>"``. Deletions
    count too, unlike a row count or the newest ``updated_at`` would.
    """
    state = db.session.execute(
        select(SynonymState.generation, SynonymState.stamp).where(SynonymState.id == STATE_ID)
    ).first()
    return "0" if state is None else f"{state.generation}-{state.stamp}"


def snapshot() -> tuple[str, list[SynonymEntry]]:
    """``(version(), all_sets())``, read in the order that cannot label old sets as new."""
    return version(), all_sets()


def _changed() -> None:
    """Raise the generation in the caller's transaction, creating the row the first time.

    One upsert statement (SQLite and PostgreSQL both have ``ON CONFLICT``): two
    first changes at once cannot both insert, and on PostgreSQL concurrent
    changes queue on the row's lock until the first commits.
    """
    values = {"stamp": secrets.token_hex(8), "changed_at": utcnow()}
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SynonymState).values(id=STATE_ID, generation=1, **values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[SynonymState.id],
        set_={"generation": SynonymState.generation + 1, **values},
    ))
