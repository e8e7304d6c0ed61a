"""The translation catalogs are complete, well-formed and up to date with the source.

Every catalog of the core (``translations/``) and of each bundled plugin
(``plugins/*/kennisbank_*/translations/``) must translate every message, have no
fuzzy entries, and keep the ``%(name)s`` placeholders of its msgid. The core and
plugin catalogs must contain every message the source code and templates use;
when one is missing, run ``make translations`` and translate what it adds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "en")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z%]")


def catalogs() -> list[Path]:
    core = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
    plugins = sorted(ROOT.glob("plugins/*/kennisbank_*/translations/*/LC_MESSAGES/*.po"))
    return core + plugins


def domains() -> list[tuple[str, Path, Path, Path]]:
    """``(domain, translations dir, source root, babel.cfg)`` for the core and each plugin.

    A plugin's babel.cfg lists patterns relative to the plugin's folder (as
    ``pybabel extract -F babel.cfg .`` run there); the core's are relative to the
    repository root.
    """
    found = [("messages", ROOT / "translations", ROOT, ROOT / "translations" / "babel.cfg")]
    for translations in sorted(ROOT.glob("plugins/*/kennisbank_*/translations")):
        package = translations.parent
        found.append((package.name, translations, package.parent, package.parent / "babel.cfg"))
    return found


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def read(path: Path, lang: str | None = None) -> list[Message]:
    with path.open("rb") as handle:
        return [message for message in read_po(handle, locale=lang) if message.id]


def texts(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def placeholders(text: str) -> tuple[set[str], int]:
    """Named placeholders, and the number of positional ones (``%s``, ``%d``)."""
    named: set[str] = set()
    positional = 0
    for match in PLACEHOLDER.finditer(text):
        if match.group(0) == "%%":
            continue
        if match.group("name") is not None:
            named.add(match.group("name"))
        else:
            positional += 1
    return named, positional


def placeholder_problem(message: Message) -> str | None:
    """Why the translation's placeholders differ from the msgid's, or ``None``."""
    sources = [placeholders(text) for text in texts(message.id)]
    wanted = set().union(*(named for named, _ in sources))
    wanted_positional = max(count for _, count in sources)
    forms = [placeholders(text) for text in texts(message.string)]
    used = set().union(*(named for named, _ in forms))
    if used != wanted:
        return f"placeholders {sorted(used)} in the translation, {sorted(wanted)} in the msgid"
    if any(count != wanted_positional for _, count in forms):
        return "a different number of positional placeholders (%s, %d) than the msgid"
    return None


def problems(messages: Iterable[Message]) -> list[str]:
    found = []
    for message in messages:
        label = repr(message.id if isinstance(message.id, str) else message.id[0])
        if not all(texts(message.string)):
            found.append(f"untranslated: {label}")
        elif message.fuzzy:
            found.append(f"fuzzy: {label}")
        elif (problem := placeholder_problem(message)) is not None:
            found.append(f"{label}: {problem}")
    return found


@pytest.mark.parametrize("path", catalogs(), ids=relative)
def test_catalog_is_complete(path: Path) -> None:
    found = problems(read(path))
    assert not found, f"{relative(path)}:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("path", catalogs(), ids=relative)
def test_msgfmt_accepts_catalog(path: Path) -> None:
    """GNU msgfmt's own checks (format strings, header, plural forms), when it is installed."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed")
    result = subprocess.run(  # noqa: S603 - fixed command on a catalog of this repository
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


@pytest.mark.parametrize(("domain", "translations", "_source", "_cfg"), domains(),
                         ids=[domain[0] for domain in domains()])
def test_domain_has_both_languages(domain: str, translations: Path, _source: Path,
                                   _cfg: Path) -> None:
    for lang in LANGUAGES:
        assert (translations / lang / "LC_MESSAGES" / f"{domain}.po").is_file(), (
            f"{relative(translations)} has no {lang} catalog for {domain}: run make translations"
        )


@pytest.mark.parametrize(("domain", "translations", "source", "cfg"), domains(),
                         ids=[domain[0] for domain in domains()])
def test_catalogs_are_up_to_date(domain: str, translations: Path, source: Path,
                                 cfg: Path) -> None:
    """Every message the code and templates use is in the domain's catalogs."""
    with cfg.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(cfg))
    extracted = {
        (message if isinstance(message, str) else message[0]): filename
        for filename, _line, message, _comments, _context in extract_from_dir(
            source, method_map, options_map, keywords=KEYWORDS
        )
    }
    assert extracted, f"nothing extracted with {relative(cfg)}: do its patterns match?"
    for lang in LANGUAGES:
        po = translations / lang / "LC_MESSAGES" / f"{domain}.po"
        known = {message.id if isinstance(message.id, str) else message.id[0]
                 for message in read(po, lang)}
        missing = sorted(set(extracted) - known)
        assert not missing, (
            f"{relative(po)} lacks {len(missing)} messages (run make translations):\n  "
            + "\n  ".join(f"{msgid!r} (from {extracted[msgid]})" for msgid in missing)
        )


def test_placeholder_check_catches_mismatches() -> None:
    good = Message("Hello %(name)s", "Hallo %(name)s")
    renamed = Message("Hello %(name)s", "Hallo %(naam)s")
    dropped = Message(("%(num)d item", "%(num)d items"), ("één item", "items"))
    positional = Message("%s of %s", "%s")
    assert placeholder_problem(good) is None
    assert placeholder_problem(renamed) is not None
    assert placeholder_problem(dropped) is not None
    assert placeholder_problem(positional) is not None
    assert problems([Message("Yes", ""), Message("No", "Nee", flags=["fuzzy"])]) == [
        "untranslated: 'Yes'", "fuzzy: 'No'"
    ]
