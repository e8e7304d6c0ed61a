"""The reading pages: home and item."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from markupsafe import Markup

from ..auth.policy import can, may_read_collection, visibility
from ..content.display import field_rows
from ..content.registry import current_registry
from ..extensions import db
from ..models import Item
from ..plugins import current_plugins
from ..search.backend import SearchUnavailable
from ..search.service import related
from . import bp, itemfacts
from .filters import page_lang
from .partners.helpers import city_link

RECENT_COUNT = 12


@bp.route("/")
def home() -> str:
    """Recent practices the reader may see, newest publication first."""
    if not may_read_collection(current_user):
        abort(401)
    query = (
        db.select(Item)
        .where(visibility(current_user).sql(), Item.status == "published")
        .order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
        .limit(RECENT_COUNT)
    )
    items = db.session.execute(query).scalars().all()
    return render_template("home.html", items=items, sectors=_sector_counts())


def _sector_counts() -> list[tuple[str, str, int]]:
    """``(code, label, published items the reader may see)`` for every sector."""
    registry = current_registry()
    rows = db.session.execute(
        db.select(Item.sector, db.func.count())
        .where(visibility(current_user).sql(), Item.status == "published")
        .group_by(Item.sector)
    ).all()
    counts = dict(rows)
    lang = page_lang()
    return [(code, registry.sector_label(code, lang), counts.get(code, 0))
            for code in registry.sectors]


@bp.route("/items/<int:item_id>")
def item(item_id: int) -> str:
    """An item in the reader's language, or in the language it has, with a notice."""
    found = db.session.get(Item, item_id)
    if found is None or current_registry().type(found.type) is None:
        abort(404)
    if not can(current_user, "view", found):
        if not current_user.is_authenticated and found.status == "published":
            abort(401)
        abort(404)
    lang = page_lang()
    translation = found.best_translation(lang)
    ctype = current_registry().types[found.type]
    custom = current_plugins().contain_first("render_item_fields", item=found, lang=lang)
    rows = [] if custom is not None else field_rows(
        ctype, found.fields or {}, translation.fields or {}, lang
    )
    return render_template(
        "item.html",
        item=found,
        ctype=ctype,
        translation=translation,
        fallback=translation.lang != lang,
        related=_related(found, lang),
        # The hook's contract: plugins return HTML they escaped themselves.
        custom_fields=Markup(custom) if custom is not None else None,  # nosec B704
        rows=rows,
        place_url=city_link(found.city, found.country),
        organisation_url=itemfacts.organisation_link(found.organisation),
        period=itemfacts.period(found),
        tags=itemfacts.tags(found, lang),
        theme_url=itemfacts.theme_url,
    )


def _related(found: Item, lang: str) -> list[dict]:
    """More like this, visible to the reader; an unusable index only hides the list."""
    try:
        return related(found, current_user, lang)
    except SearchUnavailable:
        return []
