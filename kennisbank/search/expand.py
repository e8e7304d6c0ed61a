"""Expand a query: its language, its translation, synonyms and word formation.

:func:`build_plan` turns the reader's text into a :class:`~.plan.QueryPlan`
whose clauses hold, besides the words as typed:

* **translations** into the other language, so an English query finds
  Dutch-only practices and back. The query's language is read from its words
  (how common each is in Dutch and in English, Dutch compounds counting as
  Dutch; a tie goes to the page's language). Each run of up to three words is
  looked up in the lexicon (:mod:`.lexicon`), longest runs too, so ``youth
  work`` may find ``jongerenwerk``; a Dutch compound no source knows is
  translated through its parts (``fietssnelweg`` -> ``bike`` + ``motorway``),
  and an English phrase meets a Dutch compound because Dutch texts are
  indexed with their compounds' parts (``bicycle streets`` finds
  ``fietsstraten`` through ``fiets`` and ``straat``);
* **synonyms** from the editors' list and the plugins;
* for a Dutch compound, its **parts** (a text about a ``fietsenstalling``
  is about bicycle parking even where it never uses the compound), and for a
  derived word its **base** (``verduurzaming`` -> ``duurzaam``).

Only translations that occur in published content are used (``known``, a
backend's look-up), at most ``MAX_TRANSLATIONS`` per word, so the plan stays
small and what the reader is shown ("also searched in Dutch for ...") never
names a word that only a draft holds, nor one that finds nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .analysis import LANGUAGES, analyzer_for
from .decompound import compound_parts, fold_accents
from .lexicon.service import Lexicon
from .lexicon.terms import Translation, other, term_key, zipf
from .plan import (
    BASE,
    PARTS,
    SYNONYM,
    TRANSLATION,
    Alternative,
    Clause,
    Expansion,
    QueryPlan,
    analysed,
    direct_clauses,
    near_pairs,
)
from .querytext import QueryItem
from .vocabulary import term

#: Weights of the alternatives that are not the word itself (a direct match is 1).
SYNONYM_WEIGHT = 0.8
TRANSLATION_WEIGHT = 0.6
PARTS_WEIGHT = 0.5
BASE_WEIGHT = 0.5
MAX_TRANSLATIONS = 3
#: Candidates looked at per word before the ``known`` check (weak ones go first).
MAX_CANDIDATES = 8
#: A candidate needs this share of the best candidate's weight.
RELATIVE_WEIGHT = 0.3
MAX_RUN = 3
#: A word counts for a language by this many zipf points more than for the other.
LANGUAGE_MARGIN = 0.5

#: ``known(space, terms)``: whether published content holds all these terms.
Known = Callable[[str, tuple[str, ...]], bool]
#: ``translate(text, source, target)``: a plugin's machine translation, if any.
Translator = Callable[[str, str, str], list[str]]


def word_language(word: str) -> str | None:
    """``nl``, ``en`` or None (both, or neither) for one word, by how common it
    is in each language; an unknown word that splits as a Dutch compound is Dutch."""
    lowered = fold_accents(word.lower())
    nl, en = zipf("nl", lowered), zipf("en", lowered)
    if not nl and not en and compound_parts(word.lower()):
        return "nl"
    if nl > en + LANGUAGE_MARGIN:
        return "nl"
    if en > nl + LANGUAGE_MARGIN:
        return "en"
    return None


def query_language(words: Sequence[str], page_lang: str) -> str:
    """The language the query is written in: the words' majority, else the page's."""
    votes = [word_language(word) for word in words]
    nl, en = votes.count("nl"), votes.count("en")
    if nl != en:
        return "nl" if nl > en else "en"
    return page_lang if page_lang in LANGUAGES else "nl"


@dataclass
class _Found:
    """Translations for one clause, from any run of words that includes it."""

    alternatives: list[Alternative]
    shown: list[str]


def _kept(candidates: list[Translation], known: Known) -> list[Translation]:
    """The surest candidates that published content holds, at most ``MAX_TRANSLATIONS``."""
    if not candidates:
        return []
    floor = RELATIVE_WEIGHT * candidates[0].weight
    kept: list[Translation] = []
    for candidate in candidates[:MAX_CANDIDATES]:
        if candidate.weight < floor or any(c.terms == candidate.terms for c in kept):
            continue
        if known(candidate.lang, candidate.terms):
            kept.append(candidate)
        if len(kept) == MAX_TRANSLATIONS:
            break
    return kept


def _alternative(translation: Translation, kind: str, weight: float,
                 best: float) -> Alternative:
    relative = translation.weight / best if best else 1.0
    return Alternative(translation.lang, translation.terms, weight=round(
        weight * max(0.5, min(1.0, relative)), 4), kind=kind, via=translation.text)


def _compound_translations(word: str, lexicon: Lexicon, source: str,
                           known: Known) -> list[Translation]:
    """A Dutch compound that no source knows, translated through its parts: the
    fewest pieces that each have a translation (``fiets|snelweg`` before
    ``fiets|snel|weg``), each piece's best two translations combined."""
    parts = compound_parts(word.lower())
    if source != "nl" or len(parts) < 2:
        return []
    best: list[list[Translation]] | None = None
    for cuts in sorted(_segmentations(len(parts)), key=len):
        if len(cuts) < 2:
            continue
        pieces = ["".join(parts[a:b]) for a, b in cuts]
        candidates = [lexicon.translations("nl", term_key("nl", p), p) for p in pieces]
        if all(candidates):
            # The coarsest reading the lexicon knows (``fiets|snelweg``) decides;
            # if published content lacks its words, finer cuts would only guess.
            best = [_kept(found, known)[:2] for found in candidates]
            break
    if best is None or not all(best):
        return []
    combined = []
    for choice in itertools.islice(itertools.product(*best), 4):
        text = " ".join(t.text for t in choice)
        terms = tuple(term for t in choice for term in t.terms)
        weight = min(t.weight for t in choice)
        combined.append(Translation(other(source), text, terms, weight, "compound"))
    return combined


