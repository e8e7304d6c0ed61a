"""Full-text search: Dutch/English analysis, facets, visibility, a durable index.

``init_app`` registers the :class:`~kennisbank.search.service.SearchService`
as ``app.extensions["kennisbank.search"]`` (``content.service.commit`` calls
its ``drain()``), the lexicon of cross-lingual search (:mod:`.lexicon`) and
the search page. Views use :mod:`.service`; the engine
sits behind :class:`~kennisbank.search.backend.SearchBackend`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from ..content.registry import EXTENSION_KEY as REGISTRY_KEY
    from ..content.service import SEARCH_EXTENSION_KEY
    from ..plugins import EXTENSION_KEY as PLUGINS_KEY
    from ..web.search import bp as search_pages
    from .lexicon.service import init_lexicon
    from .service import SearchService

    init_lexicon(app, app.extensions[REGISTRY_KEY], app.extensions[PLUGINS_KEY])
    app.extensions[SEARCH_EXTENSION_KEY] = SearchService(app)
    app.register_blueprint(search_pages)
