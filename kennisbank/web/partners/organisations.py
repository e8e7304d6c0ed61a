"""Organisation pages: the directory, a profile, and the profile form."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...api.errors import MAX_ID
from ...auth.policy import can
from ...content.registry import current_registry
from ...content.vocab import THEMES, countries
from ...extensions import db
from ...models import Organisation
from ...partners.directory import FACETS, describe, facet_label, search_directory
from ...partners.organisations import (
    OrganisationError,
    contacts_of,
    members_of,
    offers_and_seeks,
    practices_of,
    save_organisation,
)
from ..editing import person
from ..filters import page_lang
from . import bp, require_readable
from .forms import OrganisationForm
from .helpers import contact_rows

PER_PAGE = 30
MAX_FILTER_VALUES = 50


def find(model: Any, object_id: int) -> Any:
    """A row by id, or 404 (ids past the database's integer range name nothing)."""
    found = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def facet_titles() -> dict[str, str]:
    return {"sector": _("Sector"), "country": _("Country"), "city": _("City"),
            "offers": _("Offers"), "seeks": _("Seeks")}


def _directory_url(text: str, filters: dict[str, tuple[str, ...]], page: int = 1) -> str:
    args: list[tuple[str, str]] = [("q", text)] if text else []
    args += [(name, value) for name, values in filters.items() for value in values]
    if page > 1:
        args.append(("page", str(page)))
    base = url_for("partners.organisations")
    return f"{base}?{urlencode(args)}" if args else base


def _toggled(filters: dict[str, tuple[str, ...]], name: str, value: str
             ) -> dict[str, tuple[str, ...]]:
    changed = dict(filters)
    current = changed.get(name, ())
    values = tuple(v for v in current if v != value) if value in current else (*current, value)
    if values:
        changed[name] = values
    else:
        changed.pop(name, None)
    return changed


@bp.route("/organisations")
def organisations() -> Any:
    """Every organisation, searchable by words and filtered by facets."""
    require_readable()
    lang = page_lang()
    text = str(request.args.get("q", ""))[:1000]
    filters: dict[str, tuple[str, ...]] = {}
    for name in FACETS:
        values = tuple(dict.fromkeys(v.strip()[:200] for v in request.args.getlist(name)
                                     if v.strip()))[:MAX_FILTER_VALUES]
        if values:
            filters[name] = values
    page = request.args.get("page", "1")
    page_number = int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 10_000 else 1
    result = search_directory(text, filters)
    pages = max(1, -(-result.total // PER_PAGE))
    page_number = min(page_number, pages)
    shown = result.entries[(page_number - 1) * PER_PAGE: page_number * PER_PAGE]
    facets = {
        name: [{"value": value, "label": facet_label(name, value, lang), "count": count,
                "selected": value in filters.get(name, ()),
                "url": _directory_url(text, _toggled(filters, name, value))}
               for value, count in counts]
        for name, counts in result.facets.items()
    }
    active = [(name, value, facet_label(name, value, lang),
               _directory_url(text, _toggled(filters, name, value)))
              for name, values in filters.items() for value in values]
    return render_template(
        "partners/organisations.html", text=text, filters=filters, result=result,
        entries=[(entry, describe(entry, lang)) for entry in shown], facets=facets,
        facet_titles=facet_titles(), active=active, page=page_number, pages=pages,
        page_url=lambda number: _directory_url(text, filters, number),
        can_add=can(current_user, "edit_organisation"),
    )


@bp.route("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Any:
    require_readable()
    org = find(Organisation, organisation_id)
    offers, seeks = offers_and_seeks(org)
    may_edit = can(current_user, "edit_organisation", org)
    return render_template(
        "partners/organisation.html", org=org, offers=offers, seeks=seeks,
        practices=practices_of(org, current_user),
        contacts=contact_rows(contacts_of(organisation=org)),
        members=members_of(org) if may_edit else [], may_edit=may_edit,
    )


def _fill(form: OrganisationForm, lang: str) -> None:
    registry = current_registry()
    form.sector.choices = [SelectChoice("", _("No sector"))] + [
        SelectChoice(code, registry.sector_label(code, lang)) for code in registry.sectors]
    form.country.choices = [SelectChoice("", _("No country"))] + [
        SelectChoice(code, name) for code, name in countries(lang)]
    themes = [SelectChoice(code, f"{int(code[3:])}. {registry.theme_label(code, lang)}")
              for code in THEMES]
    form.offers.choices = themes
    form.seeks.choices = themes


def _form_data(form: OrganisationForm) -> dict[str, Any]:
    return {
        "name": form.name.data, "sector": form.sector.data, "city": form.city.data,
        "country": form.country.data, "website": form.website.data,
        "description": {"nl": form.description_nl.data or "", "en": form.description_en.data or ""},
        "offers": form.offers.data or [], "seeks": form.seeks.data or [],
    }


def _edit(org: Organisation | None) -> Any:
    user = person()
    if not can(user, "edit_organisation", org):
        abort(403)
    form = OrganisationForm()
    _fill(form, page_lang())
    if request.method == "GET" and org is not None:
        offers, seeks = offers_and_seeks(org)
        form.name.data, form.sector.data, form.city.data = org.name, org.sector or "", org.city
        form.country.data, form.website.data = org.country or "", org.website
        form.description_nl.data = (org.description or {}).get("nl", "")
        form.description_en.data = (org.description or {}).get("en", "")
        form.offers.data, form.seeks.data = offers, seeks
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            saved = save_organisation(org, _form_data(form), user)
        except OrganisationError as exc:
            db.session.rollback()
            for key, message in exc.errors.items():
                target = getattr(form, key, None)
                if target is not None:
                    target.errors = [*target.errors, message]
                else:
                    problems.append(message)
        else:
            db.session.commit()
            flash(_("The organisation is saved."), "success")
            return redirect(url_for("partners.organisation", organisation_id=saved.id), 303)
    return render_template("partners/organisation_form.html", form=form, org=org,
                           problems=problems)


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation() -> Any:
    return _edit(None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int) -> Any:
    return _edit(find(Organisation, organisation_id))
