"""Search relevance evaluation: judged queries against a fresh instance per backend.

For each backend (Whoosh, PostgreSQL) the runner builds an app on a temporary
instance folder, imports the demo content's published items and the corpus
(``bench/relevance/corpus.jsonl``) through the real import path, rebuilds the
index with ``kennisbank reindex``, and then asks every query of
``bench/relevance/queries.json`` through the public JSON API, as an anonymous
reader: ``GET /api/v1/search?q=...&lang=...&per_page=10``. The top ten
external ids are scored against the judgments (``bench/relevance/metrics.py``)
and averaged per group.

Only ``q``, ``lang`` and ``per_page`` are sent: the evaluation measures what a
reader gets by default, whatever switches the API may offer.

PostgreSQL runs on the test suite's throwaway cluster (``tests/pg.py``); without
the server binaries that backend is skipped with a message.

Usage (from the repository root)::

    python -m bench.relevance.run [--backends whoosh postgres] [--only GROUP]
                                  [--show] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# The repository, not bench/relevance itself, so that ``python bench/relevance/run.py``
# imports the project's packages (a script's own folder comes first on the path).
sys.path[0] = str(Path(__file__).resolve().parents[2])

from bench.relevance.data import (  # noqa: E402
    GROUPS,
    REPO,
    Query,
    corpus_items,
    demo_items,
    import_lines,
    load_queries,
)
from bench.relevance.metrics import mean, query_scores  # noqa: E402

BACKENDS = ("whoosh", "postgres")
METRICS = ("success@5", "mrr@10", "ndcg@10")
METRIC_LABELS = {"success@5": "s@5", "mrr@10": "MRR@10", "ndcg@10": "nDCG@10"}
TOP = 10


class BackendUnavailable(Exception):
    """A backend that cannot run on this machine; the message says what to install."""


@dataclass
class QueryResult:
    """What one query returned on one backend, and how it scored."""

    query: Query
    ranking: list[str]
    total: int
    suggestion: str | None
    scores: dict[str, float]


@dataclass
class BackendRun:
    """One backend's results; ``load_seconds`` covers import and reindex."""

    backend: str
    results: list[QueryResult] = field(default_factory=list)
    load_seconds: float = 0.0
    query_seconds: float = 0.0
    indexed: int = 0
    expected: int = 0


# --- building and filling an instance ---------------------------------------------------


def settings_for(backend: str, instance: Path) -> dict[str, Any]:
    """App settings as the tests make them (tests/conftest.py ``make_app``), per backend.

    Everything the environment could change is set explicitly, so a
    ``KENNISBANK_*`` variable in the caller's shell cannot alter the figures.
    """
    settings: dict[str, Any] = {
        "INSTANCE": str(instance),
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "relevance",
        "PUBLIC": True,
        "DATABASE_URL": None,
        "SEARCH_BACKEND": backend,
    }
    if backend == "postgres":
        settings["DATABASE_URL"] = postgres_url()
    return settings


def postgres_url() -> str:
    """A database at head on the tests' throwaway cluster (started on first use)."""
    try:
        import psycopg  # noqa: F401

        from tests import pg
    except ImportError as exc:
        raise BackendUnavailable(f"missing Python package ({exc.name}): "
                                 "run `make install-test`") from None
    if pg.find_bindir() is None:
        raise BackendUnavailable(pg.SKIP_MESSAGE)
    return pg.fresh_database(template=True)


def load_content(app: Any) -> int:
    """Import demo + corpus through the real import path, then reindex; returns the count.

    ``import_items`` commits and drains the outbox itself; ``kennisbank
    reindex`` afterwards makes sure the index (and anything built with it)
    reflects every item however the backend catches up.
    """
    from click.testing import CliRunner

    from kennisbank.cli import build_cli
    from kennisbank.content.transfer import import_items

    items = demo_items() + corpus_items()
    with app.app_context():
        report = import_items(import_lines(items), user=None)
        if not report.ok:
            raise SystemExit("The corpus does not import:\n" + "\n".join(report.error_lines()))
    result = CliRunner().invoke(build_cli(app), ["reindex"], catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"kennisbank reindex failed:\n{result.output}")
    return len(items)


