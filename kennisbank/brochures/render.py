"""A selection as a printable PDF: HTML from the brochure template, laid out by WeasyPrint.

The brochure is an ordinary page of the site (``templates/brochures/brochure.html``
with the practice partial and ``static/brochure.css``, a print stylesheet with
``@page`` rules): WeasyPrint turns it into pages with a cover, a table of
contents whose entries link to the practices and show their page numbers
(``target-counter``), page numbers and the site's name in the margins, and PDF
bookmarks from the headings.

WeasyPrint reads only the app's own static files (:func:`_fetch`): nothing is
fetched from the network while a PDF is made, so a URL in a practice cannot make
the server call out. Fonts come from the system (Debian's DejaVu and Liberation).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template, url_for
from flask_babel import format_date

from ..content.display import field_rows
from ..content.registry import current_registry
from ..extensions import db
from ..models import Item, Organisation, utcnow
from .selection import Selection


class FetchRefused(ValueError):
    """WeasyPrint asked for something other than one of the app's static files."""


def static_file(url: str) -> Path:
    """The static file ``url`` names (``.../static/brochure.css``), or :class:`FetchRefused`."""
    path = urlsplit(url).path
    prefix = (current_app.static_url_path or "/static").rstrip("/") + "/"
    if not path.startswith(prefix) or current_app.static_folder is None:
        raise FetchRefused(f"not fetched while making a PDF: {url}")
    root = Path(current_app.static_folder).resolve()
    target = (root / path[len(prefix):]).resolve()
    if root not in target.parents or not target.is_file():
        raise FetchRefused(f"no such static file: {url}")
    return target


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the app's static files and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            target = static_file(url)
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": kind})

    return StaticOnly()


def practice_view(item: Item, lang: str) -> dict[str, Any]:
    """What the brochure shows of one practice: the translation in (or nearest to)
    ``lang``, the type's fields, the contact organisation and the link back."""
    registry = current_registry()
    text = item.best_translation(lang)
    ctype = registry.types[item.type]
    organisation = (db.session.scalar(db.select(Organisation).where(
        Organisation.name == item.organisation)) if item.organisation else None)
    return {
        "item": item, "text": text,
        "rows": field_rows(ctype, item.fields or {}, text.fields or {}, lang),
        "organisation": organisation,
        "url": url_for("web.item", item_id=item.id, lang=lang, _external=True),
    }


def brochure_html(selection: Selection, lang: str) -> str:
    """The brochure as one HTML document (also what the PDF is made from)."""
    return render_template(
        "brochures/brochure.html", selection=selection,
        practices=[practice_view(item, lang) for item in selection.items],
        made_on=format_date(utcnow().date(), format="long"),
    )


def brochure_pdf(selection: Selection, lang: str) -> bytes:
    """The brochure as PDF bytes."""
    from weasyprint import HTML

    html = brochure_html(selection, lang)
    document = HTML(string=html, base_url=url_for("web.home", _external=True),
                    url_fetcher=_fetcher())
    return bytes(document.write_pdf())
