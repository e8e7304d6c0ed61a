"""Writing Whoosh documents: one item's fields, and a whole index in parallel.

A rebuild spends its time in three places, all pure Python: building the
search document (Markdown to text, plugin hooks), analysing the text (Dutch
decompounding and stemming) and writing the postings. One process does about
90 items/s on this kind of machine; so :func:`build_index` forks one worker
per core (:mod:`.parallel`), each reading its share of the items from the
database and writing its own segment, and the parent commits the segments together with Whoosh's
``mergetype`` hook (the mechanism of Whoosh's own ``MpWriter``, except that
the workers also build the documents, which ``MpWriter`` leaves to a single
parent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import Index
from whoosh.writing import SegmentWriter

from ..auth.labels import PUBLIC
from ..config import LANGUAGES
from ..content.registry import Registry
from ..models import Item
from ..plugins import HookFailure
from .analysis import normalize_keyword
from .backend import IndexFailures, ProgressFn
from .doctable import encode_meta
from .document import build_document
from .parallel import run_parts
from .schema import FACET_SEPARATOR, facet_field, text_field
from .vocabulary import SPELL_FIELD, vocabulary

Source = Callable[[int, int], Iterator[list[Item]]]
MEMORY_MB = 256


class Codec(W3Codec):
    """Whoosh's codec without per-block length statistics.

    Whoosh looks up every posting's field length while writing, to store each
    block's shortest and longest document for its own block-skipping scorer.
    Kennisbank scores with numpy over whole posting lists
    (:mod:`.vectorized`) and never uses them; not collecting them saves a
    tenth of the indexing time. Field lengths per document are still stored.
    """

    length_stats = False


def writer_options(**extra: Any) -> dict[str, Any]:
    """Options for every writer of a Kennisbank index."""
    return {"codec": Codec(), **extra}


def document_fields(item: Item, registry: Registry, names: set[str],
                    failed: IndexFailures | None = None) -> dict[str, Any]:
    """The Whoosh fields of ``item``, limited to the fields the index has; a
    plugin failing on it is added to ``failed`` (the item is indexed anyway)."""
    failures: list[HookFailure] = []
    document = build_document(item, registry, failures)
    if failures and failed is not None:
        failed[item.id] = failures
    texts: dict[str, dict[str, str]] = document["text"]
    fields: dict[str, Any] = {
        "id": str(document["id"]),
        "status": document["status"],
        "display": {key: document[key] for key in (
            "external_id", "type", "sector", "country", "city", "languages", "status")},
    }
    titles = {}
    for lang in LANGUAGES:
        shown = texts.get(lang) or next(iter(texts.values()), {})
        titles[lang] = normalize_keyword(shown.get("title", ""))
    fields["meta"] = encode_meta(document, titles)
    if document.get("owner_id"):
        fields["owner"] = str(document["owner_id"])
    for lang, values in texts.items():
        for name, text in values.items():
            if text:
                fields[text_field(name, lang)] = text
    extra = "\n".join(str(text) for text in document["extra_text"] if text)
    if extra:
        for lang in LANGUAGES:
            fields[text_field("extra_text", lang)] = extra
    keywords = ",".join(str(k).replace(",", " ") for k in document["keywords"] if k)
    if keywords:
        fields["keywords"] = keywords
        for lang in LANGUAGES:
            fields[text_field("keywords", lang)] = keywords.replace(",", ", ")
    for facet, values in document["facets"].items():
        clean = [str(v).replace(FACET_SEPARATOR, " ") for v in values if v]
        if clean:
            fields[facet_field(facet)] = FACET_SEPARATOR.join(clean)
    if PUBLIC in document["labels"]:
        fields[SPELL_FIELD] = " ".join(vocabulary(document))
    return {name: value for name, value in fields.items() if name in names}


def _write_part(ix: Index, writer: Any, registry: Registry, source: Source, part: int,
                parts: int, report: Callable[[int], None], failed: IndexFailures) -> int:
    names = set(ix.schema.names())
    count = 0
    for batch in source(part, parts):
        for item in batch:
            writer.add_document(**document_fields(item, registry, names, failed))
        count += len(batch)
        report(len(batch))
    return count


def build_index(ix: Index, path: str, registry: Registry, source: Source, procs: int,
                progress: ProgressFn | None = None, *, replace: Iterable[int] = ()
                ) -> tuple[int, IndexFailures]:
    """Add the items of ``source`` to ``ix`` with ``procs`` processes, in one commit;
    returns the number of items and those a plugin failed on.

    The documents of the ids in ``replace`` that ``ix`` already holds are
    deleted in that same commit, so a reader sees either the old documents or
    the new ones (an empty index, as in a rebuild, has none to delete).
    """
    failed: IndexFailures = {}
    if procs <= 1:
        writer = ix.writer(**writer_options(limitmb=MEMORY_MB))
        try:
            _delete(writer, replace)
            count = _write_part(ix, writer, registry, source, 0, 1,
                                progress or (lambda n: None), failed)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count, failed

    def work(part: int, parts: int, report: Callable[[int], None]) -> tuple[int, Any]:
        """One forked worker: its share of the items into one new segment."""
        worker_ix = whoosh_index.open_dir(path)
        writer = SegmentWriter(worker_ix, _lk=False, **writer_options(limitmb=MEMORY_MB))
        mine: IndexFailures = {}
        count = _write_part(worker_ix, writer, registry, source, part, parts, report, mine)
        if not count:
            writer._close_segment()
            return 0, (None, mine)
        return count, (writer._finalize_segment(), mine)

    results = run_parts(work, procs, progress)
    segments = [segment for _, (segment, _failed) in results if segment is not None]
    for _, (_segment, mine) in results:
        failed.update(mine)
    writer = ix.writer(**writer_options())
    try:
        _delete(writer, replace)
    except BaseException:
        writer.cancel()
        raise
    # The existing segments stay as they are (with the deletions just marked);
    # the workers' segments join them. Whoosh's usual merging of small
    # segments happens at a later ordinary commit.
    writer.commit(mergetype=lambda _writer, existing: [*existing, *segments])
    return sum(count for count, _ in results), failed


def _delete(writer: Any, ids: Iterable[int]) -> None:
    if not writer.segments:
        return
    for item_id in ids:
        writer.delete_by_term("id", str(item_id))
