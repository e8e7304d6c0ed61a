"""The durable index: crashes, failures, locks, corruption, drift, rebuilds and
two processes writing at once never lose an update."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import IndexTask, Item
from kennisbank.search import outbox, service
from kennisbank.search.service import current_search
from tests.conftest import Runner, item_data, make_app
from tests.pg import whoosh_only
from tests.search.support import add, find, ids, texts

pytestmark = whoosh_only
ROOT = Path(__file__).resolve().parents[2]


def pending(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(IndexTask))


def save_without_drain(app, title: str) -> int:
    """Commit the item and its outbox row, then 'crash' before the index is updated."""
    with app.app_context():
        item = save_item(item_data(translations=texts(en=(title, "Text."))), user=None)
        db.session.commit()
        return item.id


def test_rows_left_by_a_crash_are_applied_by_the_next_drain(app, client):
    item_id = save_without_drain(app, "Lanterns")
    assert pending(app) == 1 and find(client, "lanterns")["total"] == 0
    add(app, translations=texts(en=("Other", "Text.")))  # any later commit drains
    assert pending(app) == 0 and ids(find(client, "lanterns")) == [item_id]


def test_rows_left_by_a_crash_are_applied_after_a_restart_by_the_worker(tmp_path):
    first = make_app(tmp_path)
    item_id = save_without_drain(first, "Lanterns")
    restarted = make_app(tmp_path)
    result = Runner(restarted).invoke("index-worker", "--once")
    assert result.exit_code == 0 and "Applied 1 index updates" in result.output
    assert pending(restarted) == 0
    assert ids(find(restarted.test_client(), "lanterns")) == [item_id]


def test_an_index_failure_keeps_the_save_and_the_row(app, client, monkeypatch):
    with app.app_context():
        backend = current_search().backend

        def broken(items, delete_ids):
            raise OSError("disk full")

        monkeypatch.setattr(backend, "apply", broken)
        item = save_item(item_data(translations=texts(en=("Beacons", "Text."))), user=None)
        commit()  # does not raise: the item is saved
        item_id = item.id
        monkeypatch.undo()
    assert pending(app) == 1
    with app.app_context():
        assert db.session.get(Item, item_id) is not None
        assert current_search().drain() == 1
    assert pending(app) == 0 and ids(find(client, "beacons")) == [item_id]


def test_a_commit_failing_halfway_frees_the_index_for_the_next_write(app, client, monkeypatch):
    """Whoosh keeps its write lock when a commit fails midway; every later write
    would then wait and fail. The lock must be freed and the task kept."""
    from whoosh.writing import SegmentWriter

    def failing_toc(self, segments):
        raise OSError("disk full while writing the table of contents")

    monkeypatch.setattr(SegmentWriter, "_commit_toc", failing_toc)
    with app.app_context():
        item = save_item(item_data(translations=texts(en=("Lanterns", "Text."))), user=None)
        commit()  # the save stands although the index write failed
        item_id = item.id
    monkeypatch.undo()
    assert pending(app) == 1
    later = add(app, translations=texts(en=("Torches", "Text.")))  # would hang on a held lock
    assert pending(app) == 0
    assert ids(find(client, "lanterns")) == [item_id] and ids(find(client, "torches")) == [later]


def test_applying_a_row_twice_is_harmless(app, client):
    item_id = save_without_drain(app, "Lanterns")
    with app.app_context():
        backend = current_search().backend
        backend.index([db.session.get(Item, item_id)])  # indexed, but the row was kept
        assert outbox.drain(backend) == 1
        assert backend.count() == 1
    assert ids(find(client, "lanterns")) == [item_id]


def test_rows_are_applied_in_order_and_end_in_the_latest_state(app, client):
    with app.app_context():
        item = save_item(item_data(translations=texts(en=("First", "Text."))), user=None)
        db.session.commit()
        save_item(item_data(translations=texts(en=("Second", "Text."))), user=None, item=item)
        db.session.commit()
        from kennisbank.content.service import delete_item

        other = save_item(item_data(translations=texts(en=("Gone", "Text."))), user=None)
        db.session.commit()
        delete_item(other)
        db.session.commit()
        assert outbox.drain(current_search().backend) == 4
    assert find(client, "first")["total"] == 0 and find(client, "gone")["total"] == 0
    assert find(client, "second")["total"] == 1


LOCK_HOLDER = """
import fcntl, sys, time
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def test_a_locked_index_delays_updates_but_loses_none(app, client, monkeypatch):
    add(app, translations=texts(en=("Harbour", "Text.")))
    monkeypatch.setattr(service, "DRAIN_TIMEOUT", 0.2)
    lock = Path(app.instance_path) / "search" / "write.lock"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(lock)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        item_id = add(app, translations=texts(en=("Lighthouse", "Text.")))  # commit succeeds
        assert pending(app) == 1
        assert find(client, "harbour")["total"] == 1  # searching needs no lock
        assert find(client, "lighthouse")["total"] == 0
    finally:
        holder.communicate("", timeout=10)
    with app.app_context():
        assert current_search().drain() == 1
    assert ids(find(client, "lighthouse")) == [item_id]


