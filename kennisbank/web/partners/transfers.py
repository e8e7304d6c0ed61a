"""Recording and removing transfer links from a practice's page.

Those who may edit a practice record its links. The other practice is named
the way people find it: by its number, its external id or its address (a
link copied from the browser); a city is chosen from the stored cities.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ...auth.policy import can
from ...content.registry import current_registry
from ...content.service import commit
from ...content.vocab import country_name
from ...extensions import db
from ...models import City, Item
from ...partners.models import TRANSFER_KINDS, TransferLink
from ...partners.transfers import KIND_NAMES, TransferError, add_transfer, remove_transfer
from ..editing import person
from ..filters import page_lang
from ..locked import locked
from . import bp
from .forms import TransferForm
from .organisations import MAX_ID, find

ITEM_ADDRESS = re.compile(r"/items/(\d+)(?:[/?#]|$)")


def find_practice(reference: str) -> Item | None:
    """A practice by number, external id or page address."""
    reference = reference.strip()
    match = ITEM_ADDRESS.search(reference)
    number = match.group(1) if match else reference
    if number.isascii() and number.isdigit() and 0 < int(number) <= MAX_ID:
        found = db.session.get(Item, int(number))
        if found is not None:
            return found
    return db.session.scalar(select(Item).where(Item.external_id == reference))


def _editable(item_id: int) -> tuple[Item, Any]:
    user = person()
    item = find(Item, item_id)
    if current_registry().type(item.type) is None or not can(user, "view", item):
        abort(404)
    if not can(user, "edit", item):
        abort(locked(item))
    return item, user


@bp.route("/items/<int:item_id>/transfers/new", methods=["GET", "POST"])
def new_transfer(item_id: int) -> Any:
    item, user = _editable(item_id)
    lang = page_lang()
    form = TransferForm()
    form.kind.choices = [SelectChoice(kind, str(KIND_NAMES[kind])) for kind in TRANSFER_KINDS]
    cities = db.session.scalars(select(City).order_by(City.name)).all()
    form.city.choices = [SelectChoice("", _("No city"))] + [
        SelectChoice(str(c.id), f"{c.name} ({country_name(c.country, lang)})") for c in cities]
    if form.validate_on_submit():
        to_item = None
        if form.practice.data and form.practice.data.strip():
            to_item = find_practice(form.practice.data)
            if to_item is None or not can(user, "view", to_item):
                form.practice.errors = [*form.practice.errors,
                                        _("No practice you can see has this number or address.")]
        to_city = (db.session.get(City, int(form.city.data))
                   if form.city.data and form.city.data.isdigit() else None)
        if not form.practice.errors:
            try:
                add_transfer(
                    item, kind=form.kind.data or "", user=user, to_item=to_item, to_city=to_city,
                    how={"nl": form.how_nl.data, "en": form.how_en.data},
                    result={"nl": form.result_nl.data, "en": form.result_en.data},
                )
            except TransferError as exc:
                db.session.rollback()
                for key, message in exc.errors.items():
                    target = {"target": form.practice, "to_item": form.practice,
                              "how": form.how_en, "result": form.result_en}.get(key, form.kind)
                    target.errors = [*target.errors, message]
            else:
                commit()
                flash(_("The transfer link is saved."), "success")
                return redirect(url_for("web.item", item_id=item.id), 303)
    return render_template("partners/transfer_form.html", form=form, item=item,
                           title=item.best_translation(lang).title)


@bp.route("/items/<int:item_id>/transfers/<int:link_id>/delete", methods=["POST"])
def delete_transfer(item_id: int, link_id: int) -> Any:
    item, _user = _editable(item_id)
    link = find(TransferLink, link_id)
    if link.from_item_id != item.id:
        abort(404)
    remove_transfer(link)
    commit()
    flash(_("The transfer link is removed."), "success")
    return redirect(url_for("web.item", item_id=item.id), 303)
