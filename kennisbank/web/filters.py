"""Template helpers: labels and formatting in the page's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import format_date, format_time, get_locale, get_timezone
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
        datetime=date_and_time,
        iso_utc=iso_utc,
        status=lambda code: str(STATUS_LABELS.get(code, code)),
    )

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {"can": lambda action, item=None: can(current_user, action, item)}


def _long_date(value: date | None) -> str:
    return format_date(value, format="long") if value else ""


def date_and_time(value: datetime | None) -> str:
    """A moment as people read it in the page's language, with its time zone:
    "5 December 2026, 23:52 UTC" (CLDR's own way of joining date and time, its
    literal quotes dropped; times are stored in UTC and shown in Babel's zone)."""
    if value is None:
        return ""
    locale = get_locale()
    pattern = locale.datetime_formats["long"] if locale is not None else "{1} {0}"
    zone = get_timezone()
    shown = pattern.format(format_time(value, format="HH:mm"), format_date(value, format="long"))
    return f"{shown} {getattr(zone, 'zone', None) or str(zone)}".replace("'", "")


def iso_utc(value: datetime) -> str:
    """A stored (naive UTC) moment for ``<time datetime>``: whole seconds, ``Z``."""
    return f"{value.isoformat(timespec='seconds')}Z"
