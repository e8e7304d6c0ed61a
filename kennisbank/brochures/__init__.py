"""Brochures: any selection of practices as a printable PDF in Dutch or English.

A search, a sector, a city or the practices a reader collects in a brochure
basket (:mod:`.selection`) becomes a PDF with a cover, a table of contents with
links and page numbers, each practice's summary, key fields, contact
organisation and a link back, laid out by WeasyPrint from the site's own
templates and a print stylesheet (:mod:`.render`); :mod:`.views` serves them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import views

    views.init_app(app)
