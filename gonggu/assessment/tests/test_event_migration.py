"""Migrations 0007–0008: problem events take the one event shape — `by` becomes `actor` and the Chinese words in
`action` become the codes of ProblemEvent.Action, both ways, keeping every row."""

import pytest

from gonggu.assessment.models import ProblemEvent
from gonggu.core.tests.migrating import migrate_to

from .test_rectification import evidence, make

BEFORE = [("assessment", "0006_assessment_runs")]


@pytest.mark.django_db(transaction=True)
def test_problem_events_keep_their_rows_and_actors_across_the_rename(county_admin, regions):
    p = make(county_admin, regions["township"])
    evidence(county_admin, p)
    made = list(ProblemEvent.objects.filter(problem=p).values_list("pk", "action", "actor_id", "note"))
    assert [a for _, a, _, _ in made] == ["register", "evidence"]
    try:
        old = migrate_to(BEFORE)
        Old = old.get_model("assessment", "ProblemEvent")
        rows = list(Old.objects.filter(problem_id=p.pk).order_by("pk").values_list("pk", "action", "by_id", "note"))
        assert rows == [(pk, {"register": "登记", "evidence": "上传材料"}[a], actor, note)
                        for pk, a, actor, note in made]
        # A row as the old code wrote it, with a word the old code used.
        Old.objects.create(problem_id=p.pk, by_id=county_admin.pk, action="回炉整改", from_status="已整改",
                           to_status="回炉整改", note="举一反三不到位")
    finally:
        migrate_to()
    after = list(ProblemEvent.objects.filter(problem=p).order_by("pk").values_list("action", "actor_id", "payload"))
    assert after == [("register", county_admin.pk, {}), ("evidence", county_admin.pk, {}),
                     ("reopen", county_admin.pk, {})]
    assert ProblemEvent.objects.filter(problem=p).last().title == "回炉整改"
