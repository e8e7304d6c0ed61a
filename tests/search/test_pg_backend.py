"""The PostgreSQL search backend's own promises, on a throwaway PostgreSQL.

The whole search and API suite also runs against this backend (``make test``
sets ``KENNISBANK_TEST_SEARCH=postgres`` for its PostgreSQL run); these tests
add what only this backend does: the same answers as Whoosh for the same
items, index rows written in the item's own transaction (no outbox), exact
"did you mean" word counts, drift repair and reindexing, PostgreSQL's size
limits, and searches on a read replica. They skip only when no PostgreSQL
can be started.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from kennisbank import hookimpl
from kennisbank.auth.policy import Visibility
from kennisbank.config import ConfigError
from kennisbank.content.service import commit, delete_item, save_item
from kennisbank.extensions import db
from kennisbank.models import IndexTask, Item
from kennisbank.search import outbox
from kennisbank.search.backend import SearchQuery
from kennisbank.search.pg_document import MAX_VECTOR_BYTES
from kennisbank.search.pg_tables import SearchDocument, SearchWord
from kennisbank.search.service import current_search
from tests.conftest import Runner, item_data, make_app
from tests.pg import fresh_database
from tests.search.support import add, counts, exchange_app, find, ids, texts, update

#: Items that exercise the analysis: compounds, stop words, accents, both languages,
#: tags, a type's searchable field and plugin extra text; one draft.
CORPUS: list[dict[str, Any]] = [
    {"translations": texts(nl=("Fietsbeleid in Deventer", "De stad legt nieuwe fietspaden aan."),
                           en=("Cycling policy", "The city builds cycle paths along the river.")),
     "tags": ["Groene daken", "fietsen"]},
    {"translations": texts(nl=("Klimaatadaptatie in de wijk",
                               "Groene daken houden regenwater vast.")),
     "themes": ["sdg13"], "sector": "ngo"},
    {"translations": texts(en=("Culture in Pécs", "A festival in the old town of Pécs.")),
     "city": "Pécs", "country": "HU", "sector": "culture"},
    {"translations": texts(nl=("Samenwerking met Lüneburg", "Scholen wisselen leerlingen uit.")),
     "city": "Lüneburg", "country": "DE", "sector": "education"},
    {"translations": texts(en=("Bicycle streets", "Cars are guests on bicycle streets.")),
     "start_date": "2019-05-01"},
    {"translations": texts(en=("Parking rules", "Streets were narrowed; the bicycle came later."),
                           nl=("Parkeerregels", "De straten werden smaller en die fiets kwam."))},
    {"translations": texts(nl=("Geheim concept", "Een fietsenstalling die nog niemand kent.")),
     "status": "draft"},
    {"type": "school_visit", "sector": "education", "fields": {
        "visit_level": "mbo", "visit_subjects": ["art", "tech"],
        "visit_host": "Tartu Kutsehariduskeskus"},
     "translations": texts(nl=("Bezoek aan Tartu", "Leerlingen van het mbo bezoeken Tartu."),
                           en=("Visit to Tartu", "Vocational students visit Tartu."))},
]
QUERIES = [
    "fiets", "fietsen", "fietspaden", "fietsbeleid", "bicycle", "bicycles", "cycling",
    "pecs", "Pécs", "luneburg", "groene daken", '"groene daken"', '"daken groene"',
    "fiets -parkeerregels", "bicycle OR festival", "die", "de stad", "river city",
    "mobiliteit", "erasmusplus", "kutsehariduskeskus", "tartu leerlingen", "fietsenstalling",
    "streets -cars", '"bicycle streets"', "the", "", "-fiets",
]


@pytest.fixture
def pg_app(tmp_path: Path) -> Flask:
    return exchange_app(tmp_path / "pg", DATABASE_URL=fresh_database(template=True),
                        SEARCH_BACKEND="postgres")


def fill(app: Flask) -> list[int]:
    return [add(app, **entry) for entry in CORPUS]


def rows(app: Flask, *columns: Any) -> list[Any]:
    with app.app_context():
        return db.session.execute(sa.select(*columns)).all()


def test_the_same_items_give_the_same_answers_as_whoosh(tmp_path: Path, pg_app: Flask) -> None:
    whoosh_app = exchange_app(tmp_path / "whoosh", SEARCH_BACKEND="whoosh")
    assert fill(whoosh_app) == fill(pg_app)
    whoosh, postgres = whoosh_app.test_client(), pg_app.test_client()
    for query in QUERIES:
        for lang in ("nl", "en"):
            expected, found = find(whoosh, query, lang=lang), find(postgres, query, lang=lang)
            assert sorted(ids(found)) == sorted(ids(expected)), (query, lang)
            assert found["total"] == expected["total"], query
            for facet in ("sector", "country", "language", "visit_level", "visit_funding"):
                assert counts(found, facet) == counts(expected, facet), (query, facet)
    narrowed = {"q": "fiets", "sector": "municipality", "language": ["nl"]}
    expected = whoosh.get("/api/v1/search", query_string=narrowed).get_json()
    found = postgres.get("/api/v1/search", query_string=narrowed).get_json()
    assert ids(found) and sorted(ids(found)) == sorted(ids(expected))
    assert found["facets"]["sector"] == expected["facets"]["sector"]
    for sort in ("newest", "title"):
        params = {"sort": sort, "per_page": 50}
        assert ids(find(postgres, **params)) == ids(find(whoosh, **params)), sort


def test_rows_are_written_in_the_items_transaction_without_an_outbox(pg_app: Flask) -> None:
    client = pg_app.test_client()
    item_id = add(pg_app, translations=texts(nl=("Zwemles", "Zwemles voor nieuwkomers.")))
    assert ids(find(client, "zwemles")) == [item_id]
    assert rows(pg_app, IndexTask.id) == []
    with pg_app.app_context():
        assert current_search().inline_drain is False
        save_item(item_data(translations=texts(nl=("Schaatsles", "Op het ijs."))), user=None)
        db.session.flush()
        db.session.rollback()
    assert ids(find(client, "schaatsles")) == []
    assert [row.item_id for row in rows(pg_app, SearchDocument.item_id)] == [item_id]
    update(pg_app, item_id, translations=texts(nl=("Zwemles", "Nu in het nieuwe bad.")))
    assert ids(find(client, "bad")) == [item_id]
    with pg_app.app_context():
        delete_item(db.session.get(Item, item_id))
        commit()
    assert find(client, "zwemles")["total"] == 0
    assert rows(pg_app, SearchDocument.item_id) == []


def word_counts(app: Flask) -> dict[str, int]:
    return {word: number for word, number in rows(app, SearchWord.word, SearchWord.documents)}


def test_the_vocabulary_counts_published_words_exactly(pg_app: Flask) -> None:
    client = pg_app.test_client()
    draft = add(pg_app, status="draft", translations=texts(nl=("Waterschap", "Dijkversterking.")))
    assert "nl:dijkversterking" not in word_counts(pg_app)
    assert find(client, "dijkverstirking")["query"] == "dijkverstirking"
    update(pg_app, draft, status="published",
           translations=texts(nl=("Waterschap", "Dijkversterking.")))
    assert word_counts(pg_app)["nl:dijkversterking"] == 1
    assert word_counts(pg_app)["nl=dijkversterk"] == 1  # the term, for the expansion
    assert find(client, "dijkverstirking")["query"] == "dijkversterking"
    second = add(pg_app, translations=texts(nl=("Dijken", "Dijkversterking langs de IJssel.")))
    assert word_counts(pg_app)["nl:dijkversterking"] == 2
    update(pg_app, second, status="draft", translations=texts(nl=("Dijken", "Dijkversterking.")))
    update(pg_app, draft, status="archived",
           translations=texts(nl=("Waterschap", "Dijkversterking.")))
    assert "nl:dijkversterking" not in word_counts(pg_app)
    assert find(client, "dijkverstirking")["query"] == "dijkverstirking"


def test_concurrent_saves_keep_every_row_and_exact_word_counts(pg_app: Flask) -> None:
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for step in range(6):
                add(pg_app, translations=texts(
                    nl=(f"Schrijver {number} stap {step}", "Gedeelde woorden: fiets klimaat."),
                    en=("Shared words", f"Writer{number} step{step} bicycle climate.")))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(rows(pg_app, SearchDocument.item_id)) == 24
    before = word_counts(pg_app)
    assert before["nl:fiets"] == 24 and before["en:writer3"] == 6
    with pg_app.app_context():
        current_search().backend.recount_words()
    assert word_counts(pg_app) == before


def test_check_index_finds_and_repairs_drift_and_reindex_rebuilds(pg_app: Flask) -> None:
    made = fill(pg_app)
    with pg_app.app_context():
        db.session.execute(sa.delete(SearchDocument).where(SearchDocument.item_id == made[0]))
        db.session.execute(sa.update(SearchDocument).where(SearchDocument.item_id == made[1])
                           .values(stamp="2000-01-01T00:00:00", signature="old"))
        db.session.commit()
    runner = Runner(pg_app)
    report = runner.invoke("check-index", "--dry-run")
    assert report.exit_code != 0
    assert f"Missing: 1 ({made[0]})" in report.output
    assert f"Outdated: 1 ({made[1]})" in report.output
    assert "kennisbank reindex" in report.output
    assert runner.invoke("check-index").exit_code == 0
    assert find(pg_app.test_client(), "fietsbeleid")["total"] == 1
    with pg_app.app_context():
        db.session.execute(sa.update(SearchDocument).where(SearchDocument.item_id == made[2])
                           .values(signature="old"))
        db.session.commit()
    outdated = runner.invoke("check-index")
    assert outdated.exit_code != 0 and "kennisbank reindex" in outdated.output
    rebuilt = runner.invoke("reindex")
    assert rebuilt.exit_code == 0 and f"Indexed {len(made)} items" in rebuilt.output
    clean = runner.invoke("check-index", "--dry-run")
    assert clean.exit_code == 0 and "The index matches the database." in clean.output
    with pg_app.app_context():
        assert outbox.check(current_search().backend).schema_outdated is False


class HugeAttachment:
    """Extra text far beyond what one ``tsvector`` may hold (1 MB)."""

    @hookimpl
    def index_document(self, item: Any, document: dict[str, Any]) -> None:
        document["extra_text"].append(" ".join(f"woord{n}x" for n in range(120_000)))


def test_a_huge_text_is_cut_to_postgresqls_limits_instead_of_failing_the_save(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, DATABASE_URL=fresh_database(template=True), SEARCH_BACKEND="postgres",
                   EXTRA_PLUGINS=[HugeAttachment()])
    item_id = add(app, translations=texts(nl=("Groot bestand", "Een lange bijlage.")))
    client = app.test_client()
    assert ids(find(client, "bijlage")) == [item_id]
    assert ids(find(client, "woord5x")) == [item_id]
    with app.app_context():
        size = db.session.scalar(sa.select(sa.func.pg_column_size(SearchDocument.vector)))
    assert size < 1_048_576 and size > MAX_VECTOR_BYTES // 4


def test_searches_can_read_from_a_replica(tmp_path: Path) -> None:
    """Reads go to ``SEARCH_DATABASE_URL``: shown with a "replica" that is another
    database, so what a search finds tells where it read."""
    replica_url = fresh_database(template=True)
    primary = make_app(tmp_path / "primary", DATABASE_URL=replica_url, SEARCH_BACKEND="postgres")
    add(primary, translations=texts(nl=("Alleen op de replica", "Gerepliceerd.")))
    app = make_app(tmp_path / "app", DATABASE_URL=fresh_database(template=True),
                   SEARCH_BACKEND="postgres", SEARCH_DATABASE_URL=replica_url)
    add(app, translations=texts(nl=("Alleen in de eigen database", "Eigen.")))
    client = app.test_client()
    assert [hit["title"] for hit in find(client, "replica")["results"]] == [
        "Alleen op de replica"]
    assert find(client, "eigen")["total"] == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)) == 1
        assert current_search().backend.count() == 1


def test_a_replica_that_is_down_falls_back_to_the_primary(tmp_path: Path, caplog: Any) -> None:
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    app = make_app(tmp_path, DATABASE_URL=fresh_database(template=True),
                   SEARCH_BACKEND="postgres", SEARCH_DATABASE_URL=unreachable)
    item_id = add(app, translations=texts(nl=("Noodstroom", "Aggregaat in het stadhuis.")))
    client = app.test_client()
    assert ids(find(client, "aggregaat")) == [item_id]
    assert client.get("/healthz").status_code == 200
    assert "search replica unreachable" in caplog.text


def test_the_backend_must_match_the_database(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PostgreSQL database"):
        make_app(tmp_path, SEARCH_BACKEND="postgres", DATABASE_URL="sqlite:///" + str(
            tmp_path / "kb.sqlite"))
    with pytest.raises(ConfigError, match="'whoosh' or 'postgres'"):
        make_app(tmp_path, SEARCH_BACKEND="elastic")


def search_statements(app: Flask) -> list[str]:
    """The search statements ``app`` sends from now on, as they are sent; only
    the search statement itself counts facet values (``pg_query._facet_counts``)."""
    found: list[str] = []

    def record(*args: Any) -> None:
        if "AS facet_values" in args[2]:
            found.append(args[2])

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
    return found


def test_results_are_reused_until_any_server_changes_the_index(tmp_path: Path) -> None:
    url = fresh_database(template=True)
    first = make_app(tmp_path / "first", DATABASE_URL=url, SEARCH_BACKEND="postgres")
    second = make_app(tmp_path / "second", DATABASE_URL=url, SEARCH_BACKEND="postgres")
    item_id = add(first, translations=texts(nl=("Deelauto's", "Deelauto's in de wijk.")))
    searches = search_statements(first)
    client = first.test_client()
    found = find(client, "deelauto")
    assert ids(found) == [item_id] and len(searches) == 1
    assert find(client, "deelauto") == found and len(searches) == 1
    with first.app_context():
        backend = current_search().backend
        query = SearchQuery(visibility=Visibility(), text="deelauto")
        backend.search(query).hits[0].found_in.append("brochure.pdf")
        assert backend.search(query).hits[0].found_in == []
    before = len(searches)
    other = add(second, translations=texts(nl=("Meer deelauto's", "Ook deelauto's.")))
    assert sorted(ids(find(client, "deelauto"))) == sorted([item_id, other])
    assert len(searches) == before + 1


def test_the_cache_can_be_switched_off(tmp_path: Path) -> None:
    app = make_app(tmp_path, DATABASE_URL=fresh_database(template=True),
                   SEARCH_BACKEND="postgres", SEARCH_CACHE_SIZE=0)
    add(app, translations=texts(nl=("Buurtbus", "De buurtbus rijdt.")))
    searches = search_statements(app)
    client = app.test_client()
    assert find(client, "buurtbus")["total"] == find(client, "buurtbus")["total"] == 1
    assert len(searches) == 2


NASTY = ["O'Brien", "\\", "back\\slash's", "a:b", "nl:fiets", "kw:'x'", "& | ! <-> ( )",
         "'''", '"\'"', "-'", "fiets & !fiets", "a" * 2000, "\u0000fiets", "日本語",
         "fiets:*", "fiets:A", "(fiets", "OR OR -", "'-'"]


def test_no_query_text_breaks_the_tsquery(tmp_path: Path, pg_app: Flask) -> None:
    """Quotes, backslashes and tsquery operators are words or punctuation to
    both backends alike: never an error, and the same answers."""
    whoosh_app = exchange_app(tmp_path / "whoosh", SEARCH_BACKEND="whoosh")
    entry = {"tags": ["O'Brien", "a:b", "back\\slash"],
             "translations": texts(nl=("Fietsen van O'Brien", "Over fietsen: a:b en back\\slash."))}
    assert add(whoosh_app, **entry) == add(pg_app, **entry)
    whoosh, postgres = whoosh_app.test_client(), pg_app.test_client()
    for text in NASTY:
        found = postgres.get("/api/v1/search", query_string={"q": text})
        assert found.status_code == 200, (text, found.get_data(as_text=True))
        assert ids(found.get_json()) == ids(find(whoosh, text)), text
    assert ids(find(postgres, "O'Brien")) == [1]


def test_only_a_hits_own_extra_text_counts_as_found_in_it(pg_app: Flask) -> None:
    visit = add(pg_app, type="school_visit", sector="education",
                fields={"visit_level": "mbo", "visit_subjects": ["art"]},
                translations=texts(nl=("Bezoek", "Een schoolbezoek.")))
    practice = add(pg_app, translations=texts(nl=("Erasmusplus", "Over Erasmusplus.")))
    with pg_app.app_context():
        found = current_search().backend.search(
            SearchQuery(visibility=Visibility(), text="erasmusplus"))
    extra = {hit.id: hit.extra_words for hit in found.hits}
    assert set(extra) == {visit, practice}
    assert extra[practice] == {}
    assert extra[visit]["nl"] == frozenset({"erasmusplus"})
