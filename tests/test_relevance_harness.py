"""The search relevance evaluation (bench/relevance): its metrics and its data files.

The runner itself needs a filled instance per backend and takes a while, so it
is not part of the suite (``make relevance``); what it relies on is checked here:
the metric functions on hand-made rankings, and that the corpus and the judged
queries are well-formed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.relevance.data import (
    GROUP_MINIMUMS,
    GROUPS,
    LANGUAGES,
    corpus_items,
    demo_items,
    load_queries,
    read_jsonl,
)
from bench.relevance.metrics import dcg, mean, ndcg_at, query_scores, reciprocal_rank, success_at
from tests.conftest import make_app

GRADES = {"a": 3, "b": 2, "c": 1}


# --- metrics ----------------------------------------------------------------------------


def test_success_at_5_needs_a_grade_2_item_in_the_first_five() -> None:
    assert success_at(["x", "y", "z", "w", "b"], GRADES) == 1.0
    assert success_at(["x", "y", "z", "w", "v", "a"], GRADES) == 0.0
    assert success_at(["c", "c2"], GRADES) == 0.0  # a marginal hit is not a success


def test_success_at_5_of_an_empty_ranking_is_zero() -> None:
    assert success_at([], GRADES) == 0.0


def test_reciprocal_rank_is_one_over_the_rank_of_the_first_relevant_item() -> None:
    assert reciprocal_rank(["a"], GRADES) == 1.0
    assert reciprocal_rank(["c", "x", "b", "a"], GRADES) == pytest.approx(1 / 3)


def test_reciprocal_rank_counts_only_the_first_ten() -> None:
    ranking = [f"x{i}" for i in range(10)] + ["a"]
    assert reciprocal_rank(ranking, GRADES) == 0.0
    assert reciprocal_rank(ranking[:9] + ["a"], GRADES) == pytest.approx(0.1)


def test_reciprocal_rank_ignores_marginal_items_and_empty_rankings() -> None:
    assert reciprocal_rank(["c"], GRADES) == 0.0
    assert reciprocal_rank([], GRADES) == 0.0


def test_dcg_uses_exponential_gain_and_log2_discount() -> None:
    assert dcg([3]) == 7.0
    assert dcg([3, 2, 1]) == pytest.approx(7 + 3 / math.log2(3) + 1 / 2)
    assert dcg([]) == 0.0


def test_ndcg_of_the_ideal_ranking_is_one() -> None:
    assert ndcg_at(["a", "b", "c"], GRADES) == pytest.approx(1.0)


def test_ndcg_of_the_reversed_ranking() -> None:
    ideal = 7 + 3 / math.log2(3) + 1 / 2
    reversed_ = 1 + 3 / math.log2(3) + 7 / 2
    assert ndcg_at(["c", "b", "a"], GRADES) == pytest.approx(reversed_ / ideal)


def test_ndcg_ideal_counts_judged_items_that_were_not_returned() -> None:
    # Only the grade-3 item was found: the missing 2 and 1 still lower the figure.
    assert ndcg_at(["a"], GRADES) == pytest.approx(7 / (7 + 3 / math.log2(3) + 1 / 2))


def test_ndcg_is_zero_without_relevant_results_or_without_judgments() -> None:
    assert ndcg_at(["x", "y"], GRADES) == 0.0
    assert ndcg_at([], GRADES) == 0.0
    assert ndcg_at(["a"], {}) == 0.0


def test_ndcg_looks_at_the_first_ten_only() -> None:
    ranking = [f"x{i}" for i in range(10)] + ["a", "b", "c"]
    assert ndcg_at(ranking, GRADES) == 0.0


def test_a_repeated_result_counts_once() -> None:
    assert ndcg_at(["a", "a", "b", "c"], GRADES) == pytest.approx(1.0)
    assert reciprocal_rank(["x", "x", "b"], GRADES) == pytest.approx(1 / 2)


def test_query_scores_names_the_three_metrics() -> None:
    assert query_scores(["x", "b"], GRADES) == {
        "success@5": 1.0, "mrr@10": 0.5, "ndcg@10": pytest.approx(
            (3 / math.log2(3)) / (7 + 3 / math.log2(3) + 1 / 2))}


def test_mean_of_nothing_is_zero() -> None:
    assert mean([]) == 0.0
    assert mean([1.0, 0.0]) == 0.5


# --- the data files ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return corpus_items()


@pytest.fixture(scope="module")
def known_ids(corpus: list[dict]) -> set[str]:
    """Ids a search may return: the corpus and the demo content's published items."""
    return {item["external_id"] for item in corpus + demo_items()}


