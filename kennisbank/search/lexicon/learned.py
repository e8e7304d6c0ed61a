"""Domain term pairs learned from the instance's own parallel texts.

A published item written in both languages is a pair of parallel texts: its
Dutch title translates its English title, its summary the summary, each
translatable field its counterpart. Over many such segment pairs, a Dutch
term and its English translation keep turning up together (``fietsstraat``
with ``bicycle street``), far more often than chance would have them. That is
measured with Dunning's log-likelihood ratio (G², "Accurate methods for the
statistics of surprise and coincidence", 1993) on each pair's 2x2 table of
segments, the usual association statistic for word alignment because it
behaves on rare events, which a knowledge base's vocabulary mostly is.

A pair is kept when it co-occurs in at least ``MIN_COUNT`` segments, its G²
is significant (``MIN_G2``: p < 0.001 for one degree of freedom), the terms
mostly occur together (Dice coefficient at least ``MIN_DICE``), and each is
among the other's best partners (competitive linking in the manner of
Melamed, 2000, relaxed to near-ties: a one-word term may pair with a
two-word one that says the same, ``fietsstraat`` / ``bicycle street``).
Terms are content-word stems and two-word sequences, as a query reads them;
pairs of identical words (names, shared tags) are left out, as a query finds
those without any translation.

Counting is done on integer arrays (each segment's term ids crossed into
pair codes, then ``numpy.unique``), so ten thousand bilingual items take a
second or two, not a minute of Python loops.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..analysis import WORD_RE
from ..decompound import fold_accents
from .terms import Entry, word_key

MIN_COUNT = 2
MIN_G2 = 10.83
MIN_DICE = 0.5
#: A partner within this share of a term's best G² counts as a best partner too.
NEAR_TIE = 0.75
#: More equally good partners than this and a term's evidence is ambiguous: no pair.
MAX_TIES = 2
COGNATE_PREFIX = 4
COGNATE_SHARE = 0.6
#: Terms per segment (the first ones): bounds the pairs a long summary adds.
MAX_SEGMENT_TERMS = 48
MAX_BIGRAMS = 24


@dataclass(frozen=True)
class LearnedPair:
    """A learned translation: surface forms, co-occurrence count, G² and Dice."""

    nl: str
    en: str
    count: int
    g2: float
    dice: float

    def entry(self) -> Entry:
        return Entry(nl=self.nl, en=self.en, weight=round(0.5 + 0.5 * self.dice, 4),
                     origin="learned")


class _Terms:
    """Term ids and the surface form each term is most often written in."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, ...], int] = {}
        self.surfaces: list[Counter[str]] = []

    def id(self, key: tuple[str, ...], surface: str) -> int:
        number = self.ids.get(key)
        if number is None:
            number = self.ids[key] = len(self.surfaces)
            self.surfaces.append(Counter())
        self.surfaces[number][surface] += 1
        return number

    def surface(self, number: int) -> str:
        return self.surfaces[number].most_common(1)[0][0]


def _segment_terms(lang: str, text: str, terms: _Terms) -> np.ndarray:
    """The distinct term ids of one segment: each content word, and each two
    neighbouring content words (stop words in between break the pair)."""
    found: list[int] = []
    bigrams: list[int] = []
    previous: tuple[str, str] | None = None
    for match in WORD_RE.finditer(text):
        word = fold_accents(match.group().lower())
        key = word_key(lang, word)
        if len(key) != 1 or word.replace(".", "").isdigit() or len(word) < 2:
            previous = None
            continue
        if len(found) < MAX_SEGMENT_TERMS:
            found.append(terms.id(key, word))
        if previous is not None and len(bigrams) < MAX_BIGRAMS:
            bigrams.append(terms.id((previous[0], key[0]), f"{previous[1]} {word}"))
        previous = (key[0], word)
    return np.unique(np.asarray(found + bigrams, dtype=np.int64))


def _g2(k11: np.ndarray, row: np.ndarray, col: np.ndarray, total: int) -> np.ndarray:
    """Dunning's G² of 2x2 tables given the joint count, both margins and the total."""
    k12, k21 = row - k11, col - k11
    k22 = total - row - col + k11
    cells = [(k11, row, col), (k12, row, total - col), (k21, total - row, col),
             (k22, total - row, total - col)]
    g2 = np.zeros(k11.shape, dtype=np.float64)
    for observed, margin_a, margin_b in cells:
        expected = margin_a * margin_b / total
        with np.errstate(divide="ignore", invalid="ignore"):
            part = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
        g2 += part
    return 2.0 * g2


