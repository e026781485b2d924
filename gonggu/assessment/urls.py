from django.urls import path

from . import risk_views, views, views_score
from .runs import views as run_views

urlpatterns = [
    path("", views.assessment_home, name="assessment_home"),
    # 自评
    path("self/", views.self_evaluation_home, name="assessment_self"),
    path("self/<str:code>/", views_score.self_evaluation, name="assessment_self_region"),
    path("self/<str:code>/score.xlsx", views_score.self_evaluation_export, name="assessment_self_export"),
    path("self/<str:code>/evidence/", views_score.item_evidence_upload, name="assessment_item_evidence"),
    path("evidence/<int:pk>/", views_score.item_evidence_file, name="assessment_item_evidence_file"),
    path("evidence/<int:pk>/delete/", views_score.item_evidence_delete, name="assessment_item_evidence_delete"),
    path("scoring/", views_score.scoring_rules, name="assessment_scoring_rules"),
    path("self/<str:code>/<str:figure>/", views.self_evaluation_drill, name="assessment_drill"),
    path("self/<str:code>/<str:figure>/export.xlsx", views.self_evaluation_drill_export, name="assessment_drill_export"),
    # 固定数据
    path("runs/", run_views.run_list, name="assessment_runs"),
    path("runs/new/", run_views.run_new, name="assessment_run_new"),
    path("runs/export.xlsx", run_views.run_list_export, name="assessment_runs_export"),
    path("runs/compare/", run_views.run_compare, name="assessment_run_compare"),
    path("runs/<int:pk>/", run_views.run_region, name="assessment_run"),
    path("runs/<int:pk>/export.xlsx", run_views.run_export, name="assessment_run_export"),
    path("runs/<int:pk>/<str:code>/", run_views.run_region, name="assessment_run_region"),
    path("runs/<int:pk>/<str:code>/<str:figure>/", run_views.run_drill, name="assessment_run_drill"),
    # 整乡整村风险（指标10）
    path("risk/", risk_views.risk_page, name="assessment_risk"),
    path("risk/run/", risk_views.risk_run, name="assessment_risk_run"),
    path("risk/export.xlsx", risk_views.risk_export, name="assessment_risk_export"),
    # 问题整改
    path("problems/", views.problem_list, name="assessment_problems"),
    path("problems/new/", views.problem_new, name="assessment_problem_new"),
    path("problems/from-figure/", views.problem_from_figure, name="assessment_problem_from_figure"),
    path("problems/<int:pk>/", views.problem_detail, name="assessment_problem"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="assessment_problem_edit"),
    path("problems/<int:pk>/progress/", views.problem_progress_view, name="assessment_problem_progress"),
    path("problems/<int:pk>/evidence/", views.problem_evidence_upload, name="assessment_problem_evidence"),
    path("problems/<int:pk>/evidence/<int:eid>/", views.problem_evidence_download,
         name="assessment_problem_evidence_file"),
    path("problems/<int:pk>/do/<str:action>/", views.problem_transition, name="assessment_problem_transition"),
    # 扣分测算
    path("deductions/", views.deductions_page, name="assessment_deductions"),
    path("deductions/score/", views.deductions_score, name="assessment_deductions_score"),
    path("deductions/template.xlsx", views.deductions_template, name="assessment_deductions_template"),
    path("deductions/<int:pk>/delete/", views.negative_item_delete_view, name="assessment_negative_delete"),
    # 指标体系
    path("indicators/", views.indicator_systems, name="assessment_indicators"),
    path("indicators/<int:pk>/", views.indicator_system_detail, name="assessment_indicator_system"),
    path("indicators/<int:pk>/copy/", views.indicator_system_copy_view, name="assessment_indicator_copy"),
    path("indicators/<int:pk>/points/", views.indicator_points, name="assessment_indicator_points"),
    path("indicators/<int:pk>/export.json", views.indicator_system_export, name="assessment_indicator_export"),
    path("indicators/<int:pk>/<int:ipk>/edit/", views.indicator_edit, name="assessment_indicator_edit"),
    # 一口清
    path("brief/", views.brief_home, name="assessment_brief"),
    path("brief/<str:code>/", views.brief_page, name="assessment_brief_region"),
    path("brief/<str:code>/docx/", views.brief_download, name="assessment_brief_docx"),
]
