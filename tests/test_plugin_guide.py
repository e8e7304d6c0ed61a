"""The plugin guide's complete plugin works as printed, with the testing kit only.

``plugins/README.md`` marks each file of its example with ``<!-- file: PATH -->``
before the code block. The test writes those blocks to an empty folder, away
from this repository, and runs their tests there in a fresh pytest process:
what a plugin author copying the guide would get.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GUIDE = Path(__file__).parent.parent / "plugins" / "README.md"
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>[\w/.]+) -->\n```python\n(?P<code>.*?)```", re.S)


def guide_files() -> dict[str, str]:
    return {m["path"]: m["code"] for m in FILE_BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))}


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
