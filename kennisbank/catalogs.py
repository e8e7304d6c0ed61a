"""Maintain the Babel catalogs of the core and the bundled plugins (``make translations``).

``python -m kennisbank.catalogs update`` extracts messages (Python and Jinja),
updates the Dutch and English catalogs of every domain and fills the English
ones (msgids are English, so their translation is the msgid itself);
``merge`` fills Dutch messages from ``translations/pending/*.po``;
``compile`` writes the ``.mo`` files beside each ``.po``. Dutch translations are
written by people; a test fails while any is missing or fuzzy.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "en")
#: Added to Babel's default keywords (gettext, ngettext:1,2, ...), which stay in force.
KEYWORDS = ["-k", "_", "-k", "_l", "-k", "lazy_gettext"]


@dataclass(frozen=True)
class Domain:
    """One catalog family: where its sources are and where its catalogs live."""

    name: str
    base: Path
    translations: Path
    mapping: Path


    def po(self, lang: str) -> Path:
        return self.translations / lang / "LC_MESSAGES" / f"{self.name}.po"


def domains() -> list[Domain]:
    """The core's domain and one per bundled plugin that has a translations folder."""
    found = [Domain("messages", ROOT, ROOT / "translations", ROOT / "translations" / "babel.cfg")]
    for translations in sorted(ROOT.glob("plugins/*/kennisbank_*/translations")):
        package = translations.parent
        # A plugin's babel.cfg patterns are relative to the plugin's own folder.
        found.append(Domain(package.name, package.parent, translations,
                            package.parent / "babel.cfg"))
    return found


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def update(domain: Domain) -> None:
    """Extract, then create or update each language's catalog."""
    pot = domain.translations / f"{domain.name}.pot"
    _pybabel("extract", *KEYWORDS, "--no-location", "--sort-output", "-o", str(pot),
             "-F", str(domain.mapping), str(domain.base))
    for lang in LANGUAGES:
        po = domain.po(lang)
        command = "update" if po.exists() else "init"
        args = [command, "-i", str(pot), "-d", str(domain.translations), "-D", domain.name,
                "-l", lang]
        if command == "update":
            args.append("--ignore-obsolete")
        _pybabel(*args)
    fill_english(domain.po("en"))
    pot.unlink()


def fill_english(po: Path) -> None:
    """msgids are English: the English catalog translates each to itself."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with po.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


def merge_pending(pending: Path = ROOT / "translations" / "pending") -> int:
    """Fill empty or fuzzy Dutch core messages from ``translations/pending/*.po``.

    Lets several people translate in their own small files without editing the
    shared catalog at the same time; returns how many messages were filled.
    """
    known: dict[object, Any] = {}
    for po in sorted(pending.glob("*.po")):
        with po.open("rb") as handle:
            for message in read_po(handle, locale="nl"):
                if message.id and message.string:
                    known[message.id] = message.string
    target = domains()[0].po("nl")
    with target.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    filled = 0
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id in known and (not all(strings) or message.fuzzy):
            message.string = known[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    with target.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    return filled


def compile_all() -> list[Path]:
    """Write a ``.mo`` beside every ``.po`` of every domain."""
    written = []
    for domain in domains():
        for po in sorted(domain.translations.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as handle:
                write_mo(handle, catalog)
            written.append(mo)
    return written


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        for domain in domains():
            update(domain)
        return 0
    if argv[:1] == ["merge"]:
        print(f"filled {merge_pending()} Dutch messages from translations/pending")
        return 0
    if argv[:1] == ["compile"]:
        written = compile_all()
        print(f"compiled {len(written)} catalogs")
        return 0
    print("usage: python -m kennisbank.catalogs update|merge|compile", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
