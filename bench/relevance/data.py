"""The evaluation's inputs: the corpus, the demo content and the judged queries.

The runner loads the demo content's *published* items as well as the corpus,
because a real instance holds both and the demo has practices on the same
topics (a good engine may rank them first). That is why every query is judged
against both files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = HERE / "corpus.jsonl"
QUERIES = HERE / "queries.json"
DEMO = REPO / "kennisbank" / "demo" / "items.jsonl"

#: Query groups in the order the report shows them (see README.md).
GROUPS = ("nl", "en", "cross", "typo", "compound", "multiword")
#: Fewest queries each group must have for its average to mean something.
GROUP_MINIMUMS = {"nl": 15, "en": 15, "cross": 18, "typo": 10, "compound": 8, "multiword": 8}
LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Query:
    """One judged query; ``judgments`` maps external ids to grades 1-3 (unlisted: 0)."""

    id: str
    text: str
    lang: str
    group: str
    note: str
    judgments: dict[str, int] = field(default_factory=dict)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every non-blank line of a JSON Lines file, parsed."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def corpus_items(path: Path = CORPUS) -> list[dict[str, Any]]:
    return read_jsonl(path)


def demo_items(path: Path = DEMO) -> list[dict[str, Any]]:
    """The demo content's published items: the only ones an anonymous search can return."""
    return [item for item in read_jsonl(path) if item.get("status") == "published"]


def load_queries(path: Path = QUERIES) -> list[Query]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [Query(id=q["id"], text=q["text"], lang=q["lang"], group=q["group"],
                  note=q.get("note", ""), judgments=dict(q["judgments"])) for q in raw]


def import_lines(items: list[dict[str, Any]]) -> list[str]:
    """Items as import-format lines, for ``kennisbank.content.transfer.import_items``."""
    return [json.dumps(item, ensure_ascii=False) for item in items]
