from django.urls import path

from . import meeting_views, views

urlpatterns = [
    path("", views.teams, name="stationing_teams"),
    path("campaigns/", views.campaigns, name="stationing_campaigns"),
    path("sources/", views.sources, name="stationing_sources"),
    path("checkin/", views.check_in, name="stationing_check_in"),
    path("meetings/", meeting_views.meetings, name="stationing_meetings"),
    path("meetings/export/", meeting_views.meetings_export, name="stationing_meetings_export"),
    path("meetings/new/", meeting_views.meeting_new, name="stationing_meeting_new"),
    path("assist-days/", meeting_views.assist_days, name="stationing_assist_days"),
    path("assist-days/export/", meeting_views.assist_days_export, name="stationing_assist_days_export"),
]
