"""The API's answers to the benchmark's queries, written to a file: to check
that a change to the search code leaves results identical (same hits, order,
scores, snippets, facet counts), run it on the code before and after on the
same kept index and compare the files byte for byte.

Each query is asked four times: as it is, its second page, sorted by title,
and with 50 per page. It runs the code of the tree it is in (``bench/``'s
parent), on a database and index that ``bench/run.py --keep`` left in
FOLDER (its cluster still running).

Usage::

    python bench/answers.py --reuse FOLDER --size 10000 --queries 150 --out FILE
    cmp BEFORE AFTER
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.dataset import WARMUP, dataset_path, query_params  # noqa: E402
from bench.index import app_config, make_app  # noqa: E402
from bench.pg import BenchCluster  # noqa: E402

VARIANTS = ({}, {"page": "2"}, {"sort": "title"}, {"per_page": "50"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, required=True, metavar="FOLDER")
    parser.add_argument("--backend", choices=["postgres", "whoosh"], default="postgres")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "kennisbank-bench")
    args = parser.parse_args()

    cluster = BenchCluster.attach(Path((args.reuse / "cluster").read_text().strip()))
    folder = args.reuse / str(args.size)
    app = make_app(app_config(folder / f"instance-{args.backend}",
                              cluster.url(f"bench_{args.size}"), args.backend))
    params = query_params(dataset_path(args.cache, args.size, args.seed),
                          args.size, args.queries + WARMUP, args.seed)
    client = app.test_client()
    answers = []
    for query in params:
        for variant in VARIANTS:
            asked = {**query, **variant}
            response = client.get("/api/v1/search", query_string=asked)
            answers.append({"query": asked, "status": response.status_code,
                            "answer": response.get_json()})
    args.out.write_text(json.dumps(answers, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(answers)} answers in {args.out}")


if __name__ == "__main__":
    main()
