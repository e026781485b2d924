from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_new, name="new"),
    path("export.xlsx", views.survey_list_export, name="list_export"),
    # Public, login-free: the household answers with the one-time code from the sample list.
    path("answer/", views.public_answer, name="public"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/sample/", views.survey_sample, name="sample"),
    path("<int:pk>/export.xlsx", views.survey_export, name="export"),
    path("<int:pk>/entries/<int:eid>/", views.entry_answer, name="answer"),
]
