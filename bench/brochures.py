"""Brochure benchmark: the PDF of every published practice of the demo, in Dutch and English.

    python -m bench.brochures [--runs 3]

Builds the demo in a temporary instance (``kennisbank init --demo``), then times the
whole request for ``/<lang>/brochure/search.pdf?sort=newest`` (every published practice,
as an anonymous reader sees them: search, HTML, WeasyPrint layout, PDF) per language,
``--runs`` times each, and prints the pages, the size and the time of each run. The
target (issue 15) is under 10 seconds per brochure on the project's machine.
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from kennisbank import create_app
from kennisbank.cli import build_cli
from kennisbank.extensions import db
from kennisbank.models import Item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="kb-brochure-bench-"))
    app = create_app({"INSTANCE": str(folder / "instance"), "SECRET_KEY": "bench"})
    result = CliRunner().invoke(build_cli(app), ["init", "--demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with app.app_context():
        published = db.session.scalar(
            db.select(db.func.count(Item.id)).where(Item.status == "published"))
    print(f"demo: {published} published practices")
    client = app.test_client()
    for lang in ("nl", "en"):
        times = []
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            response = client.get(f"/{lang}/brochure/search.pdf?sort=newest")
            took = time.perf_counter() - start
            assert response.status_code == 200, response.status_code
            pages = len(PdfReader(io.BytesIO(response.data)).pages)
            times.append(took)
            size = len(response.data) // 1024
            print(f"{lang} run {run}: {took:.2f} s, {pages} pages, {size} KiB")
        print(f"{lang}: median {statistics.median(times):.2f} s, worst {max(times):.2f} s")


if __name__ == "__main__":
    main()
