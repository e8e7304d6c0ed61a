"""Charts drawn on the server as SVG: no chart service, no script, readable without images.

Each chart is an ``<svg role="img">`` named by its own ``<title>`` and
``<desc>`` (``aria-labelledby``), and comes with its data as rows for a table
beside it, which is the text alternative: screen readers, text browsers and
anyone who wants the exact numbers read the table. The SVG is built with
ElementTree, so every label is escaped and the result is well-formed XML.
Colours and fonts are SVG presentation attributes and classes styled by
``partners.css``: the site's Content-Security-Policy allows no inline styles.

Two kinds: horizontal bars (practices per sector, theme, country) and a flow
map (transfers between cities, placed by their coordinates on an
equirectangular projection, arrows from the giving to the taking city).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # noqa: S405 - builds SVG, parses nothing
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 680
BAR_ROW = 26
BAR_HEIGHT = 18
LABEL_WIDTH = 290
MAX_LABEL_CHARS = 34
CHAR_WIDTH = 7.5
FONT_SIZE = "13"
MAP_HEIGHT = 440
MAP_MARGIN = 70
DOT_RADIUS = 5


@dataclass
class Chart:
    """An SVG chart and its data table (the text alternative)."""

    key: str
    title: str
    description: str
    svg: Markup
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


def _svg(key: str, title: str, description: str, height: float) -> ET.Element:
    root = ET.Element("svg", {
        "xmlns": SVG_NS, "viewBox": f"0 0 {WIDTH} {math.ceil(height)}", "role": "img",
        "aria-labelledby": f"{key}-title {key}-desc", "class": "chart", "id": key,
        "focusable": "false",
    })
    ET.SubElement(root, "title", {"id": f"{key}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{key}-desc"}).text = description
    return root


def _markup(root: ET.Element) -> Markup:
    # ElementTree escapes every text and attribute it writes.
    return Markup(ET.tostring(root, encoding="unicode"))  # nosec B704


def _short(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(key: str, title: str, description: str, data: list[tuple[str, int]],
              headers: tuple[str, str], number: Callable[[int], str] = str) -> Chart:
    """Horizontal bars, one per ``(label, value)``, in the order given.

    ``number`` formats values for the reader's locale (Babel).
    """
    height = max(1, len(data)) * BAR_ROW + 12
    root = _svg(key, title, description, height)
    longest = max((value for _, value in data), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    for index, (label, value) in enumerate(data):
        y = 6 + index * BAR_ROW
        group = ET.SubElement(root, "g", {"class": "bar-row"})
        ET.SubElement(group, "title").text = f"{label}: {number(value)}"
        ET.SubElement(group, "text", {
            "x": str(LABEL_WIDTH - 8), "y": str(y + BAR_HEIGHT - 5), "text-anchor": "end",
            "font-size": FONT_SIZE, "class": "chart-label",
        }).text = _short(label)
        width = max(1.0, value / longest * room) if value else 0.0
        ET.SubElement(group, "rect", {
            "x": str(LABEL_WIDTH), "y": str(y), "width": f"{width:.1f}",
            "height": str(BAR_HEIGHT), "class": "chart-bar", "fill": "#1f5f8b",
        })
        ET.SubElement(group, "text", {
            "x": f"{LABEL_WIDTH + width + 6:.1f}", "y": str(y + BAR_HEIGHT - 5),
            "font-size": FONT_SIZE, "class": "chart-value",
        }).text = number(value)
    rows = [(label, number(value)) for label, value in data]
    return Chart(key, title, description, _markup(root), headers, rows)


@dataclass(frozen=True)
class MapCity:
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Flow:
    giver: MapCity
    taker: MapCity
    count: int


def _projector(cities: list[MapCity], height: float
               ) -> Callable[[MapCity], tuple[float, float]]:
    """Equirectangular projection fitted to the cities, north up, same scale both ways."""
    mean = math.radians(sum(c.latitude for c in cities) / len(cities))
    xs = [c.longitude * math.cos(mean) for c in cities]
    ys = [-c.latitude for c in cities]
    span = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
    scale = min((WIDTH - 2 * MAP_MARGIN) / span[0], (height - 2 * MAP_MARGIN) / span[1])
    left = (WIDTH - span[0] * scale) / 2
    top = (height - span[1] * scale) / 2

    def project(city: MapCity) -> tuple[float, float]:
        return (left + (city.longitude * math.cos(mean) - min(xs)) * scale,
                top + (-city.latitude - min(ys)) * scale)

    return project


def _overlaps(box: tuple[float, float, float, float],
              taken: list[tuple[float, float, float, float]]) -> bool:
    x1, y1, x2, y2 = box
    return any(x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2 for b in taken) or (
        x1 < 0 or x2 > WIDTH)


def flow_map(key: str, title: str, description: str, cities: list[MapCity], flows: list[Flow],
             headers: tuple[str, str, str], number: Callable[[int], str] = str) -> Chart:
    """Cities as dots placed by their coordinates, transfers as arrows from giver to taker.

    An arrow's width grows with the number of transfers. City labels that would
    overlap another are left out of the drawing (the dot keeps its name as a
    tooltip); the table lists every flow by name anyway.
    """
    root = _svg(key, title, description, MAP_HEIGHT)
    rows = [(f.giver.name, f.taker.name, number(f.count)) for f in flows]
    if not cities:
        return Chart(key, title, description, _markup(root), headers, rows)
    defs = ET.SubElement(root, "defs")
    marker = ET.SubElement(defs, "marker", {
        "id": f"{key}-arrow", "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
        "markerWidth": "7", "markerHeight": "7", "orient": "auto-start-reverse",
        "markerUnits": "userSpaceOnUse",
    })
    ET.SubElement(marker, "path", {"d": "M0,0 L10,5 L0,10 z", "fill": "#a34700"})
    project = _projector(cities, MAP_HEIGHT)
    for flow in flows:
        (x1, y1), (x2, y2) = project(flow.giver), project(flow.taker)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # Start and end at the dots' edges; bend to the left of the direction of
        # travel, so flows both ways between two cities do not cover each other.
        sx, sy = x1 + ux * (DOT_RADIUS + 2), y1 + uy * (DOT_RADIUS + 2)
        ex, ey = x2 - ux * (DOT_RADIUS + 3), y2 - uy * (DOT_RADIUS + 3)
        bend = min(60.0, length * 0.2)
        cx, cy = (sx + ex) / 2 + uy * bend, (sy + ey) / 2 - ux * bend
        group = ET.SubElement(root, "g", {"class": "flow"})
        ET.SubElement(group, "title").text = (
            f"{flow.giver.name} → {flow.taker.name}: {number(flow.count)}")
        ET.SubElement(group, "path", {
            "d": f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}",
            "fill": "none", "stroke": "#a34700", "stroke-width": f"{1.5 + flow.count:.1f}",
            "stroke-opacity": "0.8", "marker-end": f"url(#{key}-arrow)",
        })
    taken: list[tuple[float, float, float, float]] = []
    placed = sorted(cities, key=lambda c: c.name)
    for city in placed:
        x, y = project(city)
        taken.append((x - DOT_RADIUS, y - DOT_RADIUS, x + DOT_RADIUS, y + DOT_RADIUS))
    for city in placed:
        x, y = project(city)
        group = ET.SubElement(root, "g", {"class": "map-city"})
        ET.SubElement(group, "title").text = city.name
        ET.SubElement(group, "circle", {
            "cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": str(DOT_RADIUS), "fill": "#1a1a1a",
        })
        width = len(city.name) * CHAR_WIDTH
        for dx, dy, anchor in ((8, 4, "start"), (-8, 4, "end"), (0, -9, "middle"),
                               (0, 17, "middle")):
            left = x + dx - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
            box = (left, y + dy - 11, left + width, y + dy + 3)
            if not _overlaps(box, taken):
                taken.append(box)
                ET.SubElement(group, "text", {
                    "x": f"{x + dx:.1f}", "y": f"{y + dy:.1f}", "text-anchor": anchor,
                    "font-size": FONT_SIZE, "class": "chart-label",
                }).text = city.name
                break
    return Chart(key, title, description, _markup(root), headers, rows)
