"""Keeping uploaded files: originals are stored under the data directory, never overwritten."""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .errors import UserFacingError

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def upload_save(uploaded, *, kind: str) -> tuple[Path, str]:
    """Store an uploaded file; returns (path, sha256). Refuses files over the configured size."""
    if uploaded is None:
        raise UserFacingError("请选择要上传的文件。")
    limit = settings.GONGGU_MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        raise UserFacingError(f"文件 {uploaded.name} 有 {uploaded.size / 1048576:.0f} MB，超过上限 {limit // 1048576} MB。")
    folder = Path(settings.DATA_DIR) / "uploads" / kind / timezone.localdate().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    safe_name = _UNSAFE.sub("_", Path(uploaded.name).name)[-120:]
    path = folder / f"{uuid.uuid4().hex[:12]}_{safe_name}"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
