"""Markdown to safe HTML: whatever a contributor types, no script reaches a reader."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from kennisbank.markup import plain_text, render_markdown

SAFE_HREF_PREFIXES = ("http://", "https://", "mailto:", "#", "/")
TABLE_ALIGN = re.compile(r"^text-align:\s*(left|right|center);?$")
FORBIDDEN_TAGS = {"script", "style", "iframe", "img", "object", "embed", "svg", "math", "form",
                  "input", "base", "link", "meta", "h1"}


class Inspector(HTMLParser):
    """Collects every tag and attribute of an HTML fragment as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    handle_startendtag = handle_starttag


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def assert_safe(html: str) -> None:
    found = inspect(html)
    assert not FORBIDDEN_TAGS & set(found.tags), found.tags
    for tag, name, value in found.attributes:
        assert not name.lower().startswith("on"), (tag, name, value)
        assert name in ("href", "title", "rel", "style", "start"), (tag, name)
        if name == "style":
            assert TABLE_ALIGN.match(value or ""), value
        if name == "href":
            assert (value or "").strip().lower().startswith(SAFE_HREF_PREFIXES), value


def links(html: str) -> list[dict[str, str | None]]:
    found = inspect(html)
    anchors: list[dict[str, str | None]] = []
    current: dict[str, str | None] | None = None
    for tag, name, value in found.attributes:
        if tag == "a" and name in ("href", "rel", "title"):
            if current is None or name in current:
                current = {}
                anchors.append(current)
            current[name] = value
    return anchors


def test_markdown_becomes_html() -> None:
    html = render_markdown("Some **bold** and *em*.\n\n- one\n- two\n\n`code`")
    assert isinstance(html, Markup)
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<li>one</li>" in html and "<code>code</code>" in html


def test_tables_with_alignment_and_strikethrough_are_kept() -> None:
    html = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~old~~")
    assert "<table>" in html and '<td style="text-align:right">2</td>' in html
    assert "<s>old</s>" in html


def test_empty_text_gives_empty_markup() -> None:
    assert render_markdown("") == Markup("") and render_markdown(None) == Markup("")


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "before <script>alert(1)</script> after",
        "<style>body{display:none}</style>",
        "<iframe src='https://evil.example'></iframe>",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">click</a>',
        "<svg/onload=alert(1)>",
        "<div onmouseover='alert(1)'>hover</div>",
        "<details open ontoggle=alert(1)>",
        "<!-- <script>alert(1)</script> -->",
        "```\n<script>alert(1)</script>\n```",
    ],
)
def test_raw_html_is_shown_as_text_never_run(source: str) -> None:
    """Raw HTML is off in the renderer; nh3 would strip it anyway."""
    html = render_markdown(source)
    assert_safe(html)
    assert "<script" not in html.lower() and "<iframe" not in html.lower()


def test_typed_tags_stay_readable_as_text() -> None:
    html = render_markdown("Use <b> for bold")
    assert "&lt;b&gt;" in html and "<b>" not in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](jav&#x61;script:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](javascript&#58;alert(1))",
        "[click]( javascript:alert(1) )",
        "[click](<javascript:alert(1)>)",
        "[click](<java script:alert(1)>)",
        "[click](java\tscript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](VBScript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "![pic](javascript:alert(1))",
        "![pic](data:image/svg+xml;base64,PHN2Zz4=)",
        '[click](https://ok.example "x\\" onmouseover=\\"alert(1)")',
    ],
)
def test_dangerous_links_lose_their_target(source: str) -> None:
    html = render_markdown(source)
    assert_safe(html)
    lowered = html.lower()
    for scheme in ("javascript:", "vbscript:", "data:", "file:"):
        assert f'href="{scheme}' not in lowered


@pytest.mark.parametrize("target", ["notes.html", "java%20script:alert(1)", "./x", "?q=1"])
def test_relative_link_targets_are_dropped(target: str) -> None:
    """An item is shown on many pages (item, search, feeds): a relative link has no meaning."""
    html = render_markdown(f"[see]({target})")
    assert links(html) == [] or all(anchor.get("href") is None for anchor in links(html))
    assert "see" in html


def test_headings_are_demoted_below_the_page_title() -> None:
    html = render_markdown("# Big\n\n## Smaller\n\nText")
    assert "<h1" not in html
    assert "<h2>Big</h2>" in html


def test_links_get_a_safe_rel() -> None:
    html = render_markdown(
        "[site](https://www.deventer.nl) [mail](mailto:info@deventer.nl) [top](#top) [page](/nl/)"
        " <https://auto.example>"
    )
    found = links(html)
    assert [anchor["href"] for anchor in found] == [
        "https://www.deventer.nl", "mailto:info@deventer.nl", "#top", "/nl/",
        "https://auto.example",
    ]
    for anchor in found:
        assert set((anchor["rel"] or "").split()) == {"noopener", "noreferrer", "nofollow"}


def test_plain_text_is_the_words_without_markup_or_escapes() -> None:
    text = plain_text("# Tom & Jerry\n\n**Fiets** <script>x</script> and \"quotes\"")
    assert text.split() == ["Tom", "&", "Jerry", "Fiets", "<script>x</script>", "and",
                            '"quotes"']
    assert plain_text(None) == "" and plain_text("") == ""


DANGEROUS_PIECES = [
    "<script>", "</script>", "<style>", "<iframe src=x>", "<img src=x onerror=alert(1)>",
    "javascript:", "JaVaScRiPt:", "jav&#x61;script:", "&#106;", "vbscript:", "data:", "[", "]",
    "(", ")", "](", "<", ">", '"', "'", " onclick=", "onerror=", "\n", "\n\n", "# ", "`", "```\n",
    "![", "&", "&#58;", "\t", " ", "https://ok.example", "mailto:", "//", "[r]: ", "*", "|",
]


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(st.one_of(st.sampled_from(DANGEROUS_PIECES), st.text(max_size=5)),
                 max_size=40).map("".join),
    )
)
def test_no_text_whatsoever_yields_unsafe_html(source: str) -> None:
    assert_safe(render_markdown(source))