@contextmanager
def loaded_app(backend: str) -> Iterator[tuple[Any, int, float]]:
    """A fresh app on a temporary instance folder, filled; yields (app, items, seconds)."""
    from kennisbank import create_app

    instance = Path(tempfile.mkdtemp(prefix=f"kennisbank-relevance-{backend}-"))
    app = None
    try:
        started = time.monotonic()
        app = create_app(settings_for(backend, instance))
        count = load_content(app)
        yield app, count, time.monotonic() - started
    finally:
        if app is not None:
            with app.app_context():
                from kennisbank.extensions import db

                db.engine.dispose()
        shutil.rmtree(instance, ignore_errors=True)


# --- asking and scoring -----------------------------------------------------------------


def search(client: Any, text: str, lang: str, per_page: int = TOP) -> dict[str, Any]:
    """``GET /api/v1/search`` as an anonymous reader; only q, lang and per_page are sent."""
    response = client.get("/api/v1/search",
                          query_string={"q": text, "lang": lang, "per_page": per_page})
    if response.status_code != 200:
        raise SystemExit(f"search {text!r} answered {response.status_code}: "
                         f"{response.get_data(as_text=True)[:500]}")
    return response.get_json()


def ask(client: Any, query: Query) -> QueryResult:
    data = search(client, query.text, query.lang)
    ranking = [hit.get("external_id") or "" for hit in data["results"]][:TOP]
    return QueryResult(query=query, ranking=ranking, total=int(data.get("total") or 0),
                       suggestion=data.get("suggestion"),
                       scores=query_scores(ranking, query.judgments))


def evaluate(backend: str, queries: Sequence[Query]) -> BackendRun:
    """Build, fill and query one backend."""
    run = BackendRun(backend=backend)
    with loaded_app(backend) as (app, count, load_seconds):
        run.expected, run.load_seconds = count, load_seconds
        client = app.test_client()
        # An empty query lists every item the reader may see: a check that the
        # index holds the whole collection before any figure is trusted.
        run.indexed = int(search(client, "", "nl", 1).get("total") or 0)
        started = time.monotonic()
        run.results = [ask(client, query) for query in queries]
        run.query_seconds = time.monotonic() - started
    return run


def group_figures(results: Sequence[QueryResult]) -> dict[str, dict[str, float]]:
    """Per group and ``all``: the query count and the mean of each metric."""
    figures: dict[str, dict[str, float]] = {}
    for group in (*GROUPS, "all"):
        chosen = [r for r in results if group == "all" or r.query.group == group]
        if not chosen:
            continue
        figures[group] = {"queries": len(chosen),
                          **{m: mean([r.scores[m] for r in chosen]) for m in METRICS}}
    return figures


# --- reporting --------------------------------------------------------------------------


