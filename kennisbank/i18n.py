"""Languages: which one a request is in, URL language prefixes, formatting, catalogs.

HTML pages carry their language in the URL (``/nl/...``, ``/en/...``), so every
page has a stable address per language that can be shared and indexed. Outside
those pages (errors before routing) the ``lang`` parameter, then the user's
preference, then ``Accept-Language`` decide. The API has one rule for every
answer, its errors included: the ``lang`` parameter, else ``Accept-Language``,
else English (a program's default reader), whoever the token belongs to.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from .config import LANGUAGES

#: The API's addresses; their language follows :func:`api_language`.
API_PREFIX = "/api/"
#: The API's language when neither ``lang`` nor ``Accept-Language`` names one.
API_DEFAULT_LANGUAGE = "en"
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
    if request.path.startswith(API_PREFIX):
        return api_language()
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


def api_language() -> str:
    """The API's language: ``lang`` when it names one, else ``Accept-Language``, else English.

    A ``lang`` naming no language is refused by the endpoints that take it,
    in this same language.
    """
    arg = request.args.get("lang")
    if arg in LANGUAGES:
        return arg
    return request.accept_languages.best_match(LANGUAGES) or API_DEFAULT_LANGUAGE


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


@lru_cache(maxsize=64)
def language_name(code: str, ui_lang: str) -> str:
    """A language's name in the reader's language, from CLDR, capitalised as a
    label ("Engels", "Dutch"); an unknown code is shown as it is."""
    try:
        name = Locale.parse(code).get_language_name(ui_lang) or code
    except (ValueError, LookupError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


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
