from django.urls import path

from . import views

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("new/", views.batch_new, name="batch_new"),
    path("template/<str:source>.xlsx", views.source_template, name="source_template"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/file/", views.batch_file, name="batch_file"),
]
