from django.urls import path

from . import changes_views, exports, import_views, report_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.queue, name="queue"),
    # Public, login-free: 农户自主申报 and the receipt lookup.
    path("declare/", views.declare, name="declare"),
    path("declare/regions/", views.declare_regions, name="declare_regions"),
    path("declare/status/", views.declare_status, name="declare_status"),
    path("clues/", views.clue_list, name="clue_list"),
    path("clues/export/", exports.clue_list_export, name="clue_list_export"),
    path("clues/new/", views.clue_new, name="clue_new"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
    path("households/options/", views.household_options, name="household_options"),
    path("households/<int:pk>/timeline/", views.household_timeline_view, name="household_timeline"),
    path("cases/", views.case_list_view, name="case_list"),
    path("cases/export/", exports.case_list_export, name="case_list_export"),
    path("cases/batch/<str:action>/", views.case_batch, name="case_batch"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/<str:name>/", views.case_step, name="case_step"),
    path("cases/<int:pk>/green/", views.case_green, name="case_green"),
    path("cases/<int:pk>/commitment/", views.commitment_scan, name="commitment_scan"),
    path("cases/<int:pk>/officer/", views.case_officer, name="case_officer"),
    path("cases/<int:pk>/plan/", views.case_plan, name="case_plan"),
    path("cases/<int:pk>/measures/new/", views.measure_new, name="measure_new"),
    path("cases/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("cases/<int:pk>/elimination/<str:name>/", views.elimination_step, name="elimination_step"),
    path("cases/<int:pk>/nolabour/<str:name>/", views.nolabour_step, name="nolabour_step"),
    path("measures/<int:pk>/end/", views.measure_end_view, name="measure_end"),
    path("visits/<int:pk>/photos/<int:n>/", views.visit_photo, name="visit_photo"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/export/", exports.notice_list_export, name="notice_list_export"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/posting/", views.notice_posting, name="notice_posting"),
    path("notices/<int:pk>/objections/", views.objection_new, name="objection_new"),
    path("notices/<int:pk>/docx/", views.notice_docx_view, name="notice_docx"),
    path("notices/<int:pk>/print/", views.notice_print, name="notice_print"),
    path("notices/<int:pk>/photo/", views.notice_photo, name="notice_photo"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", exports.compliance_export, name="compliance_export"),
    # 月报 (issue #16): counted from the month's records, downloads by POST.
    path("report/", report_views.report_page, name="report"),
    path("report/xlsx/", report_views.report_xlsx_view, name="report_xlsx"),
    path("report/docx/", report_views.report_docx_view, name="report_docx"),
    # 新增、退出名单 (001 第二部分 二(二)5): the month's persons for 财政、卫健、医保, downloads by POST.
    path("changes/", changes_views.changes_page, name="changes"),
    path("changes/export/", changes_views.changes_export, name="changes_export"),
    path("settings/", views.limits_view, name="limits"),
    # Monitoring history (formats.md): the intake pipeline's pages; the chooser, and the old addresses.
    path("imports/", import_views.import_home, name="import_home"),
    path("imports/<int:pk>/", import_views.import_batch, name="import_batch"),
    path("imports/<str:kind>/template.xlsx", import_views.import_template, name="import_template"),
]
