"""Keeping uploaded files: originals are stored under the data directory, never overwritten.

Files that people attach (承诺书 scans, visit and notice photos, evidence) are judged by their content,
never by name or claimed type: an image must decode with Pillow, a PDF must start with the PDF header,
an office document must be a ZIP or OLE2 container; anything else is refused, so an HTML "scan" or an
SVG "photo" never reaches another user's browser. `stored_file_response` serves a stored file inline
only when its content is a verified raster image or PDF, otherwise as a download; both carry nosniff
and a policy that runs no script.

Paths are kept relative to the data directory (`stored_name`), so a restored data directory works at
another path or on another machine; `stored_path` turns a kept value back into a path (older rows may
hold absolute paths, which are used as they are).
"""

from __future__ import annotations

import codecs
import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils import timezone

from .errors import UserFacingError

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")

IMAGE = "image"
PDF = "pdf"
OFFICE = "office"
TEXT = "text"
PHOTO = (IMAGE,)
SCAN = (IMAGE, PDF)
# Evidence of work (会议纪要, 台账, 照片 …) is only ever served as a download.
EVIDENCE = (IMAGE, PDF, OFFICE, TEXT)
_LABELS = {IMAGE: "图片（JPG、PNG 等）", PDF: "PDF", OFFICE: "Word、Excel、WPS 文档或压缩包", TEXT: "纯文本（txt、csv）"}
# ZIP (docx, xlsx, ofd, zip), OLE2 (doc, xls, wps, et), RAR and 7z containers.
_CONTAINERS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
# HEIC photos from phones: Pillow cannot decode them without a plugin; they are kept as downloads.
_HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1")
_MARKUP = re.compile(rb"<\s*(script|html|svg|body|iframe|object|embed|meta|\?xml)|javascript:", re.IGNORECASE)
# Raster formats browsers show; Pillow also reads others (e.g. EPS), which are served as downloads.
_INLINE_IMAGES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp",
                  "BMP": "image/bmp"}
# Served inline (verified images) or as a download: nothing may run or load. A PDF shown inline is not
# sandboxed (browsers refuse to open their PDF viewer in a sandbox) but may load nothing either.
_FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
_PDF_CSP = "default-src 'none'; object-src 'self'; img-src 'self'; style-src 'unsafe-inline'"


def content_kind(path: str | Path) -> tuple[str | None, str]:
    """What the file's bytes are: (IMAGE | PDF | OFFICE | None, the MIME type to serve it as)."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(1024)
    if head.startswith(b"%PDF-"):
        return PDF, "application/pdf"
    if head.startswith(_CONTAINERS):
        return OFFICE, "application/octet-stream"
    if head[4:12] in _HEIF_BRANDS:
        return IMAGE, "application/octet-stream"
    try:
        from PIL import Image

        with Image.open(path) as image:
            image.verify()
            fmt = image.format or ""
    except Exception:  # noqa: BLE001 - whatever Pillow cannot decode is not an image
        return (TEXT if _plain_text(path) else None), "application/octet-stream"
    return IMAGE, _INLINE_IMAGES.get(fmt, "application/octet-stream")


def _plain_text(path: Path) -> bool:
    """Text in UTF-8 or GB18030 with no control bytes and no markup a browser would run."""
    with path.open("rb") as f:
        sample = f.read(64 * 1024)
    if not sample or b"\x00" in sample or _MARKUP.search(sample):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # The sample may end inside a character: an incremental decoder leaves that cut alone.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _check_content(path: Path, name: str, accept: tuple[str, ...]) -> None:
    kind, _mime = content_kind(path)
    if kind not in accept:
        path.unlink(missing_ok=True)
        wanted = "、".join(_LABELS[a] for a in accept)
        raise UserFacingError(f"文件 {name} 的内容不是{wanted}，未保存。请上传{wanted}。")


def upload_save(uploaded, *, kind: str, accept: tuple[str, ...] = ()) -> tuple[Path, str]:
    """Store an uploaded file; returns (path, sha256). Refuses files over the configured size, and with
    `accept` (PHOTO, SCAN, EVIDENCE) files whose content is none of those kinds."""
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
    if accept:
        _check_content(path, Path(uploaded.name).name, accept)
    return path, digest.hexdigest()


def stored_name(path: str | Path) -> str:
    """How a stored file's location is kept in the database: relative to the data directory when inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path(settings.DATA_DIR).resolve()).as_posix()
    except ValueError:
        return str(path)


def stored_path(value: str | Path) -> Path:
    """The file a kept value names: relative values are under the data directory."""
    path = Path(value)
    return path if path.is_absolute() else Path(settings.DATA_DIR) / path


def stored_file_response(value: str | Path, *, filename: str | None = None, inline_ok: bool = True) -> FileResponse:
    """Serve a stored file: inline only when its content is a verified image or PDF, else as a download."""
    if not value:
        raise Http404("文件不存在。")
    path = stored_path(value)
    if not path.is_file():
        raise Http404("文件不存在。")
    kind, mime = content_kind(path)
    inline = inline_ok and kind in (IMAGE, PDF) and mime != "application/octet-stream"
    response = FileResponse(path.open("rb"), as_attachment=not inline, filename=filename or path.name)
    response["Content-Type"] = mime if inline else "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = _PDF_CSP if inline and kind == PDF else _FILE_CSP
    return response


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def migrate_paths_to_relative(model, *fields: str) -> int:
    """For data migrations: kept absolute paths under the data directory become relative (others stay)."""
    changed = 0
    for field in fields:
        rows = model.objects.filter(**{f"{field}__startswith": "/"}).values_list("pk", field)
        for pk, value in rows.iterator():
            relative = stored_name(value)
            if relative != value:
                model.objects.filter(pk=pk).update(**{field: relative})
                changed += 1
    return changed
