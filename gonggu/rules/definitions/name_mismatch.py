from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="NAME-MISMATCH",
    title="部门名单姓名与台账不一致",
    kind="screening",
    source="004 任务2；001 第三部分 一(三)5",
    source_text=seeds.DATA_COMPARISON + "（004）" + seeds.DATA_QUALITY + "（001）",
    grade="info",
    risk_type="",
    tables=("persons", "dept_rows"),
    description="部门名单中当前有效的行（每人每来源最新一行），姓名与台账中同一身份证号的姓名不同（数据质量）。",
    sql="""
        SELECT p.household_id, p.id_number,
               r.list_title || '（第 ' || CAST(r.batch_id AS STRING) || ' 批第 ' || CAST(r.row_number AS STRING)
                 || ' 行）姓名为「' || r.name || '」，台账为「' || p.name || '」' AS detail,
               r.source AS ev_list, r.batch_id AS ev_batch, r.as_of AS ev_batch_as_of, r.row_number AS ev_row, r.name AS ev_list_name,
               p.name AS ev_registry_name
        FROM dept_rows r
        JOIN persons p ON p.id_number = r.id_number
        WHERE r.name <> p.name
    """,
)
