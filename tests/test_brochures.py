"""Brochures: PDFs of a search, a sector, a city and the basket, read back with pypdf
(text, pages, table of contents links) and drawn with pypdfium2 (not blank)."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdfium2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from kennisbank.extensions import db
from kennisbank.models import City, Organisation
from tests.conftest import item_data, login


def practice(make_item, nl: str, en: str | None, **overrides: Any) -> Any:
    translations = {"nl": {"title": nl, "summary": f"Samenvatting: {nl}.", "body": nl}}
    if en:
        translations["en"] = {"title": en, "summary": f"Summary: {en}.", "body": en}
    data = item_data(**overrides)
    data.pop("translations")
    return make_item(translations=translations, **data)


@pytest.fixture
def practices(app: Flask, make_item) -> list[Any]:
    with app.app_context():
        db.session.add(Organisation(name="Saxion", sector="education", city="Enschede",
                                    website="https://www.saxion.nl"))
        db.session.commit()
    return [
        practice(make_item, "Fietsstraten in Zwolle", "Bicycle streets in Zwolle", city="Zwolle",
                 organisation="Gemeente Zwolle"),
        practice(make_item, "Stages bij Saxion", "Internships at Saxion", sector="education",
                 city="Enschede", organisation="Saxion", tags=["stage"]),
        practice(make_item, "Alleen Nederlands", None, city="Deventer"),
        practice(make_item, "Geheim concept", "Secret draft", status="draft"),
    ]


def pdf(response: Any) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def toc_links(reader: PdfReader) -> list[int]:
    """The page numbers (from 0) the table of contents' links go to."""
    targets = []
    toc = reader.pages[1]
    for annotation in toc.get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Link":
            continue
        dest = annotation.get("/Dest")
        if dest is None and "/A" in annotation:
            dest = annotation["/A"].get("/D")
        if isinstance(dest, str | bytes) or hasattr(dest, "encode"):
            dest = reader.named_destinations[str(dest)]
            targets.append(reader.get_destination_page_number(dest))
        else:
            targets.append(reader.get_page_number(dest[0].get_object()))
    return targets


def test_a_sector_brochure_in_english(client: FlaskClient, practices) -> None:
    reader = pdf(client.get("/en/brochure/sectors/municipality.pdf"))
    text = text_of(reader)
    assert "Municipality" in text and "Contents" in text
    assert "Bicycle streets in Zwolle" in text and "Cars" not in text
    assert "Alleen Nederlands" in text and "only in Dutch" in text
    assert "Internships" not in text  # another sector
    assert "Secret draft" not in text  # never a draft
    assert "Deventer Kennisbank" in text
    assert f"/en/items/{practices[0].id}" in text
    # cover, contents, one page per practice; page numbers in the margin
    assert len(reader.pages) == 4
    assert "3 / 4" in reader.pages[2].extract_text()
    assert sorted(set(toc_links(reader))) == [2, 3]
    assert reader.metadata.title.startswith("Municipality")


def test_a_city_brochure_in_dutch_names_the_contact_organisation(
        app: Flask, client: FlaskClient, practices) -> None:
    with app.app_context():
        city = City(name="Enschede", country="NL", relation="region")
        db.session.add(city)
        db.session.commit()
        city_id = city.id
    page = client.get(f"/nl/cities/{city_id}").get_data(as_text=True)
    assert f'href="/nl/brochure/cities/{city_id}.pdf"' in page
    text = text_of(pdf(client.get(f"/nl/brochure/cities/{city_id}.pdf")))
    assert "Stages bij Saxion" in text and "Inhoud" in text
    assert "Contactorganisatie" in text and "https://www.saxion.nl" in text
    assert "Fietsstraten" not in text


