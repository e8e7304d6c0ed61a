"""Very large result sets on the PostgreSQL backend: counted and ranked on a sample.

Above ``SEARCH_EXACT_LIMIT`` matches the backend reads only the first few of
its 64 sample buckets (``item_id % 64``) to count, estimate and rank, and says
so (``estimated``); below it, and for what a reader narrowed down, it stays
exact. Each test compares an app with a tiny limit with one that is always
exact (limit 0), both on the same database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.search.pg_query import SAMPLE_BUCKETS
from tests.conftest import item_data, make_app
from tests.pg import shared_database
from tests.search.support import counts, find, ids, texts

#: Enough items that the word every one of them holds is far above the limit.
COMMON = 3 * SAMPLE_BUCKETS
SECTORS = ("municipality", "education", "business", "ngo")
LIMIT = 64


def fill(app: Flask) -> None:
    """``COMMON`` items about water (a few of them also about a rare dike), in one
    transaction; six of them are culture, the only ones of that sector."""  # 768 / 128
    with app.app_context():
        for number in range(COMMON):
            sector = "culture" if number % 128 == 5 else SECTORS[number % len(SECTORS)]
            body = "Waterbeheer in de polder." + (" Een zeldzame dijkwacht." if number % 40 == 0
                                                 else "")
            save_item(item_data(
                sector=sector, start_date=f"20{10 + number % 15}-0{1 + number % 9}-1{number % 10}",
                translations=texts(nl=(f"Water {number}", body),
                                   en=(f"Water {number}", "Water management."))), user=None)
        commit()


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Flask]]:
    """(sampling app, always exact app) on one database, filled once for the module."""
    folder = tmp_path_factory.mktemp("sample")
    with shared_database() as url:
        sampling = make_app(folder / "sampling", DATABASE_URL=url, SEARCH_BACKEND="postgres",
                            SEARCH_EXACT_LIMIT=LIMIT, SEARCH_CACHE_SIZE=0)
        exact = make_app(folder / "exact", DATABASE_URL=url, SEARCH_BACKEND="postgres",
                         SEARCH_EXACT_LIMIT=0, SEARCH_CACHE_SIZE=0)
        fill(exact)
        yield sampling, exact
        for app in (sampling, exact):
            with app.app_context():
                db.engine.dispose()


def both(apps: tuple[Flask, Flask], q: str, **params: Any) -> tuple[dict[str, Any], ...]:
    return tuple(find(app.test_client(), q, lang="en", **params) for app in apps)


def every_match(exact: Flask) -> set[int]:
    client = exact.test_client()
    found = {hit for page in range(1, COMMON // 96 + 1)
             for hit in ids(find(client, "water", per_page=96, page=page))}
    assert len(found) == COMMON
    return found


def test_a_very_large_result_set_is_estimated_and_ranked_in_a_sample(
        apps: tuple[Flask, Flask]) -> None:
    sampled, exact = both(apps, "water")
    assert exact["estimated"] is False and exact["total"] == COMMON
    assert sampled["estimated"] is True
    assert 0.5 * COMMON <= sampled["total"] <= 1.5 * COMMON
    # Ranked within the first buckets only: fewer than half of them, for 64 of 768.
    assert ids(sampled) and all(found % SAMPLE_BUCKETS < SAMPLE_BUCKETS // 2
                                for found in ids(sampled))
    assert set(ids(sampled)) <= every_match(apps[1])
    estimated, real = counts(sampled, "sector"), counts(exact, "sector")
    assert set(estimated) <= set(real) and len(estimated) >= 3
    for sector, number in estimated.items():  # a sample says little of rare values
        if real[sector] >= COMMON // 8:
            assert 0.5 * real[sector] <= number <= 2 * real[sector], (sector, number, real[sector])


def test_every_hit_of_a_sample_matches_and_pages_do_not_repeat(
        apps: tuple[Flask, Flask]) -> None:
    client = apps[0].test_client()
    first = find(client, "water", lang="en", per_page=4)
    second = find(client, "water", lang="en", per_page=4, page=2)  # still within LIMIT / 2
    assert first["estimated"] and second["estimated"]
    assert len(ids(first)) == 4 and ids(second) and not set(ids(first)) & set(ids(second))
    assert set(ids(first)) | set(ids(second)) <= every_match(apps[1])


def test_a_small_result_set_stays_exact(apps: tuple[Flask, Flask]) -> None:
    sampled, exact = both(apps, "dijkwacht")
    assert sampled == exact
    assert sampled["estimated"] is False and sampled["total"] == len(range(0, COMMON, 40))


def test_a_filter_that_narrows_it_down_gives_the_exact_total_and_page(
        apps: tuple[Flask, Flask]) -> None:
    sampled, exact = both(apps, "water", sector="culture")
    assert exact["total"] == len([n for n in range(COMMON) if n % 128 == 5])
    assert sampled["total"] == exact["total"]
    assert ids(sampled) == ids(exact)
    assert sampled["estimated"] is True  # the other sectors' counts are still a sample


def test_the_newest_first_come_from_every_match(apps: tuple[Flask, Flask]) -> None:
    sampled, exact = both(apps, "water", sort="newest")
    assert sampled["estimated"] is True
    assert ids(sampled) == ids(exact)


def test_deep_pages_read_enough_buckets_to_fill_them(apps: tuple[Flask, Flask]) -> None:
    client, everything = apps[0].test_client(), every_match(apps[1])
    for page in (1, 2, 4, 8, COMMON // 96):
        found = find(client, "water", lang="en", per_page=96, page=page)
        assert len(ids(found)) == 96, (page, found["total"])
        assert set(ids(found)) <= everything


def test_readers_are_told_the_counts_are_estimates(apps: tuple[Flask, Flask]) -> None:
    client = apps[0].test_client()
    english = client.get("/en/search", query_string={"q": "water"}).get_data(as_text=True)
    dutch = client.get("/nl/search", query_string={"q": "water"}).get_data(as_text=True)
    assert "About " in english and "estimated from a sample" in english and "(about " in english
    assert "Ongeveer " in dutch and "steekproef" in dutch and "(ca. " in dutch
    exact = apps[1].test_client().get("/en/search", query_string={"q": "water"})
    assert "estimated" not in exact.get_data(as_text=True)
