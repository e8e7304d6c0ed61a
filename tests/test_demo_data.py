"""Checks on the demo data files that ``kennisbank init --demo`` imports.

These tests read the files directly and do not build the app: the data is a
contract of its own (the import format), and a broken demo set should be caught
here with a precise message rather than as an import failure in a browser test.
They also pin the properties other tests rely on: enough items per sector, type,
status and language, real diacritics in city names, and the Dutch compounds the
search tests look for.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

DEMO = Path(__file__).resolve().parents[1] / "kennisbank" / "demo"

ITEM_KEYS = (
    "external_id", "type", "status", "sector", "city", "country", "themes", "tags",
    "start_date", "end_date", "organisation", "fields", "translations",
)
SECTORS = {"education", "business", "culture", "ngo", "municipality"}
STATUSES = {"published", "draft", "review"}
LANGS = {"nl", "en"}
THEMES = {f"sdg{n}" for n in range(1, 18)}
RELATIONS = {"home", "partner", "network", "other"}
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2026, 12, 31)

#: Per type: its sector (None: any), its non-translatable fields with a checker,
#: and the translatable fields each translation may (or, for demo items, must) carry.
INDUSTRIES = {
    "agrifood", "logistics", "manufacturing", "ict", "creative", "energy", "health",
    "construction", "tourism", "retail",
}
DISCIPLINES = {"music", "theatre", "dance", "visual_arts", "literature", "heritage", "film"}
POLICY_DOMAINS = {
    "mobility", "environment", "housing", "economy", "social", "governance", "culture",
    "education", "health", "safety", "digital",
}
PRACTICE_TEXTS = {"challenge", "approach", "results", "resources", "transferability"}


#: Babel's English territory names: ISO 3166 alpha-2 codes plus a few CLDR extras.
COUNTRIES = {
    code for code in Locale("en").territories
    if re.fullmatch(r"[A-Z]{2}", code)
} - {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK", "AC", "CP", "DG", "EA", "IC", "TA"}


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value


def _country_code(value: Any) -> bool:
    return isinstance(value, str) and value in COUNTRIES


TYPES: dict[str, dict[str, Any]] = {
    "practice": {"sector": None, "fields": {}, "optional": PRACTICE_TEXTS, "required": set()},
    "exchange": {
        "sector": "education",
        "fields": {
            "education_level": lambda v: v in {"po", "vo", "mbo", "hbo", "wo"},
            "participants": _count,
            "partner_institution": _text,
            "duration_weeks": lambda v: _count(v) and v <= 104,
        },
        "optional": set(), "required": set(),
    },
    "trade_mission": {
        "sector": "business",
        "fields": {
            "industry": lambda v: v in INDUSTRIES,
            "companies": _count,
            "target_market": _country_code,
        },
        "optional": set(), "required": set(),
    },
    "cultural_exchange": {
        "sector": "culture",
        "fields": {
            "discipline": lambda v: v in DISCIPLINES,
            "audience": _count,
            "venue": _text,
        },
        "optional": set(), "required": set(),
    },
    "development_project": {
        "sector": "ngo",
        "fields": {"budget_eur": _count, "funding_source": _text},
        "optional": set(), "required": {"beneficiaries"},
    },
    "policy_practice": {
        "sector": "municipality",
        "fields": {"policy_domain": lambda v: v in POLICY_DOMAINS},
        "optional": set(), "required": {"evidence", "transferability"},
    },
}

#: Dutch compounds the search tests query; each must occur in some Dutch text.
SEARCH_COMPOUNDS = (
    "klimaatadaptatie", "fietsbeleid", "fietspaden", "warmtenet", "buurthuis",
    "jongerenwerk", "woningbouw", "energiecoöperatie",
)
DUTCH_WORDS = {"de", "het", "een", "en", "van", "is", "met", "voor", "op", "niet", "die"}
ENGLISH_WORDS = {"the", "a", "and", "of", "is", "with", "for", "on", "not", "that", "to"}
HTML = re.compile(r"<\s*[a-zA-Z!/?]|javascript:|&lt;|&#", re.IGNORECASE)
MARKDOWN_STRUCTURE = re.compile(r"^(#{2,4} |- |\d+\. )", re.MULTILINE)


def _load_json(name: str) -> Any:
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


def _lines() -> list[str]:
    return (DEMO / "items.jsonl").read_text(encoding="utf-8").splitlines()


ITEMS: list[dict[str, Any]] = [json.loads(line) for line in _lines() if line.strip()]
CITIES: list[dict[str, Any]] = _load_json("cities.json")
ORGANISATIONS: list[dict[str, Any]] = _load_json("organisations.json")


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item.get("external_id", "?") for item in items]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def _all_texts(translation: dict[str, str]) -> str:
    return "\n".join(v for v in translation.values() if isinstance(v, str))


# -- the file itself ---------------------------------------------------------------------


def test_every_line_is_a_json_object() -> None:
    for number, line in enumerate(_lines(), start=1):
        assert line.strip(), f"line {number} is empty"
        assert isinstance(json.loads(line), dict), f"line {number} is not an object"


def test_files_are_nfc_normalised() -> None:
    """Accent folding in search expects precomposed characters (é, not e + accent)."""
    for name in ("items.jsonl", "cities.json", "organisations.json"):
        text = (DEMO / name).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), name


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_item_has_exactly_the_import_keys(item: dict[str, Any]) -> None:
    assert set(item) == set(ITEM_KEYS), set(item) ^ set(ITEM_KEYS)


def test_external_ids_are_unique_and_well_formed() -> None:
    ids = [item["external_id"] for item in ITEMS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"demo-\d{4}", i) for i in ids)


# -- counts ------------------------------------------------------------------------------


def test_there_are_at_least_48_items() -> None:
    assert len(ITEMS) >= 48


def test_every_sector_has_at_least_eight_items() -> None:
    counts = Counter(item["sector"] for item in ITEMS)
    assert set(counts) == SECTORS
    assert min(counts.values()) >= 8, counts


def test_every_type_appears_at_least_five_times() -> None:
    counts = Counter(item["type"] for item in ITEMS)
    assert set(counts) == set(TYPES)
    assert min(counts.values()) >= 5, counts


def test_generic_practices_come_from_every_sector() -> None:
    assert {item["sector"] for item in ITEMS if item["type"] == "practice"} == SECTORS


def test_status_mix() -> None:
    counts = Counter(item["status"] for item in ITEMS)
    assert set(counts) <= STATUSES
    assert counts["draft"] >= 4
    assert counts["review"] >= 2
    assert counts["published"] == len(ITEMS) - counts["draft"] - counts["review"]
    assert counts["published"] > len(ITEMS) / 2


def test_language_mix() -> None:
    langs = Counter(tuple(sorted(item["translations"])) for item in ITEMS)
    assert set(langs) <= {("nl",), ("en",), ("en", "nl")}
    assert langs[("nl",)] >= 5
    assert langs[("en",)] >= 5
    assert langs[("en", "nl")] > len(ITEMS) / 2


def test_drafts_and_reviews_are_spread_over_sectors() -> None:
    """Visibility tests need hidden items in more than one sector (editors see their own)."""
    hidden = {item["sector"] for item in ITEMS if item["status"] != "published"}
    assert len(hidden) >= 3


# -- values ------------------------------------------------------------------------------


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_item_values_are_valid(item: dict[str, Any]) -> None:
    spec = TYPES[item["type"]]
    assert item["status"] in STATUSES
    assert item["sector"] in SECTORS
    if spec["sector"] is not None:
        assert item["sector"] == spec["sector"]
    assert _country_code(item["country"])
    assert _text(item["city"])
    assert item["organisation"] is None or _text(item["organisation"])


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_type_fields_are_complete_and_valid(item: dict[str, Any]) -> None:
    checks = TYPES[item["type"]]["fields"]
    assert set(item["fields"]) == set(checks)
    for name, check in checks.items():
        assert check(item["fields"][name]), f"{name}={item['fields'][name]!r}"


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_translatable_fields_sit_in_each_translation(item: dict[str, Any]) -> None:
    spec = TYPES[item["type"]]
    allowed = {"title", "summary", "body"} | spec["optional"] | spec["required"]
    for lang, translation in item["translations"].items():
        assert lang in LANGS
        assert set(translation) <= allowed, lang
        assert spec["required"] <= set(translation), lang
        for name in set(translation) - {"title"}:
            assert translation[name].strip(), f"{lang}.{name} is empty"


def test_bilingual_items_carry_the_same_extra_fields_in_both_languages() -> None:
    for item in ITEMS:
        if len(item["translations"]) == 2:
            nl, en = item["translations"]["nl"], item["translations"]["en"]
            assert set(nl) == set(en), item["external_id"]


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_themes_are_sdg_codes(item: dict[str, Any]) -> None:
    themes = item["themes"]
    assert themes, "every demo item has at least one theme"
    assert set(themes) <= THEMES
    assert len(themes) == len(set(themes))


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_tags_are_short_lowercase_words(item: dict[str, Any]) -> None:
    tags = item["tags"]
    assert 1 <= len(tags) <= 30
    assert len(tags) == len(set(tags))
    for tag in tags:
        assert tag == tag.strip().lower() and 0 < len(tag) <= 60 and " " not in tag, tag


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_dates_are_iso_and_in_order(item: dict[str, Any]) -> None:
    parsed = {}
    for key in ("start_date", "end_date"):
        value = item[key]
        if value is None:
            continue
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
        parsed[key] = date.fromisoformat(value)
        assert FIRST_DAY <= parsed[key] <= LAST_DAY, value
    if "end_date" in parsed:
        assert "start_date" in parsed, "an end date needs a start date"
        assert parsed["start_date"] <= parsed["end_date"]


def test_dates_cover_several_years_and_some_ongoing_items() -> None:
    years = {item["start_date"][:4] for item in ITEMS if item["start_date"]}
    assert len(years) >= 8
    assert any(item["end_date"] is None for item in ITEMS)
    assert any(item["end_date"] is not None for item in ITEMS)


# -- text --------------------------------------------------------------------------------


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_text_lengths(item: dict[str, Any]) -> None:
    for lang, translation in item["translations"].items():
        title, summary, body = translation["title"], translation["summary"], translation["body"]
        assert _text(title) and len(title) <= 200, lang
        assert summary.strip() and len(summary) < 500 and "\n" not in summary, lang
        assert 120 <= len(body.split()) <= 350, f"{lang} body has {len(body.split())} words"


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_text_is_markdown_without_html(item: dict[str, Any]) -> None:
    for lang, translation in item["translations"].items():
        for name, value in translation.items():
            assert not HTML.search(value), f"{lang}.{name}"


def test_many_bodies_use_headings_or_lists() -> None:
    bodies = [t["body"] for item in ITEMS for t in item["translations"].values()]
    structured = [b for b in bodies if MARKDOWN_STRUCTURE.search(b)]
    assert len(structured) >= len(bodies) / 2


@pytest.mark.parametrize("item", ITEMS, ids=_ids(ITEMS))
def test_each_translation_is_in_its_own_language(item: dict[str, Any]) -> None:
    for lang, translation in item["translations"].items():
        words = Counter(_words(_all_texts(translation)))
        dutch = sum(words[w] for w in DUTCH_WORDS)
        english = sum(words[w] for w in ENGLISH_WORDS)
        if lang == "nl":
            assert dutch > 3 * english, (dutch, english)
        else:
            assert english > 3 * dutch, (dutch, english)


def test_bilingual_bodies_are_translations_of_similar_length() -> None:
    for item in ITEMS:
        if len(item["translations"]) == 2:
            nl = len(item["translations"]["nl"]["body"].split())
            en = len(item["translations"]["en"]["body"].split())
            assert 0.75 <= nl / en <= 1.33, (item["external_id"], nl, en)


def test_titles_are_unique_per_language() -> None:
    for lang in LANGS:
        titles = [i["translations"][lang]["title"] for i in ITEMS if lang in i["translations"]]
        assert len(titles) == len(set(titles)), lang


def test_bodies_are_distinct_not_templated() -> None:
    """No two bodies share most of their vocabulary, as filler from one template would."""
    bodies = [
        (item["external_id"], lang, set(_words(t["body"])))
        for item in ITEMS for lang, t in item["translations"].items()
    ]
    for (id_a, lang_a, a), (id_b, lang_b, b) in itertools.combinations(bodies, 2):
        if lang_a == lang_b:
            overlap = len(a & b) / len(a | b)
            assert overlap < 0.35, (id_a, id_b, lang_a, round(overlap, 2))


@pytest.mark.parametrize("word", SEARCH_COMPOUNDS)
def test_dutch_text_uses_the_compounds_search_tests_query(word: str) -> None:
    dutch = "\n".join(
        _all_texts(item["translations"]["nl"]).lower()
        for item in ITEMS if "nl" in item["translations"]
    )
    assert word in dutch


def test_compound_search_targets_include_published_items() -> None:
    """A search test for a compound must be able to find a published item."""
    for word in SEARCH_COMPOUNDS:
        assert any(
            item["status"] == "published" and word in _all_texts(item["translations"]["nl"]).lower()
            for item in ITEMS if "nl" in item["translations"]
        ), word


# -- cities ------------------------------------------------------------------------------


def test_cities_file_shape() -> None:
    names = [city["name"] for city in CITIES]
    assert len(names) == len(set(names))
    for city in CITIES:
        assert set(city) == {"name", "country", "relation"}
        assert _text(city["name"]) and _country_code(city["country"])
        assert city["relation"] in RELATIONS
    assert [c for c in CITIES if c["relation"] == "home"] == [
        {"name": "Deventer", "country": "NL", "relation": "home"}
    ]


def test_every_item_city_is_listed_with_its_country() -> None:
    listed = {(city["name"], city["country"]) for city in CITIES}
    for item in ITEMS:
        assert (item["city"], item["country"]) in listed, item["external_id"]


def test_every_listed_city_is_used() -> None:
    used = {item["city"] for item in ITEMS} | {org["city"] for org in ORGANISATIONS}
    assert {city["name"] for city in CITIES} <= used


def test_partner_cities_span_enough_countries() -> None:
    others = {(i["city"], i["country"]) for i in ITEMS if i["city"] != "Deventer"}
    assert len(others) >= 9
    assert len({country for _, country in others}) >= 7


def test_city_names_keep_their_diacritics() -> None:
    names = {item["city"] for item in ITEMS}
    assert {"Lüneburg", "Pécs", "Jyväskylä"} <= names


# -- organisations -----------------------------------------------------------------------


def test_organisations_file_shape() -> None:
    names = [org["name"] for org in ORGANISATIONS]
    assert len(names) == len(set(names))
    cities = {(city["name"], city["country"]) for city in CITIES}
    for org in ORGANISATIONS:
        assert set(org) == {"name", "sector", "city", "country", "website", "description"}
        assert org["sector"] in SECTORS
        assert (org["city"], org["country"]) in cities, org["name"]
        website = org["website"]
        assert website is None or re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]+/?", website)
        assert set(org["description"]) == LANGS
        assert all(_text(text) for text in org["description"].values()), org["name"]


def test_every_item_organisation_is_listed() -> None:
    names = {org["name"] for org in ORGANISATIONS}
    for item in ITEMS:
        assert item["organisation"] is None or item["organisation"] in names, item["external_id"]


def test_several_organisations_per_sector() -> None:
    counts = Counter(org["sector"] for org in ORGANISATIONS)
    assert set(counts) == SECTORS
    assert min(counts.values()) >= 3, counts


def test_some_items_have_no_organisation_and_most_have_one() -> None:
    without = [item for item in ITEMS if item["organisation"] is None]
    assert 1 <= len(without) < len(ITEMS) / 4
