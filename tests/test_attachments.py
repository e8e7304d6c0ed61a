"""Attachments: type from content, size limit, text extraction, safe downloads,
visibility, search, deletion, and export/import of the files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from kennisbank.attachments import Attachment
from kennisbank.attachments.extract import extract_text
from kennisbank.attachments.sniff import DOCX, JPEG, ODT, PDF, PNG, WEBP, detect
from kennisbank.attachments.storage import attachments_dir, safe_name
from kennisbank.attachments.transfer import folder_name
from kennisbank.content.service import commit, delete_item
from kennisbank.extensions import db
from kennisbank.models import Item
from kennisbank.plugins import hook
from kennisbank.web.attachments import content_disposition
from tests.conftest import Runner, item_data, login, make_app
from tests.pagehtml import Page

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)


def pdf_with_text(text: str) -> bytes:
    """A minimal valid one-page PDF showing ``text`` in Helvetica."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1, xref)
    return bytes(out)


def docx_with_text(*paragraphs: str, doctype: bool = False) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    prolog = '<!DOCTYPE x [<!ENTITY a "aaaa">]>' if doctype else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml",
                         f'<?xml version="1.0"?>{prolog}<w:document xmlns:w="{w}">'
                         f"<w:body>{body}</w:body></w:document>")
    return buffer.getvalue()


def odt_with_text(*paragraphs: str) -> bytes:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    body = "".join(f"<text:p>{p}<text:span> extra</text:span></text:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml",
                         f'<office:document-content xmlns:office="{office}" '
                         f'xmlns:text="{text}"><office:body><office:text>{body}'
                         f"</office:text></office:body></office:document-content>")
    return buffer.getvalue()


# -- type from content -----------------------------------------------------------------


def test_types_are_recognised_from_content() -> None:
    assert detect(pdf_with_text("x")) is PDF
    assert detect(PNG_BYTES) is PNG
    assert detect(b"\xff\xd8\xff\xe0" + bytes(20)) is JPEG
    assert detect(b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(20)) is WEBP
    assert detect(docx_with_text("Hallo")) is DOCX
    assert detect(odt_with_text("Hallo")) is ODT


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00" + bytes(60),  # a Windows executable
    b"<!doctype html><script>alert(1)</script>",
    b"\x7fELF" + bytes(20),
    b"",
    b"PK\x03\x04 not really a zip",
])
def test_other_content_is_not_accepted(content: bytes) -> None:
    assert detect(content) is None


def test_a_zip_that_is_not_a_document_is_not_accepted() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/evil.exe", "MZ")
    assert detect(buffer.getvalue()) is None


def test_the_name_gets_the_detected_types_extension() -> None:
    assert safe_name("photo.pdf", PNG) == "photo.png"
    assert safe_name("Rapport 2024.PDF", PDF) == "Rapport 2024.PDF"
    assert safe_name("../../etc/passwd.pdf", PDF) == "passwd.pdf"
    assert safe_name("C:\\Users\\x\\brochure.jpeg", JPEG) == "brochure.jpeg"
    assert safe_name("verslag.v2", DOCX) == "verslag.docx"
    assert safe_name("\u202egnp.exe", PNG) == "gnp.png"  # right-to-left override removed
    assert safe_name("..", PDF) == "attachment.pdf"


# -- text extraction -------------------------------------------------------------------


def test_text_is_extracted_from_a_pdf() -> None:
    assert "Marmalade cooperative of Deventer" in extract_text(
        PDF, pdf_with_text("Marmalade cooperative of Deventer"))


def test_text_is_extracted_from_docx_and_odt() -> None:
    assert extract_text(DOCX, docx_with_text("Eerste alinea", "Tweede alinea")) == (
        "Eerste alinea\nTweede alinea")
    assert extract_text(ODT, odt_with_text("Schoolplein")) == "Schoolplein extra"


def test_broken_or_hostile_documents_give_no_text_and_no_error() -> None:
    assert extract_text(DOCX, docx_with_text("Hallo", doctype=True)) == ""
    assert extract_text(PDF, b"%PDF-1.4 garbage") == ""
    assert extract_text(PNG, PNG_BYTES) == ""


# -- uploading through the edit form ---------------------------------------------------


