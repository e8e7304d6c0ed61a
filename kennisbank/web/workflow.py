"""Workflow steps and history on the item page.

``POST /<lang>/items/<id>/<step>`` takes a step (``GET`` shows its form,
where a missing comment is explained next to the field); ``/history`` lists
the revisions with their differences; a revision can be restored. Refusals
follow the policy: 401 when nobody is logged in, 404 when the item may not be
seen, 403 when it may be seen but not acted on.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import Length

from .. import revisions, workflow
from ..auth.policy import require
from ..content.registry import current_registry
from ..content.service import commit
from ..content.validation import ValidationError
from ..extensions import db
from ..models import Item, Revision, User
from .filters import page_lang

bp = Blueprint("workflow", __name__, url_prefix="/<any(nl, en):lang>/items")

STEPS = "any(submit, publish, return, archive)"


class TransitionForm(FlaskForm):
    comment = TextAreaField(
        workflow.COMMENT_LABEL, validators=[Length(max=workflow.MAX_COMMENT_LENGTH)]
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["status_label"] = workflow.status_label
    app.jinja_env.filters["action_label"] = workflow.action_label

    @app.context_processor
    def workflow_helpers() -> dict[str, Any]:
        return {
            "workflow_steps": lambda item: workflow.available(current_user, item),
            "last_return_comment": workflow.last_return_comment,
        }


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


@bp.route(f"/<int:item_id>/<{STEPS}:action>", methods=["GET", "POST"])
def transition(item_id: int, action: str) -> Any:
    item, user = _item_for(action, item_id)
    step = workflow.TRANSITIONS[action]
    form = TransitionForm()
    if form.validate_on_submit():
        try:
            workflow.apply(item, action, user=user, comment=form.comment.data or "")
        except workflow.TransitionError as error:
            if error.field is None:
                flash(error.message, "error")
                return redirect(_item_page(item), 303)
            form.comment.errors = [*form.comment.errors, error.message]
        except ValidationError as error:
            db.session.rollback()
            flash(_("This step is not possible yet: %(problems)s",
                    problems=" ".join(error.errors.values())), "error")
            return redirect(_item_page(item), 303)
        else:
            commit()
            flash(str(step.done), "success")
            return redirect(_item_page(item), 303)
    return render_template(
        "workflow/transition.html", item=item, step=step, form=form,
        fits=workflow.fits(step, item), title=item.best_translation(page_lang()).title,
    )


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
