from django.urls import path

from . import import_views as views

urlpatterns = [
    path("", views.import_home, name="registry_import"),
    path("template.xlsx", views.import_template, name="registry_import_template"),
    path("<int:pk>/", views.import_batch, name="registry_import_batch"),
    path("<int:pk>/confirm/", views.import_confirm, name="registry_import_confirm"),
    path("<int:pk>/missing/", views.import_missing, name="registry_import_missing"),
]
