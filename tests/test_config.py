"""Configuration: defaults needing no services, ``KENNISBANK_*`` overrides, the kept secret key."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import text

from kennisbank import create_app
from kennisbank.cli import build_cli
from kennisbank.config import SECRET_KEY_FILE, ConfigError, _persistent_secret_key, load_config
from kennisbank.extensions import db


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings from the developer's shell must not leak into these tests."""
    for name in list(os.environ):
        if name.startswith("KENNISBANK_"):
            monkeypatch.delenv(name)


def test_defaults_run_on_one_machine_with_no_services(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE": str(instance)})
    assert app.instance_path == str(instance.resolve())
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance.resolve() / 'kennisbank.sqlite'}"
    assert app.config["DEFAULT_LANGUAGE"] == "nl"
    assert app.config["PUBLIC"] is True
    assert app.config["PLUGINS"] is None
    assert app.config["SECRET_KEY"]
    response = app.test_client().get("/nl/")
    assert response.status_code == 200
    assert (instance / "kennisbank.sqlite").is_file()


def test_environment_overrides_every_documented_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "from-env"
    database = tmp_path / "elsewhere.sqlite"
    monkeypatch.setenv("KENNISBANK_INSTANCE", str(instance))
    monkeypatch.setenv("KENNISBANK_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("KENNISBANK_PUBLIC", "false")
    monkeypatch.setenv("KENNISBANK_PLUGINS", "")
    monkeypatch.setenv("KENNISBANK_DATABASE_URL", f"sqlite:///{database}")
    app = create_app()
    assert app.instance_path == str(instance.resolve())
    assert app.config["DEFAULT_LANGUAGE"] == "en"
    assert app.config["PUBLIC"] is False
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
    assert database.is_file()
    assert not (instance / "kennisbank.sqlite").exists()
    client = app.test_client()
    assert client.get("/", headers={"Accept-Language": "de"}).location == "/en/"
    assert client.get("/en/").status_code == 401  # not public: visitors must log in


def test_plugins_variable_is_a_comma_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENNISBANK_PLUGINS", " first , second,,")
    app = Flask("probe", instance_path=str(tmp_path / "probe"))
    load_config(app, {"SECRET_KEY": "x"})
    assert app.config["PLUGINS"] == ["first", "second"]


@pytest.mark.parametrize(
    ("word", "public"),
    [("false", False), ("False", False), ("no", False), ("OFF", False), ("0", False),
     ("true", True), ("Yes", True), ("on", True), ("1", True)],
)
def test_on_off_settings_understand_common_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str, public: bool
) -> None:
    monkeypatch.setenv("KENNISBANK_PUBLIC", word)
    app = create_app({"INSTANCE": str(tmp_path / "instance")})
    assert app.config["PUBLIC"] is public


def test_nonsense_for_an_on_off_setting_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENNISBANK_PUBLIC", "maybe")
    with pytest.raises(ConfigError, match="KENNISBANK_PUBLIC must be true or false, not 'maybe'"):
        create_app({"INSTANCE": str(tmp_path / "instance")})


def test_numbers_from_the_environment_stay_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENNISBANK_MAX_TITLE_LENGTH", "1")
    app = create_app({"INSTANCE": str(tmp_path / "instance")})
    assert app.config["MAX_TITLE_LENGTH"] == 1 and app.config["MAX_TITLE_LENGTH"] is not True


def test_explicit_config_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENNISBANK_DEFAULT_LANGUAGE", "en")
    app = create_app({"INSTANCE": str(tmp_path / "i"), "DEFAULT_LANGUAGE": "nl"})
    assert app.config["DEFAULT_LANGUAGE"] == "nl"


def test_secret_key_is_generated_once_kept_private_and_reused(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE": str(instance)})
    key_file = instance / SECRET_KEY_FILE
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    second = create_app({"INSTANCE": str(instance)})
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    other = create_app({"INSTANCE": str(tmp_path / "other")})
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_session_signed_before_a_restart_is_valid_after_it(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE": str(instance)})
    serializer = first.session_interface.get_signing_serializer(first)
    cookie = serializer.dumps({"_user_id": "1:0"})
    restarted = create_app({"INSTANCE": str(instance)})
    assert restarted.session_interface.get_signing_serializer(restarted).loads(cookie) == {
        "_user_id": "1:0"
    }


def test_configured_secret_key_is_not_written_to_disk(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE": str(instance), "SECRET_KEY": "given"})
    assert app.config["SECRET_KEY"] == "given"
    assert not (instance / SECRET_KEY_FILE).exists()


def test_workers_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    """gunicorn starts several workers at once; each must end up with the same key."""
    workers = 16
    barrier = threading.Barrier(workers)
    keys: list[str] = []
    failures: list[BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            keys.append(_persistent_secret_key(tmp_path))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(set(keys)) == 1 and keys[0]
    assert (tmp_path / SECRET_KEY_FILE).read_text().strip() == keys[0]


def test_empty_secret_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / SECRET_KEY_FILE).write_text("")
    with pytest.raises(ConfigError, match=SECRET_KEY_FILE):
        _persistent_secret_key(tmp_path)


def test_bad_default_language_stops_the_start_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENNISBANK_DEFAULT_LANGUAGE", "de")
    expected = r"KENNISBANK_DEFAULT_LANGUAGE must be one of nl, en, not 'de'"
    with pytest.raises(ConfigError, match=expected):
        create_app({"INSTANCE": str(tmp_path / "instance")})
    assert not (tmp_path / "instance" / SECRET_KEY_FILE).exists()


def test_bad_default_language_gives_a_clean_cli_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENNISBANK_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("KENNISBANK_DEFAULT_LANGUAGE", "fr")
    result = CliRunner().invoke(build_cli(), ["users", "list"])
    assert result.exit_code == 1
    assert "KENNISBANK_DEFAULT_LANGUAGE must be one of nl, en, not 'fr'" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    app = create_app({"INSTANCE": str(tmp_path / "instance")})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "instance" / "kennisbank.sqlite-wal").exists()
