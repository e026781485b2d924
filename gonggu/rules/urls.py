from django.urls import path

from . import exports, views

urlpatterns = [
    path("", views.rule_list, name="rule_list"),
    path("quality/", views.quality_list, name="quality_list"),
    path("quality/run/", views.quality_run, name="quality_run"),
    path("quality/export/", exports.quality_findings_export, name="quality_findings_export"),
    path("params/", views.param_list, name="param_list"),
    path("<str:code>/", views.rule_detail, name="rule_detail"),
    path("<str:code>/setting/", views.rule_setting, name="rule_setting"),
    path("<str:code>/export/", exports.rule_findings_export, name="rule_findings_export"),
]