def test_inline_drain_can_be_left_to_the_worker(tmp_path):
    app = make_app(tmp_path, SEARCH_INLINE_DRAIN=False)
    item_id = add(app, translations=texts(en=("Lighthouse", "Text.")))
    assert pending(app) == 1 and find(app.test_client(), "lighthouse")["total"] == 0
    assert Runner(app).invoke("index-worker", "--once").exit_code == 0
    assert pending(app) == 0 and ids(find(app.test_client(), "lighthouse")) == [item_id]


def test_check_index_reports_and_repairs_drift(app, client, runner):
    missing = add(app, translations=texts(en=("Missing", "Text.")))
    stale = add(app, translations=texts(en=("Stale", "Text.")))
    orphan = add(app, translations=texts(en=("Orphan", "Text.")))
    with app.app_context():
        current_search().backend.delete([missing])
        db.session.execute(text("UPDATE item_translations SET title = 'Fresh' WHERE item_id = :i"),
                           {"i": stale})
        db.session.execute(text("UPDATE items SET updated_at = '2031-01-01 00:00:00' "
                                "WHERE id = :i"), {"i": stale})
        db.session.execute(text("DELETE FROM item_translations WHERE item_id = :i"), {"i": orphan})
        db.session.execute(text("DELETE FROM items WHERE id = :i"), {"i": orphan})
        db.session.commit()
    report = runner.invoke("check-index", "--dry-run")
    assert report.exit_code == 1
    assert f"Missing: 1 ({missing})" in report.output
    assert f"Outdated: 1 ({stale})" in report.output
    assert f"Not in database: 1 ({orphan})" in report.output
    repaired = runner.invoke("check-index")
    assert repaired.exit_code == 0 and "Repaired 3 entries" in repaired.output
    assert "matches the database" in runner.invoke("check-index", "--dry-run").output
    assert ids(find(client, "missing")) == [missing]
    assert ids(find(client, "fresh")) == [stale]
    assert find(client, "orphan")["total"] == 0


def test_reindex_builds_a_new_index_and_swaps_it_in(app, client, runner):
    made = [add(app, translations=texts(en=(f"Harbour {n}", "Text."))) for n in range(12)]
    root = Path(app.instance_path) / "search"
    before = (root / "CURRENT").read_text()
    result = runner.invoke("reindex")
    assert result.exit_code == 0 and "Indexed 12 items" in result.output
    assert "Indexing" in result.output
    after = (root / "CURRENT").read_text()
    assert after != before and not (root / before).exists() and (root / after).is_dir()
    assert sorted(ids(find(client, "harbour", per_page=100))) == made


