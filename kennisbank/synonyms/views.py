"""Admin pages of the synonym list, for editors and administrators.

========================================  ====================================
``/<lang>/admin/synonyms``                the list, with a filter on the terms
``/<lang>/admin/synonyms/new``            a new set
``/<lang>/admin/synonyms/<id>/edit``      change a set
``/<lang>/admin/synonyms/<id>/delete``    confirm (GET), then delete (POST)
========================================  ====================================

Visitors are sent to the login page (GET) or get 401; everyone else without
``manage_synonyms`` gets 403. Forms are Flask-WTF forms, and the delete form
carries the CSRF token too. On any error the form comes back with the
messages next to the fields and in a summary, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..auth.policy import require
from ..extensions import db
from ..models import User
from ..web.editing import person
from . import service
from .forms import SynonymSetForm, form_data
from .models import SynonymSet

bp = Blueprint("synonyms", __name__, url_prefix="/<any(nl, en):lang>/admin/synonyms")

#: Where each of the service's error keys is shown: the form field's id.
FIELDS = {"nl": "terms_nl", "en": "terms_en", "note": "note", "terms": "terms_nl"}
MAX_FILTER_LENGTH = 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _editor() -> User:
    """The logged-in editor or administrator; else the login page, 401 or 403."""
    user = person()
    require(user, "manage_synonyms")
    return user


def _set_or_404(set_id: int) -> SynonymSet:
    found = service.get_set(set_id)
    if found is None:
        abort(404)
    return found


@bp.get("")
def index() -> str:
    _editor()
    text = str(request.args.get("q", ""))[:MAX_FILTER_LENGTH].strip()
    everything = service.find_sets()
    shown = [s for s in everything if service.matches(s, text)]
    return render_template("synonyms/list.html", sets=shown, q=text, total=len(everything))


def _labels(form: SynonymSetForm) -> dict[str, str]:
    return {"nl": str(form.terms_nl.label.text), "en": str(form.terms_en.label.text),
            "note": str(form.note.label.text), "terms": _("Terms")}


def _show(form: SynonymSetForm, errors: dict[str, str]) -> list[dict[str, str]]:
    """Put each message next to its field; returns the error summary's entries."""
    problems = []
    labels = _labels(form)
    for key, message in errors.items():
        target = FIELDS.get(key)
        field = getattr(form, target, None) if target and key != "terms" else None
        if field is not None:
            field.errors = [*field.errors, message]
        problems.append({"target": target or "", "label": labels.get(key, key),
                         "message": message})
    return problems


def _form_page(form: SynonymSetForm, synonym_set: SynonymSet | None,
               errors: dict[str, str]) -> str:
    """The form; ``terms`` (a rule about both languages) is shown above both term boxes."""
    return render_template("synonyms/form.html", form=form, synonym_set=synonym_set,
                           problems=_show(form, errors), terms_error=errors.get("terms"))


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    user = _editor()
    form = SynonymSetForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            created = service.create_set(form_data(form), user)
        except service.SynonymError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(_("Synonym set %(id)d has been added.", id=created.id), "success")
            return redirect(url_for("synonyms.index"), 303)
    return _form_page(form, None, errors)


@bp.route("/<int:set_id>/edit", methods=["GET", "POST"])
def edit(set_id: int) -> Any:
    user = _editor()
    synonym_set = _set_or_404(set_id)
    form = SynonymSetForm()
    if request.method == "GET":
        form.terms_nl.data = "\n".join(synonym_set.terms("nl"))
        form.terms_en.data = "\n".join(synonym_set.terms("en"))
        form.note.data = synonym_set.note
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            changed = service.update_set(synonym_set, form_data(form), user)
        except service.SynonymError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            if changed:
                flash(_("Synonym set %(id)d has been saved.", id=set_id), "success")
            return redirect(url_for("synonyms.index"), 303)
    return _form_page(form, synonym_set, errors)


@bp.get("/<int:set_id>/delete")
def confirm_delete(set_id: int) -> str:
    _editor()
    return render_template("synonyms/delete.html", synonym_set=_set_or_404(set_id))


@bp.post("/<int:set_id>/delete")
def delete(set_id: int) -> Response:
    _editor()
    service.delete_set(_set_or_404(set_id))
    db.session.commit()
    flash(_("Synonym set %(id)d has been deleted.", id=set_id), "success")
    return redirect(url_for("synonyms.index"), 303)
