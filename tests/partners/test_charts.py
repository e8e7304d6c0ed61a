"""SVG charts: well-formed XML, named by <title> and <desc>, with their figures as a table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kennisbank.partners.charts import Flow, MapCity, bar_chart, flow_map

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own output


def assert_named(root: ET.Element, key: str, title: str, description: str) -> None:
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{key}-title {key}-desc"
    first, second = list(root)[:2]
    assert (first.tag, first.get("id"), first.text) == (f"{SVG}title", f"{key}-title", title)
    assert (second.tag, second.get("id"), second.text) == (f"{SVG}desc", f"{key}-desc",
                                                            description)


def test_bar_chart_is_valid_svg_with_text_alternatives():
    data = [("Education <& culture>", 12), ("Business", 3), ("Municipality", 0)]
    chart = bar_chart("chart-x", "Practices per sector", "Bars, largest first.", data,
                      ("Sector", "Practices"), number=lambda n: f"{n:,}")
    root = parse(chart.svg)
    assert_named(root, "chart-x", "Practices per sector", "Bars, largest first.")
    rows = root.findall(f"{SVG}g")
    assert [row.find(f"{SVG}title").text for row in rows] == [
        "Education <& culture>: 12", "Business: 3", "Municipality: 0"]
    widths = [float(row.find(f"{SVG}rect").get("width")) for row in rows]
    assert widths[0] > widths[1] > widths[2] == 0
    assert chart.headers == ("Sector", "Practices")
    assert chart.rows == [("Education <& culture>", "12"), ("Business", "3"),
                          ("Municipality", "0")]
    assert "style=" not in chart.svg  # the CSP forbids inline styles


def test_flow_map_places_cities_by_their_coordinates():
    deventer = MapCity("Deventer", 52.255, 6.164)
    tartu = MapCity("Tartu", 58.381, 26.725)
    girona = MapCity("Girona", 41.983, 2.825)
    chart = flow_map("chart-map", "Transfers", "Arrows from giver to taker.",
                     [deventer, tartu, girona],
                     [Flow(deventer, tartu, 2), Flow(girona, deventer, 1)],
                     ("From", "To", "Transfers"))
    root = parse(chart.svg)
    assert_named(root, "chart-map", "Transfers", "Arrows from giver to taker.")
    dots = {g.find(f"{SVG}title").text: (float(g.find(f"{SVG}circle").get("cx")),
                                         float(g.find(f"{SVG}circle").get("cy")))
            for g in root.findall(f"{SVG}g") if g.get("class") == "map-city"}
    assert dots["Girona"][0] < dots["Deventer"][0] < dots["Tartu"][0]  # west to east
    assert dots["Tartu"][1] < dots["Deventer"][1] < dots["Girona"][1]  # north at the top
    flows = [g for g in root.findall(f"{SVG}g") if g.get("class") == "flow"]
    assert [g.find(f"{SVG}title").text for g in flows] == ["Deventer → Tartu: 2",
                                                          "Girona → Deventer: 1"]
    start = re.match(r"M([\d.]+),([\d.]+)", flows[0].find(f"{SVG}path").get("d"))
    assert float(start.group(1)) == pytest.approx(dots["Deventer"][0], abs=10)
    assert chart.rows == [("Deventer", "Tartu", "2"), ("Girona", "Deventer", "1")]


def test_flow_map_without_cities_is_still_valid():
    chart = flow_map("chart-empty", "Transfers", "None yet.", [], [], ("From", "To", "Transfers"))
    assert_named(parse(chart.svg), "chart-empty", "Transfers", "None yet.")
    assert chart.rows == []


@pytest.mark.parametrize(("lang", "sector", "title"), [
    ("en", "Municipality", "Practices per sector"),
    ("nl", "Gemeente", None),
])
def test_overview_page_has_each_chart_with_a_table(app, client, make_item, add_cities, lang,
                                                   sector, title):
    add_cities(("Deventer", "NL"), ("Leuven", "BE"))
    make_item(themes=["sdg11", "sdg13"])
    make_item(city="Leuven", country="BE", sector="education", themes=["sdg4"])
    page = client.get(f"/{lang}/overview").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    svgs = [svg for svg in re.findall(r"<svg .*?</svg>", page, flags=re.S)
            if "class=\"wordmark\"" not in svg[:40]]
    assert len(svgs) == 4
    for svg in svgs:
        root = parse(svg)
        key = root.get("id")
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
        assert f'aria-labelledby="{key}-heading"' in page
    tables = re.findall(r"<table class=\"data-table\">.*?</table>", page, flags=re.S)
    assert len(tables) == 4
    assert f'<th scope="row">{sector}</th>' in tables[0]
    assert "<td class=\"number\">1</td>" in tables[0]
    assert len(re.findall(r"<tr>", tables[1])) == 1 + 17  # header and every goal
    if title:
        assert f"<h2 id=\"chart-sectors-heading\">{title}</h2>" in page


def _label_boxes(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Each city label's box, measured as the chart measures it (CHAR_WIDTH per character)."""
    from kennisbank.partners.charts import label_width

    boxes = {}
    for group in root.findall(f"{SVG}g"):
        text = group.find(f"{SVG}text")
        if group.get("class") != "map-city" or text is None:
            continue
        x, y, width = float(text.get("x")), float(text.get("y")), label_width(text.text)
        left = {"start": x, "end": x - width, "middle": x - width / 2}[text.get("text-anchor")]
        boxes[text.text] = (left, y - 11, left + width, y + 3)
    return boxes


