"""Hits name the attachments a query word was found in ("Found in: brochure.pdf")."""

from __future__ import annotations

from flask import Flask

from kennisbank.attachments.storage import add_attachment, check_upload
from kennisbank.content.service import commit, queue_index
from kennisbank.extensions import db
from kennisbank.models import Item
from tests.conftest import item_data
from tests.search.support import add, find, texts
from tests.test_attachments import docx_with_text, pdf_with_text


def attach(app: Flask, item_id: int, name: str, data: bytes) -> None:
    """Store a file through the attachments package, then reindex the item."""
    with app.app_context():
        add_attachment(db.session.get(Item, item_id), check_upload(name, data), None)
        queue_index(item_id, "index")
        commit()


def found_in(result: dict, item_id: int) -> list[str]:
    [hit] = [hit for hit in result["results"] if hit["id"] == item_id]
    return hit["found_in"]


def practice(app: Flask) -> int:
    return add(app, translations=texts(
        nl=("Zonnepanelen op scholen", "Leerlingen meten de opbrengst."),
        en=("Solar panels on schools", "Pupils measure the yield."),
    ))


def test_a_word_only_in_an_attachment_names_that_file(app, client) -> None:
    item_id = practice(app)
    attach(app, item_id, "brochure.pdf", pdf_with_text("Marmalade cooperative"))
    attach(app, item_id, "notes.docx", docx_with_text("Opening hours"))
    result = find(client, "marmalade", lang="en")
    assert found_in(result, item_id) == ["brochure.pdf"]


def test_attachment_text_is_analysed_like_the_index(app, client) -> None:
    item_id = practice(app)
    attach(app, item_id, "rapport.docx", docx_with_text("Het nieuwe fietsbeleid werkt."))
    attach(app, item_id, "bijlage.pdf", pdf_with_text("Marmalade cooperative"))
    # ``fiets`` finds the compound ``fietsbeleid`` (decompounded, stemmed).
    assert found_in(find(client, "fiets", lang="nl"), item_id) == ["rapport.docx"]


def test_a_word_only_in_the_body_gives_an_empty_list(app, client) -> None:
    item_id = practice(app)
    attach(app, item_id, "brochure.pdf", pdf_with_text("Marmalade cooperative"))
    result = find(client, "opbrengst", lang="nl")
    assert found_in(result, item_id) == []


def test_items_without_attachments_have_an_empty_list(app, client) -> None:
    item_id = add(app, **item_data())
    assert found_in(find(client, "fietsstraten", lang="nl"), item_id) == []


def test_the_page_says_where_it_was_found(app, client) -> None:
    item_id = practice(app)
    attach(app, item_id, "brochure.pdf", pdf_with_text("Marmalade cooperative"))
    html = client.get("/en/search", query_string={"q": "marmalade"}).get_data(as_text=True)
    assert "Found in: brochure.pdf" in html
    html = client.get("/en/search", query_string={"q": "pupils"}).get_data(as_text=True)
    assert "Solar panels on schools" in html and "Found in" not in html
