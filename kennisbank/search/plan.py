"""A reader's query as a plan every backend runs the same way.

The query side is one pipeline shared by the Whoosh and the PostgreSQL
backend, so they cannot drift (``architecture.md``, "Search"): the text is
parsed (:mod:`.querytext`), each clause gets its *alternatives* here, and
each backend only evaluates the plan.

A clause is one word, phrase or ``a OR b`` group the reader typed. An
:class:`Alternative` is one way an item can satisfy it: the word as Dutch,
English or a tag says it (``direct``), an editor's or plugin's synonym
(``synonym``), a translation into the other language (``translation``), or
for a Dutch compound its parts (``parts``) and for a derived word its base
(``base``). Each alternative has a *space* (``nl``, ``en``: the texts of that
language; ``kw``: the tags as whole values) and its terms analysed for that
space, and a weight: a direct match counts fully, others less, so an item
found only through a translation ranks below one found directly with equal
strength.

Matching is strict first (every clause), and loosened by the backend to
:meth:`QueryPlan.min_match` clauses when that finds too little; ``near``
pairs are words that rank an item higher when they stand close together.
Plans are built by :mod:`.expand`; :func:`direct_plan` is the plan without
any expansion (no lexicon), which is how the query syntax reads on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh.analysis import Analyzer

from .analysis import LANGUAGES, analyzer_for, keyword_analyzer
from .querytext import QueryItem, parse_items

KEYWORDS = "kw"
SPACES = (*LANGUAGES, KEYWORDS)
#: Kinds of alternative, as :class:`Alternative` describes them.
DIRECT, SYNONYM, TRANSLATION, PARTS, BASE = "direct", "synonym", "translation", "parts", "base"
#: When fewer items than this match every clause (half a page of results), the backend
#: adds those matching ``min_match`` clauses, ranked below them. Measured with
#: ``make relevance`` (bench/RESULTS.md): 3, 5 and 10 raise every group in turn, 20 no more.
LOOSEN_BELOW = 10


@dataclass(frozen=True)
class Alternative:
    """Terms in one space that satisfy a clause: all of them (``phrase``: in
    this order, side by side, in one field). ``via`` is the text shown to the
    reader for a match that is not direct (``fietsstraat``)."""

    space: str
    terms: tuple[str, ...]
    phrase: bool = False
    weight: float = 1.0
    kind: str = DIRECT
    via: str = ""

    @property
    def key(self) -> tuple[str, tuple[str, ...], bool]:
        """What the backend evaluates: alternatives differing only in weight or
        origin share one evaluation."""
        return (self.space, self.terms, self.phrase)


@dataclass(frozen=True)
class Clause:
    """One required part of the query and the ways to satisfy it; ``text`` is
    the part as typed, to tell the reader what was not found."""

    text: str
    alternatives: tuple[Alternative, ...]
    #: The clause's one word as typed, when it is one (a typo can be corrected).
    word: str = ""

    @property
    def direct(self) -> tuple[Alternative, ...]:
        return tuple(a for a in self.alternatives if a.kind == DIRECT)


@dataclass(frozen=True)
class Expansion:
    """What the reader is told: the query read as ``source`` language, and per
    part of it the words also searched for in ``target`` (``translations``)
    and in the same language (``synonyms``)."""

    source: str
    target: str
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "translations": [{"words": words, "terms": list(terms)}
                             for words, terms in self.translations],
            "synonyms": [{"words": words, "terms": list(terms)}
                         for words, terms in self.synonyms],
        }


@dataclass(frozen=True)
class QueryPlan:
    """Everything a backend needs to run a text query.

    ``whole`` holds alternatives that satisfy every clause at once (a machine
    translation of the whole query); ``excluded`` the direct alternatives of
    the ``-word`` parts; ``near`` ``(space, term, term)`` pairs that rank an
    item higher when the two stand within ``NEAR_WINDOW`` words of each other.
    """

    text: str
    clauses: tuple[Clause, ...]
    excluded: tuple[Alternative, ...] = ()
    whole: tuple[Alternative, ...] = ()
    near: tuple[tuple[str, str, str], ...] = ()
    expansion: Expansion | None = None
    language: str | None = None
    words: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """Nothing can be required: the query matches nothing (only stop
        words, only exclusions, or no words at all)."""
        return not self.clauses

    @property
    def min_match(self) -> int:
        """How many clauses a loosened match needs: every one for one or two
        clauses' worth of one; then all but one, for four or more three in five."""
        return min_match(len(self.clauses))

    def alternatives(self) -> list[Alternative]:
        """Every distinct alternative (by what it evaluates), clauses first."""
        seen: dict[tuple[str, tuple[str, ...], bool], Alternative] = {}
        for clause in self.clauses:
            for alternative in clause.alternatives:
                seen.setdefault(alternative.key, alternative)
        for alternative in self.whole:
            seen.setdefault(alternative.key, alternative)
        return list(seen.values())

    def terms(self, space: str) -> list[str]:
        """The positive terms searched for in ``space``, once each (to highlight)."""
        found: list[str] = []
        for alternative in self.alternatives():
            if alternative.space == space:
                found += [t for t in alternative.terms if t not in found]
        return found


