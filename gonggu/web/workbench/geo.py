"""Map boundaries for the cockpit: a county's own GeoJSON (uploaded, kept in the data directory) or, where none is
loaded, a schematic grid of the regions — the same map drawing for both."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

from django.conf import settings

from gonggu.core.errors import UserFacingError

MAX_BYTES = 30 * 1024 * 1024
CODE_KEYS = ("code", "区划代码", "adcode", "CODE", "gb", "xzqdm")
NAME_KEYS = ("name", "名称", "NAME", "xzqmc")


def geo_dir() -> Path:
    return Path(settings.DATA_DIR) / "geo"


def geo_path(county_code: str) -> Path:
    return geo_dir() / f"{county_code[:6]}.geojson"


def _prop(props: dict, keys) -> str:
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def geojson_validate(raw: bytes, file_name: str) -> dict:
    """The uploaded boundaries, or a Chinese reason naming the file and the feature."""
    if len(raw) > MAX_BYTES:
        raise UserFacingError(f"文件 {file_name} 超过 30 MB，请先简化边界。")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserFacingError(f"文件 {file_name} 不是有效的 GeoJSON（UTF-8 编码的 JSON）：{exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise UserFacingError(f"文件 {file_name} 应为 GeoJSON 要素集合（type 为 FeatureCollection）。")
    if not data["features"]:
        raise UserFacingError(f"文件 {file_name} 没有任何边界要素。")
    for i, feature in enumerate(data["features"], start=1):
        geometry = (feature or {}).get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise UserFacingError(f"文件 {file_name} 第 {i} 个要素不是面（Polygon 或 MultiPolygon）。")
        props = feature.get("properties") or {}
        if not _prop(props, CODE_KEYS) and not _prop(props, NAME_KEYS):
            raise UserFacingError(f"文件 {file_name} 第 {i} 个要素缺少区划代码（code）或名称（name）属性。")
    return data


def geojson_store(county_code: str, data: dict) -> None:
    """Write atomically: a half-written file never replaces the county's boundaries."""
    target = geo_path(county_code)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    os.replace(tmp, target)


def _loaded(county_code: str) -> dict | None:
    path = geo_path(county_code)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def boundaries(county_code: str, areas: list) -> tuple[dict, bool]:
    """A FeatureCollection whose feature names are the areas' names: the county's own features that match an area
    by code (or by name), else a grid. Returns (collection, schematic)."""
    loaded = _loaded(county_code)
    if loaded is not None:
        by_code = {a.code: a for a in areas}
        by_name = {a.name: a for a in areas}
        features = []
        for feature in loaded.get("features", []):
            props = feature.get("properties") or {}
            code = _prop(props, CODE_KEYS).ljust(12, "0")[:12]
            area = by_code.get(code) or by_name.get(_prop(props, NAME_KEYS))
            if area is not None:
                features.append({"type": "Feature", "properties": {"name": area.name, "code": area.code},
                                 "geometry": feature["geometry"]})
        if features:
            return {"type": "FeatureCollection", "features": features}, False
    return schematic_grid(areas), True


def schematic_grid(areas: list) -> dict:
    """Squares in rows, by code: not geography, but every region in its place with its colour."""
    cols = max(1, math.ceil(math.sqrt(len(areas) or 1)))
    features = []
    for i, area in enumerate(areas):
        x, y = i % cols, -(i // cols)
        ring = [[x, y], [x + 0.94, y], [x + 0.94, y + 0.94], [x, y + 0.94], [x, y]]
        features.append({"type": "Feature", "properties": {"name": area.name, "code": area.code},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}
