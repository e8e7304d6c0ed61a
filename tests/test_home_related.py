"""The home page's sector counts and partner cities, and related practices on item pages."""

from __future__ import annotations

import re

from kennisbank.extensions import db
from kennisbank.models import City


def sector_count(html: str, label: str) -> int:
    match = re.search(rf">{label}</a>\s*<span class=\"meta\">\((\d+) ", html)
    assert match, f"no count for {label}"
    return int(match.group(1))


def test_home_counts_published_practices_per_sector(client, make_item):
    make_item(sector="education")
    make_item(sector="education", external_id="second")
    make_item(sector="education", status="draft", external_id="draft")
    make_item(sector="culture", external_id="culture")
    nl = client.get("/nl/").get_data(as_text=True)
    en = client.get("/en/").get_data(as_text=True)
    assert sector_count(nl, "Onderwijs") == 2 and sector_count(en, "Education") == 2
    assert sector_count(en, "Culture") == 1 and sector_count(en, "Business") == 0


def test_home_lists_partner_and_network_cities_only(app, client):
    with app.app_context():
        db.session.add_all([City(name="Sibiu", country="RO", relation="partner"),
                            City(name="Lund", country="SE", relation="network"),
                            City(name="Gent", country="BE", relation="other")])
        db.session.commit()
    html = client.get("/en/").get_data(as_text=True)
    assert "Sibiu" in html and "Romania" in html
    assert html.index(">Sibiu</a>") < html.index(">Lund</a>")
    assert "Gent" not in html


def cycling(title_en: str) -> dict:
    return {"en": {
        "title": title_en,
        "body": "Cycling streets, bicycle parking and safe cycling routes to school.",
    }}


def test_item_page_shows_related_practices_but_never_drafts(client, make_item):
    shown = make_item(translations=cycling("Cycling streets"), external_id="a")
    related = make_item(translations=cycling("Safe cycling routes to school"), external_id="b")
    draft = make_item(translations=cycling("Draft about cycling parking"), external_id="c",
                      status="draft")
    make_item(translations={"en": {"title": "Museum night", "body": "Art and music."}},
              external_id="d")
    html = client.get(f"/en/items/{shown.id}").get_data(as_text=True)
    section = html[html.index('id="related-heading"'):]
    assert f"/en/items/{related.id}" in section
    assert f"/en/items/{draft.id}" not in section
    assert f"/en/items/{shown.id}\"" not in section
    assert "Museum night" not in section
