"""Following pages: follow a search, change or stop it from the account page, and the
one-click unsubscribe behind the link in every digest.

* ``POST /<lang>/follow``: follow the search in ``query`` (or the organisation
  ``organisation_id``) with a ``frequency``; back to the page it came from.
* ``POST /<lang>/account/following/<id>``: change how often.
* ``POST /<lang>/account/following/<id>/stop``: stop following.
* ``/<lang>/follow/stop/<token>``: the mailed link. ``GET`` shows one button
  (a mail scanner that follows links changes nothing); ``POST`` stops the
  digest. The token is the authority, so this ``POST`` needs no session and no
  CSRF token: mail programs send it by themselves for ``List-Unsubscribe-Post``
  (RFC 8058), without cookies.
"""

from __future__ import annotations

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

from ..auth.redirects import safe_next
from ..extensions import csrf, db
from ..models import Organisation, User
from ..search.service import BadSearchRequest, SearchParams
from ..web.editing import person
from ..web.filters import page_lang
from .digests import follow_for_token, frequency_label
from .models import FREQUENCIES, FollowedSearch
from .searches import (
    FollowError,
    canonical_query,
    describe,
    find_follow,
    follow,
    follows_of,
    owned_follow,
    params_of,
)

bp = Blueprint("following", __name__, url_prefix="/<any(nl, en):lang>")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    csrf.exempt(unsubscribe)

    @app.context_processor
    def following_helpers() -> dict[str, Any]:
        return {"followed_searches": _followed_rows, "follow_state": _follow_state,
                "follow_frequencies": _frequencies, "follow_query": _query}

    app.after_request(_private_token_pages)


def _private_token_pages(response: Response) -> Response:
    """The token is in the URL: send no ``Referer`` from the page, keep no copy."""
    if request.endpoint == "following.unsubscribe":
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


def _query(params: SearchParams | None = None, **filters: str) -> str:
    """The canonical query of the search page's ``params``, or of single facet
    filters (``follow_query(sector="education")`` on a sector page)."""
    if params is None:
        params = SearchParams(filters={name: (value,) for name, value in filters.items()})
    return canonical_query(params)


def _frequencies() -> list[tuple[str, str]]:
    return [(code, frequency_label(code)) for code in FREQUENCIES]


def _followed_rows(user: User) -> list[dict[str, Any]]:
    """The account page's list: each followed search with its name and page."""
    lang = page_lang()
    rows = []
    for found in follows_of(user):
        if found.organisation_id is not None:
            url = url_for("partners.organisation", organisation_id=found.organisation_id)
        else:
            url = url_for("search.page") + (f"?{found.query}" if found.query else "")
        rows.append({"follow": found, "name": describe(found, lang), "url": url,
                     "frequency": frequency_label(found.frequency)})
    return rows


def _follow_state(query: str = "", organisation: Organisation | None = None
                  ) -> FollowedSearch | None:
    """The logged-in person's row for this search or organisation, for the follow box."""
    if not current_user.is_authenticated:
        return None
    if organisation is None:
        try:
            query = canonical_query(params_of(query))
        except BadSearchRequest:
            return None
    return find_follow(current_user, query, organisation)


def _back(default: str) -> Any:
    return redirect(safe_next(request.form.get("next")) or default, 303)


@bp.post("/follow")
def start() -> Any:
    """Follow a search or an organisation (or change how often, when already followed)."""
    user = person()
    organisation = None
    raw_id = (request.form.get("organisation_id") or "").strip()
    if raw_id:
        if not raw_id.isascii() or not raw_id.isdigit():
            abort(400)
        organisation = db.session.get(Organisation, int(raw_id)) if len(raw_id) < 10 else None
        if organisation is None:
            abort(404)
    try:
        found = follow(user, query=request.form.get("query", ""), organisation=organisation,
                       frequency=request.form.get("frequency", ""))
    except FollowError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(url_for("account.overview"))
    db.session.commit()
    flash(_("You follow %(name)s. You get an e-mail %(frequency)s when new practices are "
            "published.", name=describe(found, page_lang()),
            frequency=frequency_label(found.frequency)), "success")
    return _back(url_for("account.overview"))


def _own(follow_id: int) -> FollowedSearch:
    found = owned_follow(person(), follow_id)
    if found is None:
        abort(404)
    return found


@bp.post("/account/following/<int:follow_id>")
def change(follow_id: int) -> Any:
    """Change how often a followed search is mailed."""
    found = _own(follow_id)
    frequency = request.form.get("frequency", "")
    if frequency not in FREQUENCIES:
        flash(_("Choose daily or weekly."), "error")
        return redirect(url_for("account.overview"), 303)
    found.frequency = frequency
    db.session.commit()
    flash(_("You now get %(name)s %(frequency)s.", name=describe(found, page_lang()),
            frequency=frequency_label(frequency)), "success")
    return redirect(url_for("account.overview"), 303)


@bp.post("/account/following/<int:follow_id>/stop")
def stop(follow_id: int) -> Any:
    """Stop following a search."""
    found = _own(follow_id)
    name = describe(found, page_lang())
    db.session.delete(found)
    db.session.commit()
    flash(_("You no longer follow %(name)s.", name=name), "success")
    return redirect(url_for("account.overview"), 303)


@bp.route("/follow/stop/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """The digest's unsubscribe link: a button (GET), and stopping it (POST, from that
    button or from a mail program's one-click ``List-Unsubscribe=One-Click``)."""
    found = follow_for_token(token)
    if found is None:
        return render_template("following/stopped.html", name=None), 404
    name = describe(found, page_lang())
    if request.method == "GET":
        return render_template("following/unsubscribe.html", name=name)
    db.session.delete(found)
    db.session.commit()
    return render_template("following/stopped.html", name=name)
