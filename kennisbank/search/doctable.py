"""Per-document arrays: visibility, filters, facet counts and sorting without
per-hit Python work.

Whoosh answers "which documents match these words" well; counting facet
values over thousands of hits, one stored document at a time, is what made
naive faceting slow (about 100 ms for a themes facet over 10,000 items). So
each index segment's ``meta`` column is read once into numpy arrays (ids,
start date, each facet and the permission labels as (document, value code)
pairs), cached per segment, and concatenated per searcher generation. Then a
visibility rule or a filter is a boolean mask, and counting a facet over a
result set is one ``bincount``: microseconds, whatever the number of hits.

Segments never change once written, except for deletions, which only touch
the ``live`` mask; so after an edit only the new small segment is read.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..auth.labels import core_item_labels
from ..auth.policy import PUBLIC_VISIBILITY, Visibility
from ..config import LANGUAGES

Mask = np.ndarray
#: The vocabulary's name for permission labels (no facet name starts with "@").
LABELS = "@labels"


class Vocabulary:
    """Facet value <-> small integer code, shared by all segments of a backend.

    Codes only grow, so arrays built for older segments stay valid.
    """

    def __init__(self) -> None:
        self._codes: dict[str, dict[str, int]] = {}
        self._values: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def code(self, facet: str, value: str) -> int:
        codes = self._codes.get(facet)
        if codes is not None and value in codes:
            return codes[value]
        with self._lock:
            codes = self._codes.setdefault(facet, {})
            values = self._values.setdefault(facet, [])
            if value not in codes:
                codes[value] = len(values)
                values.append(value)
            return codes[value]

    def lookup(self, facet: str, value: str) -> int | None:
        return self._codes.get(facet, {}).get(value)

    def value(self, facet: str, code: int) -> str:
        return self._values[facet][code]

    def size(self, facet: str) -> int:
        return len(self._values.get(facet, ()))


@dataclass
class SegmentTable:
    """The arrays of one segment (deleted documents included)."""

    size: int
    ids: np.ndarray
    date: np.ndarray
    titles: dict[str, list[str]]
    stamps: list[str]
    facet_docs: dict[str, np.ndarray]
    facet_codes: dict[str, np.ndarray]
    label_docs: np.ndarray
    label_codes: np.ndarray


def encode_meta(document: dict[str, Any], titles: dict[str, str]) -> bytes:
    """The ``meta`` column value of a search document."""
    start = document.get("start_date")
    meta = {
        "i": document["id"],
        "d": start.toordinal() if start else 0,
        "t": titles,
        "st": document.get("stamp", ""),
        "f": {name: values for name, values in document["facets"].items() if values},
        "l": document["labels"],
    }
    return json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_segment(raw_values: Any, size: int, vocab: Vocabulary) -> SegmentTable:
    """Decode one segment's ``meta`` column into arrays."""
    ids = np.full(size, -1, dtype=np.int64)
    date = np.zeros(size, dtype=np.int32)
    titles: dict[str, list[str]] = {lang: [""] * size for lang in LANGUAGES}
    stamps = [""] * size
    pairs: dict[str, tuple[list[int], list[int]]] = {}
    label_docs: list[int] = []
    label_codes: list[int] = []
    for docnum, raw in enumerate(raw_values):
        if not raw:
            continue
        meta = json.loads(raw)
        ids[docnum] = meta["i"]
        date[docnum] = meta["d"]
        stamps[docnum] = meta["st"]
        for lang, title in meta["t"].items():
            if lang in titles:
                titles[lang][docnum] = title
        # An index written before labels existed: the core's labels, until reindexed.
        labels = meta.get("l")
        if labels is None:
            labels = core_item_labels("published" if meta["p"] else None,
                                      None if meta["o"] < 0 else meta["o"], meta["s"])
        for label in labels:
            label_docs.append(docnum)
            label_codes.append(vocab.code(LABELS, label))
        for facet, values in meta["f"].items():
            docs, codes = pairs.setdefault(facet, ([], []))
            for value in values:
                docs.append(docnum)
                codes.append(vocab.code(facet, value))
    return SegmentTable(
        size=size, ids=ids, date=date,
        titles=titles, stamps=stamps,
        facet_docs={f: np.asarray(d, dtype=np.int64) for f, (d, _) in pairs.items()},
        facet_codes={f: np.asarray(c, dtype=np.int64) for f, (_, c) in pairs.items()},
        label_docs=np.asarray(label_docs, dtype=np.int64),
        label_codes=np.asarray(label_codes, dtype=np.int64),
    )