def test_a_search_brochure_follows_the_search_and_its_page_is_not_blank(
        client: FlaskClient, practices) -> None:
    page = client.get("/en/search?q=fietsstraten").get_data(as_text=True)
    link = re.search(r'href="(/en/brochure/search\.pdf\?[^"]+)"', page).group(1)
    reader = pdf(client.get(link.replace("&amp;", "&")))
    text = text_of(reader)
    assert "Bicycle streets in Zwolle" in text and "Internships" not in text
    assert "“fietsstraten”" in text
    document = pypdfium2.PdfDocument(reader.stream.getvalue())
    image = document[2].render(scale=1).to_pil().convert("L")
    dark = sum(1 for value in image.get_flattened_data() if value < 128)
    assert dark > 500  # the practice page has text on it
    blank = pypdfium2.PdfDocument(reader.stream.getvalue())[0].render(scale=1).to_pil()
    assert blank.size == image.size  # A4 both


def test_bad_search_settings_are_a_clear_error(client: FlaskClient) -> None:
    response = client.get("/nl/brochure/search.pdf?page=0")
    assert response.status_code == 400
    assert "zijn niet geldig" in response.get_data(as_text=True)


def test_the_basket_collects_practices_for_a_brochure(client: FlaskClient, make_user,
                                                     practices) -> None:
    first, second, _dutch, draft = practices
    anonymous = client.get(f"/en/items/{first.id}")
    assert "Add to brochure basket" not in anonymous.get_data(as_text=True)
    assert not anonymous.headers.getlist("Set-Cookie")  # no session for visitors
    assert client.post("/en/basket/add", data={"item_id": str(first.id)}).status_code == 401
    login(client, make_user("reader"))
    page = client.get(f"/en/items/{first.id}").get_data(as_text=True)
    assert "Add to brochure basket" in page
    client.post("/en/basket/add", data={"item_id": str(second.id)})
    response = client.post("/en/basket/add", data={"item_id": str(first.id),
                                                   "next": f"/en/items/{first.id}"})
    assert response.headers["Location"] == f"/en/items/{first.id}"
    assert client.post("/en/basket/add", data={"item_id": str(draft.id)}).status_code == 404
    assert client.post("/en/basket/add", data={"item_id": "x"}).status_code == 400
    basket = client.get("/en/basket").get_data(as_text=True)
    assert "Brochure basket (2)" in basket
    assert basket.index("Internships at Saxion") < basket.index("Bicycle streets in Zwolle")
    reader = pdf(client.get("/nl/brochure/basket.pdf?title=Voor+Tartu&intro=Wat+wij+deden"))
    text = text_of(reader)
    assert "Voor Tartu" in text and "Wat wij deden" in text
    assert text.index("Stages bij Saxion") < text.index("Fietsstraten in Zwolle")
    assert len(reader.pages) == 4 and sorted(set(toc_links(reader))) == [2, 3]
    too_long = client.get("/en/brochure/basket.pdf?title=" + "x" * 201)
    assert too_long.status_code == 400 and "at most 200" in too_long.get_data(as_text=True)
    client.post("/en/basket/remove", data={"item_id": str(second.id)})
    assert "Internships" not in client.get("/en/basket").get_data(as_text=True)
    client.post("/en/basket/clear")
    empty = client.get("/en/brochure/basket.pdf")
    assert empty.status_code == 400 and "basket is empty" in empty.get_data(as_text=True)


def test_brochures_follow_what_the_reader_may_see(app: Flask, client: FlaskClient, make_user,
                                                 practices) -> None:
    app.config["PUBLIC"] = False
    assert client.get("/en/brochure/sectors/municipality.pdf").status_code == 401
    login(client, make_user("reader"))
    assert "Bicycle streets" in text_of(pdf(client.get("/en/brochure/sectors/municipality.pdf")))


def test_item_pages_have_a_print_stylesheet(client: FlaskClient, practices) -> None:
    page = client.get(f"/en/items/{practices[0].id}").get_data(as_text=True)
    assert 'href="/static/print.css" media="print"' in page
    css = client.get("/static/print.css").get_data(as_text=True)
    assert "@media print" in css and ".main-nav" in css