def edit_values(**files: Any) -> dict[str, Any]:
    """The edit form of the default test item, unchanged, plus files."""
    return {
        "sector": "municipality", "themes": ["sdg11"], "tags": "fietsen", "city": "Deventer",
        "country": "NL", "start_date": "2022-01-01",
        "nl-title": "Fietsstraten in de binnenstad", "nl-summary": "Auto te gast.",
        "nl-body": "De gemeente maakte **fietsstraten**.",
        "en-title": "Bicycle streets in the centre", "en-summary": "Cars are guests.",
        "en-body": "The city created **bicycle streets**.",
        **files,
    }


def upload(client, item_id: int, content: bytes, name: str, lang: str = "en", **extra: Any):
    data = edit_values(attachments=(io.BytesIO(content), name), **extra)
    return client.post(f"/{lang}/items/{item_id}/edit", data=data,
                       content_type="multipart/form-data")


def stored(app, item_id: int) -> list[Attachment]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Attachment).where(Attachment.item_id == item_id).order_by(Attachment.id)
        ).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


@pytest.fixture
def editor(make_user):
    return make_user("editor", sectors=["municipality"])


def test_a_pdf_is_stored_under_a_generated_name_listed_and_served(
    app, client, make_item, editor
) -> None:
    item = make_item()
    login(client, editor)
    response = upload(client, item.id, pdf_with_text("Marmalade cooperative"), "Brochure.pdf")
    assert response.status_code == 303
    [attachment] = stored(app, item.id)
    assert attachment.original_name == "Brochure.pdf"
    assert attachment.media_type == "application/pdf"
    assert "Marmalade cooperative" in attachment.text
    files = list((Path(app.instance_path) / "attachments").iterdir())
    assert [f.name for f in files] == [attachment.stored_name]
    assert "Brochure" not in attachment.stored_name
    assert attachment.uploaded_by == editor.id

    page = Page(client.get(f"/nl/items/{item.id}").get_data(as_text=True))
    link = next(a for a in page.all("a") if a.text == "Brochure.pdf")
    assert link.get("href") == f"/nl/items/{item.id}/attachments/{attachment.id}"
    section = page.by_id("attachments-heading")
    assert section.tag == "h2"
    listed = next(e for e in page.all("li") if "Brochure.pdf" in e.text)
    assert "PDF" in listed.text and "byte" in listed.text  # Babel-formatted size

    download = client.get(link.get("href"))
    assert download.status_code == 200
    assert download.data == pdf_with_text("Marmalade cooperative")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Brochure.pdf" in download.headers["Content-Disposition"]


def test_a_pdf_name_on_png_bytes_is_stored_as_png(app, client, make_item, editor) -> None:
    item = make_item()
    login(client, editor)
    assert upload(client, item.id, PNG_BYTES, "report.pdf").status_code == 303
    [attachment] = stored(app, item.id)
    assert (attachment.media_type, attachment.original_name) == ("image/png", "report.png")
    assert attachment.stored_name.endswith(".png")


@pytest.mark.parametrize("content", [b"MZ\x90\x00" + bytes(100), b"<html><script>x</script>"])
def test_other_files_named_pdf_are_refused_and_nothing_is_saved(
    app, client, make_item, editor, content: bytes
) -> None:
    item = make_item()
    login(client, editor)
    response = upload(client, item.id, content, "brochure.pdf",
                      **{"en-title": "Changed title"})
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert "brochure.pdf" in page.by_id("err-attachments").text
    assert page.by_id("in-attachments").get("aria-invalid") == "true"
    assert page.by_id("in-en-title").get("value") == "Changed title"
    assert stored(app, item.id) == []
    assert not attachments_folder(app).exists() or not any(attachments_folder(app).iterdir())
    with app.app_context():
        assert db.session.get(Item, item.id).translation("en").title == (
            "Bicycle streets in the centre")


def attachments_folder(app) -> Path:
    return Path(app.instance_path) / "attachments"


def test_files_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAX_ATTACHMENT_SIZE=1000)
    with app.app_context():
        from kennisbank.content.service import save_item
        from kennisbank.models import User

        admin = User(email="a@example.org", name="A", role="admin")
        db.session.add(admin)
        item = save_item(item_data(), user=admin)
        commit()
        item_id = item.id
        db.session.refresh(admin)
        db.session.expunge(admin)
    client = app.test_client()
    login(client, admin)
    response = upload(client, item_id, PNG_BYTES + bytes(2000), "big.png")
    assert response.status_code == 422
    assert "big.png" in Page(response.get_data(as_text=True)).by_id("err-attachments").text
    assert stored(app, item_id) == []
    assert upload(client, item_id, PNG_BYTES, "small.png").status_code == 303


