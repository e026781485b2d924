"""A ledger's phone form that is refused keeps every value entered and lists the errors above the form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonggu.employment.models import PublicPost
from gonggu.registry.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_refused_form_keeps_the_input_and_shows_errors_first(regions, village_clerk, login):
    person = PersonFactory(household=HouseholdFactory(village=regions["village"]))
    client = login(village_clerk)
    data = {"id_number_input": person.id_number, "post_name": "保洁员临时岗", "post_type": "保洁",
            "start_date": "2025-13-40", "monthly_subsidy": "一千", "placement_no": "1"}
    page = client.post(reverse("ledger_new", args=["public_post"]), data).content.decode()
    assert not PublicPost.objects.exists()
    summary, form = page.index('id="form-errors"'), page.index('<form method="post" class="form">')
    assert summary < form
    errors = page[summary:form]
    assert "没有保存" in errors and "上岗日期" in errors and "月岗位补贴" in errors
    # What was typed is still in the fields, the wrong values too (to be corrected, not typed again).
    for value in ("保洁员临时岗", "2025-13-40", "一千", person.id_number):
        assert f'value="{value}"' in page[form:]
