"""Site-wide safety: security headers, no inline script, the 500 page with a request id, production entry points,
and the client address behind the trusted proxy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from gonggu.core.net import client_ip

ROOT = Path(__file__).resolve().parents[3]


def test_every_page_carries_a_policy_without_inline_script(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script.strip() == "'self'" and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{12}", response["X-Request-ID"])


def test_no_template_has_inline_script_or_event_handlers():
    """The policy refuses inline script, so a template with one would silently break in the browser."""
    offenders = []
    for template in (ROOT / "gonggu").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text) \
                or "javascript:" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@login_not_required
def _boom(request):
    raise RuntimeError("boom in a view")


urlpatterns = [path("boom/", _boom)]
handler500 = "gonggu.core.views.server_error"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_shows_a_request_id_that_the_log_file_has(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    request_id = response["X-Request-ID"]
    assert "系统出错了" in html and request_id in html and "boom in a view" not in html
    log = (settings.DATA_DIR / "logs" / "gonggu.log").read_text(encoding="utf-8")
    assert f"[{request_id}]" in log and "boom in a view" in log


def _settings_seen_by(module: str, env: dict) -> str:
    code = (f"import {module}; from django.conf import settings as s; "
            "print(s.SETTINGS_MODULE, s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GONGGU_", "DJANGO_"))}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_web_entry_points_choose_settings_like_the_gonggu_command(module, tmp_path):
    production = {"GONGGU_ENV": "production", "GONGGU_SECRET_KEY": "x" * 60, "GONGGU_ALLOWED_HOSTS": "gonggu.example",
                  "GONGGU_DATA_DIR": str(tmp_path)}
    assert _settings_seen_by(module, production) == "config.settings.production False True 31536000"
    # Debug pages are off unless a developer asks for them (GONGGU_DEBUG=1): users never see a traceback.
    assert _settings_seen_by(module, {"GONGGU_DATA_DIR": str(tmp_path)}).startswith("config.settings.base False")


@override_settings(GONGGU_TRUSTED_PROXIES=["10.0.0.5", "192.168.1.0/24"])
def test_client_address_only_from_the_trusted_proxy():
    rf = RequestFactory()
    # Straight from a client: its forged header is ignored.
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "203.0.113.9"
    # Through nginx: the address nginx appended, not the first (client-written) entry.
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"
    # Through two proxies of ours.
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 192.168.1.20")
    assert client_ip(request) == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="junk")) == "10.0.0.5"


def test_without_trusted_proxies_forwarded_headers_are_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"
