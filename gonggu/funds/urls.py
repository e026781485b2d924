from django.urls import path

from . import views

urlpatterns = [
    path("", views.funds_home, name="funds_home"),
    path("projects/<int:pk>/", views.project_detail, name="funds_project"),
    path("projects/<int:pk>/<str:name>/", views.project_step, name="funds_project_step"),
    path("notice.docx", views.library_notice, name="funds_library_notice"),
]
