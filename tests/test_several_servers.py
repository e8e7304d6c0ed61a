"""Two gunicorn servers on one PostgreSQL, hammered at once, lose nothing (issue 8).

Both servers (two workers of two threads each, their own instance folders,
one database and one secret key) get a few hundred requests from sixteen
client threads, alternately: items created through the API, published
(directly or by a workflow step), renamed, and searched, all at the same time.
One shared item is edited concurrently on different translation fields from
both servers, as two editors would. Afterwards the test counts:

* no answer was a 5xx or missing, and every write was acknowledged;
* the database holds exactly the items that got a 201, once each, each with
  the last title its 200s acknowledged and one revision per acknowledged save;
  the shared item keeps every field's last acknowledged value;
* every item reads back through both servers, and a search for its unique
  word finds it exactly once, with its current title, through both servers.

Parametrised over the search backend. Whoosh lives on local disk, so both
servers share one search folder (they are on one machine) and the index may
trail the database until the outbox drains: the search checks get a bounded
wait there. The PostgreSQL backend indexes in the item's own transaction, so
there the checks must hold at once. Skipped only when no PostgreSQL server
can be started (tests/pg.py says how to install one).
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kennisbank import create_app
from kennisbank.auth.accounts import create_user, issue_token
from kennisbank.extensions import db
from kennisbank.models import Item, Revision
from tests import pg
from tests.conftest import PASSWORD, item_data
from tests.servers import Answer, Server, call, logs_of, stop_all

CLIENTS = 16
ITEMS = 100
SEARCHES = 120
HOT_ROUNDS = 4
#: The shared item's fields, one per concurrent editor: (language, key).
HOT_SLOTS = (("nl", "title"), ("nl", "summary"), ("en", "summary"), ("nl", "body"),
             ("en", "body"))
#: How long the Whoosh index may trail the database after the load.
INDEX_WAIT = 10.0
#: Answers a write may legitimately get besides success: an edit conflict.
CONFLICTS = (409, 412)


@dataclass
class Created:
    """An item the load created, and what the servers acknowledged about it."""

    word: str
    item_id: int
    title: str


@dataclass
class Load:
    """Everything the clients sent and got back."""

    token: str
    bases: list[str]
    answers: list[Answer] = field(default_factory=list)
    created: list[Created] = field(default_factory=list)
    hot_values: dict[tuple[str, str], str] = field(default_factory=dict)

    def send(self, turn: int, method: str, path: str, body: Any = None) -> Answer:
        """Send to the servers in turn; remember the answer."""
        answer = call(self.bases[turn % len(self.bases)], method, path, body=body,
                      token=self.token)
        self.answers.append(answer)
        return answer

    def conflicts(self) -> int:
        return sum(answer.status in CONFLICTS for answer in self.answers)

    def saves_of(self, item_id: int) -> int:
        """Acknowledged saves of an item, its creation included (from the answers, which
        every thread appends to, unlike a shared counter)."""
        path = f"/api/v1/items/{item_id}"
        return sum(a.status == 201 and (a.body or {}).get("id") == item_id
                   or a.method == "PATCH" and a.path == path and a.status == 200
                   for a in self.answers)


@dataclass
class Deployment:
    """Two servers on one database, and an admin's API token for it."""

    servers: list[Server]
    token: str
    url: str
    backend: str


