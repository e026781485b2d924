"""The user-words test (issue 18 item 4): every page each demo role can reach, and every export and document
of the demo county, is read as the user reads it; none may show a rule code, a parameter or field name, a seed
file name or a hash. The same walk checks that the menu offers a role only pages it may open, and that no page
fails."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from gonggu.accounts.models import User
from gonggu.web.demo import demo_build
from gonggu.web.navigation import nav_for

from .words import bad_words, docx_text, visible_text, xlsx_text

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)
ROLES = ("admin", "lingdao", "xiangzhen", "cunyuan", "gongzuodui", "bangfu", "bumen_mz")
# Addresses that are files, side effects or endless variations rather than pages.
SKIP = re.compile(r"/static/|/logout|/photo|/evidence/|/download|template|\.xlsx$|\.json$|/docx/|/scan|/commitment/|"
                  r"/jobs/\d+/progress")
PER_PATTERN = 2      # pages opened per URL pattern and role: enough to see each page's wording
HREF = re.compile(r"""href="(/[^"#]*)""")
DOCUMENT_LINK = re.compile(r"/docx/$")
EXPORT_FORM = re.compile(r"""<form[^>]*method="post"[^>]*action="(/[^"]*(?:export|docx|brief)[^"]*)\"""", re.I)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return demo_build(households=60, seed=1, today=TODAY)


def _allowed() -> set[str]:
    # Login names are what users type; they are not codes.
    return set(User.objects.values_list("username", flat=True))


def _walk(client: Client, allowed: set[str], problems: list[str], exports: set[str]) -> int:
    queue, seen, per_name, opened = deque(["/"]), {"/"}, Counter(), 0
    while queue:
        url = queue.popleft()
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if per_name[name] >= PER_PATTERN:
            continue
        per_name[name] += 1
        response = client.get(url, follow=True)
        opened += 1
        if response.status_code >= 500:
            problems.append(f"{url}: HTTP {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        words = bad_words(visible_text(page), allowed=allowed)
        if words:
            problems.append(f"{url}: {', '.join(words[:8])}")
        exports.update(EXPORT_FORM.findall(page))
        exports.update(h for h in HREF.findall(page) if DOCUMENT_LINK.search(h))
        for href in HREF.findall(page):
            href = href.replace("&amp;", "&")
            if href not in seen and not SKIP.search(href):
                seen.add(href)
                queue.append(href)
    return opened


def test_pages_exports_and_documents_speak_user_words(demo):
    allowed = _allowed()
    problems: list[str] = []
    menu_refused: list[str] = []
    opened = 0
    for username in ROLES:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        for item in nav_for(user, "/"):
            status = client.get(item["url"], follow=True).status_code
            if status != 200:
                menu_refused.append(f"{username}: {item['label']} → HTTP {status}")
        exports: set[str] = set()
        opened += _walk(client, allowed, problems, exports)
        for url in sorted(exports):
            fetch = client.get if DOCUMENT_LINK.search(url) and "/notices/" not in url else client.post
            response = fetch(url, follow=True)
            kind = response.get("Content-Type", "")
            if "spreadsheetml" in kind:
                text = xlsx_text(response.content)
            elif "wordprocessingml" in kind:
                text = docx_text(response.content)
            else:
                continue
            words = bad_words(text, allowed=allowed)
            if words:
                problems.append(f"{username} {url} (file): {', '.join(words[:8])}")
    assert opened > 200
    assert not menu_refused and not problems, "\n".join(menu_refused + problems)