@dataclass
class DocTable:
    """The arrays of a whole searcher generation: segments concatenated."""

    vocab: Vocabulary
    size: int
    ids: np.ndarray
    live: np.ndarray
    date: np.ndarray
    titles: dict[str, list[str]]
    stamps: list[str]
    facet_docs: dict[str, np.ndarray]
    facet_codes: dict[str, np.ndarray]
    label_docs: np.ndarray
    label_codes: np.ndarray
    _orders: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def join(
        cls, parts: list[tuple[SegmentTable, int, set[int]]], vocab: Vocabulary
    ) -> DocTable:
        """Concatenate segment tables; ``parts`` holds (table, offset, deleted docnums)."""
        size = sum(t.size for t, _, _ in parts)
        live = np.ones(size, dtype=bool)
        facets = {name for t, _, _ in parts for name in t.facet_docs}
        facet_docs: dict[str, list[np.ndarray]] = {name: [] for name in facets}
        facet_codes: dict[str, list[np.ndarray]] = {name: [] for name in facets}
        for table, offset, deleted in parts:
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64) + offset] = False
            for name in table.facet_docs:
                facet_docs[name].append(table.facet_docs[name] + offset)
                facet_codes[name].append(table.facet_codes[name])

        def cat(name: str, dtype: Any) -> np.ndarray:
            arrays = [getattr(t, name) for t, _, _ in parts]
            return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

        return cls(
            vocab=vocab, size=size, ids=cat("ids", np.int64),
            live=live & (cat("ids", np.int64) >= 0),
            date=cat("date", np.int32),
            titles={lang: [s for t, _, _ in parts for s in t.titles[lang]] for lang in LANGUAGES},
            stamps=[s for t, _, _ in parts for s in t.stamps],
            facet_docs={n: np.concatenate(v) for n, v in facet_docs.items()},
            facet_codes={n: np.concatenate(v) for n, v in facet_codes.items()},
            label_docs=np.concatenate([t.label_docs + offset for t, offset, _ in parts]
                                      or [np.zeros(0, dtype=np.int64)]),
            label_codes=np.concatenate([t.label_codes for t, _, _ in parts]
                                       or [np.zeros(0, dtype=np.int64)]),
        )

    def visible(self, visibility: Visibility) -> Mask:
        """Live documents that ``visibility`` allows: the same rule as
        ``Visibility.sql``, on arrays (documents carrying one of its labels)."""
        if visibility.everything:
            return self.live.copy()
        mask = np.zeros(self.size, dtype=bool)
        codes = [c for c in (self.vocab.lookup(LABELS, label) for label in visibility.labels)
                 if c is not None]
        if codes:
            mask[self.label_docs[np.isin(self.label_codes, codes)]] = True
        return mask & self.live

    def public_mask(self) -> Mask:
        """Live documents every reader may see (labelled ``public``)."""
        return self.visible(PUBLIC_VISIBILITY)

    def facet_mask(self, facet: str, values: tuple[str, ...]) -> Mask:
        """Documents having any of ``values`` in ``facet``."""
        mask = np.zeros(self.size, dtype=bool)
        codes = [c for c in (self.vocab.lookup(facet, v) for v in values) if c is not None]
        if codes and facet in self.facet_docs:
            selected = np.isin(self.facet_codes[facet], codes)
            mask[self.facet_docs[facet][selected]] = True
        return mask

    def counts(self, facet: str, mask: Mask) -> list[tuple[str, int]]:
        """(value, number of documents in ``mask`` having it), most frequent first."""
        if facet not in self.facet_docs:
            return []
        codes = self.facet_codes[facet][mask[self.facet_docs[facet]]]
        tally = np.bincount(codes, minlength=self.vocab.size(facet))
        found = np.flatnonzero(tally)
        pairs = [(self.vocab.value(facet, int(c)), int(tally[c])) for c in found]
        pairs.sort(key=lambda pair: (-pair[1], pair[0]))
        return pairs

    def order(self, mask: Mask, sort: str, lang: str) -> np.ndarray:
        """The documents in ``mask``, by ``newest`` (start date, undated last,
        then newest id), ``title``, or any other name as a facet holding a whole
        number (highest first, then newest). The whole collection is sorted once
        per index version; each search only picks its documents from that order."""
        key = sort if sort != "title" else f"title:{lang}"
        if key not in self._orders:
            if sort == "newest":
                self._orders[key] = np.lexsort((-self.ids, -self.date.astype(np.int64)))
            elif sort != "title":
                self._orders[key] = np.lexsort(
                    (-self.ids, -self.date.astype(np.int64), -self.numbers(sort)))
            else:
                titles, ids = self.titles[lang], self.ids.tolist()
                self._orders[key] = np.asarray(
                    sorted(range(self.size), key=lambda d: (titles[d], ids[d])),
                    dtype=np.int64)
        full = self._orders[key]
        return full[mask[full]]

    def numbers(self, facet: str) -> np.ndarray:
        """Each document's value of ``facet`` as a number (0 when it has none or
        it is not a number; the highest when it has several)."""
        values = np.zeros(self.size, dtype=np.float64)
        if facet in self.facet_docs:
            table = np.zeros(self.vocab.size(facet), dtype=np.float64)
            for code in range(self.vocab.size(facet)):
                text = self.vocab.value(facet, code)
                try:
                    number = float(text)
                except ValueError:
                    number = 0.0
                table[code] = number if np.isfinite(number) else 0.0
            np.maximum.at(values, self.facet_docs[facet], table[self.facet_codes[facet]])
        return values

    def docnum(self, item_id: int) -> int | None:
        found = np.flatnonzero((self.ids == item_id) & self.live)
        return int(found[0]) if found.size else None
