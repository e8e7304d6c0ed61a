"""The review queue: what waits for an editor's decision, with the steps at hand.

``/<lang>/review`` lists the items in review in the editor's sectors (an
admin's: all), oldest submission first, so nothing waits forever. Each row
publishes or returns the item with a comment through the workflow's own
step URLs (:mod:`kennisbank.web.workflow`), which come back here afterwards.
Only editors and admins have a queue; everyone else is refused (401/403).
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template
from sqlalchemy import func

from .. import workflow
from ..auth.policy import visibility
from ..extensions import db
from ..models import Item, Revision
from .browse import paginate
from .editing import person

bp = Blueprint("review", __name__, url_prefix="/<any(nl, en):lang>")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/review")
def queue() -> str:
    user = person()
    if user.role not in ("editor", "admin"):
        abort(403)
    submitted = (
        db.select(func.max(Revision.created_at))
        .where(Revision.item_id == Item.id, Revision.action == "submit")
        .correlate(Item).scalar_subquery()
    )
    page = paginate(
        db.select(Item)
        .where(workflow.in_review_for(user), visibility(user).sql())
        .order_by(submitted.asc().nulls_first(), Item.updated_at.asc(), Item.id.asc())
    )
    return render_template("workflow/queue.html", page=page, sectors=user.sectors or [],
                           everything=user.role == "admin")