def test_corpus_ids_are_unique_and_distinct_from_the_demo(corpus: list[dict]) -> None:
    ids = [item["external_id"] for item in corpus]
    assert all(re.fullmatch(r"rel-\d{3}", eid) for eid in ids)
    assert len(ids) == len(set(ids))
    assert not set(ids) & {item["external_id"] for item in demo_items()}


def test_corpus_is_published_practices_with_the_intended_language_mix(corpus: list[dict]) -> None:
    assert 100 <= len(corpus) <= 130
    assert {item["type"] for item in corpus} == {"practice"}
    assert {item["status"] for item in corpus} == {"published"}
    languages = Counter("+".join(sorted(item["translations"])) for item in corpus)
    assert 50 <= languages["nl"] <= 60
    assert 40 <= languages["en"] <= 50
    assert 8 <= languages["en+nl"] <= 12


def test_corpus_bodies_are_of_realistic_length(corpus: list[dict]) -> None:
    short = [(item["external_id"], lang) for item in corpus
             for lang, text in item["translations"].items()
             if not 120 <= len(text["body"].split()) <= 300]
    assert not short


def test_corpus_validates_with_the_projects_validator(tmp_path: Path, corpus: list[dict]) -> None:
    from kennisbank.content.service import ValidationError, validate

    app = make_app(tmp_path)
    problems: dict[str, dict[str, str]] = {}
    with app.app_context():
        for item in corpus:
            try:
                validate(item)
            except ValidationError as exc:
                problems[item["external_id"]] = exc.errors
    assert not problems


def test_queries_are_well_formed() -> None:
    queries = load_queries()
    assert len({q.id for q in queries}) == len(queries)
    assert len({(q.text, q.lang) for q in queries}) == len(queries)
    for q in queries:
        assert q.group in GROUPS, q.id
        assert q.lang in LANGUAGES, q.id
        assert q.text.strip() and q.note.strip(), q.id
        assert all(isinstance(g, int) and 1 <= g <= 3 for g in q.judgments.values()), q.id


def test_every_query_has_an_item_graded_two_or_more() -> None:
    assert [q.id for q in load_queries() if max(q.judgments.values(), default=0) < 2] == []


def test_every_judged_id_is_an_item_a_search_can_return(known_ids: set[str]) -> None:
    unknown = {q.id: sorted(set(q.judgments) - known_ids) for q in load_queries()}
    assert {qid: ids for qid, ids in unknown.items() if ids} == {}


def test_each_group_has_its_minimum_number_of_queries() -> None:
    counts = Counter(q.group for q in load_queries())
    assert {g: counts[g] for g in GROUPS if counts[g] < GROUP_MINIMUMS[g]} == {}
    assert sum(counts.values()) >= 75


def test_cross_group_goes_both_ways() -> None:
    languages = Counter(q.lang for q in load_queries() if q.group == "cross")
    assert languages["nl"] >= 5 and languages["en"] >= 5


def test_the_demo_file_the_runner_loads_is_the_one_judged() -> None:
    published = [item for item in read_jsonl(Path("kennisbank/demo/items.jsonl"))
                 if item["status"] == "published"]
    assert len(demo_items()) == len(published) > 0
