from django.urls import path

from . import views

urlpatterns = [
    path("work-year/", views.work_year, name="employment_work_year"),
]