def git_commit() -> str:
    """Short commit, with ``+dirty`` when the working tree (untracked files too) has changes."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain") else "")


def provenance(argv: Sequence[str]) -> dict[str, str]:
    return {
        "command": "python -m bench.relevance.run" + (" " + shlex.join(argv) if argv else ""),
        "commit": git_commit(),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def table(runs: Sequence[BackendRun]) -> str:
    """Rows: groups with query counts; columns: s@5 / MRR@10 / nDCG@10 per backend."""
    figures = {run.backend: group_figures(run.results) for run in runs}
    groups = [g for g in (*GROUPS, "all") if any(g in f for f in figures.values())]
    width = 8 * len(METRICS)
    lines = ["group       n  " + "".join(f"{run.backend:<{width}}  " for run in runs).rstrip(),
             " " * 15 + "".join("".join(f"{METRIC_LABELS[m]:>8}" for m in METRICS) + "  "
                                for _ in runs).rstrip()]
    for group in groups:
        count = next(int(f[group]["queries"]) for f in figures.values() if group in f)
        cells = "".join("".join(f"{figures[run.backend][group][m]:>8.3f}" for m in METRICS) + "  "
                        for run in runs)
        lines.append(f"{group:<10}{count:>3}  {cells}".rstrip())
    return "\n".join(lines)


def show(run: BackendRun) -> str:
    """Each query's top ten with grades, for reading failures."""
    out = [f"\n=== {run.backend}: top {TOP} per query (grade, external id) ==="]
    for result in run.results:
        q = result.query
        scores = " ".join(f"{METRIC_LABELS[m]} {result.scores[m]:.2f}" for m in METRICS)
        suggestion = f"  suggestion: {result.suggestion!r}" if result.suggestion else ""
        out.append(f"\n{q.id} [{q.group}/{q.lang}] {q.text!r}  total {result.total}  "
                   f"{scores}{suggestion}")
        for rank, eid in enumerate(result.ranking, start=1):
            out.append(f"  {rank:>2}. {q.judgments.get(eid, 0)}  {eid}")
        missed = [f"{eid} ({grade})" for eid, grade in q.judgments.items()
                  if grade >= 2 and eid not in result.ranking]
        if missed:
            out.append(f"      not in top {TOP}: {', '.join(missed)}")
    return "\n".join(out)


def summary(run: BackendRun) -> str:
    """Timings, the index check, and the queries that found nothing at all."""
    empty = [r.query for r in run.results if not r.ranking]
    lines = [f"{run.backend}: {run.expected} items imported, {run.indexed} found by an empty "
             f"query; import + reindex {run.load_seconds:.1f} s, {len(run.results)} queries "
             f"{run.query_seconds:.1f} s"]
    if run.indexed != run.expected:
        lines.append(f"  WARNING: the index holds {run.indexed} of {run.expected} items")
    if empty:
        lines.append(f"  no results at all ({len(empty)}): "
                     + ", ".join(f"{q.id} {q.text!r}" for q in empty))
    return "\n".join(lines)


def to_json(runs: Sequence[BackendRun], meta: dict[str, Any]) -> dict[str, Any]:
    return {**meta, "backends": {run.backend: {
        "items": run.expected, "indexed": run.indexed,
        "load_seconds": round(run.load_seconds, 2), "query_seconds": round(run.query_seconds, 2),
        "groups": group_figures(run.results),
        "queries": [{"id": r.query.id, "text": r.query.text, "lang": r.query.lang,
                     "group": r.query.group, "total": r.total, "suggestion": r.suggestion,
                     "ranking": r.ranking, **r.scores} for r in run.results],
    } for run in runs}}


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance.run",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--only", choices=GROUPS, help="evaluate one group of queries")
    parser.add_argument("--show", action="store_true",
                        help="print each query's top ten with grades")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="write per-query and per-group figures")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    meta = provenance(argv)
    queries = [q for q in load_queries() if args.only in (None, q.group)]
    started = time.monotonic()
    runs: list[BackendRun] = []
    skipped: dict[str, str] = {}
    for backend in args.backends:
        try:
            runs.append(evaluate(backend, queries))
        except BackendUnavailable as exc:
            skipped[backend] = str(exc)
            print(f"{backend}: skipped: {exc}", file=sys.stderr)
    for run in runs if args.show else ():
        print(show(run))
    print(f"\nSearch relevance: {len(queries)} queries")
    print(f"command: {meta['command']}\ncommit:  {meta['commit']}\ndate:    {meta['date']}\n")
    if runs:
        print(table(runs))
        print()
        for run in runs:
            print(summary(run))
    for backend, reason in skipped.items():
        print(f"{backend}: skipped: {reason}")
    total = time.monotonic() - started
    print(f"total time {total:.1f} s")
    if args.json:
        data = to_json(runs, {**meta, "skipped": skipped, "seconds": round(total, 1)})
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
