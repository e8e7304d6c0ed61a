"""Contact persons of practices and organisations, and an organisation's members.

Contact persons are kept by whoever may edit the practice or the
organisation's profile. Members (``User.organisation_id``) may edit their
organisation's profile, so only those who maintain every organisation
(editors and admins) add or remove them.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ...auth.policy import can
from ...content.registry import current_registry
from ...extensions import db
from ...models import Item, Organisation, User
from ...partners.models import ContactPerson
from ...partners.organisations import OrganisationError, add_contact, contacts_of, members_of
from ..editing import person
from ..locked import locked
from . import bp
from .forms import ContactPersonForm, MemberForm
from .helpers import contact_rows
from .organisations import find


def _account(email: str | None) -> tuple[User | None, str | None]:
    """The account with this email address, or an error message."""
    if not email or not email.strip():
        return None, None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        return None, _("No account has this email address.")
    return user, None


def _add_contact(form: ContactPersonForm, **owner: Any) -> bool:
    """Add the contact person the form describes; ``False`` with errors on the form."""
    user, problem = _account(form.account.data)
    if problem:
        form.account.errors = [*form.account.errors, problem]
        return False
    try:
        add_contact(name=form.name.data or "", position=form.position.data or "",
                    email=form.email.data or "", phone=form.phone.data or "", user=user, **owner)
    except OrganisationError as exc:
        db.session.rollback()
        for key, message in exc.errors.items():
            getattr(form, key).errors = [*getattr(form, key).errors, message]
        return False
    db.session.commit()
    flash(_("The contact person is added."), "success")
    return True


@bp.route("/items/<int:item_id>/people", methods=["GET", "POST"])
def item_people(item_id: int) -> Any:
    """A practice's contact persons, for those who may edit the practice."""
    user = person()
    item = find(Item, item_id)
    if current_registry().type(item.type) is None or not can(user, "view", item):
        abort(404)
    if not can(user, "edit", item):
        return locked(item)
    form = ContactPersonForm()
    if form.validate_on_submit() and _add_contact(form, item=item):
        return redirect(url_for("partners.item_people", item_id=item.id), 303)
    return render_template("partners/people.html", form=form, item=item, org=None,
                           contacts=contact_rows(contacts_of(item=item)), members=None,
                           member_form=None)


@bp.route("/organisations/<int:organisation_id>/people", methods=["GET", "POST"])
def organisation_people(organisation_id: int) -> Any:
    """An organisation's contact persons and, for maintainers, its members."""
    user = person()
    org = find(Organisation, organisation_id)
    if not can(user, "edit_organisation", org):
        abort(403)
    maintainer = can(user, "edit_organisation")
    form = ContactPersonForm(prefix="contact")
    member_form = MemberForm(prefix="member") if maintainer else None
    if request.method == "POST" and member_form is not None and "member-email" in request.form:
        if member_form.validate_on_submit():
            member, problem = _account(member_form.email.data)
            if member is None:
                member_form.email.errors = [*member_form.email.errors,
                                            problem or _("This field is required.")]
            else:
                member.organisation_id = org.id
                db.session.commit()
                flash(_("%(name)s is now a member.", name=member.name), "success")
                return redirect(url_for("partners.organisation_people",
                                        organisation_id=org.id), 303)
    elif form.validate_on_submit() and _add_contact(form, organisation=org):
        return redirect(url_for("partners.organisation_people", organisation_id=org.id), 303)
    return render_template("partners/people.html", form=form, item=None, org=org,
                           contacts=contact_rows(contacts_of(organisation=org)),
                           members=members_of(org) if maintainer else None,
                           member_form=member_form)


@bp.route("/organisations/<int:organisation_id>/members/<int:user_id>/remove",
          methods=["POST"])
def remove_member(organisation_id: int, user_id: int) -> Any:
    user = person()
    org = find(Organisation, organisation_id)
    if not can(user, "edit_organisation"):
        abort(403)
    member = find(User, user_id)
    if member.organisation_id != org.id:
        abort(404)
    member.organisation_id = None
    db.session.commit()
    flash(_("%(name)s is no longer a member.", name=member.name), "success")
    return redirect(url_for("partners.organisation_people", organisation_id=org.id), 303)


@bp.route("/people/<int:contact_id>/delete", methods=["POST"])
def delete_contact(contact_id: int) -> Any:
    user = person()
    contact = find(ContactPerson, contact_id)
    if contact.item is not None:
        allowed = can(user, "edit", contact.item)
        back = url_for("partners.item_people", item_id=contact.item_id)
    else:
        allowed = can(user, "edit_organisation", contact.organisation)
        back = url_for("partners.organisation_people", organisation_id=contact.organisation_id)
    if not allowed:
        abort(403)
    db.session.delete(contact)
    db.session.commit()
    flash(_("The contact person is removed."), "success")
    return redirect(back, 303)