def test_a_file_larger_than_the_app_request_limit_fits_the_edit_form(
    tmp_path: Path
) -> None:
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=10_000, MAX_ATTACHMENT_SIZE=50_000)
    with app.app_context():
        from kennisbank.content.service import save_item
        from kennisbank.models import User

        admin = User(email="a@example.org", name="A", role="admin")
        db.session.add(admin)
        item_id = save_item(item_data(), user=admin).id
        commit()
        db.session.refresh(admin)
        db.session.expunge(admin)
    client = app.test_client()
    login(client, admin)
    assert upload(client, item_id, PNG_BYTES + bytes(30_000), "photo.png").status_code == 303
    assert [a.size for a in stored(app, item_id)] == [len(PNG_BYTES) + 30_000]


def test_unchosen_file_input_adds_nothing(app, client, make_item, editor) -> None:
    item = make_item()
    login(client, editor)
    assert upload(client, item.id, b"", "").status_code == 303
    assert stored(app, item.id) == []


def test_a_contributor_uploads_with_a_new_item(app, client, make_user) -> None:
    login(client, make_user("contributor"))
    data = {**edit_values(), "type": "practice",
            "attachments": (io.BytesIO(docx_with_text("Verslag van de pilot")), "verslag.docx")}
    response = client.post("/nl/items/new?type=practice", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        [item] = db.session.execute(db.select(Item)).scalars().all()
        item_id = item.id
    [attachment] = stored(app, item_id)
    assert attachment.text == "Verslag van de pilot"


# -- downloads ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    'evil".pdf',
    "line\r\nSet-Cookie: x=1.pdf",
    "../../x.pdf",
    "Überblick – 2024 ✓.pdf",
    "a;b,c=d.pdf",
])
def test_content_disposition_is_safe_for_hostile_names(name: str) -> None:
    header = content_disposition(safe_name(name, PDF))
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert all(ch.isalnum() or ch in "._ ()-" for ch in fallback)
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert all(ch.isalnum() or ch in "%._-~" for ch in encoded)
    assert "/" not in unquote(encoded)
    assert unquote(encoded) == safe_name(name, PDF)


