"""Languages: which one a request is in, URL language prefixes, formatting, catalogs.

HTML pages carry their language in the URL (``/nl/...``, ``/en/...``), so every
page has a stable address per language that can be shared and indexed. Outside
those pages (the API, errors before routing) the ``lang`` parameter, then the
user's preference, then ``Accept-Language`` decide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel import Locale
from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from .config import LANGUAGES

#: Where the compiled core catalogs are: inside the package once built, else the source tree.
PACKAGE_TRANSLATIONS = Path(__file__).parent / "translations"
SOURCE_TRANSLATIONS = Path(__file__).parent.parent / "translations"


def core_translations_dir() -> Path:
    """The core catalogs: packaged in a wheel, or in the checkout for editable installs."""
    if PACKAGE_TRANSLATIONS.is_dir():
        return PACKAGE_TRANSLATIONS
    return SOURCE_TRANSLATIONS


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return current_language()


def current_language() -> str:
    """The language of this request: URL prefix, ``lang`` argument, user, browser, default."""
    lang = g.get("lang")
    if lang in LANGUAGES:
        return lang
    try:
        arg = request.args.get("lang")
    except RuntimeError:
        return current_app.config["DEFAULT_LANGUAGE"]
    prefixed = path_language(request.path)
    if prefixed is not None:
        return prefixed
    if arg in LANGUAGES:
        return arg
    if getattr(current_user, "is_authenticated", False):
        preferred = getattr(current_user, "preferred_language", None)
        if preferred in LANGUAGES:
            return preferred
    return browser_language()


def path_language(path: str) -> str | None:
    """The language prefix of ``path`` (``/en/...``), or ``None``.

    A page's address names its language even when no view was found for it (a
    404 from routing) or the request was refused before its view ran, so its
    error page speaks the address's language, whatever the browser or the
    logged-in user prefers.
    """
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


#: The language for a browser that names only languages the site does not have.
FOREIGN_FALLBACK = "en"


def browser_language() -> str:
    """The best language from ``Accept-Language``.

    A browser that states no preference gets the configured default; one that
    asks only for languages the site lacks (Romanian, say) gets English, the
    language a foreign official is likelier to read than Dutch.
    """
    best = request.accept_languages.best_match(LANGUAGES)
    if best:
        return best
    if any(value != "*" for value, _quality in request.accept_languages):
        return FOREIGN_FALLBACK
    return current_app.config["DEFAULT_LANGUAGE"]


def language_name(code: str, ui_lang: str) -> str:
    """A language's name in the reader's language, from CLDR ("Engels", "Dutch")."""
    return Locale.parse(ui_lang).languages.get(code, code)


def other_language(lang: str) -> str:
    return "en" if lang == "nl" else "nl"


def language_twin_url(lang: str, absolute: bool = False) -> str | None:
    """This page's address in ``lang``: same endpoint, arguments and query string.

    ``absolute`` for ``<link hreflang>``, where search engines expect full URLs.
    """
    if request.endpoint is None or "lang" not in g:
        return _swapped_prefix(lang, absolute)
    args: dict[str, Any] = dict(request.view_args or {})
    args["lang"] = lang
    for key in request.args:
        values = request.args.getlist(key)
        args[key] = values if len(values) > 1 else values[0]
    return url_for(request.endpoint, _external=absolute, **args)


def _swapped_prefix(lang: str, absolute: bool) -> str | None:
    """For a page no view answered (an error page): the same address under ``lang``'s prefix."""
    if path_language(request.path) is None:
        return None
    rest = request.path.lstrip("/").split("/", 1)
    path = f"/{lang}/" + (rest[1] if len(rest) > 1 else "")
    query = request.query_string.decode("latin-1")
    url = (request.host_url.rstrip("/") if absolute else "") + request.script_root + path
    return f"{url}?{query}" if query else url


def init_app(app: Flask) -> None:
    """Pull the language out of URLs and put it back into generated ones."""

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = g.get("lang") or current_language()

    @app.context_processor
    def language_context() -> dict[str, Any]:
        lang = str(get_locale() or app.config["DEFAULT_LANGUAGE"])
        return {
            "lang": lang,
            "languages": LANGUAGES,
            "other_language": other_language(lang),
            "language_twin_url": language_twin_url,
        }
