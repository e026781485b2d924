from ..catalog import RuleDef
from . import seeds

RULE = RuleDef(
    code="Q-MONITOR-TYPE",
    title="户类型与监测对象类型不符",
    kind="quality",
    source="001 第三部分 一(二)2①",
    source_text=seeds.MONITORING_OBJECTS,
    tables=("households",),
    description="监测户没有监测对象类型，或不是监测户却填了监测对象类型。",
    sql="""
        SELECT household_id, CAST(NULL AS STRING) AS id_number,
               CASE WHEN household_type = '监测户' THEN '监测户未填监测对象类型'
                    ELSE '户类型为' || household_type || '，却填了监测对象类型「' || monitoring_type || '」' END AS detail,
               household_type AS ev_household_type, monitoring_type AS ev_monitoring_type
        FROM households
        WHERE (household_type = '监测户' AND coalesce(monitoring_type, '') = '')
           OR (household_type <> '监测户' AND coalesce(monitoring_type, '') <> '')
    """,
)
