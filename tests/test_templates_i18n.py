"""No template shows text outside a translation call.

Each template (core and plugins) is split by Jinja's own lexer: what is left
once tags, expressions, comments and ``{% trans %}`` blocks are removed is the
literal HTML. Its text, and the attributes people see or hear (``alt``,
``title``, ``placeholder``, ``aria-label``, button values), may hold only
whitespace, digits, punctuation and the few words in :data:`ALLOWED_WORDS`.
String constants printed directly (``{{ "Save" }}``) or handed to a macro as text
(``help="..."``) are held to the same rule.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_SUFFIXES = {".html", ".txt"}

#: Words that are the same in every language: the languages' own names (endonyms) and
#: the time zone's international abbreviation.
ALLOWED_WORDS = ("Nederlands", "English", "UTC")

#: Attributes whose value a reader sees or a screen reader speaks.
SPOKEN_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description",
                     "aria-roledescription", "aria-valuetext", "label"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
INVISIBLE_ELEMENTS = {"script", "style"}
#: Keyword arguments of macros and helpers that carry text for people (``help="..."``).
TEXT_ARGUMENTS = {"label", "help", "hint", "title", "text", "message", "placeholder", "legend",
                  "caption", "description"}

ENVIRONMENT = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do",
                                      "jinja2.ext.loopcontrols"])
ALLOWED = re.compile("|".join(rf"\b{re.escape(word)}\b" for word in ALLOWED_WORDS))


def templates() -> list[Path]:
    folders = [ROOT / "kennisbank" / "templates",
               *sorted(ROOT.glob("plugins/*/kennisbank_*/templates"))]
    return sorted(path for folder in folders for path in folder.rglob("*")
                  if path.suffix in TEMPLATE_SUFFIXES and path.is_file())


def untranslatable(text: str) -> bool:
    """Whether ``text`` has letters left once the allowed words are taken out."""
    return any(char.isalpha() for char in ALLOWED.sub("", text))


def literal_markup(source: str) -> str:
    """The template with every Jinja construct and ``trans`` block removed.

    Newlines inside removed parts are kept, so line numbers still match the source.
    """
    parts: list[str] = []
    in_trans = False
    expect_tag = False
    for _line, kind, value in ENVIRONMENT.lex(source):
        if kind == "block_begin":
            expect_tag = True
        elif kind == "name" and expect_tag:
            expect_tag = False
            if value == "trans":
                in_trans = True
            elif value == "endtrans":
                in_trans = False
        elif kind != "whitespace":
            expect_tag = False
        if kind == "data" and not in_trans:
            parts.append(value)
        else:
            parts.append("\n" * value.count("\n"))
    return "".join(parts)


class TextFinder(HTMLParser):
    """Collects ``(line, text)`` of visible text and spoken attributes that need translating."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in INVISIBLE_ELEMENTS:
            self.hidden_depth += 1
        values = dict(attrs)
        spoken = [name for name in values if name in SPOKEN_ATTRIBUTES]
        if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES:
            spoken.append("value")
        for name in spoken:
            value = values.get(name) or ""
            if untranslatable(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in INVISIBLE_ELEMENTS:
            self.hidden_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in INVISIBLE_ELEMENTS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth and untranslatable(data):
            self.found.append((self.getpos()[0], " ".join(data.split())))


def printed_constants(node: nodes.Node) -> list[str]:
    """Strings a ``{{ ... }}`` prints as they are: constants, both arms of ``a if b else c``
    and joined pieces; not the arguments of calls and filters (``_("...")`` translates)."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.CondExpr):
        arms = [node.expr1] + ([node.expr2] if node.expr2 is not None else [])
        return [text for arm in arms for text in printed_constants(arm)]
    if isinstance(node, nodes.Concat):
        return [text for part in node.nodes for text in printed_constants(part)]
    return []


def problems_in(source: str) -> list[tuple[int, str]]:
    finder = TextFinder()
    finder.feed(literal_markup(source))
    finder.close()
    found = list(finder.found)
    tree = ENVIRONMENT.parse(source)
    for call in tree.find_all(nodes.Call):
        found += [(keyword.lineno, f"{keyword.key}={keyword.value.value!r}")
                  for keyword in call.kwargs
                  if keyword.key in TEXT_ARGUMENTS and isinstance(keyword.value, nodes.Const)
                  and isinstance(keyword.value.value, str) and untranslatable(keyword.value.value)]
    for output in tree.find_all(nodes.Output):
        for child in output.nodes:
            if isinstance(child, nodes.TemplateData):
                continue
            found += [(child.lineno, f"{{{{ {text!r} }}}}") for text in printed_constants(child)
                      if untranslatable(text)]
    return sorted(found)


@pytest.mark.parametrize("path", templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_template_text_is_translated(path: Path) -> None:
    found = problems_in(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)} shows untranslated text:\n" + "\n".join(
        f"  line {line}: {text}" for line, text in found
    )


def test_finder_catches_untranslated_text() -> None:
    source = (
        '<h1>{{ _("Welcome") }}</h1>\n'
        "<p>Welkom terug</p>\n"
        '<img alt="Logo" src="x.png">\n'
        '<input type="submit" value="Save"><input type="hidden" name="a" value="b">\n'
        "{{ \"Opslaan\" if x else _('Save') }}\n"
        "{% trans %}Hello {{ name }}{% endtrans %} · 2024 – {{ _('x') }}\n"
        '<a href="#" lang="nl">Nederlands</a> <a aria-label="{{ _(\'Menu\') }}">☰</a>\n'
        "<script>var message = 'not shown';</script>{# a comment #}\n"
        "{{ field(form.name, help=\"Your full name\", id='name') }}{{ field(help=_('Ok')) }}\n"
    )
    assert problems_in(source) == [
        (2, "Welkom terug"),
        (3, 'alt="Logo"'),
        (4, 'value="Save"'),
        (5, "{{ 'Opslaan' }}"),
        (9, "help='Your full name'"),
    ]
