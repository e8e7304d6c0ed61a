"""The synonym list: its rules, its version, the admin pages, export and import, the CLI.

The API has its own module (tests/api/test_synonyms_api.py). Every rule is
the service's (:func:`kennisbank.synonyms.service.clean_set`), so the rules are
tested there once and the pages, API and import are tested for using it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient

from kennisbank.extensions import db
from kennisbank.i18n import core_translations_dir
from kennisbank.models import Item
from kennisbank.synonyms import service
from kennisbank.synonyms.models import SynonymSet
from kennisbank.synonyms.service import SynonymEntry, SynonymError, clean_set
from tests.conftest import Runner, item_data, login, make_app, untimed
from tests.pagehtml import Page

WATER = {"nl": ["wateroverlast", "regenwateroverlast"],
         "en": ["pluvial flooding", "surface water flooding"]}
BIKE = {"nl": ["fietsstraat"], "en": ["bicycle street", "cycle street"]}


def errors_of(app: Flask, data: dict[str, Any], lang: str = "en") -> dict[str, str]:
    """What the service says of ``data`` in ``lang`` (``{}`` when valid)."""
    with app.test_request_context(query_string={"lang": lang}):
        try:
            clean_set(data)
        except SynonymError as exc:
            return exc.errors
    return {}


def create(app: Flask, data: dict[str, Any]) -> int:
    with app.test_request_context():
        created = service.create_set(data, None)
        db.session.commit()
        return created.id


def stored(app: Flask) -> list[tuple[list[str], list[str], str]]:
    with app.app_context():
        return [(s.terms("nl"), s.terms("en"), s.note) for s in service.find_sets()]


def version(app: Flask) -> str:
    with app.app_context():
        return service.version()


# -- the rules ----------------------------------------------------------------------------


def test_terms_are_tidied_and_duplicates_dropped_ignoring_case_and_accents(app):
    with app.test_request_context():
        clean = clean_set({"nl": ["  Fietsstraat ", "fietsstraat", "fiets   straat", "café"],
                           "en": ["Bicycle street", "bicycle STREET", "cafe", "Cafe\u0301"],
                           "note": "  Verkeer.  "})
    assert clean.nl == ("Fietsstraat", "fiets straat", "café")
    assert clean.en == ("Bicycle street", "cafe")
    assert clean.note == "Verkeer."


@pytest.mark.parametrize("data", [
    {"nl": ["fiets", "rijwiel"]},
    {"en": ["bike", "bicycle"]},
    {"nl": ["fiets"], "en": ["bike"], "note": None},
    {"nl": ["park"], "en": ["park"]},
    {"nl": [f"term{i}" for i in range(30)], "en": [f"term{i}" for i in range(30)]},
    {"nl": ["een twee drie vier vijf", "x" * 100], "note": "n" * 500},
])
def test_sets_within_the_limits_are_accepted(app, data):
    assert errors_of(app, data) == {}


RULES = [
    ({"nl": "fietsstraat", "en": ["bike"]}, "nl", "Give the terms as a list."),
    ({"nl": None, "en": ["bike", "bicycle"]}, "nl", "Give the terms as a list."),
    ({"nl": [f"t{i}" for i in range(31)]}, "nl",
     "At most 30 terms per language; this has 31."),
    ({"nl": ["fiets", " "]}, "nl", "A term cannot be empty."),
    ({"en": ["bike", 7]}, "en", "Each term must be text."),
    ({"nl": ["fiets\tstraat", "rijwiel"]}, "nl",
     "A term must be one line without tabs or control characters."),
    ({"nl": ["fiets\nstraat", "rijwiel"]}, "nl",
     "A term must be one line without tabs or control characters."),
    ({"nl": ["fiets", "x" * 101]}, "nl",
     f"\"{'x' * 40}…\" is too long: at most 100 characters."),
    ({"en": ["bike", "one two three four five six"]}, "en",
     "\"one two three four five six\" has more than 5 words; a term is a word or a "
     "short phrase."),
    ({"nl": ["fiets"]}, "terms",
     "A set needs at least two different terms, in Dutch and English together."),
    ({"nl": ["Café", "cafe"]}, "terms",
     "A set needs at least two different terms, in Dutch and English together."),
    ({}, "terms", "A set needs at least two different terms, in Dutch and English together."),
    ({**BIKE, "note": 5}, "note", "Must be text."),
    ({**BIKE, "note": "n" * 501}, "note", "Too long: at most 500 characters, got 501."),
    ({**BIKE, "note": "a\x00b"}, "note", "Contains a character that is not allowed."),
    ({**BIKE, "terms": ["x"]}, "terms", "Unknown field \"terms\"."),
]


@pytest.mark.parametrize(("data", "field", "message"), RULES)
def test_each_rule_names_its_field_in_english(app, data, field, message):
    assert errors_of(app, data)[field] == message


def test_a_message_names_three_bad_terms_then_counts_the_rest(app):
    terms = ["a b c d e f", "g h i j k l", "m n o p q r", "s t u v w x", "\t"]
    message = errors_of(app, {"nl": terms})["nl"]
    assert message.count("has more than 5 words") == 3
    assert "\"a b c d e f\"" in message and "\"s t u v w x\"" not in message
    assert message.endswith("And 2 more problems.")


@pytest.mark.parametrize(("data", "field", "dutch"), [
    ({**BIKE, "note": "n" * 501}, "note",
     "Te lang: hoogstens 500 tekens, maar het zijn er 501."),
    ({**BIKE, "note": 5}, "note", "Moet tekst zijn."),
    ({**BIKE, "kind": "x"}, "kind", "Onbekend veld \"kind\"."),
    ({**BIKE, "note": "\x00"}, "note", "Bevat een teken dat niet is toegestaan."),
])
def test_messages_follow_the_reader_s_language(app, data, field, dutch):
    assert errors_of(app, data, "nl")[field] == dutch


NEW_MESSAGES = {
    "Give the terms as a list.": {"nl": "x"},
    "At most %(max)d terms per language; this has %(count)d.": {"nl": ["t"] * 31},
    "A term cannot be empty.": {"nl": [""]},
    "Each term must be text.": {"nl": [1]},
    "A term must be one line without tabs or control characters.": {"nl": ["\t"]},
    "\"%(term)s\" is too long: at most %(max)d characters.": {"nl": ["x" * 101]},
    "\"%(term)s\" has more than %(max)d words; a term is a word or a short phrase.":
        {"nl": ["a b c d e f"]},
    "A set needs at least two different terms, in Dutch and English together.": {"nl": ["x"]},
}


def _dutch_catalog_has(msgids: list[str]) -> bool:
    catalog = Translations.load(str(core_translations_dir()), ["nl"])
    return all(catalog.gettext(msgid) != msgid for msgid in msgids)


@pytest.mark.skipif(not _dutch_catalog_has(list(NEW_MESSAGES)),
                    reason="the Dutch catalog has no translations of the synonym messages yet")
@pytest.mark.parametrize("msgid", list(NEW_MESSAGES))
def test_new_messages_are_dutch_on_dutch_pages(app, msgid):
    data = NEW_MESSAGES[msgid]
    english = next(iter(errors_of(app, data).values()))
    assert next(iter(errors_of(app, data, "nl").values())) != english


# -- what search reads --------------------------------------------------------------------


def test_version_changes_with_every_change_and_only_then(app):
    seen = [version(app)]
    assert seen == ["0"]
    first = create(app, WATER)
    second = create(app, BIKE)
    seen.append(version(app))
    with app.test_request_context():
        synonym_set = service.get_set(first)
        assert service.update_set(synonym_set, WATER, None) is False  # saved as it was
        db.session.commit()
        assert service.version() == seen[-1]
        assert service.update_set(synonym_set, {**WATER, "note": "KNMI"}, None) is True
        db.session.commit()
        seen.append(service.version())
        # Deleting the older set leaves the newest id and update time as they were.
        service.delete_set(synonym_set)
        db.session.commit()
        seen.append(service.version())
        assert [s.id for s in service.find_sets()] == [second]
    assert len(set(seen)) == len(seen)


def test_a_refused_change_leaves_the_version(app):
    create(app, BIKE)
    before = version(app)
    with app.test_request_context(), pytest.raises(SynonymError):
        service.create_set({"nl": ["fietsstraat"], "en": ["Cycle street", "bicycle street"]},
                           None)
    assert version(app) == before


def test_all_sets_is_plain_frozen_data_in_order(app):
    water, bike = create(app, WATER), create(app, BIKE)
    with app.app_context():
        entries = service.all_sets()
        current, snapshot = service.snapshot()
        assert current == service.version() and snapshot == entries
    assert entries == [SynonymEntry(water, tuple(WATER["nl"]), tuple(WATER["en"])),
                       SynonymEntry(bike, tuple(BIKE["nl"]), tuple(BIKE["en"]))]
    with pytest.raises(AttributeError):
        entries[0].nl = ()  # type: ignore[misc]


def test_deleting_the_editor_keeps_the_set(app, make_user):
    editor = make_user("editor")
    with app.test_request_context():
        synonym_set = service.create_set(BIKE, db.session.get(type(editor), editor.id))
        db.session.commit()
        set_id = synonym_set.id
        db.session.delete(db.session.get(type(editor), editor.id))
        db.session.commit()
        db.session.expire_all()
        assert service.get_set(set_id).updated_by_id is None


# -- the admin pages ----------------------------------------------------------------------


PAGE_ROLES = ("anonymous", "reader", "contributor", "editor", "admin")


def client_as(app: Flask, make_user: Any, role: str) -> FlaskClient:
    client = app.test_client()
    if role != "anonymous":
        login(client, make_user(role, sectors=["education"] if role == "editor" else None))
    return client


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_only_editors_and_admins_reach_the_pages(app, make_user, role):
    set_id = create(app, BIKE)
    client = client_as(app, make_user, role)
    pages = ["/en/admin/synonyms", "/en/admin/synonyms/new", f"/en/admin/synonyms/{set_id}/edit",
             f"/en/admin/synonyms/{set_id}/delete"]
    got = {path: client.get(path).status_code for path in pages}
    got["POST delete"] = client.post(f"/en/admin/synonyms/{set_id}/delete").status_code
    got["POST new"] = client.post("/en/admin/synonyms/new", data={
        "terms_nl": "fiets\nrijwiel"}).status_code
    allowed = role in ("editor", "admin")
    expected = {path: 200 if allowed else 302 if role == "anonymous" else 403 for path in pages}
    expected["POST delete"] = 303 if allowed else 401 if role == "anonymous" else 403
    expected["POST new"] = 303 if allowed else 401 if role == "anonymous" else 403
    assert got == expected
    assert stored(app) == ([(["fiets", "rijwiel"], [], "")] if allowed
                           else [(BIKE["nl"], BIKE["en"], "")])
    if role == "anonymous":
        response = client.get("/en/admin/synonyms")
        assert response.headers["Location"].startswith("/en/login?next=")


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_the_navigation_links_the_page_for_editors_and_admins(app, make_user, role):
    client = client_as(app, make_user, role)
    html = client.get("/nl/").get_data(as_text=True)
    assert ('href="/nl/admin/synonyms"' in html) is (role in ("editor", "admin"))


def test_the_users_page_links_the_synonyms(app, make_user):
    client = client_as(app, make_user, "admin")
    assert 'href="/en/admin/synonyms"' in client.get("/en/admin/users").get_data(as_text=True)


@pytest.fixture
def editor_client(app: Flask, make_user: Any) -> FlaskClient:
    return client_as(app, make_user, "editor")


def test_add_edit_and_delete_through_the_forms(app, editor_client):
    client = editor_client
    form = Page(client.get("/en/admin/synonyms/new").get_data(as_text=True))
    assert form.label_for("terms_nl").text.strip() == "Dutch terms"
    assert form.by_id("terms_nl").get("lang") == "nl"
    assert "terms_nl-help" in form.by_id("terms_nl").get("aria-describedby")
    response = client.post("/en/admin/synonyms/new", data={
        "terms_nl": "wateroverlast\r\n\r\n  Regenwateroverlast \r\n",
        "terms_en": "pluvial flooding\nsurface water flooding\nPluvial Flooding",
        "note": "Twee regels\r\nuitleg"})
    assert response.status_code == 303 and response.headers["Location"] == "/en/admin/synonyms"
    assert stored(app) == [(["wateroverlast", "Regenwateroverlast"],
                            ["pluvial flooding", "surface water flooding"],
                            "Twee regels\nuitleg")]
    listing = client.get("/en/admin/synonyms").get_data(as_text=True)
    assert "Synonym set 1 has been added." in listing
    assert "wateroverlast, Regenwateroverlast" in listing
    assert "pluvial flooding, surface water flooding" in listing

    set_id = stored_ids(app)[0]
    edit = Page(client.get(f"/en/admin/synonyms/{set_id}/edit").get_data(as_text=True))
    assert edit.by_id("terms_en").text.strip() == "pluvial flooding\nsurface water flooding"
    response = client.post(f"/en/admin/synonyms/{set_id}/edit", data={
        "terms_nl": "wateroverlast", "terms_en": "pluvial flooding", "note": ""})
    assert response.status_code == 303
    assert stored(app) == [(["wateroverlast"], ["pluvial flooding"], "")]

    confirm = client.get(f"/en/admin/synonyms/{set_id}/delete").get_data(as_text=True)
    assert "This cannot be undone." in confirm and 'name="csrf_token"' in confirm
    assert client.post(f"/en/admin/synonyms/{set_id}/delete").status_code == 303
    assert stored(app) == []
    assert "Synonym set 1 has been deleted." in client.get("/en/admin/synonyms").get_data(
        as_text=True)


def stored_ids(app: Flask) -> list[int]:
    with app.app_context():
        return [s.id for s in service.find_sets()]


def test_the_filter_finds_sets_by_any_term_ignoring_case_and_accents(app, editor_client):
    create(app, WATER)
    create(app, {"nl": ["café", "kroeg"], "en": ["pub"]})
    page = editor_client.get("/en/admin/synonyms?q=CAFE").get_data(as_text=True)
    assert "kroeg" in page and "wateroverlast" not in page
    assert "1 of 2 sets has a term with \"CAFE\"." in page.replace("&#34;", "\"")
    assert Page(page).by_id("synonyms-q").get("value") == "CAFE"
    everything = editor_client.get("/en/admin/synonyms?q=").get_data(as_text=True)
    assert "kroeg" in everything and "wateroverlast" in everything
    assert "2 synonym sets." in everything


def test_errors_are_shown_by_their_fields_and_nothing_is_saved(app, editor_client):
    create(app, BIKE)
    before = version(app)
    response = editor_client.post("/en/admin/synonyms/new", data={
        "terms_nl": "een twee drie vier vijf zes", "terms_en": "", "note": "n" * 501})
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    summary = page.all("div", **{"class": "error-summary"})[0]
    assert "There is a problem" in summary.text
    assert "more than 5 words" in summary.text and "at most 500 characters" in summary.text
    assert page.by_id("terms_nl-error").text.startswith("\"een twee drie vier vijf zes\"")
    nl = page.by_id("terms_nl")
    assert nl.get("aria-invalid") == "true"
    assert set(nl.get("aria-describedby").split()) == {"terms_nl-help", "terms_nl-error"}
    assert nl.text.strip() == "een twee drie vier vijf zes"  # what was typed comes back
    assert page.by_id("note-error").text.startswith("Too long")
    links = [a.get("href") for item in summary.children[1].children for a in item.children]
    assert links == ["#terms_nl", "#note"]
    assert stored(app) == [(["fietsstraat"], ["bicycle street", "cycle street"], "")]
    assert version(app) == before


def test_a_rule_about_both_languages_is_shown_above_both_boxes(app, editor_client):
    page = Page(editor_client.post("/en/admin/synonyms/new", data={
        "terms_nl": "fiets", "terms_en": ""}).get_data(as_text=True))
    assert "at least two different terms" in page.by_id("terms-error").text
    fieldset = page.all("fieldset")[0]
    assert "terms-error" in fieldset.get("aria-describedby")
    assert stored(app) == []


def test_the_same_terms_twice_are_refused_also_when_editing(app, editor_client):
    first = create(app, BIKE)
    second = create(app, WATER)
    html = editor_client.post("/en/admin/synonyms/new", data={
        "terms_nl": "Fietsstraat", "terms_en": "cycle street\nbicycle street"}).get_data(
        as_text=True)
    assert f"These terms already form synonym set {first}." in html
    html = editor_client.post(f"/en/admin/synonyms/{second}/edit", data={
        "terms_nl": "fietsstraat", "terms_en": "bicycle street\ncycle street"}).get_data(
        as_text=True)
    assert f"These terms already form synonym set {first}." in html
    assert stored(app)[1][0] == WATER["nl"]


def test_dutch_pages_speak_dutch(app, editor_client):
    response = editor_client.post("/nl/admin/synonyms/new", data={
        "terms_nl": "fiets\nrijwiel", "note": "n" * 501})
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html and "Er is een probleem" in html
    assert "Te lang: hoogstens 500 tekens, maar het zijn er 501." in html
    assert stored(app) == []


def test_unknown_sets_are_404(editor_client):
    for path in ("/en/admin/synonyms/99/edit", "/en/admin/synonyms/99/delete",
                 f"/en/admin/synonyms/{2**40}/edit"):
        assert editor_client.get(path).status_code == 404
    assert editor_client.post("/en/admin/synonyms/99/delete").status_code == 404


def test_the_forms_need_the_csrf_token(tmp_path, make_user):
    app = make_app(tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    set_id = create(app, BIKE)
    with app.app_context():
        from kennisbank.models import User

        editor = User(email="ed@example.org", name="Ed", role="editor", sectors=[])
        db.session.add(editor)
        db.session.commit()
        db.session.refresh(editor)
        db.session.expunge(editor)
    client = app.test_client()
    login(client, editor)
    refused = [
        client.post("/en/admin/synonyms/new", data={"terms_nl": "fiets\nrijwiel"}),
        client.post(f"/en/admin/synonyms/{set_id}/edit", data={"terms_nl": "fiets\nrijwiel"}),
        client.post(f"/en/admin/synonyms/{set_id}/delete"),
    ]
    assert [r.status_code for r in refused] == [400, 400, 400]
    assert stored(app) == [(BIKE["nl"], BIKE["en"], "")]
    token = csrf_token(client, f"/en/admin/synonyms/{set_id}/delete")
    assert client.post(f"/en/admin/synonyms/{set_id}/delete",
                       data={"csrf_token": token}).status_code == 303
    token = csrf_token(client, "/en/admin/synonyms/new")
    assert client.post("/en/admin/synonyms/new", data={
        "terms_nl": "fiets\nrijwiel", "csrf_token": token}).status_code == 303
    assert stored(app) == [(["fiets", "rijwiel"], [], "")]


def csrf_token(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# -- export and import --------------------------------------------------------------------


def write_lines(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n"
                            for line in lines), encoding="utf-8")
    return path


def item_count(app: Flask) -> int:
    with app.app_context():
        return db.session.query(Item).count()


def test_export_writes_the_sets_after_the_items_and_import_restores_them(tmp_path):
    source = make_app(tmp_path / "source")
    create(source, WATER)
    create(source, {**BIKE, "note": "Verkeer \"fietsstraat\"\nzie CROW."})
    with source.app_context():
        from kennisbank.content.service import commit, save_item

        save_item(item_data(external_id="ext-1"), user=None)
        commit()
    exported = tmp_path / "export.jsonl"
    result = Runner(source).invoke("export", str(exported))
    assert "Exported 1 items to" in result.stderr
    assert f"Exported 2 synonym sets to {exported}" in result.stderr
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert "kind" not in lines[0] and lines[0]["external_id"] == "ext-1"
    note = "Verkeer \"fietsstraat\"\nzie CROW."
    assert lines[1:] == [{"kind": "synonym_set", **WATER, "note": ""},
                         {"kind": "synonym_set", **BIKE, "note": note}]

    target = make_app(tmp_path / "target")
    runner = Runner(target)
    first = runner.invoke("import", str(exported))
    assert first.exit_code == 0, first.output
    assert untimed(first.output).splitlines() == ["Imported: 1 created, 0 updated, 0 unchanged.",
                                         "Synonym sets: 2 created, 0 updated, 0 unchanged."]
    assert stored(target) == stored(source)
    settled = version(target)
    again = runner.invoke("import", str(exported))
    assert again.output.splitlines()[1] == "Synonym sets: 0 created, 0 updated, 2 unchanged."
    assert stored(target) == stored(source) and version(target) == settled
    assert Runner(target).invoke("export").stdout == exported.read_text(encoding="utf-8")


def test_a_set_with_the_same_terms_is_updated_not_added(app, runner, tmp_path):
    create(app, BIKE)
    path = write_lines(tmp_path / "sets.jsonl", [
        {"kind": "synonym_set", "nl": ["Fietsstraat"], "en": ["cycle street", "bicycle street"],
         "note": "CROW"},
        {"kind": "synonym_set", **WATER},
    ])
    result = runner.invoke("import", str(path))
    assert result.exit_code == 0, result.output
    assert untimed(result.output).splitlines() == ["Imported: 0 created, 0 updated, 0 unchanged.",
                                          "Synonym sets: 1 created, 1 updated, 0 unchanged."]
    assert stored(app) == [(["Fietsstraat"], ["cycle street", "bicycle street"], "CROW"),
                           (WATER["nl"], WATER["en"], "")]


def test_a_bad_synonym_line_imports_nothing_and_is_named(app, runner, tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", [
        item_data(external_id="fine"),
        {"kind": "synonym_set", "nl": ["fiets"]},
        {"kind": "synonym_set", **BIKE},
        {"kind": "synonym_set", "nl": ["Fietsstraat"], "en": ["bicycle street", "cycle street"]},
        {"kind": "glossary", "nl": ["x"]},
        {"kind": "synonym_set", **WATER, "note": 3, "extra": True},
    ])
    result = runner.invoke("import", str(path))
    assert result.exit_code != 0
    assert result.stderr.splitlines()[:6] == [
        "line 2: terms: A set needs at least two different terms, in Dutch and English together.",
        "line 4: terms: Duplicate of line 3.",
        "line 5: kind: Unknown kind of line \"glossary\"; known: synonym_set.",
        "line 6: extra: Unknown field \"extra\".",
        "line 6: note: Must be text.",
        "Error: nothing imported: 4 invalid line(s)",
    ]
    assert item_count(app) == 0 and stored(app) == [] and version(app) == "0"


def test_a_file_of_synonym_sets_only_imports(app, runner, tmp_path):
    path = write_lines(tmp_path / "sets.jsonl", [{"kind": "synonym_set", **BIKE}])
    assert runner.invoke("import", str(path)).exit_code == 0
    assert stored(app) == [(BIKE["nl"], BIKE["en"], "")]


def test_an_export_without_sets_is_items_only(app, runner, make_item):
    make_item(external_id="only")
    lines = runner.invoke("export").stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["external_id"] == "only"


# -- the command line ---------------------------------------------------------------------


def test_cli_adds_lists_and_deletes(app, runner):
    assert "No synonym sets yet" in runner.invoke("synonyms", "list").output
    added = runner.invoke("synonyms", "add", "--nl", "fietsstraat", "--en", "bicycle street",
                          "--en", "cycle street", "--note", "CROW")
    assert added.output.strip() == "Added synonym set 1."
    assert runner.invoke("synonyms", "list").output.strip() == (
        "1  nl: fietsstraat  |  en: bicycle street, cycle street")
    assert json.loads(runner.invoke("synonyms", "list", "--json").output) == [
        {"id": 1, "nl": ["fietsstraat"], "en": ["bicycle street", "cycle street"],
         "note": "CROW"}]
    refused = runner.invoke("synonyms", "add", "--nl", "fiets")
    assert refused.exit_code != 0
    assert "terms: A set needs at least two different terms" in refused.output
    assert runner.invoke("synonyms", "delete", "7").exit_code != 0
    assert runner.invoke("synonyms", "delete", "1").output.strip() == "Deleted synonym set 1."
    assert stored(app) == []


def test_the_model_keeps_terms_per_language(app):
    with app.app_context():
        synonym_set = SynonymSet(terms_nl=["a"], terms_en=["b"])
        assert (synonym_set.terms("nl"), synonym_set.terms("en")) == (["a"], ["b"])
