from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/events/", views.calendar_events, name="calendar_events"),
    path("calendar/posts/<int:pk>/", views.post_detail, name="post"),
    path("calendar/posts/<int:pk>/move/", views.post_move, name="post_move"),
    path("calendar/posts/<int:pk>/<slug:action>/", views.post_action, name="post_action"),
    path("calendar/feed/reset/", views.feed_reset, name="feed_reset"),
    path("calendar/feed/<str:token>.ics", views.feed_view, name="feed"),
    path("leads/", views.leads, name="leads"),
    path("leads/invite/", views.lead_invite, name="lead_invite"),
    path("training/", views.training, name="training"),
    path("public/media/<str:token>.jpg", views.public_media_file, name="public_media"),
    path("public/media/<str:token>.mp4", views.public_media_file, name="public_media_video"),
]
