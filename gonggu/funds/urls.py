from django.urls import path

from . import report_views, views

urlpatterns = [
    path("", views.funds_home, name="funds_home"),
    path("projects/<int:pk>/", views.project_detail, name="funds_project"),
    path("projects/<int:pk>/<str:name>/", views.project_step, name="funds_project_step"),
    path("report/", report_views.report_page, name="funds_report"),
    path("report/xlsx/", report_views.report_xlsx_view, name="funds_report_xlsx"),
    path("report/docx/", report_views.report_docx_view, name="funds_report_docx"),
    path("notice.docx", views.library_notice, name="funds_library_notice"),
]
