"""Cross-lingual search: an English query finds Dutch-only practices and back, says how,
and can be switched off; the lexicon comes from FreeDict, the instance's own bilingual
items, the app's vocabularies and synonym sets, never from drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennisbank.search.lexicon.freedict import available
from kennisbank.search.lexicon.service import current_lexicon
from kennisbank.search.lexicon.terms import term_key
from kennisbank.synonyms.service import create_set
from tests.conftest import Runner, make_app
from tests.search.support import add, find, ids, texts, update

needs_freedict = pytest.mark.skipif(
    not available(), reason="FreeDict not installed: run `make system-deps` "
    "(apt-get install dict-freedict-nld-eng dict-freedict-eng-nld)")


def translations(expansion: dict | None) -> dict[str, list[str]]:
    return {entry["words"]: entry["terms"] for entry in (expansion or {}).get("translations", [])}


@needs_freedict
def test_an_english_query_finds_a_dutch_only_practice_and_back(app, client):
    dutch = add(app, tags=[], translations=texts(nl=("Jeugd in de wijk",
                                                     "Activiteiten voor de jeugd.")))
    english = add(app, tags=[], translations=texts(en=("The library", "A library for all.")))
    assert ids(find(client, "youth", lang="en")) == [dutch]
    assert ids(find(client, "bibliotheek", lang="nl")) == [english]


@needs_freedict
def test_the_expansion_is_returned_and_can_be_switched_off(app, client):
    dutch = add(app, tags=[], translations=texts(nl=("Jeugd in de wijk", "Voor de jeugd.")))
    result = find(client, "youth", lang="en")
    assert result["expansion"]["source"] == "en" and result["expansion"]["target"] == "nl"
    assert translations(result["expansion"]) == {"youth": ["jeugd"]}
    (hit,) = result["results"]
    assert hit["id"] == dutch and hit["lang"] == "nl" and hit["found_via"] == ["jeugd"]
    off = find(client, "youth", lang="en", translate="false")
    assert off["total"] == 0 and off["expansion"] is None and off["translate"] is False


@needs_freedict
def test_a_translated_match_ranks_below_a_direct_one_of_equal_strength(app, client):
    dutch = add(app, tags=[], translations=texts(nl=("Haven", "Een wandeling langs de haven.")))
    english = add(app, tags=[], translations=texts(en=("Harbour", "A walk along the harbour.")))
    result = find(client, "harbour", lang="en")
    assert ids(result) == [english, dutch]
    assert result["results"][0]["found_via"] == [] and result["results"][1]["found_via"]


@needs_freedict
def test_an_english_phrase_finds_a_dutch_compound(app, client):
    compound = add(app, tags=[], translations=texts(nl=("Fietsstraten", "Auto te gast.")))
    add(app, tags=[], translations=texts(nl=("Straatfeest", "Muziek in de straat.")))
    assert ids(find(client, "bicycle streets", lang="en"))[0] == compound


@needs_freedict
def test_a_dutch_compound_no_source_knows_is_translated_through_its_parts(app, client):
    english = add(app, tags=[], translations=texts(en=("A new path", "The path by the harbour.")))
    result = find(client, "havenpad", lang="nl")
    assert english in ids(result)
    assert translations(result["expansion"])["havenpad"] == ["harbour path"]


def test_term_pairs_are_learned_from_published_bilingual_items(app, client):
    def bilingual(status: str, number: int) -> int:
        return add(app, status=status, tags=[], translations={
            "nl": {"title": f"De wijkregisseur in wijk {number}", "summary": "", "body": "."},
            "en": {"title": f"The neighbourhood director in district {number}", "summary": "",
                   "body": "."}})

    drafts = [bilingual("draft", n) for n in range(3)]
    with app.app_context():
        learned = current_lexicon().translations("nl", term_key("nl", "wijkregisseur"))
        assert not [t for t in learned if t.origin == "learned"]  # drafts teach nothing
    for number, item in enumerate(drafts):
        update(app, item, tags=[], translations={
            "nl": {"title": f"De wijkregisseur in wijk {number}", "summary": "", "body": "."},
            "en": {"title": f"The neighbourhood director in district {number}", "summary": "",
                   "body": "."}})
    dutch = add(app, tags=[], translations=texts(nl=("Onze wijkregisseur", "Zij helpt.")))
    with app.app_context():
        learned = current_lexicon().translations("en", term_key("en", "neighbourhood director"))
        assert ("wijkregisseur", "learned") in {(t.text, t.origin) for t in learned}
    assert dutch in ids(find(client, "neighbourhood director", lang="en"))


def test_the_app_vocabularies_are_translations(app, client):
    dutch = add(app, tags=[], translations=texts(nl=("Klimaatactie", "Wat de stad doet.")))
    assert dutch in ids(find(client, "climate action", lang="en"))


def test_editors_synonyms_apply_at_once_in_both_languages(app, client):
    dutch = add(app, tags=[], translations=texts(nl=("Zwerfafval", "Opruimen in het park.")))
    garden = add(app, tags=[], translations=texts(en=("Community gardens", "Grow food.")))
    assert find(client, "litter", lang="en", translate="false")["total"] == 0
    with app.app_context():
        from kennisbank.extensions import db

        create_set({"nl": ["zwerfafval"], "en": ["litter"]}, None)
        create_set({"en": ["allotments", "community gardens"]}, None)
        db.session.commit()
    result = find(client, "litter", lang="en")
    assert ids(result) == [dutch] and result["results"][0]["found_via"] == ["zwerfafval"]
    synonyms = find(client, "allotments", lang="en")
    assert ids(synonyms) == [garden]
    assert synonyms["expansion"]["synonyms"] == [{"words": "allotments",
                                                  "terms": ["community gardens"]}]


@needs_freedict
def test_a_draft_never_shows_in_an_expansion(app, client, make_user):
    draft = add(app, status="draft", tags=[],
                translations=texts(nl=("Hitte", "De hitte in de stad.")))
    add(app, tags=[], translations=texts(en=("Heat", "Heat in the city.")))
    assert "hitte" not in str(find(client, "heat", lang="en")["expansion"])
    update(app, draft, status="published", tags=[],
           translations=texts(nl=("Hitte", "De hitte in de stad.")))
    assert "hitte" in translations(find(client, "heat", lang="en")["expansion"])["heat"]


def test_without_freedict_search_still_translates_with_the_instance_vocabulary(tmp_path: Path):
    app = make_app(tmp_path, LEXICON_DICTD_DIR=str(tmp_path / "nowhere"))
    client = app.test_client()
    add(app, tags=[], translations=texts(nl=("Jeugd in de wijk", "Voor de jeugd.")))
    dutch = add(app, tags=[], translations=texts(nl=("Klimaatactie", "Wat de stad doet.")))
    assert find(client, "youth", lang="en")["total"] == 0
    assert ids(find(client, "climate action", lang="en")) == [dutch]
    report = Runner(app).invoke("check-index")
    assert "FreeDict dictionaries not found" in report.output
    assert "FreeDict not installed" in report.output


def test_loosening_only_when_needed_and_said(app, client):
    harbour = add(app, tags=[], translations=texts(en=("Harbour walk", "A walk by the harbour.")))
    strict = find(client, "harbour walk", lang="en", translate="false")
    assert ids(strict) == [harbour] and strict["loosened"] is False
    assert strict["results"][0]["missing"] == []
    loose = find(client, "harbour walk zeppelin", lang="en", translate="false")
    assert ids(loose) == [harbour] and loose["loosened"] is True
    assert loose["results"][0]["missing"] == ["zeppelin"]


def test_most_of_the_words_rank_above_some_of_them(app, client):
    three = add(app, tags=[], translations=texts(en=("Harbour walk", "A festival walk.")))
    four = add(app, tags=[], translations=texts(en=("Harbour walk", "A music festival.")))
    add(app, tags=[], translations=texts(en=("Harbour", "A harbour.")))
    result = find(client, "harbour walk festival music zeppelin", lang="en", translate="false")
    # Three of five words are needed; four rank above three.
    assert result["loosened"] is True and ids(result) == [four, three]


def test_words_close_together_rank_higher(app, client):
    apart = add(app, tags=[], translations=texts(en=(
        "Rules", "The parking garage opened. Far away, a bicycle was stolen.")))
    together = add(app, tags=[], translations=texts(en=(
        "Rules", "The station has bicycle parking for everyone, opened last year.")))
    assert ids(find(client, "bicycle parking", lang="en", translate="false")) == [together, apart]


def test_multi_word_and_hyphenated_tags_are_found_word_by_word(app, client):
    roofs = add(app, tags=["groene daken"], translations=texts(nl=("Daktuinen", "Planten.")))
    bikes = add(app, tags=["e-bike"], translations=texts(en=("Cycling", "Commuters ride.")))
    assert ids(find(client, "daken", translate="false")) == [roofs]
    assert ids(find(client, '"groene daken"', translate="false")) == [roofs]
    assert ids(find(client, "e-bike", translate="false")) == [bikes]
    assert ids(find(client, "bike", translate="false")) == [bikes]
