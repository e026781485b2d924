"""From a refused action (`UserFacingError`) to what the user sees: one message, then a redirect, a form
error or an htmx fragment. Views raise or let services raise; they do not catch refusals themselves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from .errors import NotFoundInScope, UserFacingError


def refusal_text(exc: UserFacingError):
    """The message, with a link to the record behind it when the refusal names one."""
    if exc.link:
        label, url = exc.link
        return format_html('{} <a href="{}">{}</a>', exc.message, url, label)
    return exc.message


def refusal_message(request, exc: UserFacingError, *, prefix: str = "") -> None:
    text = refusal_text(exc)
    messages.error(request, format_html("{}{}", prefix, text) if prefix else text)


def refusal_to_form(form, exc: UserFacingError) -> None:
    """The refusal as an error of the field it names (if the form has it), else of the whole form."""
    form.add_error(exc.field if exc.field in form.fields else None, refusal_text(exc))


def returns_to(request, url: str) -> str:
    """Name the page a refusal in this request returns to (`on_refusal()` without a target); returns `url`.

    A view that knows its page only after fetching a record (a case, an objection's notice) names it where it
    names the page of its success, so both go to the same place."""
    request.refusal_to = url
    return url


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def on_refusal(to: str | Callable[..., str] | None = None, *keys: str):
    """View decorator: a `UserFacingError` from the view becomes an error message and a redirect.

    `to` is a URL name, reversed with the view keyword arguments named in `keys` (`on_refusal("case", "pk")`),
    or when none are named with all of them, or without any when the URL takes none; a callable
    `(request, **kwargs) -> url`; or None for the page the view named with `returns_to`, else the page the
    request came to. An htmx request gets the message as
    a 422 fragment instead. Not-found stays not-found (`require_perm` turns it into a 404).

    Views raise or let services raise; a success message and the redirect follow the service call directly.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NotFoundInScope:
                raise
            except UserFacingError as exc:
                if _is_htmx(request):
                    return HttpResponse(format_html('<span class="msg error">{}</span>', refusal_text(exc)),
                                        status=422)
                target = _target(to, request, {k: kwargs[k] for k in keys} if keys else kwargs)
                if request.method in ("GET", "HEAD") and target == request.get_full_path():
                    raise  # showing the page itself failed: redirecting to it would only fail again
                refusal_message(request, exc)
                return redirect(target)

        return wrapped

    return decorator


def _target(to, request, kwargs) -> str:
    if to is None:
        return getattr(request, "refusal_to", None) or request.get_full_path()
    if callable(to):
        return to(request, **kwargs)
    try:
        return reverse(to, kwargs=kwargs)
    except NoReverseMatch:
        return reverse(to)
