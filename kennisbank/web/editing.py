"""Creating and editing items through forms generated from their content type.

Everything a form sends goes through the one validation path
(:func:`kennisbank.content.service.validate` with ``strict=False``) and is
saved by :func:`kennisbank.content.service.save_item`, so a form can accept
nothing the API or the importer would refuse. The form never changes an
item's status: new items are drafts, and moving them on is the workflow's job.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from ..attachments.models import Attachment
from ..attachments.storage import (
    Upload,
    UploadError,
    add_attachment,
    attachments_of,
    check_upload,
    max_attachment_size,
    remove_attachment,
)
from ..auth.policy import can
from ..content.registry import current_registry
from ..content.service import ValidationError, commit, item_to_data, queue_index, save_item
from ..content.service import validate as validate_item
from ..content.types import ContentType, label_in
from ..extensions import db
from ..models import Item, User
from ..revisions import record_files
from . import attachments as attachment_views
from .filters import page_lang
from .formvalues import (
    ATTACHMENTS,
    REMOVE_ATTACHMENT,
    FormValues,
    data_from_values,
    read_form,
    values_from_data,
)
from .itemform import build_form
from .locked import locked

bp = Blueprint("editing", __name__, url_prefix="/<any(nl, en):lang>")
bp.add_url_rule(
    "/items/<int:item_id>/attachments/<int:attachment_id>",
    endpoint="attachment",
    view_func=attachment_views.download,
)

#: Where a person who is not logged in is sent, whichever part provides the login page.
LOGIN_ENDPOINTS = ("account.login", "web.login")
#: Room for the text fields beside one attachment of the maximum size.
FORM_ALLOWANCE = 4 * 1024 * 1024
FORM_ENDPOINTS = ("editing.new_item", "editing.edit_item")


#: The name of the form's language switch button (see :func:`_switched`).
SWITCH_LANGUAGE = "switch_language"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(attachment_views.template_helpers)


@bp.url_value_preprocessor
def upload_limits(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Let edit forms carry an attachment larger than the app-wide request limit.

    URL value preprocessors run before any ``before_request`` function, and
    CSRF protection reads the form in one; the limits must be set before that.
    """
    if endpoint in FORM_ENDPOINTS:
        request.max_content_length = max_attachment_size() + FORM_ALLOWANCE
        request.max_form_memory_size = FORM_ALLOWANCE


def person() -> User:
    """The logged-in user; otherwise the login page (GET) or 401."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    endpoint = next((e for e in LOGIN_ENDPOINTS if e in current_app.view_functions), None)
    if endpoint is not None and request.method == "GET":
        abort(redirect(url_for(endpoint, next=request.full_path.rstrip("?"))))
    abort(401)


@bp.route("/items/new", methods=["GET", "POST"])
def new_item() -> Any:
    """Choose a content type, then fill in its form; the new item is a draft."""
    user = person()
    if not can(user, "create"):
        abort(403)
    registry = current_registry()
    name = request.form.get("type") or request.args.get("type")
    if not name and len(registry.types) == 1:
        name = next(iter(registry.types))
    if not name:
        lang = page_lang()
        types = sorted(
            (
                (ctype, label_in(ctype.label, lang, ctype.name), label_in(ctype.description, lang))
                for ctype in registry.types.values()
            ),
            key=lambda row: row[1],
        )
        return render_template("edit/choose_type.html", types=types)
    ctype = registry.type(name)
    if ctype is None:
        abort(404)
    base = {"type": ctype.name, "status": "draft"}
    if request.method == "POST":
        return _submit(ctype, None, base, user)
    values = values_from_data({"sector": _default_sector(ctype, user)}, ctype)
    return _render(ctype, values, None, {})


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(item_id: int) -> Any:
    """Edit an item's content and attachments; its status stays as it is."""
    item = db.session.get(Item, item_id)
    ctype = current_registry().type(item.type) if item is not None else None
    if item is None or ctype is None:
        abort(404)
    user = person()
    if not can(user, "view", item):
        abort(404)
    if not can(user, "edit", item):
        return locked(item)
    base = {"type": item.type, "status": item.status, "external_id": item.external_id}
    if request.method == "POST":
        return _submit(ctype, item, base, user)
    return _render(ctype, values_from_data(item_to_data(item), ctype), item, {})


def _default_sector(ctype: ContentType, user: User) -> str:
    if ctype.sector:
        return ctype.sector
    sectors = [s for s in (user.sectors or []) if s in current_registry().sectors]
    return sectors[0] if len(sectors) == 1 else ""


