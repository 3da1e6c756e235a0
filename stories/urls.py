from django.urls import path

from . import views
from .views import videos as video_views

app_name = "stories"

urlpatterns = [
    path("stories/", views.my_stories, name="mine"),
    path("stories/new/", views.story_new, name="new"),
    path("stories/<int:pk>/", views.story_detail, name="detail"),
    path("stories/<int:pk>/edit/", views.story_edit, name="edit"),
    path("stories/<int:pk>/diff/", views.story_diff, name="diff"),
    path("stories/<int:pk>/comments/", views.comment_create, name="comment"),
    path("stories/<int:pk>/do/<slug:action>/", views.story_transition, name="transition"),
    path("stories/<int:pk>/images/<int:image_id>/original/", views.image_original, name="image_original"),
    path("stories/<int:pk>/images/<int:image_id>/preview/", views.image_preview, name="image_preview"),
    path("stories/<int:pk>/images/<int:image_id>/rendition/", views.image_rendition, name="image_rendition"),
    path("stories/<int:pk>/ratio/", views.carousel_ratio, name="carousel_ratio"),
    path("stories/<int:pk>/images/<int:image_id>/crop/", views.image_crop, name="image_crop"),
    path(
        "stories/<int:pk>/people/<int:person_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"
    ),
    path("stories/<int:pk>/invitation/accept/", views.invitation_accept, name="invitation_accept"),
    path("stories/<int:pk>/invitation/decline/", views.invitation_decline, name="invitation_decline"),
    path("stories/<int:pk>/video/upload/", video_views.video_upload, name="video_upload"),
    path("stories/<int:pk>/video/status/", video_views.video_status, name="video_status"),
    path("stories/<int:pk>/video/rendition/", video_views.video_rendition, name="video_rendition"),
    path("stories/<int:pk>/video/cover/", video_views.video_cover, name="video_cover"),
    path("stories/<int:pk>/video/keep-first-minute/", video_views.video_keep_first_minute, name="video_trim"),
    path("stories/<int:pk>/video/settings/", video_views.video_settings, name="video_settings"),
    path("stories/<int:pk>/video/remove/", video_views.video_remove, name="video_remove"),
    path("review/", views.review_queue, name="review_queue"),
]
