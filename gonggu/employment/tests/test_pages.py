"""Every ledger kind of this work area has its pages from the ledger pattern: list, entry form, blank template,
import page; a leader reads but does not enter."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.ledgers.kinds import ledger_get

pytestmark = pytest.mark.django_db
KEYS = ["public_post", "post_attendance", "work_record", "work_target", "workshop", "workshop_worker", "rain_dew",
        "resettlement_site", "relocated_household"]


@pytest.mark.parametrize("key", KEYS)
def test_pages_of_each_kind(key, county_admin, leader, login):
    kind = ledger_get(key)
    client = login(county_admin)
    listing = client.get(reverse("ledger_list", args=[key]))
    assert listing.status_code == 200 and kind.title in listing.content.decode()
    form = client.get(reverse("ledger_new", args=[key])).content.decode()
    assert kind.label(kind.value_fields[0]) in form
    template = client.get(reverse("intake_template", args=[kind.format_key]))
    header = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0).to_python()[0]
    assert [c.name for c in kind.columns][0] in header
    assert client.get(reverse("intake_format", args=[kind.format_key])).status_code == 200
    reader = login(leader)
    assert reader.get(reverse("ledger_list", args=[key])).status_code == 200
    assert reader.get(reverse("ledger_new", args=[key])).status_code == 403
