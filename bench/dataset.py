"""The generated items as a cached JSONL file, and the query list run against them.

Generating a million items takes about ten minutes of one core, and every
backend loads the same items, so each (size, seed) is generated once into a
JSONL file in a cache folder and read from there. :func:`generate` is one
seeded stream, so the first N items of a larger file for the same seed *are*
the N-item data set: a smaller size is cut from a larger cached file instead
of being generated again.

Items are read one at a time (a million items are about 5.5 GB of text, too
much to hold beside PostgreSQL's buffers); item ``n`` (1-based) becomes the
row with id ``n`` everywhere: in the database, the FTS5 table, the indexes.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.generate import generate, queries

#: The first queries of every pass warm caches up and are not counted.
WARMUP = 20


def dataset_path(cache: Path, size: int, seed: int) -> Path:
    """The JSONL file of ``size`` items for ``seed``, made when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"items-s{seed}-n{size}.jsonl"
    if path.exists():
        return path
    partial = path.with_suffix(".part")
    larger = _larger_file(cache, size, seed)
    with partial.open("w", encoding="utf-8") as out:
        if larger is not None:
            with larger.open(encoding="utf-8") as source:
                out.writelines(itertools.islice(source, size))
        else:
            for item in generate(size, seed):
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path


def _larger_file(cache: Path, size: int, seed: int) -> Path | None:
    sizes = []
    for path in cache.glob(f"items-s{seed}-n*.jsonl"):
        match = re.fullmatch(rf"items-s{seed}-n(\d+)\.jsonl", path.name)
        if match and int(match.group(1)) > size:
            sizes.append(int(match.group(1)))
    return cache / f"items-s{seed}-n{min(sizes)}.jsonl" if sizes else None


def read_items(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(id, item)`` for every line, ids from 1."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            yield number, json.loads(line)


def params_for(query: str, number: int, sample: dict[str, Any]) -> dict[str, str]:
    """Every third query filters on a theme or a sector, like a reader narrowing
    down; ``sample`` is the item :func:`sample_index` picked for this query."""
    params = {"q": query}
    if number % 6 == 1:
        params["theme"] = sample["themes"][0]
    elif number % 6 == 4:
        params["sector"] = sample["sector"]
    return params


def sample_index(number: int, size: int) -> int:
    """Which item (0-based) lends query ``number`` its filter value."""
    return (number * 7919) % size


def query_params(path: Path, size: int, count: int, seed: int) -> list[dict[str, str]]:
    """The parameters of ``count`` queries (warm-up included) as the API takes
    them: the same list for every backend, language alternating."""
    texts = queries(count, seed + 1)
    wanted = {sample_index(number, size) for number in range(count)}
    samples: dict[int, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if index in wanted:
                samples[index] = json.loads(line)
                if len(samples) == len(wanted):
                    break
    found = []
    for number, text in enumerate(texts):
        params = params_for(text, number, samples[sample_index(number, size)])
        params["lang"] = "nl" if number % 2 else "en"
        found.append(params)
    return found
