"""The one validation path: every field kind, the item's own keys, and messages per language.

A test plugin type ``specimen`` has a field of every kind, so each kind is
checked through the registry exactly as a sector plugin's field would be.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask

from kennisbank import ContentType, Field, hookimpl
from kennisbank.content.registry import current_registry
from kennisbank.content.types import FIELD_KINDS
from kennisbank.content.validation import ValidationError, validate_item_data
from tests.conftest import item_data, make_app

NL_CATALOG = Path(__file__).parents[1] / "translations" / "nl" / "LC_MESSAGES" / "messages.po"

LEVELS = {"low": {"nl": "Laag", "en": "Low"}, "high": {"nl": "Hoog", "en": "High"}}
SPECIMEN = ContentType(
    name="specimen",
    label={"nl": "Proefstuk", "en": "Specimen"},
    sector="ngo",
    fields=[
        Field("nickname", "text", label={"en": "Nickname"}, max_length=20),
        Field("notes", "markdown", label={"en": "Notes"}, max_length=60),
        Field("code", "keyword", label={"en": "Code"}),
        Field("level", "choice", label={"en": "Level"}, choices=LEVELS),
        Field("levels", "multichoice", label={"en": "Levels"}, choices=LEVELS),
        Field("count", "integer", label={"en": "Count"}, min_value=0, max_value=100),
        Field("ratio", "decimal", label={"en": "Ratio"}, min_value=0, max_value=1),
        Field("held_on", "date", label={"en": "Held on"}),
        Field("website", "url", label={"en": "Website"}),
        Field("contact", "email", label={"en": "Contact"}),
        Field("online", "boolean", label={"en": "Online"}),
        Field("partner_country", "country", label={"en": "Partner country"}),
        Field("motto", "text", label={"en": "Motto"}, translatable=True),
    ],
)
STRICT = ContentType(
    name="strict_form",
    label={"nl": "Streng", "en": "Strict"},
    sector="ngo",
    fields=[
        Field("budget", "integer", label={"en": "Budget"}, required=True),
        Field("lesson", "text", label={"en": "Lesson"}, translatable=True, required=True),
    ],
)


class SpecimenPlugin:
    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        return [SPECIMEN, STRICT]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(tmp_path_factory.mktemp("validation"), EXTRA_PLUGINS=[SpecimenPlugin()])


def specimen(fields: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    data = {
        "type": "specimen",
        "status": "draft",
        "translations": {"en": {"title": "A specimen"}},
        "fields": fields or {},
    }
    data.update(overrides)
    return data


def clean(app: Flask, data: Any, *, strict: bool = True) -> dict[str, Any]:
    with app.test_request_context("/en/"):
        app.preprocess_request()
        return validate_item_data(data, current_registry(), strict=strict)


def errors(app: Flask, data: Any, *, strict: bool = True, lang: str = "en") -> dict[str, str]:
    with app.test_request_context(f"/{lang}/"):
        app.preprocess_request()
        with pytest.raises(ValidationError) as failure:
            validate_item_data(data, current_registry(), strict=strict)
    return failure.value.errors


def test_specimen_covers_every_field_kind() -> None:
    assert {f.kind for f in SPECIMEN.fields} == set(FIELD_KINDS)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "gps"}, "unknown kind 'gps'"),
        ({"kind": "choice"}, "needs choices"),
        ({"kind": "choice", "choices": ["low", "high"]}, "needs choices"),
        ({"kind": "multichoice", "choices": {"low": "Low"}}, "choice 'low' needs"),
        ({"kind": "text", "choices": LEVELS}, "only choice and multichoice fields have choices"),
        ({"kind": "text", "max_value": 3}, "only integer and decimal fields have min/max"),
        ({"kind": "integer", "min_value": 5, "max_value": 1}, "min_value is above max_value"),
        ({"kind": "integer", "max_length": 5}, "max_length must be positive, on a text field"),
        ({"kind": "text", "max_length": 0}, "max_length must be positive"),
    ],
)
def test_field_definition_mistakes_fail_when_the_plugin_loads(options, message) -> None:
    with pytest.raises(ValueError, match=message):
        Field("thing", **options)


@pytest.mark.parametrize("name", ["title", "fields", "status", "not a name", "1st"])
def test_field_names_must_be_identifiers_and_not_item_keys(name) -> None:
    with pytest.raises(ValueError, match="is not allowed"):
        Field(name, "text")


def test_content_type_refuses_duplicate_field_names() -> None:
    with pytest.raises(ValueError, match="duplicate fields thing"):
        ContentType("twice", label={"en": "Twice"},
                    fields=[Field("thing", "text"), Field("thing", "integer")])


# -- each kind: valid values accepted and normalised ------------------------------------


@pytest.mark.parametrize(
    ("name", "given", "stored"),
    [
        ("nickname", "  Fietsie  ", "Fietsie"),
        ("notes", "Line one\n\n**two**", "Line one\n\n**two**"),
        ("code", "ABC-12", "ABC-12"),
        ("level", "high", "high"),
        ("levels", ["high", "low", "high"], ["high", "low"]),
        ("count", 0, 0),
        ("count", 100, 100),
        ("ratio", 0.25, 0.25),
        ("ratio", 1, 1),
        ("held_on", "2024-02-29", "2024-02-29"),
        ("website", "https://www.deventer.nl/fiets?x=1#top", "https://www.deventer.nl/fiets?x=1#top"),
        ("contact", "info@deventer.nl", "info@deventer.nl"),
        ("online", False, False),
        ("partner_country", "de", "DE"),
        ("partner_country", " NL ", "NL"),
    ],
)
def test_valid_value_is_accepted_and_normalised(app, name, given, stored) -> None:
    assert clean(app, specimen({name: given}))["fields"] == {name: stored}


def test_empty_optional_values_are_left_out(app) -> None:
    result = clean(app, specimen({"nickname": "  ", "levels": [], "count": None}))
    assert result["fields"] == {}


# -- each kind: wrong values refused -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("nickname", 12, "Must be text."),
        ("nickname", ["a"], "Must be text."),
        ("code", "two\nlines", "Must be a single line."),
        ("notes", {"text": "x"}, "Must be text."),
        ("level", "medium", "Must be one of: low, high."),
        ("level", ["low"], "Must be one of: low, high."),
        ("levels", ["low", "medium"], "Must be one or more of: low, high."),
        ("levels", "low", "Must be a list."),
        ("count", "12", "Must be a whole number."),
        ("count", 12.0, "Must be a whole number."),
        ("count", 12.5, "Must be a whole number."),
        ("count", True, "Must be a whole number."),
        ("ratio", "0.5", "Must be a number."),
        ("ratio", True, "Must be a number."),
        ("ratio", float("nan"), "Must be a number."),
        ("ratio", float("inf"), "Must be a number."),
        pytest.param("ratio", 10**400, "Number is out of range.", id="ratio-huge-integer"),
        ("held_on", 20240101, "Must be a date written as YYYY-MM-DD."),
        ("held_on", "2023-02-29", "Must be a date written as YYYY-MM-DD."),
        ("held_on", "2024-13-01", "Must be a date written as YYYY-MM-DD."),
        ("held_on", "29-02-2024", "Must be a date written as YYYY-MM-DD."),
        ("held_on", "20240229", "Must be a date written as YYYY-MM-DD."),
        ("held_on", "2024-W09-4", "Must be a date written as YYYY-MM-DD."),
        ("website", "www.deventer.nl", "Must be a web address starting with http:// or https://."),
        ("website", "javascript:alert(1)", "Must be a web address starting with http:// or https://."),
        ("website", "ftp://files.example.org", "Must be a web address starting with http:// or https://."),
        ("website", "http://[::1", "Must be a web address starting with http:// or https://."),
        ("website", "https://exa mple.org", "Must be a web address starting with http:// or https://."),
        ("contact", "info(at)deventer.nl", "Must be an email address."),
        ("contact", "info@deventer", "Must be an email address."),
        ("online", "true", "Must be true or false."),
        ("online", 1, "Must be true or false."),
        ("partner_country", "XX", "Must be a two-letter country code, such as NL or DE."),
        ("partner_country", "NLD", "Must be a two-letter country code, such as NL or DE."),
        ("partner_country", 31, "Must be a two-letter country code, such as NL or DE."),
    ],
)
def test_wrong_value_is_refused_with_a_clear_message(app, name, given, message) -> None:
    assert errors(app, specimen({name: given})) == {f"fields.{name}": message}


@pytest.mark.parametrize(
    ("name", "given", "stored"),
    [
        ("count", "12", 12),
        ("count", " -0 ", 0),
        ("ratio", "0,5", 0.5),
        ("ratio", "1", 1.0),
        ("online", "on", True),
        ("online", "0", False),
        ("levels", "high", ["high"]),
    ],
)
def test_form_mode_accepts_what_html_forms_send(app, name, given, stored) -> None:
    assert clean(app, specimen({name: given}), strict=False)["fields"] == {name: stored}


def test_form_mode_still_refuses_nonsense(app) -> None:
    problems = errors(app, specimen({"count": "twelve", "ratio": "a half", "online": "maybe"}),
                      strict=False)
    assert problems == {
        "fields.count": "Must be a whole number.",
        "fields.ratio": "Must be a number.",
        "fields.online": "Must be true or false.",
    }


def test_form_mode_splits_tags_on_commas(app) -> None:
    assert clean(app, specimen(tags="fiets, water,,fiets"), strict=False)["tags"] == [
        "fiets", "water"
    ]
    assert errors(app, specimen(tags="fiets, water")) == {"tags": "Must be a list."}


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("count", -1, "Must be at least 0."),
        ("count", 101, "Must be at most 100."),
        ("ratio", -0.5, "Must be at least 0."),
        ("ratio", 1.5, "Must be at most 1."),
        ("count", 10**16, "Number is out of range."),
    ],
)
def test_numbers_outside_their_bounds_are_refused(app, name, given, message) -> None:
    assert errors(app, specimen({name: given})) == {f"fields.{name}": message}


def test_too_long_text_is_refused_with_the_limit_in_the_message(app) -> None:
    problems = errors(app, specimen({"nickname": "x" * 21, "notes": "y" * 61, "code": "z" * 101}))
    assert problems == {
        "fields.nickname": "Too long: at most 20 characters, got 21.",
        "fields.notes": "Too long: at most 60 characters, got 61.",
        "fields.code": "Too long: at most 100 characters, got 101.",
    }
    assert clean(app, specimen({"nickname": "x" * 20}))["fields"]["nickname"] == "x" * 20


def test_too_long_title_summary_and_body_are_refused(app) -> None:
    text = {"title": "t" * 201, "summary": "s" * 1001, "body": "b" * 100_001}
    problems = errors(app, specimen(translations={"nl": text}))
    assert problems == {
        "translations.nl.title": "Too long: at most 200 characters, got 201.",
        "translations.nl.summary": "Too long: at most 1000 characters, got 1001.",
        "translations.nl.body": "Too long: at most 100000 characters, got 100001.",
    }


def test_nul_bytes_are_refused_everywhere(app) -> None:
    data = specimen(
        {"nickname": "a\x00b", "notes": "x\x00"},
        city="Dev\x00enter",
        tags=["ok", "b\x00d"],
        translations={"en": {"title": "T\x00", "body": "\x00", "motto": "m\x00"}},
    )
    problems = errors(app, data)
    message = "Contains a character that is not allowed."
    for path in ("fields.nickname", "fields.notes", "city", "tags", "translations.en.title",
                 "translations.en.body", "translations.en.motto"):
        assert problems.get(path) == message, path


# -- required and unknown fields ----------------------------------------------------------


def test_required_fields_are_required_in_every_translation(app) -> None:
    data = {"type": "strict_form", "translations": {"nl": {"title": "Streng"},
                                                    "en": {"title": "Strict", "lesson": "  "}}}
    assert errors(app, data) == {
        "fields.budget": "This field is required.",
        "translations.nl.lesson": "This field is required.",
        "translations.en.lesson": "This field is required.",
    }
    data["fields"] = {"budget": 0}
    data["translations"]["nl"]["lesson"] = "Les"
    data["translations"]["en"]["lesson"] = "Lesson"
    assert clean(app, data)["fields"] == {"budget": 0}


def test_unknown_fields_are_refused_by_name(app) -> None:
    data = specimen({"colour": "red"}, flavour="sweet",
                    translations={"en": {"title": "T", "subtitle": "S"}})
    assert errors(app, data) == {
        "flavour": 'Unknown field "flavour".',
        "fields.colour": 'Unknown field "colour".',
        "translations.en.subtitle": 'Unknown field "subtitle".',
    }


def test_field_of_another_type_is_unknown_here(app) -> None:
    assert errors(app, specimen({"budget": 5})) == {"fields.budget": 'Unknown field "budget".'}


def test_translatable_field_in_the_wrong_place_is_refused(app) -> None:
    data = specimen({"motto": "Samen"}, translations={"en": {"title": "T", "count": 3}})
    problems = errors(app, data)
    assert set(problems) == {"fields.motto", "translations.en.count"}
    assert all("translatable fields go in each translation" in m for m in problems.values())


def test_fields_must_be_an_object(app) -> None:
    assert errors(app, specimen(fields=["level"])) == {
        "fields": "Must be an object of field values."
    }


# -- the item's own keys --------------------------------------------------------------------


def test_valid_practice_comes_back_clean(app) -> None:
    result = clean(app, item_data(country="nl", tags=[" fietsen ", "fietsen", "verkeer"],
                                  end_date="2023-06-30"))
    assert result["country"] == "NL"
    assert result["tags"] == ["fietsen", "verkeer"]
    assert result["sector"] == "municipality" and result["status"] == "published"
    assert result["start_date"] == "2022-01-01" and result["end_date"] == "2023-06-30"
    assert set(result["translations"]) == {"nl", "en"}


def test_status_defaults_to_draft_and_sector_to_the_types_sector(app) -> None:
    result = clean(app, {"type": "specimen", "translations": {"nl": {"title": "Proef"}}})
    assert (result["status"], result["sector"]) == ("draft", "ngo")


def test_unknown_type_is_refused_listing_the_known_ones(app) -> None:
    problems = errors(app, item_data(type="recipe"))
    assert list(problems) == ["type"]
    assert problems["type"].startswith('Unknown content type "recipe"; known types: ')
    assert "practice" in problems["type"] and "specimen" in problems["type"]


def test_missing_type_is_required(app) -> None:
    data = item_data()
    del data["type"]
    assert errors(app, data)["type"] == "This field is required."


@pytest.mark.parametrize("sector", ["fishing", ["ngo"], {"code": "ngo"}, 7])
def test_unknown_sector_is_refused(app, sector) -> None:
    problems = errors(app, item_data(sector=sector))
    assert list(problems) == ["sector"]
    assert problems["sector"].startswith("Must be one of: education, business")


def test_practice_needs_a_sector(app) -> None:
    assert errors(app, item_data(sector=None)) == {"sector": "This field is required."}


@pytest.mark.parametrize("status", ["live", "Published", ["draft"]])
def test_unknown_status_is_refused(app, status) -> None:
    assert errors(app, item_data(status=status)) == {
        "status": "Must be one of: draft, review, published, archived."
    }


def test_unknown_language_is_refused(app) -> None:
    data = item_data(translations={"de": {"title": "Fahrradstraßen"}, "nl": {"title": "Fiets"}})
    assert errors(app, data) == {"translations.de": 'Unknown language "de"; use nl or en.'}


@pytest.mark.parametrize(
    "translations",
    [{"nl": {"summary": "Geen titel"}}, {"nl": {"title": "   "}}, {"nl": {"title": None}}],
)
def test_missing_title_is_refused(app, translations) -> None:
    assert errors(app, item_data(translations=translations)) == {
        "translations.nl.title": "A title is required."
    }


@pytest.mark.parametrize("translations", [None, {}, [], "Fietsstraten"])
def test_item_without_any_translation_is_refused(app, translations) -> None:
    data = item_data(translations=translations)
    assert errors(app, data) == {
        "translations": "Give at least one translation (nl or en) with a title."
    }


def test_translation_must_be_an_object(app) -> None:
    assert errors(app, item_data(translations={"nl": "Fietsstraten"})) == {
        "translations.nl": "Must be an object with a title, summary and body."
    }


def test_title_must_be_one_line(app) -> None:
    problems = errors(app, item_data(translations={"en": {"title": "Two\nlines"}}))
    assert problems == {"translations.en.title": "Must be a single line."}


def test_bad_dates_and_end_before_start_are_refused(app) -> None:
    assert errors(app, item_data(start_date="2024-02-30", end_date="soon")) == {
        "start_date": "Must be a date written as YYYY-MM-DD.",
        "end_date": "Must be a date written as YYYY-MM-DD.",
    }
    assert errors(app, item_data(start_date="2024-05-01", end_date="2024-04-30")) == {
        "end_date": "The end date is before the start date."
    }
    same_day = clean(app, item_data(start_date="2024-05-01", end_date="2024-05-01"))
    assert same_day["end_date"] == "2024-05-01"


def test_themes_are_sdg1_to_sdg17(app) -> None:
    every = [f"sdg{n}" for n in range(1, 18)]
    assert clean(app, item_data(themes=every))["themes"] == every
    for wrong in (["sdg0"], ["sdg18"], ["SDG1"], ["climate"], [11]):
        assert list(errors(app, item_data(themes=wrong))) == ["themes"], wrong
    assert errors(app, item_data(themes="sdg11")) == {"themes": "Must be a list."}


@pytest.mark.parametrize(
    "code",
    ["XX", "ZZ", "EU", "UN", "UK", "QO", "N", "NLD",
     "XA", "XB", "AC", "IC"],
)
def test_country_must_be_a_real_iso_code(app, code) -> None:
    assert errors(app, item_data(country=code)) == {
        "country": "Must be a two-letter country code, such as NL or DE."
    }


@pytest.mark.parametrize("code", ["NL", "de", "GB", "BE", "PL", "TR", "JP"])
def test_real_country_codes_are_accepted(app, code) -> None:
    assert clean(app, item_data(country=code))["country"] == code.upper()


def test_too_many_or_too_long_tags_are_refused(app) -> None:
    assert errors(app, item_data(tags=[f"t{n}" for n in range(31)])) == {
        "tags": "At most 30 tags."
    }
    assert errors(app, item_data(tags=["x" * 61])) == {
        "tags": "Too long: at most 60 characters, got 61."
    }


def test_too_long_city_organisation_and_external_id_are_refused(app) -> None:
    problems = errors(app, item_data(city="c" * 121, organisation="o" * 201,
                                     external_id="e" * 201))
    assert problems == {
        "city": "Too long: at most 120 characters, got 121.",
        "organisation": "Too long: at most 200 characters, got 201.",
        "external_id": "Too long: at most 200 characters, got 201.",
    }


@pytest.mark.parametrize("data", [None, [], "practice", 42])
def test_item_must_be_an_object(app, data) -> None:
    assert errors(app, data) == {"item": "An item must be a JSON object."}


def test_every_problem_is_reported_at_once(app) -> None:
    data = specimen({"count": "x", "level": "mid"}, status="gone", country="XX",
                    translations={"en": {"title": ""}})
    assert set(errors(app, data)) == {
        "fields.count", "fields.level", "status", "country", "translations.en.title"
    }


# -- messages in the reader's language ----------------------------------------------------


@lru_cache(maxsize=1)
def _dutch_catalog() -> Any:
    with NL_CATALOG.open("rb") as handle:
        return read_po(handle)


def dutch(msgid: str, **params: Any) -> str:
    """The Dutch catalog's translation of ``msgid``; fails when the catalog lacks it."""
    message = _dutch_catalog().get(msgid)
    assert message is not None and message.string, f"nl catalog lacks {msgid!r}"
    assert message.string != msgid
    return message.string % params if params else message.string


def test_messages_are_in_dutch_on_a_dutch_page(app) -> None:
    data = specimen({"count": "12", "nickname": "x" * 21, "level": "mid", "colour": 1},
                    translations={"nl": {"title": ""}})
    problems = errors(app, data, lang="nl")
    assert problems == {
        "fields.count": dutch("Must be a whole number."),
        "fields.nickname": dutch("Too long: at most %(max)d characters, got %(count)d.",
                                 max=20, count=21),
        "fields.level": dutch("Must be one of: %(choices)s.", choices="low, high"),
        "fields.colour": dutch('Unknown field "%(name)s".', name="colour"),
        "translations.nl.title": dutch("A title is required."),
    }
    english = errors(app, data, lang="en")
    assert all(problems[path] != english[path] for path in problems)
