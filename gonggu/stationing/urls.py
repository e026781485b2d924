from django.urls import path

from . import views

urlpatterns = [
    path("", views.teams, name="stationing_teams"),
    path("checkin/", views.check_in, name="stationing_check_in"),
]