def _render(
    ctype: ContentType,
    values: FormValues,
    item: Item | None,
    errors: dict[str, str],
    removals: frozenset[int] = frozenset(),
) -> str:
    existing = item.languages if item is not None else []
    form = build_form(ctype, values, ui_lang=page_lang(), existing=existing, errors=errors,
                      new=item is None)
    if item is None:
        action = url_for("editing.new_item", type=ctype.name)
        heading = _("New practice: %(type)s", type=label_in(ctype.label, page_lang(), ctype.name))
    else:
        action = url_for("editing.edit_item", item_id=item.id)
        heading = ""
    return render_template(
        "edit/form.html",
        form=form,
        item=item,
        action=action,
        heading=heading,
        current=item.best_translation(page_lang()) if item is not None else None,
        attachments=attachments_of(item.id) if item is not None else [],
        removals=removals,
    )


def _submit(ctype: ContentType, item: Item | None, base: dict[str, Any], user: User) -> Any:
    """Validate the form and its files together; save all of it, or show every problem."""
    existing = item.languages if item is not None else []
    values = read_form(request.form, ctype)
    if SWITCH_LANGUAGE in request.form:
        return _switched(ctype, values, item)
    data = data_from_values(values, ctype, base=base, existing=existing)
    errors: dict[str, str] = {}
    clean = None
    try:
        clean = validate_item(data, item_id=item.id if item is not None else None, strict=False)
    except ValidationError as exc:
        errors.update(exc.errors)
    uploads, upload_problems = _read_uploads(request.files.getlist(ATTACHMENTS))
    if upload_problems:
        errors[ATTACHMENTS] = " ".join(upload_problems)
    elif errors and uploads:
        errors[ATTACHMENTS] = _(
            "Please choose your files again (%(names)s): files cannot be kept "
            "while the form has problems.", names=", ".join(u.name for u in uploads)
        )
    current = attachments_of(item.id) if item is not None else []
    chosen = set(request.form.getlist(REMOVE_ATTACHMENT))
    removing = [a for a in current if str(a.id) in chosen]
    if errors:
        page = _render(ctype, values, item, errors, frozenset(a.id for a in removing))
        return page, 422
    saved = _save(data, clean, item, user, uploads, removing)
    if item is None:
        flash(_("Your practice has been saved as a draft."), "success")
    else:
        flash(_("Your changes have been saved."), "success")
    return redirect(url_for("web.item", item_id=saved.id), 303)


def _switched(ctype: ContentType, values: FormValues, item: Item | None) -> str:
    """The form again, in the language of this address, with everything typed so far.

    The header's language switch on the form is a submit button posting the form
    to its twin address, so a change of language never loses text; nothing is
    saved until the reader presses Save. Chosen files cannot be carried along.
    """
    chosen = {str(value) for value in request.form.getlist(REMOVE_ATTACHMENT)}
    current = attachments_of(item.id) if item is not None else []
    removals = frozenset(a.id for a in current if str(a.id) in chosen)
    flash(_("Not saved yet: the form is now in this language with what you typed. "
            "Files you chose must be chosen again."), "info")
    return _render(ctype, values, item, {}, removals)


def _save(
    data: dict[str, Any],
    clean: dict[str, Any] | None,
    item: Item | None,
    user: User,
    uploads: list[Upload],
    removing: list[Attachment],
) -> Item:
    """Item, new files and removed files in one transaction (files follow it: see storage)."""
    try:
        saved = save_item(data, user=user, item=item, strict=False, clean=clean,
                          action="create" if item is None else "save")
        for upload in uploads:
            add_attachment(saved, upload, user)
        for attachment in removing:
            remove_attachment(attachment)
        if uploads or removing:
            queue_index(saved.id, "index")
            record_files(saved, user=user, added=[u.name for u in uploads],
                         removed=[a.original_name for a in removing])
        commit()
    except Exception:
        db.session.rollback()
        raise
    return saved


def _read_uploads(files: list[FileStorage]) -> tuple[list[Upload], list[str]]:
    """Checked uploads and a message per refused one; an empty file input is no upload."""
    limit = max_attachment_size()
    uploads: list[Upload] = []
    problems: list[str] = []
    for storage in files:
        content = storage.stream.read(limit + 1)
        if not storage.filename and not content:
            continue
        try:
            uploads.append(check_upload(storage.filename or "", content))
        except UploadError as exc:
            problems.append(str(exc))
    return uploads, problems

