from django.urls import path

from . import views

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("export/", views.household_export, name="household_export"),
    path("export/<int:job_id>/download/", views.household_export_download, name="household_export_download"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/no/<str:number>/", views.household_by_no, name="household_by_no"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", views.person_add, name="person_add"),
    path("households/<int:pk>/income/", views.income_edit, name="income_edit"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/status/", views.person_status, name="person_status"),
    path("persons/<int:pk>/reinstate/", views.person_reinstate, name="person_reinstate"),
    path("persons/<int:pk>/move/", views.person_move, name="person_move"),
    path("persons/<int:pk>/id/", views.person_unmask, name="person_unmask"),
]
