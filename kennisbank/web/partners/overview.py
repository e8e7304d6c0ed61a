"""The overview page: the collection in charts, each with its data as a table."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user

from ...partners.overview import overview_charts
from ..filters import page_lang
from . import bp, require_readable


@bp.route("/overview")
def overview() -> Any:
    require_readable()
    return render_template("partners/overview.html",
                           charts=overview_charts(current_user, page_lang()))