def learn_pairs(items: Iterable[Iterable[tuple[str, str]]]) -> list[LearnedPair]:
    """The term pairs that the items' parallel segments support.

    ``items`` yields, per bilingual item, its segment pairs (Dutch text,
    English text). Counts are of items, not segments: an item whose title
    and summary both hold a pair is one piece of evidence, not two."""
    nl_terms, en_terms = _Terms(), _Terms()
    codes: list[np.ndarray] = []
    nl_counts: Counter[int] = Counter()
    en_counts: Counter[int] = Counter()
    total = 0
    for segments in items:
        item_codes, item_nl, item_en = [], set(), set()
        for nl_text, en_text in segments:
            nl_ids = _segment_terms("nl", nl_text, nl_terms)
            en_ids = _segment_terms("en", en_text, en_terms)
            if nl_ids.size and en_ids.size:
                item_nl.update(nl_ids.tolist())
                item_en.update(en_ids.tolist())
                item_codes.append((nl_ids[:, None] << 32 | en_ids[None, :]).ravel())
        if item_codes:
            total += 1
            nl_counts.update(item_nl)
            en_counts.update(item_en)
            codes.append(np.unique(np.concatenate(item_codes)))
    if not codes or total < MIN_COUNT:
        return []
    pairs, joint = np.unique(np.concatenate(codes), return_counts=True)
    keep = joint >= MIN_COUNT
    pairs, joint = pairs[keep], joint[keep].astype(np.float64)
    nl_ids, en_ids = pairs >> 32, pairs & 0xFFFFFFFF
    row = np.asarray([nl_counts[i] for i in nl_ids.tolist()], dtype=np.float64)
    col = np.asarray([en_counts[i] for i in en_ids.tolist()], dtype=np.float64)
    g2 = _g2(joint, row, col, total)
    dice = 2 * joint / (row + col)
    keep = (g2 >= MIN_G2) & (dice >= MIN_DICE) & (joint * total > row * col)
    candidates = [
        LearnedPair(nl=nl_terms.surface(a), en=en_terms.surface(b), count=int(count),
                    g2=round(score, 2), dice=round(share, 3))
        for a, b, count, score, share in zip(
            nl_ids[keep].tolist(), en_ids[keep].tolist(), joint[keep].tolist(),
            g2[keep].tolist(), dice[keep].tolist(), strict=True)
    ]
    return _linked([pair for pair in candidates if pair.nl != pair.en])


def cognates(a: str, b: str) -> bool:
    """Whether two words share most of their beginning (``renovatie`` /
    ``renovation``, ``digitale`` / ``digital``): a translation the spelling shows."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= COGNATE_PREFIX and common >= COGNATE_SHARE * min(len(a), len(b))


def _best_partners(partners: list[LearnedPair], side: str) -> set[LearnedPair]:
    """A term's partners that it may be linked to: those near its best score,
    a two-word partner standing in for its own words, and nothing at all when
    the evidence cannot tell several candidates apart (unless the spelling can)."""
    best = max(pair.g2 for pair in partners)
    tied = [pair for pair in partners if pair.g2 >= NEAR_TIE * best]
    other = "en" if side == "nl" else "nl"
    phrases = [getattr(pair, other) for pair in tied if " " in getattr(pair, other)]
    words = {word for phrase in phrases for word in phrase.split()}
    options = [pair for pair in tied
               if " " in getattr(pair, other) or getattr(pair, other) not in words]
    if len(options) <= MAX_TIES:
        return set(options)
    similar = {pair for pair in options if any(
        cognates(word_a, word_b) for word_a in pair.nl.split() for word_b in pair.en.split())}
    return similar if len(similar) <= MAX_TIES else set()


def _linked(candidates: list[LearnedPair]) -> list[LearnedPair]:
    """The candidates in which each term is among the other's best partners."""
    by_nl: dict[str, list[LearnedPair]] = {}
    by_en: dict[str, list[LearnedPair]] = {}
    for pair in candidates:
        by_nl.setdefault(pair.nl, []).append(pair)
        by_en.setdefault(pair.en, []).append(pair)
    chosen_nl = set().union(*(_best_partners(found, "nl") for found in by_nl.values()))
    chosen_en = set().union(*(_best_partners(found, "en") for found in by_en.values()))
    found = sorted(chosen_nl & chosen_en, key=lambda pair: (-pair.g2, pair.nl, pair.en))
    return found
