"""README.md's settings tables and :data:`kennisbank.config.SETTINGS` say the same.

Every setting an operator may set (all but the ``internal`` ones) is in a
README table, every ``KENNISBANK_*`` row names a setting, and where the
README gives a default as a plain value (`` `256` ``, `` `true` ``), it is the
table's. Rows may name several settings: ``KENNISBANK_MAIL_PORT`` / ``_USE_TLS``
(the same first word) or ``KENNISBANK_LOGIN_LIMIT_ACCOUNT`` / ``..._ADDRESS``
(the same but the last word), with the defaults in the same order.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from kennisbank.config import DEFAULTS, SETTINGS

README = Path(__file__).parent.parent / "README.md"
ROW = re.compile(r"^\| (`KENNISBANK_[^|]+) \|(.*)$", re.M)
LITERAL = re.compile(r"^`([^`]*)`$")


def _names(cell: str) -> list[str]:
    parts = [part.strip().strip("`") for part in cell.split(" / ")]
    first = parts[0].removeprefix("KENNISBANK_")
    names = [first]
    for part in parts[1:]:
        if part.startswith("KENNISBANK_"):
            names.append(part.removeprefix("KENNISBANK_"))
        elif part.startswith("..._"):
            names.append(first.rsplit("_", 1)[0] + part.removeprefix("..."))
        elif part.startswith("_"):
            names.append(first.split("_", 1)[0] + part)
        else:
            raise AssertionError(f"cannot read the setting name {part!r} in {cell!r}")
    return names


def readme_rows() -> list[tuple[list[str], list[str] | None]]:
    """``(names, default cells or None)`` for each row of the configuration tables."""
    rows = []
    for match in ROW.finditer(README.read_text(encoding="utf-8")):
        names = _names(match[1])
        cells = [cell.strip() for cell in match[2].split(" | ")]
        defaults = [d.strip() for d in cells[0].split(" / ")] if len(cells) > 1 else None
        rows.append((names, defaults if defaults and len(defaults) == len(names) else None))
    return rows


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, timedelta):
        return str(int(value.total_seconds()))
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def test_every_setting_is_documented_and_every_documented_one_exists() -> None:
    documented = {name for names, _ in readme_rows() for name in names}
    expected = {s.name for s in SETTINGS if not s.internal}
    assert sorted(expected - documented) == [], "settings missing from README.md"
    assert sorted(documented - set(DEFAULTS)) == [], "README.md names unknown settings"


def test_plain_defaults_in_the_readme_are_the_tables() -> None:
    checked = 0
    for names, defaults in readme_rows():
        for name, cell in zip(names, defaults or [], strict=False):
            literal = LITERAL.match(cell)
            if literal and DEFAULTS[name] is not None:
                assert literal[1] == shown(DEFAULTS[name]), name
                checked += 1
    assert checked >= 20


def test_every_setting_has_a_description_and_one_entry() -> None:
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    assert all(s.description.strip() for s in SETTINGS)


def test_the_app_starts_with_the_tables_defaults(app: Flask) -> None:
    for setting in SETTINGS:
        if setting.default is not None and setting.name not in ("SECRET_KEY",):
            assert setting.name in app.config, setting.name
    assert app.config["SSO_DOMAINS"] == [] and app.config["SSO_DOMAINS"] is not DEFAULTS[
        "SSO_DOMAINS"]
