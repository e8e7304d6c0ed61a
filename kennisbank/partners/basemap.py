"""The transfer map's base map: Europe's country outlines, projected on the server.

The outlines are Natural Earth's 1:50m Admin 0 countries (public domain),
clipped to Europe and simplified once by ``scripts/build_basemap.py`` into
``data/europe.json``, which ships with the package: nothing is fetched at run
time. :func:`country_paths` projects them with the map's own projection into
SVG path data, leaves out the outlines that fall outside the drawing and
drops points closer together than a pixel, so the SVG stays small.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data") / "europe.json"
#: Points closer than this (in SVG units) to the previous one are dropped.
MIN_STEP = 1.2

Projection = Callable[[float, float], tuple[float, float]]


@lru_cache(maxsize=1)
def europe() -> dict[str, Any]:
    """The shipped outlines: ``{"source", "bbox", "countries": [{"name", "rings"}]}``."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def source() -> str:
    return str(europe()["source"])


def country_paths(project: Projection, width: float, height: float) -> list[tuple[str, str]]:
    """``(country name, SVG path data)`` for every country with an outline in view."""
    paths = []
    for country in europe()["countries"]:
        parts = []
        for ring in country["rings"]:
            points = [project(lon, lat) for lon, lat in ring]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            if max(xs) < 0 or min(xs) > width or max(ys) < 0 or min(ys) > height:
                continue
            kept = [points[0]]
            for x, y in points[1:]:
                if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= MIN_STEP:
                    kept.append((x, y))
            if len(kept) >= 3:
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
        if parts:
            paths.append((str(country["name"]), "".join(parts)))
    return paths
