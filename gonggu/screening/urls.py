from django.urls import path

from . import exports, views

urlpatterns = [
    path("", views.screening_summary, name="screening_summary"),
    path("run/", views.screening_run_start, name="screening_run"),
    path("inbox/", views.warning_inbox, name="warning_inbox"),
    path("statistics/", views.screening_statistics, name="screening_statistics"),
    path("statistics/export/", exports.statistics_export, name="screening_statistics_export"),
    path("settings/", views.screening_settings, name="screening_settings"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/export/", exports.warning_list_export, name="warning_list_export"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/verify/", views.warning_verify_view, name="warning_verify"),
]
