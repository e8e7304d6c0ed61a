"""Build hook: compile the core Babel catalogs into the wheel.

The ``.po`` sources live in ``translations/`` at the top of the repository;
the wheel carries the compiled ``.mo`` files inside the package, so a plain
``pip install .`` gives a translated app. Everything else is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildPyWithCatalogs(build_py):
    """Compile ``translations/<lang>/LC_MESSAGES/messages.po`` into the build."""

    def run(self) -> None:
        super().run()
        for po_path in sorted((HERE / "translations").glob("*/LC_MESSAGES/*.po")):
            relative = po_path.relative_to(HERE / "translations").with_suffix(".mo")
            target = Path(self.build_lib) / "kennisbank" / "translations" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
