"""Users never see Django's debug page: DEBUG is off unless a developer sets GONGGU_DEBUG=1 (`make run` does
not), and an unexpected error shows the plain 500 page with its request id, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

ROOT = Path(__file__).resolve().parents[3]


def _debug(tmp_path, **extra) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GONGGU_DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(GONGGU_DATA_DIR=str(tmp_path), **extra)
    run = subprocess.run([sys.executable, "-c", "import config.settings.base as s; print(s.DEBUG)"], env=env,
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return run.stdout.strip()


def test_debug_is_off_by_default(tmp_path):
    assert _debug(tmp_path) == "False"
    assert _debug(tmp_path, GONGGU_DEBUG="1") == "True"


def _broken(request):
    raise RuntimeError("secret detail")


urlpatterns = [path("broken/", _broken)]


@pytest.mark.django_db
@pytest.mark.urls("gonggu.web.tests.test_debug_off")
def test_an_error_shows_the_plain_page(county_admin):
    client = Client(raise_request_exception=False)
    client.force_login(county_admin)
    response = client.get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "secret detail" not in page and "Traceback" not in page
