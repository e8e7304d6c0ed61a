"""Import and export through the command line: all or nothing, every bad line named, round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kennisbank import ContentType, Field, hookimpl
from kennisbank.extensions import db
from kennisbank.models import IndexTask, Item, ItemTranslation, Revision
from tests.conftest import Runner, item_data, make_app, untimed

KINDS = ContentType(
    name="field_trip",
    label={"nl": "Excursie", "en": "Field trip"},
    sector="education",
    fields=[
        Field("pupils", "integer", label={"en": "Pupils"}),
        Field("cost_share", "decimal", label={"en": "Cost share"}),
        Field("by_train", "boolean", label={"en": "By train"}),
        Field("visited_on", "date", label={"en": "Visited on"}),
        Field("levels", "multichoice", label={"en": "Levels"},
              choices={"po": {"en": "Primary"}, "vo": {"en": "Secondary"}}),
        Field("destination", "country", label={"en": "Destination"}),
        Field("report", "url", label={"en": "Report"}),
        Field("lesson", "markdown", label={"en": "Lesson"}, translatable=True),
    ],
)


class FieldTripPlugin:
    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        return [KINDS]


def new_app(path: Path) -> Flask:
    return make_app(path, EXTRA_PLUGINS=[FieldTripPlugin()])


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return new_app(tmp_path / "a")


@pytest.fixture
def runner(app: Flask) -> Runner:
    return Runner(app)


def write_lines(path: Path, lines: list[Any]) -> Path:
    """Each entry a line: dicts as JSON, str as text, bytes as they are."""
    raw = b"".join(
        (line if isinstance(line, bytes)
         else (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)).encode())
        + b"\n"
        for line in lines
    )
    path.write_bytes(raw)
    return path


def rows(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.execute(
                db.select(db.func.count()).select_from(model)
            ).scalar_one()
            for model in (Item, ItemTranslation, Revision, IndexTask)
        }


def stored(app: Flask) -> dict[str, Item]:
    with app.app_context():
        items = db.session.execute(db.select(Item)).scalars().all()
        for item in items:
            db.session.expunge(item)
        return {item.external_id: item for item in items}


def field_trip(**overrides: Any) -> dict[str, Any]:
    data = {
        "external_id": "trip-1",
        "type": "field_trip",
        "status": "published",
        "sector": "education",
        "city": "Münster",
        "country": "DE",
        "themes": ["sdg4", "sdg17"],
        "tags": ["excursie", "duits"],
        "start_date": "2023-03-01",
        "end_date": "2023-03-03",
        "organisation": "Alexander Hegius Gymnasium",
        "fields": {"pupils": 0, "cost_share": 0.25, "by_train": False,
                   "visited_on": "2023-03-02", "levels": ["vo", "po"], "destination": "DE",
                   "report": "https://example.org/verslag?id=1"},
        "translations": {
            "nl": {"title": "Excursie naar Münster", "summary": "Drie dagen.",
                   "body": "Leerlingen *leren* Duits.", "lesson": "Neem **boterhammen** mee."},
            "en": {"title": "Field trip to Münster", "summary": "Three days.",
                   "body": "Pupils *learn* German.", "lesson": "Bring **sandwiches**."},
        },
    }
    data.update(overrides)
    return data


def test_valid_file_is_imported(runner, app, tmp_path) -> None:
    path = write_lines(tmp_path / "items.jsonl", [
        item_data(external_id="p-1"),
        field_trip(),
        item_data(external_id="p-2", status="draft",
                  translations={"en": {"title": "English only"}}),
    ])
    result = runner.invoke("import", str(path))
    assert result.exit_code == 0, result.output
    assert untimed(result.output) == "Imported: 3 created, 0 updated, 0 unchanged."
    items = stored(app)
    assert set(items) == {"p-1", "p-2", "trip-1"}
    assert items["trip-1"].fields["levels"] == ["vo", "po"]
    assert items["trip-1"].fields["by_train"] is False
    assert items["p-2"].status == "draft" and items["p-2"].languages == ["en"]
    assert rows(app)["revisions"] == 3


def test_reimport_updates_by_external_id_and_reports_unchanged(runner, app, tmp_path) -> None:
    first = [item_data(external_id="p-1"), field_trip()]
    runner.invoke("import", str(write_lines(tmp_path / "one.jsonl", first)))
    with app.app_context():
        every = db.session.execute(db.select(Item)).scalars()
        stamps = {item.external_id: item.updated_at for item in every}
    before = rows(app)
    again = runner.invoke("import", str(tmp_path / "one.jsonl"))
    assert untimed(again.output) == "Imported: 0 created, 0 updated, 2 unchanged."
    assert rows(app) == before  # no revision, no index task for an unchanged item
    with app.app_context():
        for item in db.session.execute(db.select(Item)).scalars():
            assert item.updated_at == stamps[item.external_id], item.external_id
    changed = copy.deepcopy(first)
    changed[1]["fields"]["pupils"] = 31
    changed[1]["translations"]["en"]["title"] = "Field trip to Münster, again"
    result = runner.invoke("import", str(write_lines(tmp_path / "two.jsonl", changed)))
    assert untimed(result.output) == "Imported: 0 created, 1 updated, 1 unchanged."
    items = stored(app)
    assert len(items) == 2
    assert items["trip-1"].fields["pupils"] == 31
    assert rows(app)["items"] == before["items"]
    assert rows(app)["revisions"] == before["revisions"] + 1
    with app.app_context():
        revision = db.session.execute(
            db.select(Revision).order_by(Revision.id.desc()).limit(1)
        ).scalar_one()
        assert revision.action == "import"
        assert revision.changed == ["fields.pupils", "translations.en.title"]


def test_reimport_can_drop_a_translation(runner, app, tmp_path) -> None:
    runner.invoke("import", str(write_lines(tmp_path / "a.jsonl", [field_trip()])))
    dutch_only = field_trip()
    del dutch_only["translations"]["en"]
    runner.invoke("import", str(write_lines(tmp_path / "b.jsonl", [dutch_only])))
    assert stored(app)["trip-1"].languages == ["nl"]
    assert rows(app)["item_translations"] == 1


BAD_LINES: list[tuple[Any, str, str]] = [
    ("{not json", "line", "Not valid JSON"),
    (item_data(type="recipe"), "type", 'Unknown content type "recipe"'),
    (item_data(colour="red"), "colour", 'Unknown field "colour".'),
    (item_data(translations={"nl": {"summary": "Geen titel"}}), "translations.nl.title",
     "A title is required."),
    (item_data(translations={}), "translations",
     "Give at least one translation (nl or en) with a title."),
    (field_trip(external_id="trip-2", fields={"pupils": "12"}), "fields.pupils",
     "Must be a whole number."),
    (item_data(translations={"en": {"title": "x" * 201}}), "translations.en.title",
     "Too long: at most 200 characters, got 201."),
    (item_data(external_id="ok-1"), "external_id", "Duplicate of line 1."),
    (b'{"type": "practice", "translations": {"nl": {"title": "caf\xe9"}}}', "line",
     "Not valid UTF-8 text."),
    ("[1, 2, 3]", "item", "An item must be a JSON object."),
]


def test_any_invalid_line_imports_nothing_and_lists_every_bad_line(runner, app, tmp_path) -> None:
    runner.invoke("import", str(write_lines(tmp_path / "seed.jsonl",
                                            [item_data(external_id="existing")])))
    before = rows(app)
    updated_existing = item_data(external_id="existing",
                                 translations={"en": {"title": "Changed title"}})
    lines: list[Any] = [item_data(external_id="ok-1"), "", updated_existing, "   "]
    expected: dict[int, tuple[str, str]] = {}
    for line, path, message in BAD_LINES:
        lines.append(line)
        expected[len(lines)] = (path, message)
    result = runner.invoke("import", str(write_lines(tmp_path / "bad.jsonl", lines)))
    assert result.exit_code != 0
    reported = [row for row in result.stderr.splitlines() if row.startswith("line ")]
    assert [int(row.split(":")[0].split()[1]) for row in reported] == sorted(expected)
    for row in reported:
        number = int(row.split(":")[0].split()[1])
        path, message = expected[number]
        assert row.startswith(f"line {number}: {path}: {message}"), row
    assert f"nothing imported: {len(BAD_LINES)} invalid line(s)" in result.stderr
    assert rows(app) == before
    assert set(stored(app)) == {"existing"}
    assert stored(app)["existing"].translation("en").title == "Bicycle streets in the centre"


def test_line_with_several_problems_lists_each(runner, app, tmp_path) -> None:
    line = item_data(status="gone", country="XX", translations={"en": {"title": ""}})
    result = runner.invoke("import", str(write_lines(tmp_path / "x.jsonl", [line])))
    assert result.exit_code != 0
    assert "line 1: status: Must be one of: draft, review, published, archived." in result.stderr
    assert "line 1: country: " in result.stderr
    assert "line 1: translations.en.title: A title is required." in result.stderr


def test_empty_file_is_an_error(runner, app, tmp_path) -> None:
    result = runner.invoke("import", str(write_lines(tmp_path / "empty.jsonl", ["", "  "])))
    assert result.exit_code != 0
    assert "The file contains no items." in result.stderr
    assert rows(app)["items"] == 0


def test_windows_line_endings_and_a_byte_order_mark_are_accepted(runner, app, tmp_path) -> None:
    text = "\r\n".join(json.dumps(item_data(external_id=f"w-{n}")) for n in (1, 2)) + "\r\n"
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = runner.invoke("import", str(path))
    assert result.exit_code == 0, result.output
    assert set(stored(app)) == {"w-1", "w-2"}


def test_import_reads_standard_input(runner, app) -> None:
    result = runner.invoke("import", "-", input=json.dumps(item_data(external_id="stdin-1")))
    assert result.exit_code == 0, result.output
    assert set(stored(app)) == {"stdin-1"}


def test_export_to_stdout_writes_one_json_line_per_item(runner, app, tmp_path) -> None:
    runner.invoke("import", str(write_lines(tmp_path / "in.jsonl",
                                            [item_data(external_id="p-1"), field_trip()])))
    result = runner.invoke("export")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [json.loads(line)["external_id"] for line in lines] == ["p-1", "trip-1"]
    assert json.loads(lines[1]) == field_trip()


def test_export_to_a_file(runner, app, tmp_path) -> None:
    runner.invoke("import", str(write_lines(tmp_path / "in.jsonl", [field_trip()])))
    target = tmp_path / "out.jsonl"
    result = runner.invoke("export", str(target))
    assert result.exit_code == 0
    assert f"Exported 1 items to {target}" in result.stderr
    assert result.stdout == ""
    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == [
        field_trip()
    ]
    assert "Münster" in target.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    assert not (tmp_path / "out.jsonl.part").exists()


def test_export_of_an_empty_instance_is_empty(runner) -> None:
    result = runner.invoke("export")
    assert result.exit_code == 0 and result.stdout == ""


def test_export_then_import_round_trips_exactly(runner, app, tmp_path) -> None:
    source = [
        item_data(external_id="p-1"),
        item_data(external_id="p-2", status="review", country=None, city=None, themes=[],
                  tags=[], start_date=None, translations={"nl": {"title": "Alleen Nederlands"}}),
        item_data(status="archived", external_id=None,
                  translations={"en": {"title": "No id given", "challenge": "Traffic",
                                       "results": "* fewer cars\n* more bikes"}}),
        field_trip(),
        field_trip(external_id="trip-draft", status="draft", fields={"pupils": 4}),
    ]
    runner.invoke("import", str(write_lines(tmp_path / "source.jsonl", source)))
    exported = tmp_path / "export.jsonl"
    runner.invoke("export", str(exported))

    fresh = new_app(tmp_path / "b")
    result = Runner(fresh).invoke("import", str(exported))
    assert result.exit_code == 0, result.output
    assert untimed(result.output) == "Imported: 5 created, 0 updated, 0 unchanged."
    second_export = Runner(fresh).invoke("export").stdout
    assert second_export == exported.read_text(encoding="utf-8")

    first, second = stored(app), stored(fresh)
    assert set(first) == set(second) and len(first) == 5
    for external_id, item in first.items():
        twin = second[external_id]
        for attribute in ("type", "status", "sector", "city", "country", "themes", "tags",
                          "start_date", "end_date", "organisation", "fields"):
            assert getattr(twin, attribute) == getattr(item, attribute), attribute
        assert [(t.lang, t.title, t.summary, t.body, t.fields) for t in twin.translations] == [
            (t.lang, t.title, t.summary, t.body, t.fields) for t in item.translations
        ]
    generated = [key for key in first if key.startswith("kb-")]
    assert len(generated) == 1  # the item without an id got a stable one
    again = Runner(fresh).invoke("import", str(exported))
    assert untimed(again.output) == "Imported: 0 created, 0 updated, 5 unchanged."
