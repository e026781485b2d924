from django.urls import path

from . import views

urlpatterns = [
    path("", views.teams, name="stationing_teams"),
    path("campaigns/", views.campaigns, name="stationing_campaigns"),
    path("sources/", views.sources, name="stationing_sources"),
    path("checkin/", views.check_in, name="stationing_check_in"),
]
