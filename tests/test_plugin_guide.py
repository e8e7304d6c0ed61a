"""The plugin guide (plugins/README.md) keeps up with the contract it describes:
every hook has its section, every policy action is listed for
``permission_allowed``, and the failure rules table says what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from kennisbank import hookspecs
from kennisbank.auth.policy import ACTIONS

GUIDE = (Path(__file__).resolve().parents[1] / "plugins" / "README.md").read_text("utf-8")


def hook_names() -> list[str]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return [name for name, obj in vars(hookspecs).items() if hasattr(obj, marker)]


def section(heading_pattern: str) -> str:
    """The text under the first ``###`` heading matching the pattern, up to the next heading."""
    found = re.search(rf"^### {heading_pattern}[^\n]*$(.*?)(?=^##)", GUIDE, re.M | re.S)
    assert found, heading_pattern
    return found.group(1)


def test_every_hook_has_a_section_in_the_guide() -> None:
    headings = re.findall(r"^### (.+)$", GUIDE, re.M)
    missing = [name for name in hook_names()
               if not any(re.search(rf"\b{name}\(", heading) for heading in headings)]
    assert missing == []


def test_every_hook_section_says_something() -> None:
    for name in hook_names():
        text = section(rf"(?:[^\n]*\b)?{name}\(")
        assert len(text.split()) >= 20, name


def test_permission_allowed_lists_every_policy_action() -> None:
    text = section(r"permission_allowed\(")
    missing = [action for action in ACTIONS if f"`{action}`" not in text]
    assert missing == []


def test_the_failure_rules_table_matches_the_hookspecs() -> None:
    table = dict(re.findall(r"^\| `(\w+)` \| (start|veto|contained) \|$", GUIDE, re.M))
    assert table == hookspecs.declared_rules()
