"""Template helpers: labels and formatting in the page's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask_babel import format_date, get_locale
from flask_login import current_user

from ..auth.policy import can
from ..content.registry import current_registry
from ..content.types import label_in
from ..content.vocab import STATUS_LABELS, country_name
from ..markup import render_markdown


def page_lang() -> str:
    return str(get_locale() or "nl")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        country=lambda code: country_name(code, page_lang()),
        sector=lambda code: current_registry().sector_label(code, page_lang()),
        theme=lambda code: current_registry().theme_label(code, page_lang()),
        type_label=lambda name: current_registry().type_label(name, page_lang()),
        label=lambda labels, default="": label_in(labels, page_lang(), default),
        longdate=_long_date,
        status=lambda code: str(STATUS_LABELS.get(code, code)),
    )

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {"can": lambda action, item=None: can(current_user, action, item)}


def _long_date(value: date | None) -> str:
    return format_date(value, format="long") if value else ""
