"""Celery entry points: take ids, load rows, call one service."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import StoryImage


@shared_task(soft_time_limit=120, time_limit=180)
def make_rendition(image_id: int) -> str:
    image = StoryImage.objects.filter(pk=image_id).first()
    if image is None:  # removed before the worker got to it
        return "gone"
    return services.image_make_rendition(image=image).processing_state


@shared_task(soft_time_limit=300, time_limit=360)
def erase_expired_contacts() -> int:
    return services.erase_expired_contacts()


# On the video queue (CELERY_TASK_ROUTES); the time limits are given per clip when it is queued,
# growing with its duration (stories.video.time_limit_for). These are the fallback.
@shared_task(soft_time_limit=3720, time_limit=3780)
def transcode_video(video_id: int) -> str:
    from .services.videos import video_transcode

    return video_transcode(video_id=video_id)


# On the video queue too: joining a large upload and reading it with ffprobe, and cutting a frame
# or decoding a cover photo, are kept off the web requests and off publishing's worker.
@shared_task(soft_time_limit=600, time_limit=660)
def check_uploaded_video(video_id: int) -> str:
    from .services.videos import video_check_upload

    return video_check_upload(video_id=video_id)


@shared_task(soft_time_limit=300, time_limit=360)
def make_video_cover(video_id: int) -> str:
    from .services.videos import video_make_cover

    return video_make_cover(video_id=video_id)


@shared_task(soft_time_limit=120, time_limit=180)
def requeue_waiting_videos() -> int:
    from .services.videos import requeue_waiting_videos as sweep

    return sweep()
