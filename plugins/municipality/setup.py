"""Build hook: compile this plugin's Babel catalogs (``.po`` to ``.mo``).

The ``.mo`` files are not kept in git. A wheel gets them compiled into its
build folder; an editable install (``pip install -e``) gets them beside the
``.po`` files, where the running plugin reads them. Everything else is in
pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildPyWithCatalogs(build_py):
    """Compile ``kennisbank_*/translations/<lang>/LC_MESSAGES/*.po``."""

    def run(self) -> None:
        super().run()
        target_root = HERE if self.editable_mode else Path(self.build_lib)
        for po_path in sorted(HERE.glob("kennisbank_*/translations/*/LC_MESSAGES/*.po")):
            target = target_root / po_path.relative_to(HERE).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
