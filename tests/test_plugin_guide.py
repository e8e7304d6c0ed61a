"""The plugin guide (plugins/README.md) keeps up with the contract it describes.

Every hook has its section, every policy action is listed for
``permission_allowed``, and the failure rules table says what the code does.
And the guide's complete plugin works as printed, with the testing kit only:
the guide marks each file of its example with ``<!-- file: PATH -->`` before
the code block; the test writes those blocks to an empty folder, away from
this repository, and runs their tests there in a fresh pytest process, as a
plugin author copying the guide would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kennisbank import hookspecs
from kennisbank.auth.policy import ACTIONS

GUIDE = Path(__file__).parent.parent / "plugins" / "README.md"
GUIDE_TEXT = GUIDE.read_text(encoding="utf-8")
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>[\w/.]+) -->\n```python\n(?P<code>.*?)```", re.S)


def hook_names() -> list[str]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return [name for name, obj in vars(hookspecs).items() if hasattr(obj, marker)]


def section(heading_pattern: str) -> str:
    """The text under the first ``###`` heading matching the pattern, up to the next heading."""
    found = re.search(rf"^### {heading_pattern}[^\n]*$(.*?)(?=^##)", GUIDE_TEXT, re.M | re.S)
    assert found, heading_pattern
    return found.group(1)


def test_every_hook_has_a_section_in_the_guide() -> None:
    headings = re.findall(r"^### (.+)$", GUIDE_TEXT, re.M)
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
    table = dict(re.findall(r"^\| `(\w+)` \| (start|veto|contained) \|$", GUIDE_TEXT, re.M))
    assert table == hookspecs.declared_rules()


def guide_files() -> dict[str, str]:
    return {m["path"]: m["code"] for m in FILE_BLOCK.finditer(GUIDE_TEXT)}


def test_the_guide_holds_a_plugin_and_its_tests() -> None:
    files = guide_files()
    assert set(files) == {"kennisbank_walks/__init__.py", "tests/test_walks.py"}
    assert "from kennisbank.testing import" in files["tests/test_walks.py"]
    assert "tests.conftest" not in "".join(files.values())


@pytest.mark.skipif(os.environ.get("KENNISBANK_TEST_DB") == "postgres",
                    reason="the example runs on the kit's own SQLite database")
def test_the_guides_plugin_passes_its_own_tests(tmp_path: Path) -> None:
    for name, code in guide_files().items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("KENNISBANK_")}
    env["PYTHONPATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed[1]) == 8, done.stdout
    assert "failed" not in done.stdout and "error" not in done.stdout.lower()
