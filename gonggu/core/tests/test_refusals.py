"""One way from a refusal to what the user sees: `on_refusal` turns a `UserFacingError` into an error message and
a redirect (a URL name with the view's arguments, or the page the view named with `returns_to`)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from gonggu.core.errors import NotFoundInScope, UserFacingError
from gonggu.core.web import on_refusal, returns_to


def _request(method: str = "post", path: str = "/x/step/", **headers):
    request = getattr(RequestFactory(), method)(path, **headers)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _refuse(message: str = "当前状态不能办理。", *, link=None):
    def view(request, **kwargs):
        raise UserFacingError(message, link=link)
    return view


def test_a_refusal_becomes_the_message_and_a_redirect_to_the_named_page():
    view = on_refusal("household_detail", "pk")(_refuse())
    request = _request()
    response = view(request, pk=7, name="verify")
    assert response.status_code == 302 and response["Location"] == reverse("household_detail", kwargs={"pk": 7})
    assert [str(m) for m in get_messages(request)] == ["当前状态不能办理。"]


def test_the_page_the_view_named_once_it_had_its_record():
    def view(request, pk):
        returns_to(request, reverse("household_detail", kwargs={"pk": 3}) + "#assistance")
        raise UserFacingError("请先填写整改措施。")
    request = _request()
    response = on_refusal()(view)(request, pk=11)
    assert response["Location"] == reverse("household_detail", kwargs={"pk": 3}) + "#assistance"
    assert [str(m) for m in get_messages(request)] == ["请先填写整改措施。"]


def test_the_link_behind_a_refusal_is_kept_and_htmx_gets_a_fragment():
    view = on_refusal("household_detail", "pk")(_refuse("该户已有监测记录。", link=("查看", "/monitoring/cases/5/")))
    response = view(_request(HTTP_HX_REQUEST="true"), pk=7)
    assert response.status_code == 422
    assert response.content.decode() == '<span class="msg error">该户已有监测记录。 <a href="/monitoring/cases/5/">查看</a></span>'


def test_not_found_stays_not_found_and_a_page_that_fails_is_not_redirected_to_itself():
    def missing(request, **kwargs):
        raise NotFoundInScope("农户")
    with pytest.raises(NotFoundInScope):
        on_refusal("household_detail", "pk")(missing)(_request(), pk=1)
    with pytest.raises(UserFacingError, match="不能办理"):
        on_refusal()(_refuse())(_request("get", "/x/page/"))