#: Alternatives a hit is said to be "found via" (not a compound's own parts).
SHOWN_KINDS = (TRANSLATION, SYNONYM)


def explain_via(plan: QueryPlan, matches: Callable[[Alternative], bool]) -> list[str]:
    """The translations and synonyms through which an item matched a clause
    none of whose direct alternatives it matches (``matches`` tells which
    alternatives the item matches): what "found via" shows."""
    found: list[str] = []
    for clause in plan.clauses:
        if any(matches(a) for a in clause.direct):
            continue
        for alternative in clause.alternatives:
            if alternative.kind in SHOWN_KINDS and alternative.via and matches(alternative) \
                    and alternative.via not in found:
                found.append(alternative.via)
    for alternative in plan.whole:
        if matches(alternative) and alternative.via not in found:
            found.append(alternative.via)
    return found


def min_match(clauses: int) -> int:
    """Clauses a loosened match needs: 1 of 1 or 2, 2 of 3, 3 of 4, then 60 %."""
    if clauses <= 2:
        return 1
    if clauses <= 4:
        return clauses - 1
    return math.ceil(0.6 * clauses)


def analysed(analyzer: Analyzer, words: list[str]) -> tuple[str, ...]:
    return tuple(token.text for token in analyzer(" ".join(words), mode="query"))


def direct_alternatives(item: QueryItem) -> tuple[Alternative, ...] | None:
    """The item as each language and the tags read it; None when it cannot be
    required: a single word that one language drops (a stop word there, such
    as the Dutch ``die``, is no reason to require it of English text)."""
    found = []
    phrase = len(item.words) > 1
    for lang in LANGUAGES:
        terms = analysed(analyzer_for(lang), item.words)
        if terms:
            found.append(Alternative(lang, terms, phrase=phrase and len(terms) > 1))
    tags = analysed(keyword_analyzer(commas=True), [item.text])
    if tags:
        found.append(Alternative(KEYWORDS, tags))
    if not found or (len(item.words) == 1 and len(found) < len(SPACES)):
        return None
    return tuple(found)


def item_text(item: QueryItem) -> str:
    return f'"{item.text}"' if item.quoted else item.text


def direct_clauses(text: str) -> tuple[list[tuple[Clause, list[QueryItem]]], list[Alternative]]:
    """The query's clauses with their direct alternatives (and the items they
    hold, for the expansion), and the excluded alternatives."""
    parsed, excluded_items = parse_items(text)
    clauses = []
    for group in parsed:
        items = [(item, direct_alternatives(item)) for item in group]
        kept = [(item, found) for item, found in items if found is not None]
        if kept:
            single = kept[0][0] if len(kept) == 1 else None
            word = single.words[0] if single and len(single.words) == 1 and not single.quoted \
                else ""
            clause = Clause(" OR ".join(item_text(item) for item, _ in kept),
                            tuple(a for _, found in kept for a in found), word)
            clauses.append((clause, [item for item, _ in kept]))
    excluded = [a for item in excluded_items for a in (direct_alternatives(item) or ())]
    return clauses, excluded


def near_pairs(clauses: list[tuple[Clause, list[QueryItem]]]) -> list[tuple[str, str, str]]:
    """Neighbouring single-word clauses, per language: an item where the two
    words stand close together ranks higher (``bicycle parking``)."""
    pairs = []
    singles = [(c, items[0]) if len(items) == 1 else (c, None) for c, items in clauses]
    for (first, a), (second, b) in zip(singles, singles[1:], strict=False):
        if a is None or b is None or len(a.words) != 1 or len(b.words) != 1:
            continue
        for lang in LANGUAGES:
            left = next((x.terms for x in first.direct if x.space == lang), ())
            right = next((x.terms for x in second.direct if x.space == lang), ())
            if len(left) == 1 and len(right) == 1 and left != right:
                pairs.append((lang, left[0], right[0]))
    return pairs


def direct_plan(text: str) -> QueryPlan:
    """The query as its syntax reads, without synonyms, translation or
    compound help: what a backend runs when no lexicon is at hand."""
    clauses, excluded = direct_clauses(text)
    return QueryPlan(text=text, clauses=tuple(c for c, _ in clauses), excluded=tuple(excluded),
                     near=tuple(near_pairs(clauses)),
                     words=tuple(w for _, items in clauses for i in items for w in i.words))
