"""Workflow steps and history on the item page, and the editors' review queue.

``POST /<lang>/items/<id>/<step>`` takes a step (``GET`` shows its form,
where a missing comment is explained next to the field and in an error
summary); ``/history`` lists the revisions with their differences; a revision
can be restored. ``/<lang>/review`` lists what waits for an editor's review,
and each step there comes back to the queue (``next``). Refusals follow the
policy: 401 when nobody is logged in, 404 when the item may not be seen, 403
when it may be seen but not acted on; an author who may not change their own
item is told why (:mod:`kennisbank.web.locked`), not just refused.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func
from werkzeug.wrappers import Response
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from .. import revisions, workflow
from ..auth.policy import require, visibility
from ..auth.redirects import safe_next
from ..content.registry import current_registry
from ..content.service import commit
from ..content.validation import ValidationError
from ..extensions import db
from ..models import Item, Revision, User
from . import review
from .filters import page_lang

bp = Blueprint("workflow", __name__, url_prefix="/<any(nl, en):lang>/items")

STEPS = f"any({', '.join(workflow.TRANSITIONS)})"


class TransitionForm(FlaskForm):
    comment = TextAreaField(
        workflow.COMMENT_LABEL, validators=[Length(max=workflow.MAX_COMMENT_LENGTH)]
    )
    #: Where to go after the step (the review queue, My items); only a path on this site.
    next = HiddenField()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    review.init_app(app)
    app.jinja_env.filters["status_label"] = workflow.status_label
    app.jinja_env.filters["action_label"] = workflow.action_label

    @app.context_processor
    def workflow_helpers() -> dict[str, Any]:
        return {
            "workflow_steps": lambda item: workflow.available(current_user, item),
            "workflow_note": lambda item: workflow.status_note(current_user, item),
            "last_return_comment": workflow.last_return_comment,
            "last_step": workflow.last_step,
            "review_waiting": review_waiting,
        }


def review_waiting() -> int:
    """How many items wait for the logged-in person's review (for the navigation)."""
    if "_review_waiting" not in g:
        g._review_waiting = db.session.scalar(
            db.select(func.count(Item.id)).where(workflow.in_review_for(current_user),
                                                 visibility(current_user).sql())
        ) or 0
    return int(g._review_waiting)


def _item_for(action: str, item_id: int) -> tuple[Item, User]:
    """The item, if the logged-in person may do ``action`` on it; else abort."""
    if not current_user.is_authenticated:
        abort(401)
    item = db.session.get(Item, item_id)
    if item is None or current_registry().type(item.type) is None:
        abort(404)
    require(current_user, action, item)
    return item, current_user._get_current_object()


def _item_page(item: Item) -> str:
    return url_for("web.item", item_id=item.id)


def _after(form: TransitionForm, item: Item) -> str:
    """Back where the step was taken (``next``, a path on this site), else the item."""
    return safe_next(form.next.data or request.args.get("next")) or _item_page(item)


@bp.route(f"/<int:item_id>/<{STEPS}:action>", methods=["GET", "POST"])
def transition(item_id: int, action: str) -> Any:
    item, user = _item_for(action, item_id)
    step = workflow.TRANSITIONS[action]
    form = TransitionForm()
    form.comment.label.text = str(step.comment_label)
    if request.method == "GET" and not form.next.data:
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            workflow.apply(item, action, user=user, comment=form.comment.data or "")
        except workflow.TransitionError as error:
            if error.field is None:
                flash(error.message, "error")
                return redirect(_after(form, item), 303)
            form.comment.errors = [*form.comment.errors, error.message]
        except ValidationError as error:
            db.session.rollback()
            flash(_("This step is not possible yet: %(problems)s",
                    problems=" ".join(error.errors.values())), "error")
            return redirect(_item_page(item), 303)
        else:
            commit()
            flash(str(step.done), "success")
            return redirect(_after(form, item), 303)
    problems = [{"target": form.comment.id, "label": form.comment.label.text, "message": message}
                for message in form.comment.errors]
    page = render_template(
        "workflow/transition.html", item=item, step=step, form=form, problems=problems,
        back=_after(form, item), fits=workflow.fits(step, item),
        title=item.best_translation(page_lang()).title,
    )
    return (page, 422) if problems else page


@bp.get("/<int:item_id>/history")
def history(item_id: int) -> str:
    item, _user = _item_for("view_history", item_id)
    lang = page_lang()
    return render_template(
        "workflow/history.html", item=item, entries=revisions.history(item, lang),
        title=item.best_translation(lang).title,
    )


@bp.post("/<int:item_id>/revisions/<int:revision_id>/revert")
def revert(item_id: int, revision_id: int) -> Response:
    item, user = _item_for("edit", item_id)
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.item_id != item.id:
        abort(404)
    try:
        restored = revisions.revert(item, revision, user=user)
    except ValidationError as error:
        db.session.rollback()
        flash(_("This version cannot be restored: %(problems)s",
                problems="; ".join(error.errors.values())), "error")
        return redirect(url_for("workflow.history", item_id=item.id), 303)
    if restored:
        commit()
        flash(_("The earlier version has been restored as a new revision."), "success")
    else:
        flash(_("This version is the current one already."), "success")
    return redirect(url_for("workflow.history", item_id=item.id), 303)
