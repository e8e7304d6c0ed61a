"""Full-text search: Dutch/English analysis, facets, visibility, a durable index.

``init_app`` registers the :class:`~kennisbank.search.service.SearchService`
as ``app.extensions["kennisbank.search"]`` (``content.service.commit`` calls
its ``drain()``) and the search page. Views use :mod:`.service`; the engine
sits behind :class:`~kennisbank.search.backend.SearchBackend`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from ..content.service import SEARCH_EXTENSION_KEY
    from ..web.search import bp as search_pages
    from .service import SearchService

    app.extensions[SEARCH_EXTENSION_KEY] = SearchService(app)
    app.register_blueprint(search_pages)
