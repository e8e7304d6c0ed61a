"""``kennisbank search QUERY [--lang] [--json]``: the API's search, as an anonymous reader."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Runner, make_app
from tests.search.support import add, texts


def test_search_lists_what_an_anonymous_reader_may_see(app, make_user) -> None:
    owner = make_user("contributor")
    shown = add(app, tags=[], translations=texts(nl=("Lantaarnmarkt", "Kraampjes."),
                                                 en=("Lantern market", "Stalls.")))
    add(app, owner=owner, status="draft", tags=[],
        translations=texts(en=("Lantern secrets", "Not yet.")))
    result = Runner(app).invoke("search", "lantern", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "1 result(s), 1-1:"
    assert lines[1].split() == [str(shown), "Lantern", "market", "[en]", f"/en/items/{shown}"]
    assert "secrets" not in result.output


def test_search_in_dutch_shows_the_dutch_translation(app) -> None:
    shown = add(app, tags=[], translations=texts(nl=("Lantaarnmarkt", "Kraampjes."),
                                                 en=("Lantern market", "Stalls.")))
    result = Runner(app).invoke("search", "lantaarnmarkt", "--lang", "nl")
    assert result.exit_code == 0, result.output
    assert f"Lantaarnmarkt  [nl]  /nl/items/{shown}" in result.output


def test_search_json_is_the_api_answer(app) -> None:
    add(app, tags=[], translations=texts(en=("Lantern market", "Stalls and lanterns.")))
    add(app, tags=[], translations=texts(en=("Lantern walk", "An evening walk.")))
    result = Runner(app).invoke("search", "lantern", "--lang", "en", "--json")
    assert result.exit_code == 0, result.output
    api = app.test_client().get("/api/v1/search", query_string={"q": "lantern", "lang": "en"})
    assert json.loads(result.output) == api.get_json()
    assert json.loads(result.output)["total"] == 2


def test_search_refuses_when_anonymous_reading_is_off(tmp_path: Path) -> None:
    app = make_app(tmp_path, PUBLIC=False)
    add(app, tags=[], translations=texts(en=("Lantern market", "Stalls.")))
    result = Runner(app).invoke("search", "lantern")
    assert result.exit_code == 1
    assert "anonymous readers may not search" in result.output
    assert "Lantern market" not in result.output


def test_search_refuses_a_bad_language_and_changes_nothing(app) -> None:
    result = Runner(app).invoke("search", "lantern", "--lang", "de")
    assert result.exit_code == 2
    assert "'de' is not one of 'nl', 'en'" in result.output