def _segmentations(size: int) -> list[list[tuple[int, int]]]:
    """Every way to cut ``size`` parts into contiguous pieces."""
    if size == 0:
        return [[]]
    found = []
    for first in range(1, size + 1):
        for rest in _segmentations(size - first):
            found.append([(0, first)] + [(a + first, b + first) for a, b in rest])
    return found


def _word_items(clauses: list[tuple[Clause, list[QueryItem]]]) -> list[tuple[int, QueryItem]]:
    """(clause number, item) of every clause that is one unquoted item: what runs
    of words are made of (an ``a OR b`` clause or a quoted phrase stands alone)."""
    return [(number, items[0]) for number, (_, items) in enumerate(clauses)
            if len(items) == 1 and not items[0].quoted]


def build_plan(text: str, page_lang: str, lexicon: Lexicon | None, known: Known, *,
               translate: bool = True, translator: Translator | None = None,
               base_forms: Callable[[str], tuple[str, ...]] | None = None) -> QueryPlan:
    """The plan of ``text``: its clauses with every alternative described above."""
    clauses, excluded = direct_clauses(text)
    words = [w for _, items in clauses for item in items for w in item.words]
    source = query_language(words, page_lang)
    target = other(source)
    extra: list[list[Alternative]] = [[] for _ in clauses]
    shown: list[tuple[str, tuple[str, ...]]] = []
    synonyms_shown: list[tuple[str, tuple[str, ...]]] = []
    singles = _word_items(clauses)
    if lexicon is not None:
        _add_synonyms(clauses, lexicon, known, extra, synonyms_shown)
    if lexicon is not None and translate:
        _add_translations(singles, clauses, lexicon, source, known, extra, shown)
    for number, item in singles:
        extra[number] += _formation(item, known, base_forms)
    whole: list[Alternative] = []
    if translate and translator is not None and clauses:
        whole = _machine(text, source, target, translator, known, shown)
    near = near_pairs(clauses) + [
        (alt.space, alt.terms[i], alt.terms[i + 1])
        for found in extra for alt in found if alt.kind == TRANSLATION and not alt.phrase
        for i in range(len(alt.terms) - 1)]
    built = tuple(Clause(clause.text, clause.alternatives + tuple(found), clause.word)
                  for (clause, _), found in zip(clauses, extra, strict=True))
    expansion = Expansion(source, target, tuple(shown), tuple(synonyms_shown))
    return QueryPlan(text=text, clauses=built, excluded=tuple(excluded), whole=tuple(whole),
                     near=tuple(dict.fromkeys(near)), expansion=expansion, language=source,
                     words=tuple(words))


