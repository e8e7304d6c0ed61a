"""Where a rebuild's time goes: cProfile of ``reindex`` in one process.

Imports the cached file of N generated items (``bench/dataset.py``) into a
fresh SQLite instance with the real ``kennisbank import``, then rebuilds the
Whoosh index in this process with one worker (``rebuild_procs = 1``, so the
profile sees all the work) and prints the items per second, the share of the
time spent analysing text (the analyzers of :mod:`kennisbank.search.analysis`,
Whoosh's analysis and the posting formats that drive them) and the top
functions.

Usage::

    python bench/profile_index.py --size 2000 [--top 30] [--sort tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.dataset import dataset_path  # noqa: E402
from bench.index import app_config, make_app  # noqa: E402

#: Functions whose own time counts as analysis: the word-level analysis and the
#: Whoosh analyzer chain and posting formats around it.
ANALYSIS = ("kennisbank/search/analysis.py", "kennisbank/search/indexing.py",
            "kennisbank/search/decompound.py", "kennisbank/search/derivation.py",
            "kennisbank/search/stemming.py", "kennisbank/search/ellipsis.py",
            "whoosh/analysis/", "whoosh/formats.py", "whoosh/lang/", "snowballstemmer/")


def analysis_share(stats: pstats.Stats) -> float:
    """Seconds of own time in the functions of ``ANALYSIS``."""
    raw = stats.stats  # type: ignore[attr-defined]
    return sum(tottime for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers)
               in raw.items() if any(part in filename for part in ANALYSIS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "kennisbank-bench")
    args = parser.parse_args()

    path = dataset_path(args.cache, args.size, args.seed)
    instance = Path(tempfile.mkdtemp(prefix="kennisbank-profile-"))
    env = {**os.environ, "KENNISBANK_INSTANCE": str(instance),
           "KENNISBANK_SECRET_KEY": "bench", "KENNISBANK_SEARCH_BACKEND": "whoosh"}
    command = str(Path(sys.executable).parent / "kennisbank")
    for step in (["init"], ["import", str(path)]):
        subprocess.run([command, *step], env=env, check=True, stdout=subprocess.DEVNULL)

    from kennisbank.search import outbox
    from kennisbank.search.service import current_search

    app = make_app(app_config(instance, None, "whoosh"))
    with app.app_context():
        backend = current_search().backend
        backend.rebuild_procs = 1
        profiler = cProfile.Profile()
        started = time.monotonic()
        profiler.enable()
        count = outbox.rebuild(backend)
        profiler.disable()
        seconds = time.monotonic() - started
    stats = pstats.Stats(profiler)
    total = sum(entry[2] for entry in stats.stats.values())  # type: ignore[attr-defined]
    analysis = analysis_share(stats)
    print(f"{count} items in {seconds:.1f} s ({count / seconds:.0f} items/s, one process, "
          f"profiled); analysis {analysis:.1f} s of {total:.1f} s profiled "
          f"({100 * analysis / total:.0f}%)")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
