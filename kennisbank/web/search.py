"""The search page ``/<lang>/search``: plain links and one form, no JavaScript needed.

Every control is a link or a GET form, so the page works without scripts and
each state (query, filters, sort, page) has its own address to share. Facet
values are links that add or remove that filter; a new query keeps the
filters and sort but goes back to page 1.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..auth.policy import may_read_collection
from ..content.types import label_in
from ..search.backend import SearchUnavailable
from ..search.service import (
    BadSearchRequest,
    SearchParams,
    current_search,
    parse_params,
    scopes,
    search,
)
from .filters import page_lang

bp = Blueprint("search", __name__, url_prefix="/<any(nl, en):lang>")

FACET_SHOWN = 8


def search_url(params: SearchParams, *, text: str | None = None,
               filters: dict[str, tuple[str, ...]] | None = None,
               sort: str | None = "", page: int = 1,
               scopes: dict[str, str] | None = None, translate: bool | None = None,
               correct: bool = True) -> str:
    """The search page's address for ``params`` with some parts changed.
    Translation stays as the reader set it; ``correct=False`` asks for the
    words exactly as typed (the link under a corrected query)."""
    args: list[tuple[str, str]] = []
    text = params.text if text is None else text
    if text:
        args.append(("q", text))
    if not (params.translate if translate is None else translate):
        args.append(("translate", "false"))
    if not correct:
        args.append(("correct", "false"))
    sort = params.sort if sort == "" else sort
    if sort:
        args.append(("sort", sort))
    for name, values in (params.filters if filters is None else filters).items():
        args += [(name, value) for value in values]
    args += list((params.scopes if scopes is None else scopes).items())
    if page > 1:
        args.append(("page", str(page)))
    base = url_for("search.page")
    return f"{base}?{urlencode(args)}" if args else base


def toggled(params: SearchParams, name: str, value: str) -> dict[str, tuple[str, ...]]:
    """The filters with ``value`` of facet ``name`` added, or removed if present."""
    filters = dict(params.filters)
    current = filters.get(name, ())
    changed = tuple(v for v in current if v != value) if value in current else (*current, value)
    if changed:
        filters[name] = changed
    else:
        filters.pop(name, None)
    return filters


def _sort_options() -> list[tuple[str, str]]:
    """Every sort as ``(code, label)``: the built-in ones, then those plugins added."""
    lang = page_lang()
    added = current_search().sorts
    return [("relevance", _("relevance")), ("newest", _("newest")), ("title", _("title")),
            *((code, label_in(label, lang, code)) for code, label in added.items())]


def _active_scopes(params: SearchParams) -> list[tuple[str, str]]:
    """Each scope in use as ``(label, address without it)``."""
    lang = page_lang()
    found = []
    for name, value in params.scopes.items():
        scope = scopes().get(name)
        label = f"{label_in(scope.label, lang, name)} {value}" if scope else value
        others = {n: v for n, v in params.scopes.items() if n != name}
        found.append((label, search_url(params, scopes=others)))
    return found


def _helpers(params: SearchParams) -> dict[str, Any]:
    return {
        "sort_options": _sort_options(),
        "active_scopes": _active_scopes(params),
        "toggle_url": lambda name, value: search_url(params, filters=toggled(params, name, value)),
        "page_url": lambda number: search_url(params, page=number),
        "sort_url": lambda sort: search_url(params, sort=sort),
        "suggestion_url": lambda text: search_url(params, text=text),
        "original_url": lambda text: search_url(params, text=text, correct=False),
        "translate_url": lambda on: search_url(params, translate=on),
        # Safe: search.highlight escapes the text and adds only <mark> elements.
        "snippet": lambda html: Markup(html),  # nosec B704
        "facet_shown": FACET_SHOWN,
        "active_filters": lambda result: [
            (name, entry) for name, entries in result.facets.items()
            for entry in entries if entry["selected"]
        ],
    }


@bp.route("/search")
def page() -> Any:
    """Search results, facets and pagination for the query in the address."""
    if not may_read_collection(current_user):
        abort(401)
    lang = page_lang()
    try:
        params = parse_params(request.args)
    except BadSearchRequest as exc:
        params = SearchParams(text=str(request.args.get("q", ""))[:1000])
        message = _("Some search settings in the address are not valid: %(fields)s.",
                    fields=", ".join(sorted(exc.errors)))
        return render_template("search.html", params=params, result=None, error=message,
                               **_helpers(params)), 400
    try:
        result = search(params, current_user, lang)
    except SearchUnavailable:
        message = _("Search is temporarily unavailable. Please try again in a minute.")
        return render_template("search.html", params=params, result=None, error=message,
                               **_helpers(params)), 503
    return render_template("search.html", params=params, result=result, error=None,
                           **_helpers(params))
