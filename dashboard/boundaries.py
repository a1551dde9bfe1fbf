"""The municipal boundaries shipped in data/ (geoBoundaries XKX ADM2, CC BY-SA 2.0).

The only place the app reads the boundary file; pages ask for it here, figures get it
as an argument. Read once per process: the file is part of the release, not of a build.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from dashboard.settings import get_settings

BOUNDARIES_FILE = "kosovo_municipalities.geojson"


@lru_cache(maxsize=2)
def _load(path: Path) -> dict[str, Any]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    if collection.get("type") != "FeatureCollection":
        raise ValueError(f"{path}: expected a GeoJSON FeatureCollection")
    return collection


def municipal_boundaries() -> dict[str, Any]:
    """The GeoJSON FeatureCollection of Kosovo's municipalities (property `shapeName`)."""
    return _load(get_settings().data_dir / BOUNDARIES_FILE)
