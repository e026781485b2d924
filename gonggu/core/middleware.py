"""Request ids and the security headers every response carries.

The request id is shown on the 500 page and written with the logged error, so that a user's phone call
("编号 3f2a…") finds the traceback. The Content-Security-Policy allows script only from our own static
files (htmx, ECharts and our small scripts are vendored); style attributes and a few page-local <style>
blocks remain in the templates and htmx adds its indicator style, so styles also allow 'unsafe-inline' —
inline CSS cannot run script. A response that sets its own policy (a stored file) keeps it.
"""

from __future__ import annotations

import uuid

from django.conf import settings

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class RequestIdMiddleware:
    """Gives every request a short random id (`request.id`), echoed in the `X-Request-ID` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4().hex[:12]
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class SecurityHeadersMiddleware:
    """`Content-Security-Policy` and `X-Content-Type-Options: nosniff` on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = getattr(settings, "GONGGU_CSP", DEFAULT_CSP)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class RequestIdLogFilter:
    """Adds `request_id` to log records (from the request Django's error logging passes along)."""

    def filter(self, record) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", "-") if request is not None else "-"
        return True
