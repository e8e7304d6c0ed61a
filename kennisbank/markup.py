"""Markdown to safe HTML.

Two layers, on purpose: markdown-it renders with raw HTML disabled (so typed
``<script>`` shows as text) and refuses ``javascript:`` links; nh3 (the
maintained Ammonia sanitiser) then cleans the result against an allowlist, so
a bug or option change in the renderer cannot open a hole.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "del", "s", "sup", "sub",
}
# markdown-it aligns table columns with ``style="text-align:..."``; only that
# property survives (see ``filter_style_properties`` below).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: Link targets kept: absolute web and mail links, and links within the site.
#: A relative target ("notes.html") has no meaning: an item is shown on many pages.
SAFE_HREF_PREFIXES = ("http://", "https://", "mailto:", "#", "/")


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable(
        "strikethrough"
    )


def _shift_headings(html: str) -> str:
    """A practice's own ``#`` headings sit below the page's ``<h1>``: demote h1 to h2."""
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


def _keep_safe_href(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href" and not value.lower().startswith(SAFE_HREF_PREFIXES):
        return None
    return value


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to sanitised HTML, safe to insert into a page."""
    if not text:
        return Markup("")
    html = _shift_headings(_renderer().render(text))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_keep_safe_href,
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer nofollow",
    )
    # Safe: cleaned by nh3 against the allowlist above.
    return Markup(clean)  # nosec B704


def plain_text(text: str | None) -> str:
    """Markdown reduced to its words, for snippets and feeds.

    The result is text, not HTML: entities are decoded ("&amp;" becomes "&"),
    so whoever shows it escapes it exactly once and the index sees the words.
    """
    if not text:
        return ""
    return html.unescape(nh3.clean(_renderer().render(text), tags=set())).strip()


#: Characters and line starts that can make Markdown differ from its text.
_MARKDOWN_SYNTAX = re.compile(r"[*_`#\[\]<>!|~\\&=]|^\s*(?:[-+]\s|\d+[.)]\s)", re.MULTILINE)


def text_of(markdown: str | None) -> str:
    """Markdown as the words a reader sees (``**fiets**`` -> ``fiets``).

    Text without any Markdown syntax is already that, and most text is, so it
    is kept as it is: rendering Markdown to HTML and stripping it again was a
    tenth of the indexing time. ``plain_text`` returns HTML-escaped text, so
    the result is unescaped (snippets escape it once, when shown).
    """
    if not markdown:
        return ""
    if not _MARKDOWN_SYNTAX.search(markdown):
        return markdown.strip()
    return html.unescape(plain_text(markdown))
