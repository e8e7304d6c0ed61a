"""The answer for someone who may see an item but not change it.

An author whose item is in review (or published) used to get a bare 403 on
the edit, transfer and contact-person pages. They still get a 403, but on a
page that says why and offers the way out (withdraw from review), so the
edit pages never leave the author guessing. Anyone else gets the plain 403.
"""

from __future__ import annotations

from flask import abort, make_response, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import workflow
from ..models import Item
from .filters import page_lang


def locked(item: Item) -> Response:
    """A 403 page that explains to ``item``'s author why it cannot be changed now.

    :raises werkzeug.exceptions.Forbidden: for anyone but the author.
    """
    reason = workflow.lock_reason(current_user, item)
    if reason is None:
        abort(403)
    page = render_template("workflow/locked.html", item=item, reason=reason,
                           title=item.best_translation(page_lang()).title,
                           steps=workflow.available(current_user, item))
    return make_response(page, 403)
