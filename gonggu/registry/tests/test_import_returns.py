"""The 退回表 of a registry import: the rejected rows in the file's own columns plus 错误原因, downloaded from the
batch report; corrected, that file imports as it is. Registry batches are the pipeline's batches."""

import io
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonggu.core.models import AuditEvent, Job
from gonggu.dataio.models import IntakeBatch, IntakeIssue
from gonggu.registry.choices import PersonStatus
from gonggu.registry.models import Household, Person, RegistryBatch
from gonggu.registry.spec import REGISTRY_SPEC

from .test_import_helpers import household, id_number

pytestmark = pytest.mark.django_db(transaction=True)


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    """A workbook as an office makes it: identity numbers as text, amounts and months as numbers."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    for c, name in enumerate(header):
        sheet.write_string(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            elif value not in (None, ""):
                sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def as_cells(rows: list[dict]) -> list[list]:
    numeric = {"工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出", "务工月数"}
    return [[float(r[n]) if n in numeric and r.get(n) else r.get(n, "") for n in REGISTRY_SPEC.names] for r in rows]


def read_xlsx(content: bytes, folder: Path) -> list[list[str]]:
    path = folder / "退回表.xlsx"
    path.write_bytes(content)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [[str(c) for c in row] for row in sheet.to_python()]


def upload_and_validate(client, content: bytes, name: str) -> RegistryBatch:
    client.post(reverse("registry_import"), {"file": SimpleUploadedFile(name, content)})
    batch = RegistryBatch.objects.latest("pk")
    assert batch.status == RegistryBatch.Status.VALIDATED, batch.message
    return batch


def test_xlsx_with_two_bad_rows_returns_table_fixed_and_imported_as_it_is(county_admin, login, tmp_path):
    client = login(county_admin)
    rows = household("H1", 3) + household("H2", 2)
    good_id = rows[4]["身份证号"]
    rows[2]["健康状况"] = "很好"                                  # file row 4: not one of the values
    rows[4]["身份证号"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # file row 6: wrong check digit
    batch = upload_and_validate(client, xlsx_bytes(REGISTRY_SPEC.names, as_cells(rows)), "东村台账.xlsx")
    assert (batch.persons, batch.rejected_rows) == (3, 2)
    # The rejected rows are the batch's intake issues: 户编号 as the key, the masked number as the value.
    issues = list(IntakeIssue.objects.filter(batch=batch, kind=IntakeIssue.Kind.REJECTED).order_by("row"))
    assert [(i.row, i.column, i.key) for i in issues] == [(4, "健康状况", "H1"), (6, "身份证号", "H2")]
    assert "*" in issues[1].value and good_id[:-1] not in issues[1].value

    returns_url = reverse("intake_returns", args=[batch.pk])
    report = client.get(reverse("registry_import_batch", args=[batch.pk])).content.decode()
    assert returns_url in report and "下载退回表（2 行）" in report and "很好" in report
    # The pipeline's pages list the registry batch and show it too.
    assert reverse("intake_batch", args=[batch.pk]) in client.get(reverse("intake_home")).content.decode()
    assert returns_url in client.get(reverse("intake_batch", args=[batch.pk])).content.decode()

    assert client.get(returns_url).status_code == 405   # a download of full numbers is a POST
    response = client.post(returns_url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export_pii", object_type="intake_batch", object_id=str(batch.pk)).exists()
    table = read_xlsx(response.content, tmp_path)
    header, back = table[0], table[1:]
    assert header == [*REGISTRY_SPEC.names, "错误原因"]
    assert len(back) == 2
    col = {name: i for i, name in enumerate(header)}
    assert back[0][col["健康状况"]] == "很好" and back[0][col["户编号"]] == "H1"
    assert "原第 4 行" in back[0][col["错误原因"]] and "健康状况" in back[0][col["错误原因"]]
    # The village gets its own file back: the full identity number, not a masked one.
    assert back[1][col["身份证号"]] == rows[4]["身份证号"] and "原第 6 行" in back[1][col["错误原因"]]
    assert float(back[0][col["生产经营性收入"]] or 0) == 0 and back[1][col["收入年度"]] in ("2024", "2024.0")

    # The good rows are imported on confirmation.
    client.post(reverse("registry_import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == RegistryBatch.Status.APPLIED and Person.objects.count() == 3

    # The village corrects the two cells and sends the 退回表 back as it is (错误原因 and all).
    back[0][col["健康状况"]] = "健康"
    back[1][col["身份证号"]] = id_number()
    fixed = upload_and_validate(client, xlsx_bytes(header, back), "东村台账_退回表.xlsx")
    assert (fixed.rows, fixed.persons, fixed.rejected_rows) == (2, 2, 0)
    assert fixed.unknown_columns == ["错误原因"] and fixed.persons_created == 2
    client.post(reverse("registry_import_confirm", args=[fixed.pk]))
    fixed.refresh_from_db()
    assert fixed.status == RegistryBatch.Status.APPLIED
    assert Person.objects.count() == 5 and Household.objects.count() == 2
    # The members of those households the 退回表 does not list stay on record, left for someone to confirm.
    assert fixed.missing_count == 3 and not Person.objects.exclude(status=PersonStatus.ACTIVE).exists()
    assert Person.objects.get(id_number=back[1][col["身份证号"]]).household.household_no == "H2"
    assert set(IntakeBatch.objects.values_list("format", flat=True)) == {"registry"}


def test_upload_on_the_pipelines_page_validates_and_waits_for_confirmation(county_admin, login):
    """The pipeline's own page takes a registry file too; the registry is written only when confirmed."""
    client = login(county_admin)
    rows = household("H1", 3)
    content = xlsx_bytes(REGISTRY_SPEC.names, as_cells(rows))
    response = client.post(reverse("intake_format", args=["registry"]),
                           {"file": SimpleUploadedFile("台账.xlsx", content)})
    job = Job.objects.get(kind="intake")
    assert response["Location"] == reverse("job_detail", args=[job.pk]) and job.status == Job.Status.DONE
    batch = RegistryBatch.objects.get()
    assert job.result["next_url"] == reverse("intake_batch", args=[batch.pk])
    assert (job.result["format"], job.result["persons"], job.result["created"], job.result["dry_run"]) == (
        "registry", 3, 3, True)
    assert batch.status == RegistryBatch.Status.VALIDATED and not Person.objects.exists()
    assert "确认导入" in client.get(reverse("intake_batch", args=[batch.pk])).content.decode()
    client.post(reverse("registry_import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == RegistryBatch.Status.APPLIED and Person.objects.count() == 3
    # The same file again is not refused as a duplicate: importing the registry again updates it in place.
    client.post(reverse("intake_format", args=["registry"]), {"file": SimpleUploadedFile("台账.xlsx", content)})
    again = RegistryBatch.objects.latest("pk")
    assert again.pk != batch.pk and again.status == RegistryBatch.Status.VALIDATED
    assert again.report["same_file_as"] == batch.pk and again.persons_unchanged == 3
