"""The reading pages: home and item."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from markupsafe import Markup

from ..auth.policy import can, visibility
from ..content.display import field_rows
from ..content.registry import current_registry
from ..extensions import db
from ..models import Item
from ..plugins import hook
from ..search.backend import SearchUnavailable
from ..search.service import related
from . import bp
from .filters import page_lang

RECENT_COUNT = 12


@bp.route("/")
def home() -> str:
    """Recent practices the reader may see, newest publication first."""
    if not can(current_user, "view", _probe_published()):
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


def _probe_published() -> Item:
    """A stand-in published item: may this visitor read published content at all?"""
    return Item(status="published", sector="", translations=[])


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
    custom = hook().render_item_fields(item=found, lang=lang)
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
    )


def _related(found: Item, lang: str) -> list[dict]:
    """More like this, visible to the reader; an unusable index only hides the list."""
    try:
        return related(found, current_user, lang)
    except SearchUnavailable:
        return []
