"""Build ``kennisbank/partners/data/europe.json``, the transfer map's base map.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_basemap.py package/countries-50m.json

The source is Natural Earth's 1:50m Admin 0 country boundaries (public domain),
as redistributed in TopoJSON by the npm package ``world-atlas`` (ISC licence).
This script decodes the topology, clips every country to Europe
(:data:`BBOX`), simplifies the outlines (Douglas-Peucker, :data:`TOLERANCE`
degrees), drops islands too small to see and writes longitude/latitude pairs
rounded to :data:`DECIMALS` places. The app projects them when it draws the
map (:mod:`kennisbank.partners.basemap`); nothing is fetched at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BBOX = (-32.0, 27.0, 62.0, 84.0)  # west, south, east, north
TOLERANCE = 0.04
MIN_AREA = 0.03  # square degrees
DECIMALS = 2
OUT = Path(__file__).resolve().parent.parent / "kennisbank" / "partners" / "data" / "europe.json"

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def unwrap(points: list[Point]) -> list[Point]:
    """A ring that crosses the antimeridian (Russia's far east) jumps from 180 to
    -180 degrees; moving its western half east by 360 makes it continuous, so
    clipping cuts it off cleanly instead of drawing lines across the map."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:], strict=False)):
        return points
    return [(x + 360, y) if x < 0 else (x, y) for x, y in points]


def clip(points: list[Point]) -> list[Point]:
    """Sutherland-Hodgman against the bounding box."""
    west, south, east, north = BBOX
    edges = [(lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
             (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
             (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
             (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north))]
    for inside, cross in edges:
        if not points:
            break
        result: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    result.append(cross(previous, point))
                result.append(point)
            elif inside(previous):
                result.append(cross(previous, point))
            previous = point
        points = result
    return points


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iteratively (rings of thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            x, y = points[i]
            if norm:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            else:
                distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area(points: list[Point]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1]
                   for a, b in zip(points, points[1:] + points[:1], strict=True))) / 2


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = []
        for polygon in polygons:
            outer = clip(unwrap(ring(polygon[0], arcs)))  # holes are left out: lakes, enclaves
            if len(outer) < 3 or area(outer) < MIN_AREA:
                continue
            simple = simplify(outer + outer[:1], TOLERANCE)[:-1]
            if len(simple) >= 3:
                rings.append([[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simple])
        if rings:
            countries.append({"id": geometry.get("id"), "name": geometry["properties"]["name"],
                              "rings": rings})
    countries.sort(key=lambda c: c["name"])
    data = {
        "source": "Natural Earth 1:50m Admin 0 countries (public domain), version 4.1.0, "
                  "via world-atlas 2.0.2; clipped to Europe and simplified by "
                  "scripts/build_basemap.py",
        "bbox": list(BBOX),
        "countries": countries,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(r) for c in countries for r in c["rings"])
    print(f"{OUT}: {len(countries)} countries, {points} points, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
