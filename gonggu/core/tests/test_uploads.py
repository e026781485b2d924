"""Content checks of kept files: by bytes, never by name or claimed type."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonggu.core.errors import UserFacingError
from gonggu.core.tests.files import PNG, jpeg
from gonggu.core.uploads import EVIDENCE, PHOTO, SCAN, stored_file_response, upload_save


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.parametrize("name, data, accept", [
    ("a.png", PNG, PHOTO), ("a.jpg", jpeg(), PHOTO), ("a.pdf", b"%PDF-1.7\n...", SCAN),
    ("纪要.docx", b"PK\x03\x04rest", EVIDENCE), ("台账.csv", "户编号,姓名\n1001,张三\n".encode("gb18030"), EVIDENCE),
])
def test_genuine_files_are_kept(name, data, accept, data_dir):
    path, _sha = upload_save(SimpleUploadedFile(name, data), kind="t", accept=accept)
    assert path.read_bytes() == data


@pytest.mark.parametrize("name, data, accept", [
    ("scan.pdf", b"<html><script>alert(1)</script>", SCAN), ("photo.svg", b"<svg onload=alert(1)>", PHOTO),
    ("photo.jpg", b"\xff\xd8\xff not really", PHOTO), ("a.pdf", PNG[:20], SCAN),
    ("纪要.txt", b"<script>alert(1)</script>", EVIDENCE), ("a.exe", b"MZ\x90\x00\x03\x00\x00\x00", EVIDENCE),
])
def test_anything_else_is_refused_naming_the_file(name, data, accept, data_dir):
    with pytest.raises(UserFacingError, match=f"文件 {name} 的内容不是"):
        upload_save(SimpleUploadedFile(name, data, content_type="image/png"), kind="t", accept=accept)
    assert not any(p.is_file() for p in data_dir.rglob("*"))


def test_inline_only_for_verified_images_and_pdfs(data_dir):
    (data_dir / "p.pdf").write_bytes(b"%PDF-1.7\n")
    (data_dir / "x.png").write_bytes(b"<html>not a png</html>")
    pdf = stored_file_response("p.pdf")
    assert pdf["Content-Type"] == "application/pdf" and "attachment" not in pdf.get("Content-Disposition", "")
    assert "sandbox" not in pdf["Content-Security-Policy"] and "default-src 'none'" in pdf["Content-Security-Policy"]
    fake = stored_file_response("x.png")
    assert fake["Content-Type"] == "application/octet-stream" and fake["Content-Disposition"].startswith("attachment")
