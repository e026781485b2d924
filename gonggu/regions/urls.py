from django.urls import path

from . import views

urlpatterns = [
    path("", views.region_home, name="region_home"),
    path("upload/", views.region_upload, name="region_upload"),
    path("template.xlsx", views.region_template, name="region_template"),
    path("<str:code>/", views.region_detail, name="region_detail"),
]
