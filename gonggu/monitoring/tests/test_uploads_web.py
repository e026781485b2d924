"""Scans and photos through the pages: judged by content, never by name or type; served without script."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ..models import Notice, Visit
from ..workflow import CaseStatus
from .factories import PNG, CaseFactory, ClueFactory, household, png
from .test_workflow import D, at, open_and_verify

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _uploads():
    return sorted(p.name for p in (settings.DATA_DIR / "uploads").rglob("*") if p.is_file())


def test_html_commitment_scan_is_refused_with_the_file_named(regions, login, village_clerk):
    hh = household(regions["village"])
    clue = ClueFactory(household=hh, discovered_on=D(2025, 3, 3))
    client = login(village_clerk)
    before = _uploads() if (settings.DATA_DIR / "uploads").exists() else []
    with at("2025-03-03"):
        client.post(reverse("monitoring:clue_detail", args=[clue.pk]), {"action": "open"})
        case = hh.monitoring_cases.get()
        page = client.post(reverse("monitoring:case_step", args=[case.pk, "verify"]), {
            "verified_on": "2025-03-03", "findings": "因病", "monitoring_type": "边缘易致贫户", "risk_types": ["因病"],
            "commitment_signed_on": "2025-03-03",
            "commitment_scan": SimpleUploadedFile("承诺书.pdf", HTML, content_type="application/pdf")}, follow=True)
    assert "文件 承诺书.pdf 的内容不是图片" in page.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFYING and not case.commitment_scan
    assert _uploads() == before   # nothing of it is kept


def test_svg_or_html_visit_photo_is_refused_and_a_real_photo_kept(regions, login, village_clerk):
    case = CaseFactory(household=household(regions["village"]))
    client = login(village_clerk)
    url = reverse("monitoring:visit_new", args=[case.pk])
    with at("2025-02-20"):
        for name, data in (("p.svg", SVG), ("p.jpg", HTML)):
            page = client.post(url, {"visited_on": "2025-02-20", "content": "走访",
                                     "photos": [SimpleUploadedFile(name, data, content_type="image/jpeg")]})
            assert f"文件 {name} 的内容不是图片" in page.content.decode()
        assert not Visit.objects.exists()
        response = client.post(url, {"visited_on": "2025-02-20", "content": "走访", "photos": [png("现场.png")]})
    assert response.status_code == 302, response.content.decode()[-3000:]
    visit = Visit.objects.get()
    photo = client.get(reverse("monitoring:visit_photo", args=[visit.pk, 0]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == PNG
    assert "attachment" not in photo.get("Content-Disposition", "")
    assert photo["X-Content-Type-Options"] == "nosniff" and "sandbox" in photo["Content-Security-Policy"]
    # Kept relative to the data directory, so a restored copy elsewhere still finds it.
    assert not visit.photos[0]["path"].startswith("/")


def test_a_stored_file_that_is_not_an_image_is_only_ever_a_download(regions, login, county_admin):
    """Files kept before content checks existed: an .html "scan" must not render in the admin's browser."""
    path = settings.DATA_DIR / "old-scan.html"
    path.write_bytes(HTML)
    case = CaseFactory(household=household(regions["village"]), commitment_scan=str(path))
    response = login(county_admin).get(reverse("monitoring:commitment_scan", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


def test_notice_posting_and_announcement_photos_through_the_pages(regions, login, village_clerk, township_reviewer,
                                                                 county_admin):
    from .. import services as s

    clue = ClueFactory(household=household(regions["village"]), discovered_on=D(2025, 3, 3))
    case = open_and_verify(clue, village_clerk)
    with at("2025-03-03"):
        notice = s.case_select(cases=[case], user=village_clerk, notice_start=D(2025, 3, 4), notice_end=D(2025, 3, 8),
                               contact="12345")
        client = login(village_clerk)
        bad = client.post(reverse("monitoring:notice_posting", args=[notice.pk]), {
            "posted_on": "2025-03-03", "place": "村委会公示栏",
            "photo": SimpleUploadedFile("board.png", SVG, content_type="image/png")}, follow=True)
        assert "文件 board.png 的内容不是图片" in bad.content.decode()
        notice.refresh_from_db()
        assert not notice.photo_path
        ok = client.post(reverse("monitoring:notice_posting", args=[notice.pk]), {
            "posted_on": "2025-03-03", "place": "村委会公示栏", "photo": png("board.png")})
        shown = client.get(reverse("monitoring:notice_photo", args=[notice.pk]))
    assert ok.status_code == 302
    notice.refresh_from_db()
    assert notice.photo_path and notice.posted_place == "村委会公示栏"
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    with at("2025-03-09"):
        s.case_township_review(case=case, user=township_reviewer)
        s.case_county_approve(case=case, user=county_admin)
        reviewer = login(township_reviewer)
        response = reviewer.post(reverse("monitoring:case_batch", args=["announce"]), {
            "case": [case.pk], "announced_on": "2025-03-09", "place": "村委会公示栏", "photo": png("公告.png")})
        announcement = Notice.objects.get(kind=Notice.Kind.IDENT_ANNOUNCE)
        photo = reviewer.get(reverse("monitoring:notice_photo", args=[announcement.pk]))
    assert response.status_code == 302
    assert announcement.photo_path
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == PNG