def test_a_hostile_name_is_served_safely(app, client, make_item, editor) -> None:
    item = make_item()
    login(client, editor)
    upload(client, item.id, pdf_with_text("x"), '../../"Über"\r\nX-Evil: 1.pdf')
    [attachment] = stored(app, item.id)
    assert "/" not in attachment.original_name and "\n" not in attachment.original_name
    response = client.get(f"/en/items/{item.id}/attachments/{attachment.id}")
    assert "X-Evil" not in response.headers
    disposition = response.headers["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == attachment.original_name


def test_attachments_of_invisible_items_are_not_found(app, client, make_user, make_item) -> None:
    owner = make_user("contributor")
    draft = make_item(owner=owner, status="draft", external_id="draft-1")
    login(client, owner)
    assert upload(client, draft.id, PNG_BYTES, "plan.png").status_code == 303
    [attachment] = stored(app, draft.id)
    url = f"/en/items/{draft.id}/attachments/{attachment.id}"
    assert client.get(url).status_code == 200
    other = app.test_client()
    assert other.get(url).status_code == 404
    login(other, make_user("contributor"))
    assert other.get(url).status_code == 404
    published = make_item(external_id="pub-1")
    assert client.get(f"/en/items/{published.id}/attachments/{attachment.id}").status_code == 404


# -- search, deletion --------------------------------------------------------------------


def test_attachment_text_and_names_go_into_the_search_document(
    app, client, make_item, editor
) -> None:
    item = make_item()
    login(client, editor)
    upload(client, item.id, pdf_with_text("Marmalade cooperative"), "brochure.pdf")
    with app.app_context():
        document: dict[str, Any] = {"extra_text": [], "facets": {}}
        hook().index_document(item=db.session.get(Item, item.id), document=document)
    assert document["attachments"] == ["brochure.pdf"]
    assert any("Marmalade cooperative" in text for text in document["extra_text"])
    assert "Marmalade" in document["attachment_texts"]["brochure.pdf"]
    results = client.get("/api/v1/search?q=marmalade&lang=en").get_json()["results"]
    assert [r["id"] for r in results] == [item.id]


def test_removing_an_attachment_deletes_row_and_file(app, client, make_item, editor) -> None:
    item = make_item()
    login(client, editor)
    upload(client, item.id, PNG_BYTES, "a.png")
    [attachment] = stored(app, item.id)
    path = attachments_folder(app) / attachment.stored_name
    assert path.exists()
    page = Page(client.get(f"/en/items/{item.id}/edit").get_data(as_text=True))
    box = page.by_id(f"remove-attachment-{attachment.id}")
    assert box.get("name") == "remove_attachment"
    response = client.post(f"/en/items/{item.id}/edit",
                           data=edit_values(remove_attachment=str(attachment.id)))
    assert response.status_code == 303
    assert stored(app, item.id) == [] and not path.exists()


def test_deleting_an_item_deletes_its_files(app, client, make_item, editor) -> None:
    item = make_item()
    login(client, editor)
    upload(client, item.id, PNG_BYTES, "a.png")
    [attachment] = stored(app, item.id)
    with app.app_context():
        delete_item(db.session.get(Item, item.id))
        commit()
    assert not (attachments_folder(app) / attachment.stored_name).exists()
    assert stored(app, item.id) == []


def test_files_of_a_rolled_back_transaction_are_removed(app, make_item) -> None:
    from kennisbank.attachments.storage import add_attachment, check_upload

    item = make_item()
    with app.app_context():
        add_attachment(db.session.get(Item, item.id), check_upload("a.png", PNG_BYTES), None)
        db.session.flush()
        assert any(attachments_dir().iterdir())
        db.session.rollback()
        assert not any(attachments_dir().iterdir())


# -- export and import -------------------------------------------------------------------


def test_item_folders_cannot_escape_the_export_folder() -> None:
    assert folder_name("kb-0123abcd") == "kb-0123abcd"
    assert "/" not in folder_name("../../etc") and "." not in folder_name("../../etc")
    assert folder_name("a/b") != folder_name("a_b")


def test_export_and_import_carry_attachments(tmp_path: Path, app, client, make_item,
                                             editor) -> None:
    item = make_item(external_id="fiets-1")
    login(client, editor)
    pdf = pdf_with_text("Marmalade cooperative")
    upload(client, item.id, pdf, "Brochure 2024.pdf")
    upload(client, item.id, PNG_BYTES, "kaart.png")
    export_file, folder = tmp_path / "items.jsonl", tmp_path / "files"
    result = Runner(app).invoke("export", str(export_file), "--attachments", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (folder / "fiets-1").iterdir()) == [
        "Brochure 2024.pdf", "kaart.png"]
    assert "attachments" not in json.loads(export_file.read_text().splitlines()[0])

    other = make_app(tmp_path / "other")
    result = Runner(other).invoke("import", str(export_file), "--attachments", str(folder))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    with other.app_context():
        copy = db.session.execute(db.select(Item).where(Item.external_id == "fiets-1")).scalar_one()
        rows = db.session.execute(
            db.select(Attachment).where(Attachment.item_id == copy.id).order_by(Attachment.id)
        ).scalars().all()
        assert [(r.original_name, r.media_type) for r in rows] == [
            ("Brochure 2024.pdf", "application/pdf"), ("kaart.png", "image/png")]
        assert (attachments_dir() / rows[0].stored_name).read_bytes() == pdf
        assert "Marmalade cooperative" in rows[0].text
    again = Runner(other).invoke("import", str(export_file), "--attachments", str(folder))
    assert "0 added, 0 replaced, 2 unchanged" in again.output


def test_import_refuses_everything_when_a_file_is_not_allowed(tmp_path: Path, app) -> None:
    item_line = json.dumps(item_data(external_id="x-1"))
    export_file = tmp_path / "items.jsonl"
    export_file.write_text(item_line + "\n")
    folder = tmp_path / "files" / "x-1"
    folder.mkdir(parents=True)
    (folder / "setup.pdf").write_bytes(b"MZ\x90\x00" + bytes(50))
    result = Runner(app).invoke("import", str(export_file), "--attachments", str(folder.parent))
    assert result.exit_code != 0
    assert "setup.pdf" in result.output
    with app.app_context():
        assert db.session.execute(db.select(Item)).scalars().all() == []
