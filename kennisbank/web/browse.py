"""Browsing and overviews: by sector, by content type, one's own items, the about page.

Every list is filtered by :func:`kennisbank.auth.policy.visibility`, the same
rule search uses, so no page shows an item its reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, or_

from ..auth.policy import can, may_read_collection, visibility
from ..config import LANGUAGES
from ..content.registry import current_registry
from ..content.types import label_in
from ..extensions import db
from ..i18n import language_name
from ..models import Item, ItemTranslation
from .editing import person
from .filters import page_lang

bp = Blueprint("browse", __name__, url_prefix="/<any(nl, en):lang>")
PER_PAGE = 20


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@dataclass
class Page:
    """One page of a listing, with what pagination links need."""

    items: list[Item]
    number: int
    total: int
    per_page: int
    arg: str = "page"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def paginate(query: Select[Any], arg: str = "page", per_page: int | None = None) -> Page:
    """The page named by the ``arg`` query parameter (clamped to the pages there are)."""
    per_page = per_page or PER_PAGE
    total = db.session.scalar(db.select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-int(total or 0) // per_page))
    number = min(max(request.args.get(arg, 1, type=int) or 1, 1), pages)
    rows = db.session.execute(query.limit(per_page).offset((number - 1) * per_page)).scalars()
    return Page(list(rows), number, int(total or 0), per_page, arg)


def _published() -> Select[Any]:
    return (
        db.select(Item)
        .where(visibility(current_user).sql(), Item.status == "published")
        .order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
    )


def _may_read() -> None:
    """Anonymous visitors of a closed instance (``PUBLIC`` off) are asked to log in."""
    if not may_read_collection(current_user):
        person()


@bp.route("/browse")
def index() -> str:
    """Sectors and content types with the number of published items each."""
    _may_read()
    registry = current_registry()
    lang = page_lang()
    by_sector = _counts(Item.sector)
    by_type = _counts(Item.type)
    sectors = sorted(
        ((code, registry.sector_label(code, lang), by_sector.get(code, 0))
         for code in registry.sectors),
        key=lambda row: row[1],
    )
    types = sorted(
        ((name, label_in(ctype.label, lang, name), by_type.get(name, 0))
         for name, ctype in registry.types.items()),
        key=lambda row: row[1],
    )
    return render_template("browse/index.html", sectors=sectors, types=types)


def _counts(column: Any) -> dict[str, int]:
    query = (
        db.select(column, func.count(Item.id))
        .where(visibility(current_user).sql(), Item.status == "published")
        .group_by(column)
    )
    return {key: count for key, count in db.session.execute(query).all()}


@bp.route("/sectors/<code>")
def sector(code: str) -> str:
    """Published items of one sector, newest first."""
    _may_read()
    registry = current_registry()
    if code not in registry.sectors:
        abort(404)
    page = paginate(_published().where(Item.sector == code))
    return render_template(
        "browse/list.html", page=page, heading=registry.sector_label(code, page_lang()),
        kind="sector", code=code,
    )


@bp.route("/types/<name>")
def content_type(name: str) -> str:
    """Published items of one content type, newest first."""
    _may_read()
    ctype = current_registry().type(name)
    if ctype is None:
        abort(404)
    page = paginate(_published().where(Item.type == name))
    return render_template(
        "browse/list.html", page=page, heading=label_in(ctype.label, page_lang(), name),
        description=label_in(ctype.description, page_lang()), kind="type",
    )


def _translation_count() -> Any:
    return (
        db.select(func.count(ItemTranslation.id))
        .where(ItemTranslation.item_id == Item.id)
        .scalar_subquery()
    )


@bp.route("/my-items")
def my_items() -> str:
    """One's own items with status and missing translations; for editors, what needs them."""
    user = person()
    visible = visibility(user).sql()
    own = paginate(
        db.select(Item).where(visible, Item.owner_id == user.id)
        .order_by(Item.updated_at.desc(), Item.id.desc())
    )
    overview = None
    if user.role in ("editor", "admin"):
        query = db.select(Item).where(
            visible,
            Item.status != "archived",
            or_(Item.status == "review", _translation_count() < len(LANGUAGES)),
        )
        if user.role == "editor":
            query = query.where(Item.sector.in_(list(user.sectors or [])))
        overview = paginate(
            query.order_by((Item.status == "review").desc(), Item.updated_at.desc(),
                           Item.id.desc()),
            arg="overview_page",
        )
    return render_template("my_items.html", own=own, overview=overview,
                           may_create=can(user, "create"))


@bp.route("/about")
def about() -> str:
    """What the platform is for, who contributes and how; readable by anyone."""
    registry = current_registry()
    lang = page_lang()
    sectors = sorted(registry.sector_label(code, lang) for code in registry.sectors)
    return render_template("about.html", sectors=sectors)


@bp.app_template_filter("missing_languages")
def missing_languages(item: Item) -> list[str]:
    """The names (in the reader's language) of the languages an item lacks."""
    lang = page_lang()
    return [language_name(code, lang) for code in LANGUAGES if code not in item.languages]


@bp.app_template_filter("language_name")
def language_name_filter(code: str) -> str:
    return language_name(code, page_lang())


@bp.app_template_global()
def page_url(page: Page, number: int) -> str:
    """This page's address with ``page.arg`` set to ``number``, other parameters kept."""
    args: dict[str, Any] = dict(request.view_args or {})
    for key in request.args:
        values = request.args.getlist(key)
        args[key] = values if len(values) > 1 else values[0]
    args[page.arg] = number
    return url_for(request.endpoint or "web.home", **args)