def test_changes_made_during_a_reindex_are_in_the_new_index(app, client, runner, monkeypatch):
    old = add(app, translations=texts(en=("Harbour", "Text.")))
    edited = add(app, translations=texts(en=("Lantern", "Text.")))
    deleted = add(app, translations=texts(en=("Windmill", "Text.")))
    added: list[int] = []
    original = outbox.item_batches

    def batches_with_changes_meanwhile(part=0, parts=1):
        for batch in original(part, parts):
            yield batch
            if not added:  # another request searches and saves while the rebuild runs
                from kennisbank.content.service import delete_item

                assert ids(find(client, "harbour")) == [old]  # the old index still answers

                added.append(add(app, translations=texts(en=("Beacon", "Text."))))
                with app.app_context():
                    save_item(item_data(translations=texts(en=("Lighthouse", "Text."))),
                              user=None, item=db.session.get(Item, edited))
                    delete_item(db.session.get(Item, deleted))
                    commit()

    monkeypatch.setattr(outbox, "item_batches", batches_with_changes_meanwhile)
    with app.app_context():
        current_search().backend.rebuild_procs = 1
        outbox.rebuild(current_search().backend)
    assert ids(find(client, "beacon")) == added
    assert ids(find(client, "lighthouse")) == [edited]
    assert find(client, "lantern")["total"] == 0 and find(client, "windmill")["total"] == 0
    assert ids(find(client, "harbour")) == [old]


def test_a_corrupt_index_gives_a_clear_error_and_loses_no_write(tmp_path):
    app = make_app(tmp_path)
    add(app, translations=texts(en=("Harbour", "Text.")))
    root = Path(app.instance_path) / "search"
    folder = root / (root / "CURRENT").read_text()
    for toc in folder.glob("*.toc"):
        toc.write_bytes(b"\x00garbage")
    restarted = make_app(tmp_path)
    client = restarted.test_client()
    response = client.get("/api/v1/search?q=harbour")
    assert response.status_code == 503 and response.get_json()["error"]
    page = client.get("/en/search?q=harbour")
    assert page.status_code == 503 and "temporarily unavailable" in page.get_data(as_text=True)
    item_id = add(restarted, translations=texts(en=("Lighthouse", "Text.")))  # still saves
    assert pending(restarted) == 1
    assert Runner(restarted).invoke("reindex").exit_code == 0
    assert ids(find(client, "lighthouse")) == [item_id]
    assert find(client, "harbour")["total"] == 1


WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from kennisbank import create_app
from kennisbank.content.service import commit, save_item
from tests.conftest import item_data

instance, name = Path(sys.argv[1]), sys.argv[2]
app = create_app({"INSTANCE": str(instance), "SECRET_KEY": "test", "TESTING": True})
(instance / f"ready-{name}").touch()
while not (instance / "go").exists():
    time.sleep(0.01)
with app.app_context():
    for n in range(int(sys.argv[4])):
        data = item_data(external_id=f"{name}-{n}", translations={
            "en": {"title": f"Parallel {name} {n}", "summary": "", "body": "Text."}})
        save_item(data, user=None)
        commit()
"""


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(app, client):
    instance = Path(app.instance_path)
    count = 15
    writers = [
        subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), str(instance), name,
                          str(ROOT), str(count)])
        for name in ("alpha", "beta")
    ]
    deadline = time.monotonic() + 120
    while not all((instance / f"ready-{n}").exists() for n in ("alpha", "beta")):
        assert time.monotonic() < deadline and all(w.poll() is None for w in writers)
        time.sleep(0.05)
    (instance / "go").touch()
    assert [w.wait(timeout=300) for w in writers] == [0, 0]
    assert pending(app) == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 2 * count
        assert current_search().backend.count() == 2 * count
    found = find(client, "parallel", per_page=100)
    assert found["total"] == 2 * count
    assert find(client, "parallel alpha")["total"] == count
    assert find(client, "parallel beta")["total"] == count
