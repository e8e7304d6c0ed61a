"""Large imports: indexed in bulk like a rebuild, with the same searchable result as
a small one, all or nothing, and nothing lost when indexing fails or crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from kennisbank.extensions import db
from kennisbank.models import IndexTask, Item
from kennisbank.search import outbox, whoosh_backend, whoosh_build
from kennisbank.search.service import current_search
from tests.conftest import Runner, item_data, make_app, untimed
from tests.pg import whoosh_only
from tests.search.support import find, ids

QUERIES = ("fietsen", "bicycle", "lanterns", "harbour", "school", "item 7", "bycicle")
WORDS = ("lanterns", "harbour", "school", "gardens", "bridges", "markets")


def practices(count: int, *, suffix: str = "") -> list[dict]:
    """``count`` distinct practices, some in one language, some in both."""
    lines = []
    for number in range(count):
        word = WORDS[number % len(WORDS)]
        translations = {
            "nl": {"title": f"Praktijk {number} over {word}{suffix}",
                   "summary": f"Samenvatting {number}.", "body": f"De stad en haar {word}."},
            "en": {"title": f"Item {number} about {word}{suffix}",
                   "summary": f"Summary {number}.", "body": f"The city and its {word}."},
        }
        if number % 3 == 1:
            del translations["en"]
        elif number % 3 == 2:
            del translations["nl"]
        lines.append(item_data(external_id=f"bulk-{number}", translations=translations,
                               tags=[word, "fietsen"]))
    return lines


def write(path: Path, lines: list) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n"
                            for line in lines), encoding="utf-8")
    return path


def results(app: Flask) -> dict[str, tuple[int, list[int]]]:
    client = app.test_client()
    return {q: (found["total"], ids(found)) for q in QUERIES
            for found in [find(client, q, per_page=50)]}


def external_ids(app: Flask, item_ids: list[int]) -> list[str]:
    with app.app_context():
        by_id = dict(db.session.execute(db.select(Item.id, Item.external_id)).all())
    return [by_id[item_id] for item_id in item_ids]


def comparable(app: Flask) -> dict[str, tuple[int, list[str]]]:
    """Search results with external ids (database ids may differ between instances),
    sorted: hits of equal score come in index order, which depends on how the
    documents were split into segments."""
    return {q: (total, sorted(external_ids(app, found)))
            for q, (total, found) in results(app).items()}


@pytest.fixture
def bulk_calls(monkeypatch) -> list[int]:
    """Count the bulk writes, with the threshold low enough for a test file."""
    calls: list[int] = []
    original = whoosh_backend.WhooshBackend.bulk_apply

    def counted(self, source, replace, progress=None):
        calls.append(len(replace))
        return original(self, source, replace, progress)

    monkeypatch.setattr(whoosh_backend.WhooshBackend, "bulk_apply", counted)
    monkeypatch.setattr(outbox, "BULK_MIN", 10)
    return calls


pytestmark = whoosh_only


def test_a_large_import_is_indexed_in_bulk_with_the_same_result_as_a_small_one(
        tmp_path, bulk_calls, monkeypatch) -> None:
    file = write(tmp_path / "items.jsonl", practices(30))
    large = make_app(tmp_path / "large")
    assert untimed(Runner(large).invoke("import", str(file)).output) == \
        "Imported: 30 created, 0 updated, 0 unchanged."
    assert bulk_calls == [30]

    monkeypatch.setattr(outbox, "BULK_MIN", 10_000)
    small = make_app(tmp_path / "small")
    Runner(small).invoke("import", str(file))
    assert bulk_calls == [30]  # the small path this time

    expected = comparable(small)
    assert expected["lanterns"][0] == 5 and expected["fietsen"][0] == 30
    assert comparable(large) == expected
    for app in (large, small):
        with app.app_context():
            report = outbox.check(current_search().backend)
        assert (report.indexed, report.pending, report.drift) == (30, 0, False)


def test_a_bulk_reimport_replaces_the_documents_it_changes(tmp_path, bulk_calls) -> None:
    app = make_app(tmp_path / "app")
    runner = Runner(app)
    runner.invoke("import", str(write(tmp_path / "first.jsonl", practices(20))))
    changed = practices(20, suffix=" renewed")
    result = runner.invoke("import", str(write(tmp_path / "second.jsonl", changed)))
    assert untimed(result.output) == "Imported: 0 created, 20 updated, 0 unchanged."
    assert bulk_calls == [20, 20]
    client = app.test_client()
    assert find(client, "renewed", per_page=50)["total"] == 20
    assert find(client, "fietsen", per_page=50)["total"] == 20  # no duplicates
    with app.app_context():
        assert outbox.check(current_search().backend).drift is False


def test_a_crash_between_the_commit_and_the_bulk_write_loses_nothing(
        tmp_path, bulk_calls, monkeypatch) -> None:
    app = make_app(tmp_path / "app")

    def crash(self, source, replace, progress=None):
        raise OSError("disk full")

    monkeypatch.setattr(whoosh_backend.WhooshBackend, "bulk_apply", crash)
    result = Runner(app).invoke("import", str(write(tmp_path / "i.jsonl", practices(15))))
    assert untimed(result.output) == "Imported: 15 created, 0 updated, 0 unchanged."
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 15
        assert db.session.scalar(db.select(db.func.count()).select_from(IndexTask)) == 15
    assert find(app.test_client(), "lanterns")["total"] == 0

    monkeypatch.undo()
    repaired = Runner(app).invoke("check-index")
    assert repaired.exit_code == 0, repaired.output
    assert find(app.test_client(), "lanterns")["total"] == 3
    with app.app_context():
        report = outbox.check(current_search().backend)
    assert (report.indexed, report.pending, report.drift) == (15, 0, False)


def test_a_worker_failing_inside_the_parallel_build_commits_no_part_of_it(
        tmp_path, bulk_calls, monkeypatch) -> None:
    app = make_app(tmp_path / "app")
    Runner(app).invoke("import", str(write(tmp_path / "a.jsonl", practices(12))))
    before = results(app)
    original = whoosh_build.document_fields

    def failing(item, registry, names):
        if item.external_id == "bulk-105":
            raise RuntimeError("worker died")
        return original(item, registry, names)

    monkeypatch.setattr(whoosh_build, "document_fields", failing)
    more = [{**line, "external_id": f"bulk-1{line['external_id'][5:]:0>2}"}
            for line in practices(12, suffix=" extra")]
    Runner(app).invoke("import", str(write(tmp_path / "b.jsonl", more)))
    assert len(bulk_calls) == 2
    assert results(app) == before  # the other worker's segment was not committed either
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(IndexTask)) == 12

    monkeypatch.undo()
    Runner(app).invoke("check-index")
    assert find(app.test_client(), "extra", per_page=50)["total"] == 12


def test_a_bad_line_near_the_end_of_a_long_file_imports_nothing_and_is_named(tmp_path) -> None:
    app = make_app(tmp_path / "app")
    lines = [json.dumps({**item_data(), "external_id": f"long-{n}"}) for n in range(20_000)]
    lines[19_998] = json.dumps({**item_data(), "external_id": "long-bad", "status": "lost"})
    result = Runner(app).invoke("import", str(write(tmp_path / "long.jsonl", lines)))
    assert result.exit_code == 1
    assert "line 19999: status:" in result.output
    assert "nothing imported: 1 invalid line(s)" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 0