def _add_translations(singles: list[tuple[int, QueryItem]],
                      clauses: list[tuple[Clause, list[QueryItem]]], lexicon: Lexicon,
                      source: str, known: Known, extra: list[list[Alternative]],
                      shown: list[tuple[str, tuple[str, ...]]]) -> None:
    """Each run of up to ``MAX_RUN`` neighbouring words, and each quoted
    phrase, translated; a compound no source knows, through its parts."""
    runs: list[tuple[list[int], str]] = []
    for start in range(len(singles)):
        for size in range(min(MAX_RUN, len(singles) - start), 0, -1):
            run = singles[start:start + size]
            numbers = [number for number, _ in run]
            if numbers != list(range(numbers[0], numbers[0] + size)):
                continue
            runs.append((numbers, " ".join(item.text for _, item in run)))
    for number, (_, items) in enumerate(clauses):
        for item in items:
            if item.quoted:
                runs.append(([number], item.text))
    looked_up = [(numbers, words, lexicon.translations(source, term_key(source, words), words))
                 for numbers, words in runs]
    _prefetch(known, [c for _, _, found in looked_up for c in found[:MAX_CANDIDATES]])
    translated: set[int] = set()
    for numbers, words, candidates in looked_up:
        found = _kept(candidates, known)
        if not found and len(numbers) == 1 and numbers[0] not in translated:
            found = _compound_translations(words, lexicon, source, known)
        if not found:
            continue
        translated.update(numbers)
        best = found[0].weight
        for number in numbers:
            extra[number] += [_alternative(t, TRANSLATION, TRANSLATION_WEIGHT, best)
                              for t in found]
        shown.append((words, tuple(t.text for t in found)))


def _prefetch(known: Known, candidates: list[Translation]) -> None:
    """Ask about every candidate at once, where ``known`` can (one database round
    trip instead of one per candidate)."""
    prefetch = getattr(known, "prefetch", None)
    if prefetch is not None:
        prefetch([term(t.lang, part) for t in candidates for part in t.terms])


def _add_synonyms(clauses: list[tuple[Clause, list[QueryItem]]], lexicon: Lexicon,
                  known: Known, extra: list[list[Alternative]],
                  shown: list[tuple[str, tuple[str, ...]]]) -> None:
    """Synonyms of each item in its own language(s) and their translations."""
    for number, (_, items) in enumerate(clauses):
        for item in items:
            for lang in LANGUAGES:
                key = term_key(lang, item.text)
                found = [s for s in lexicon.synonyms(lang, key, item.text)
                         if known(s.lang, s.terms)]
                if not found:
                    continue
                extra[number] += [Alternative(s.lang, s.terms, weight=SYNONYM_WEIGHT,
                                              kind=SYNONYM, via=s.text) for s in found]
                shown.append((item.text, tuple(s.text for s in found)))


def _formation(item: QueryItem, known: Known,
               base_forms: Callable[[str], tuple[str, ...]] | None) -> list[Alternative]:
    """A Dutch compound's parts (all of them required) and a derived word's base."""
    found: list[Alternative] = []
    if item.quoted:
        return found
    word = "".join(item.words).lower()
    if item.hyphenated:
        # ``zonne-energie`` may be written ``zonneenergie``; ``e-bike`` ``ebike``.
        for lang in LANGUAGES:
            terms = analysed(analyzer_for(lang), [word])
            if terms and known(lang, terms):
                found.append(Alternative(lang, terms, weight=PARTS_WEIGHT, kind=PARTS, via=word))
    parts = compound_parts(word)
    if parts:
        terms = tuple(t for part in parts for t in analysed(analyzer_for("nl"), [part]))
        if terms and known("nl", terms):
            found.append(Alternative("nl", terms, weight=PARTS_WEIGHT, kind=PARTS,
                                     via=" ".join(parts)))
    for base in (base_forms(word) if base_forms is not None else ()):
        terms = analysed(analyzer_for("nl"), [base])
        if terms and known("nl", terms):
            found.append(Alternative("nl", terms, weight=BASE_WEIGHT, kind=BASE, via=base))
    return found


def _machine(text: str, source: str, target: str, translator: Translator, known: Known,
             shown: list[tuple[str, tuple[str, ...]]]) -> list[Alternative]:
    """A plugin's translation of the whole query: all its words, in the target language."""
    found = []
    for translation in translator(text, source, target)[:MAX_TRANSLATIONS]:
        terms = analysed(analyzer_for(target), [translation])
        if terms and known(target, terms):
            found.append(Alternative(target, terms, weight=TRANSLATION_WEIGHT,
                                     kind=TRANSLATION, via=translation))
    if found:
        shown.append((text, tuple(a.via for a in found)))
    return found
