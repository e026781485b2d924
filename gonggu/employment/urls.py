from django.urls import path

from . import relocation_views, views

urlpatterns = [
    path("work-year/", views.work_year, name="employment_work_year"),
    path("site-income/", relocation_views.site_income_list, name="employment_site_income"),
    path("site-income/export/", relocation_views.site_income_export, name="employment_site_income_export"),
    path("site-income/<int:pk>/", relocation_views.site_income_households, name="employment_site_income_households"),
    path("site-income/<int:pk>/export/", relocation_views.site_income_households_export,
         name="employment_site_income_households_export"),
]
