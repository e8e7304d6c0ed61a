"""Brochure pages: PDFs of a search, a sector, a city or the basket, and the basket itself.

* ``GET /<lang>/brochure/search.pdf?<search parameters>``
* ``GET /<lang>/brochure/sectors/<code>.pdf``
* ``GET /<lang>/brochure/cities/<id>.pdf``
* ``GET /<lang>/brochure/basket.pdf?title=...&intro=...``
* ``/<lang>/basket``: the practices a logged-in person collected for a brochure
  (kept in their session), with ``POST`` ``/basket/add``, ``/basket/remove`` and
  ``/basket/clear``. Only for logged-in people: the basket's forms need a CSRF
  token, which lives in the session, and anonymous pages set no session cookie
  (an API client that keeps cookies would otherwise lose its bearer token to
  flask-login's session protection).

The language of the brochure is the language of its address.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.policy import can
from ..auth.redirects import safe_next
from ..content.registry import current_registry
from ..extensions import db
from ..following.searches import canonical_query, describe_query
from ..models import City, Item
from ..search.backend import SearchUnavailable
from ..search.service import BadSearchRequest, parse_params
from ..web.editing import person
from ..web.filters import page_lang
from ..web.partners.cities import practices_in
from .render import brochure_pdf
from .selection import (
    MAX_PRACTICES,
    Selection,
    basket_ids,
    of_basket,
    of_city,
    of_search,
    of_sector,
    published,
    save_basket,
)

bp = Blueprint("brochures", __name__, url_prefix="/<any(nl, en):lang>")

MAX_TITLE = 200
MAX_INTRO = 1000


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def basket_helpers() -> dict[str, Any]:
        return {"basket_count": lambda: len(basket_ids()),
                "in_basket": lambda item_id: item_id in basket_ids()}


def _may_read() -> None:
    """The same rule as the search page: a closed site asks for a login first."""
    if not can(current_user, "view", Item(status="published", sector="", translations=[])):
        abort(401)


def _problem(message: str, code: int) -> tuple[str, int]:
    return render_template("errors/error.html", code=code, message=message), code


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "brochure"


def _pdf(selection: Selection, name: str) -> Response:
    lang = page_lang()
    response = Response(brochure_pdf(selection, lang), mimetype="application/pdf")
    filename = f"kennisbank-{_slug(name)}-{lang}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/brochure/search.pdf")
def search_pdf() -> Any:
    """The practices of a search, in the order of its results."""
    _may_read()
    try:
        params = parse_params(request.args)
    except BadSearchRequest as exc:
        return _problem(_("Some search settings in the address are not valid: %(fields)s.",
                          fields=", ".join(sorted(exc.errors))), 400)
    lang = page_lang()
    name = describe_query(canonical_query(params), lang)
    try:
        selection = of_search(params, lang, name)
    except SearchUnavailable:
        return _problem(_("Search is temporarily unavailable. Please try again in a minute."),
                        503)
    return _pdf(selection, params.text or "search")


@bp.get("/brochure/sectors/<code>.pdf")
def sector_pdf(code: str) -> Any:
    _may_read()
    registry = current_registry()
    if code not in registry.sectors:
        abort(404)
    return _pdf(of_sector(code, registry.sector_label(code, page_lang())), code)


@bp.get("/brochure/cities/<int:city_id>.pdf")
def city_pdf(city_id: int) -> Any:
    _may_read()
    city = db.session.get(City, city_id)
    if city is None:
        abort(404)
    return _pdf(of_city(city, practices_in(city)), city.name)


@bp.get("/brochure/basket.pdf")
def basket_pdf() -> Any:
    """The basket's practices, with the cover's title and introduction as typed."""
    person()
    title = (request.args.get("title") or "").strip()
    intro = (request.args.get("intro") or "").strip()
    if len(title) > MAX_TITLE or len(intro) > MAX_INTRO:
        return _problem(_("The title can be at most %(title)d characters and the introduction "
                          "at most %(intro)d.", title=MAX_TITLE, intro=MAX_INTRO), 400)
    if not basket_ids():
        return _problem(_("Your brochure basket is empty. Add practices from their pages "
                          "first."), 400)
    return _pdf(of_basket(title, intro), title or "basket")


@bp.get("/basket")
def basket() -> str:
    """The practices collected for a brochure, and the form that makes it."""
    person()
    return render_template("brochures/basket.html", items=published(basket_ids()),
                           max_title=MAX_TITLE, max_intro=MAX_INTRO)


def _item_id() -> int:
    raw = (request.form.get("item_id") or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        abort(400)
    return int(raw)


def _back() -> Any:
    return redirect(safe_next(request.form.get("next")) or url_for("brochures.basket"), 303)


@bp.post("/basket/add")
def add() -> Any:
    """Put a published practice the reader may see in the basket."""
    person()
    item_id = _item_id()
    if not published([item_id]):
        abort(404)
    ids = basket_ids()
    if item_id not in ids:
        if len(ids) >= MAX_PRACTICES:
            flash(_("The basket holds at most %(count)d practices.", count=MAX_PRACTICES),
                  "error")
            return _back()
        save_basket([*ids, item_id])
    flash(_("The practice is in your brochure basket."), "success")
    return _back()


@bp.post("/basket/remove")
def remove() -> Any:
    person()
    item_id = _item_id()
    save_basket([i for i in basket_ids() if i != item_id])
    flash(_("The practice is no longer in your brochure basket."), "success")
    return _back()


@bp.post("/basket/clear")
def clear() -> Any:
    person()
    save_basket([])
    flash(_("Your brochure basket is empty."), "success")
    return redirect(url_for("brochures.basket"), 303)