def test_close_cities_all_get_labels_that_do_not_overlap():
    deventer = MapCity("Deventer", 52.255, 6.164)
    zwolle = MapCity("Zwolle", 52.512, 6.094)
    enschede = MapCity("Enschede", 52.221, 6.893)
    tartu = MapCity("Tartu", 58.381, 26.725)
    girona = MapCity("Girona", 41.983, 2.825)
    cities = [deventer, zwolle, enschede, tartu, girona]
    chart = flow_map("chart-map", "Transfers", "Arrows.", cities,
                     [Flow(zwolle, tartu, 1), Flow(enschede, deventer, 2)],
                     ("From", "To", "Transfers"))
    root = parse(chart.svg)
    boxes = _label_boxes(root)
    assert set(boxes) == {c.name for c in cities}
    names = sorted(boxes)
    for i, first in enumerate(names):
        a = boxes[first]
        assert a[0] >= 0 and a[2] <= 680, first
        for second in names[i + 1:]:
            b = boxes[second]
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (
                first, second)
    # a label moved away from its dot is tied to it by a line
    assert root.findall(f".//{SVG}line")


def test_the_map_has_europes_countries_as_its_base():
    chart = flow_map("chart-map", "Transfers", "Arrows.",
                     [MapCity("Deventer", 52.255, 6.164), MapCity("Tartu", 58.381, 26.725)],
                     [], ("From", "To", "Transfers"))
    root = parse(chart.svg)
    countries = {path.find(f"{SVG}title").text
                 for path in root.iter(f"{SVG}path") if path.find(f"{SVG}title") is not None}
    assert {"Netherlands", "Germany", "Estonia", "Poland"} <= countries
    assert "Brazil" not in countries  # Europe only, clipped and simplified
    assert len(chart.svg) < 120_000
    without = flow_map("chart-map", "Transfers", "Arrows.",
                       [MapCity("Deventer", 52.255, 6.164)], [], ("From", "To", "Transfers"),
                       base_map=False)
    assert "Netherlands" not in without.svg


def test_long_labels_are_wrapped_in_full_not_cut():
    label = "9. Industry, innovation and infrastructure for sustainable cities"
    chart = bar_chart("chart-t", "Themes", "Bars.", [(label, 3), ("1. No poverty", 1)],
                      ("Theme", "Practices"))
    root = parse(chart.svg)
    first = root.findall(f"{SVG}g")[0].find(f"{SVG}text")
    lines = [span.text for span in first.findall(f"{SVG}tspan")]
    assert len(lines) == 2 and " ".join(lines) == label
    assert "…" not in chart.svg
