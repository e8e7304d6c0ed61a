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
#: Characters per line of a bar's label; longer labels wrap onto more lines.
LABEL_LINE_CHARS = 38
LINE_HEIGHT = 15
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


def wrap(label: str, limit: int = LABEL_LINE_CHARS) -> list[str]:
    """``label`` in lines of at most ``limit`` characters, broken between words
    (a single word longer than a line gets a line of its own)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(key: str, title: str, description: str, data: list[tuple[str, int]],
              headers: tuple[str, str], number: Callable[[int], str] = str) -> Chart:
    """Horizontal bars, one per ``(label, value)``, in the order given.

    Labels are shown in full, wrapped onto as many lines as they need (a row
    grows with them). ``number`` formats values for the reader's locale (Babel).
    """
    wrapped = [wrap(label) for label, _ in data]
    heights = [max(BAR_ROW, len(lines) * LINE_HEIGHT + 8) for lines in wrapped]
    root = _svg(key, title, description, max(BAR_ROW, sum(heights)) + 12)
    longest = max((value for _, value in data), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    y = 6.0
    for (label, value), lines, row in zip(data, wrapped, heights, strict=True):
        bar_top = y + (row - BAR_HEIGHT) / 2 - 4
        group = ET.SubElement(root, "g", {"class": "bar-row"})
        ET.SubElement(group, "title").text = f"{label}: {number(value)}"
        first_line = bar_top + BAR_HEIGHT - 5 - (len(lines) - 1) * LINE_HEIGHT / 2
        text = ET.SubElement(group, "text", {
            "x": str(LABEL_WIDTH - 8), "y": f"{first_line:.1f}", "text-anchor": "end",
            "font-size": FONT_SIZE, "class": "chart-label",
        })
        for number_of_line, line in enumerate(lines):
            attributes = {"x": str(LABEL_WIDTH - 8)}
            if number_of_line:
                attributes["dy"] = str(LINE_HEIGHT)
            ET.SubElement(text, "tspan", attributes).text = line
        width = max(1.0, value / longest * room) if value else 0.0
        ET.SubElement(group, "rect", {
            "x": str(LABEL_WIDTH), "y": f"{bar_top:.1f}", "width": f"{width:.1f}",
            "height": str(BAR_HEIGHT), "class": "chart-bar", "fill": "#1f5f8b",
        })
        ET.SubElement(group, "text", {
            "x": f"{LABEL_WIDTH + width + 6:.1f}", "y": f"{bar_top + BAR_HEIGHT - 5:.1f}",
            "font-size": FONT_SIZE, "class": "chart-value",
        }).text = number(value)
        y += row
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


Box = tuple[float, float, float, float]
#: Where a label may go around its dot: distances (SVG units) and directions, nearest
#: first; a label away from its dot gets a thin line to it.
LABEL_RADII = (8, 22, 38, 56, 78, 104, 134)
LABEL_DIRECTIONS = ((1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1))
#: The map shows at least this much around the cities (degrees), so a map of three
#: neighbouring towns still shows where in Europe they are.
MIN_SPAN = (14.0, 9.0)


def _projector(cities: list[MapCity], height: float
               ) -> Callable[[float, float], tuple[float, float]]:
    """Equirectangular projection (longitude scaled by the cosine of the cities' mean
    latitude, so shapes look right at their latitude), fitted to the cities with room
    around them, north up, the same scale both ways. Takes longitude, latitude."""
    mean = math.radians(sum(c.latitude for c in cities) / len(cities))
    factor = math.cos(mean)
    xs = [c.longitude * factor for c in cities]
    ys = [-c.latitude for c in cities]
    middle = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    span = (max(max(xs) - min(xs), MIN_SPAN[0] * factor), max(max(ys) - min(ys), MIN_SPAN[1]))
    scale = min((WIDTH - 2 * MAP_MARGIN) / span[0], (height - 2 * MAP_MARGIN) / span[1])

    def project(longitude: float, latitude: float) -> tuple[float, float]:
        return (WIDTH / 2 + (longitude * factor - middle[0]) * scale,
                height / 2 + (-latitude - middle[1]) * scale)

    return project


def _overlaps(box: Box, taken: list[Box], height: float) -> bool:
    x1, y1, x2, y2 = box
    return (x1 < 2 or x2 > WIDTH - 2 or y1 < 2 or y2 > height - 2
            or any(x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2 for b in taken))


def label_width(name: str) -> float:
    return len(name) * CHAR_WIDTH


def place_labels(points: dict[str, tuple[float, float]], height: float
                 ) -> dict[str, tuple[float, float, str, Box]]:
    """A spot for every city's name where it covers no other name and no dot.

    Cities with the most neighbours choose first; each takes the nearest free spot
    of :data:`LABEL_RADII` x :data:`LABEL_DIRECTIONS`. Returns ``name -> (x, y,
    text-anchor, box)``; a name with no free spot at all is left out (its dot keeps
    the name as a tooltip, and the table names every city).
    """
    taken: list[Box] = [(x - DOT_RADIUS, y - DOT_RADIUS, x + DOT_RADIUS, y + DOT_RADIUS)
                        for x, y in points.values()]

    def crowding(name: str) -> tuple[int, str]:
        x, y = points[name]
        near = sum(1 for ox, oy in points.values() if math.hypot(ox - x, oy - y) < 60)
        return (-near, name)

    placed: dict[str, tuple[float, float, str, Box]] = {}
    for name in sorted(points, key=crowding):
        x, y = points[name]
        width = label_width(name)
        for radius in LABEL_RADII:
            spot = None
            for dx, dy in LABEL_DIRECTIONS:
                anchor = "start" if dx > 0 else "end" if dx < 0 else "middle"
                tx = x + dx * radius
                ty = y + dy * radius + 4 + (dy * 6 if dy else 0)
                left = tx - (width if anchor == "end" else width / 2 if anchor == "middle" else 0)
                box = (left - 1, ty - 11, left + width + 1, ty + 3)
                if not _overlaps(box, taken, height):
                    spot = (tx, ty, anchor, box)
                    break
            if spot is not None:
                taken.append(spot[3])
                placed[name] = spot
                break
    return placed


def _nearest_on_box(x: float, y: float, box: Box) -> tuple[float, float]:
    return (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))


def flow_map(key: str, title: str, description: str, cities: list[MapCity], flows: list[Flow],
             headers: tuple[str, str, str], number: Callable[[int], str] = str,
             base_map: bool = True) -> Chart:
    """Cities as dots on a map of Europe, transfers as arrows from giver to taker.

    The countries' outlines come from Natural Earth (:mod:`.basemap`), projected
    like the cities. An arrow's width grows with the number of transfers. Every
    city's name is placed where it overlaps no other name (:func:`place_labels`),
    with a line to its dot when it had to move away; the table lists every flow.
    """
    root = _svg(key, title, description, MAP_HEIGHT)
    rows = [(f.giver.name, f.taker.name, number(f.count)) for f in flows]
    if not cities:
        return Chart(key, title, description, _markup(root), headers, rows)
    project = _projector(cities, MAP_HEIGHT)
    if base_map:
        from .basemap import country_paths

        ET.SubElement(root, "rect", {"x": "0", "y": "0", "width": str(WIDTH),
                                     "height": str(MAP_HEIGHT), "fill": "#dbe9f4",
                                     "class": "map-sea"})
        countries = ET.SubElement(root, "g", {"class": "map-countries", "fill": "#f4f1ea",
                                              "stroke": "#8a8f94", "stroke-width": "0.7",
                                              "stroke-linejoin": "round"})
        for name, data in country_paths(project, WIDTH, MAP_HEIGHT):
            path = ET.SubElement(countries, "path", {"d": data})
            ET.SubElement(path, "title").text = name
    defs = ET.SubElement(root, "defs")
    marker = ET.SubElement(defs, "marker", {
        "id": f"{key}-arrow", "viewBox": "0 0 10 10", "refX": "9", "refY": "5",
        "markerWidth": "7", "markerHeight": "7", "orient": "auto-start-reverse",
        "markerUnits": "userSpaceOnUse",
    })
    ET.SubElement(marker, "path", {"d": "M0,0 L10,5 L0,10 z", "fill": "#a34700"})

    def at(city: MapCity) -> tuple[float, float]:
        return project(city.longitude, city.latitude)

    for flow in flows:
        (x1, y1), (x2, y2) = at(flow.giver), at(flow.taker)
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
    placed = sorted(cities, key=lambda c: c.name)
    points = {city.name: at(city) for city in placed}
    labels = place_labels(points, MAP_HEIGHT)
    for city in placed:
        x, y = points[city.name]
        group = ET.SubElement(root, "g", {"class": "map-city"})
        ET.SubElement(group, "title").text = city.name
        label = labels.get(city.name)
        if label is not None and math.hypot(label[0] - x, label[1] - 4 - y) > 12:
            ex, ey = _nearest_on_box(x, y, label[3])
            ET.SubElement(group, "line", {
                "x1": f"{x:.1f}", "y1": f"{y:.1f}", "x2": f"{ex:.1f}", "y2": f"{ey:.1f}",
                "stroke": "#1a1a1a", "stroke-width": "0.8", "class": "label-line",
            })
        ET.SubElement(group, "circle", {
            "cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": str(DOT_RADIUS), "fill": "#1a1a1a",
            "stroke": "#ffffff", "stroke-width": "1.5",
        })
        if label is not None:
            ET.SubElement(group, "text", {
                "x": f"{label[0]:.1f}", "y": f"{label[1]:.1f}", "text-anchor": label[2],
                "font-size": FONT_SIZE, "class": "chart-label", "stroke": "#ffffff",
                "stroke-width": "3", "paint-order": "stroke", "stroke-linejoin": "round",
            }).text = city.name
    return Chart(key, title, description, _markup(root), headers, rows)