@pytest.fixture(params=["whoosh", "postgres"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """Two gunicorn servers on one fresh database at head; stopped whatever happens."""
    url = pg.fresh_database(template=True)
    token = _admin_token(url, tmp_path / "setup")
    settings = {
        "KENNISBANK_DATABASE_URL": url,
        "KENNISBANK_SECRET_KEY": secrets.token_hex(16),
        "KENNISBANK_SEARCH_BACKEND": request.param,
    }
    if request.param == "whoosh":
        settings["KENNISBANK_SEARCH_PATH"] = str(tmp_path / "shared-search")
    started = [Server(name, tmp_path / name, settings) for name in ("A", "B")]
    try:
        for server in started:
            server.start()
        for server in started:
            problem = server.wait_until_answering()
            if problem is not None:
                pytest.fail(f"{problem}\n{logs_of(started)}")
        yield Deployment(started, token, url, request.param)
    finally:
        stop_all(started)


def _admin_token(url: str, folder: Path) -> str:
    """An admin and their API token, made in the shared database as the CLI makes them."""
    app = _db_app(url, folder)
    with app.app_context():
        admin = create_user(email="admin@example.org", name="Load Admin", password=PASSWORD,
                            role="admin")
        db.session.flush()
        token = issue_token(admin, "load test")
        db.session.commit()
        db.engine.dispose()
    return token


def _db_app(url: str, folder: Path) -> Any:
    """An app on the shared database for setting up and counting; it never saves items,
    so its own (Whoosh) search folder stays empty and out of the way."""
    return create_app({"INSTANCE": str(folder), "DATABASE_URL": url, "SECRET_KEY": "setup",
                       "SEARCH_BACKEND": "whoosh", "AUTO_MIGRATE": False})


def _item_body(word: str, status: str) -> dict[str, Any]:
    data = item_data(status=status, tags=["load"])
    data["translations"] = {
        "nl": {"title": f"Praktijk {word}", "summary": "Samen fietsen.",
               "body": "De stad deelt **fietsen**."},
        "en": {"title": f"Practice {word}", "summary": "Cycling together.",
               "body": "The city shares **bicycles**."},
    }
    return data


def _item_task(load: Load, number: int, word: str) -> None:
    """Create one item, publish it if it started as a draft, rename it 0 to 2 times;
    consecutive requests go to the other server."""
    status = "published" if number % 2 == 0 else "draft"
    created = load.send(number, "POST", "/api/v1/items", _item_body(word, status))
    if created.status != 201:
        return
    record = Created(word, created.body["id"], f"Practice {word}")
    load.created.append(record)
    turn = number + 1
    if status == "draft":
        load.send(turn, "POST", f"/api/v1/items/{record.item_id}/transitions",
                  {"to": "published"})
        turn += 1
    for edit in range(number % 3):
        title = f"Practice {word} edit {edit + 1}"
        patched = load.send(turn, "PATCH", f"/api/v1/items/{record.item_id}",
                            {"translations": {"en": {"title": title}}})
        turn += 1
        if patched.status == 200:
            record.title = title


def _hot_task(load: Load, hot_id: int, slot: tuple[str, str], number: int) -> None:
    """One editor changing one field of the shared item, round after round."""
    lang, key = slot
    for round_ in range(HOT_ROUNDS):
        value = f"{lang} {key} round {round_} by editor {number}"
        patched = load.send(number + round_, "PATCH", f"/api/v1/items/{hot_id}",
                            {"translations": {lang: {key: value}}})
        if patched.status == 200:
            load.hot_values[slot] = value


def _search_task(load: Load, number: int, chooser: random.Random) -> None:
    """Search for a word created so far (or list everything while there is none)."""
    known = list(load.created)
    word = chooser.choice(known).word if known and number % 4 else ""
    load.send(number, "GET", f"/api/v1/search?q={word}&lang=en&per_page=20")


def _run_load(load: Load, hot_id: int) -> None:
    chooser = random.Random(8)
    words = [f"kbw{secrets.randbelow(10**6):06d}n{n:04d}" for n in range(ITEMS)]
    tasks: list[Callable[[], None]] = [
        *(lambda n=n: _item_task(load, n, words[n]) for n in range(ITEMS)),
        *(lambda n=n: _search_task(load, n, chooser) for n in range(SEARCHES)),
        *(lambda n=n, s=s: _hot_task(load, hot_id, s, n) for n, s in enumerate(HOT_SLOTS)),
    ]
    chooser.shuffle(tasks)
    with ThreadPoolExecutor(CLIENTS) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()


def _answer_problems(load: Load) -> list[str]:
    """A 5xx or no answer anywhere, or a write neither done nor refused as a conflict."""
    problems = [f"server error or no answer: {a}" for a in load.answers
                if a.status == 0 or a.status >= 500]
    for answer in load.answers:
        expected = {"POST": (201, 200), "PATCH": (200, *CONFLICTS), "GET": (200,)}[answer.method]
        if 0 < answer.status < 500 and answer.status not in expected:
            problems.append(f"unexpected answer: {answer}")
    return problems


def _database_problems(load: Load, url: str, folder: Path, hot_id: int,
                       before: set[int]) -> list[str]:
    """The database holds exactly what was acknowledged, nothing more or less."""
    problems: list[str] = []
    acknowledged = [record.item_id for record in load.created]
    if len(set(acknowledged)) != len(acknowledged):
        problems.append(f"one id answered 201 twice: {sorted(acknowledged)}")
    app = _db_app(url, folder)
    with app.app_context():
        items = {item.id: item for item in db.session.scalars(select(Item))}
        saves = {item_id: count for item_id, count in db.session.execute(
            select(Revision.item_id, func.count()).where(Revision.action == "save")
            .group_by(Revision.item_id))}
        if set(items) != before | set(acknowledged):
            problems.append(
                f"database has {len(items)} items, expected {len(before)} + {len(acknowledged)}"
                f" acknowledged; lost {sorted(before | set(acknowledged) - set(items))},"
                f" unexpected {sorted(set(items) - before - set(acknowledged))}")
        for record in load.created:
            item = items.get(record.item_id)
            if item is None:
                continue
            title = item.translation("en").title
            if title != record.title or item.status != "published":
                problems.append(f"item {record.item_id}: {item.status} {title!r}, acknowledged"
                                f" published {record.title!r}")
            if saves.get(record.item_id) != load.saves_of(record.item_id):
                problems.append(f"item {record.item_id}: {saves.get(record.item_id)} save"
                                f" revisions for {load.saves_of(record.item_id)} acknowledged")
        hot = items[hot_id]
        for (lang, key), value in load.hot_values.items():
            if getattr(hot.translation(lang), key) != value:
                problems.append(f"shared item {lang}.{key} is"
                                f" {getattr(hot.translation(lang), key)!r}, last acknowledged"
                                f" {value!r}")
        if saves.get(hot_id) != load.saves_of(hot_id):
            problems.append(f"shared item: {saves.get(hot_id)} save revisions for"
                            f" {load.saves_of(hot_id)} acknowledged")
        db.engine.dispose()
    return problems


def _read_problems(load: Load, records: list[Created]) -> list[str]:
    """Every item as each server reads it: there, published, with its last title."""

    def check(pair: tuple[Created, int]) -> str | None:
        record, turn = pair
        answer = load.send(turn, "GET", f"/api/v1/items/{record.item_id}?lang=en")
        body = answer.body or {}
        if answer.status != 200 or body.get("title") != record.title:
            return f"read back {record.item_id} ({record.title!r}): {answer}"
        return None

    pairs = [(record, turn) for record in records for turn in range(len(load.bases))]
    with ThreadPoolExecutor(CLIENTS) as pool:
        return [problem for problem in pool.map(check, pairs) if problem]


def _search_problems(load: Load, records: list[Created], total: int) -> list[str]:
    """Each unique word finds its item exactly once, current title, on every server;
    and searching for nothing counts every item once."""

    def check(pair: tuple[Created, int]) -> str | None:
        record, turn = pair
        answer = call(load.bases[turn], "GET", f"/api/v1/search?q={record.word}&lang=en",
                      token=load.token)
        hits = (answer.body or {}).get("results") or []
        found = [(hit["id"], hit["title"]) for hit in hits]
        if answer.status != 200 or found != [(record.item_id, record.title)]:
            return (f"search {record.word} on {load.bases[turn]}: expected"
                    f" {[(record.item_id, record.title)]}, got {answer.status} {found}")
        return None

    problems = []
    for base in load.bases:
        listing = call(base, "GET", "/api/v1/search?q=&per_page=1", token=load.token)
        if listing.status != 200 or (listing.body or {}).get("total") != total:
            problems.append(f"search for everything on {base}: expected {total}: {listing}")
    pairs = [(record, turn) for record in records for turn in range(len(load.bases))]
    with ThreadPoolExecutor(CLIENTS) as pool:
        problems += [problem for problem in pool.map(check, pairs) if problem]
    return problems


def _fail_if(problems: list[str], what: str, load: Load, servers: list[Server]) -> None:
    if problems:
        shown = "\n".join(problems[:30])
        more = f"\n... and {len(problems) - 30} more" if len(problems) > 30 else ""
        pytest.fail(f"{what}: {len(problems)} problem(s) after {len(load.answers)} requests"
                    f" ({load.conflicts()} conflicts)\n{shown}{more}\n{logs_of(servers)}")


def test_two_servers_on_one_database_lose_nothing_under_load(
    deployment: Deployment, tmp_path: Path,
) -> None:
    started, url, backend = deployment.servers, deployment.url, deployment.backend
    load = Load(token=deployment.token, bases=[server.base for server in started])
    hot_word = f"kbwhot{secrets.randbelow(10**6):06d}"
    hot = load.send(0, "POST", "/api/v1/items", _item_body(hot_word, "published"))
    _fail_if([] if hot.status == 201 else [str(hot)], "creating the shared item", load, started)
    hot_id = hot.body["id"]
    before = {hot_id}

    _run_load(load, hot_id)

    _fail_if(_answer_problems(load), "answers during the load", load, started)
    assert len(load.created) == ITEMS
    _fail_if(_database_problems(load, url, tmp_path / "count", hot_id, before),
             "database after the load", load, started)
    records = [*load.created, Created(hot_word, hot_id, f"Practice {hot_word}")]
    _fail_if(_read_problems(load, records), "reading back", load, started)
    deadline = time.monotonic() + (INDEX_WAIT if backend == "whoosh" else 0.0)
    while True:
        problems = _search_problems(load, records, total=len(records))
        if not problems or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    _fail_if(problems, f"searching ({backend} backend)", load, started)
