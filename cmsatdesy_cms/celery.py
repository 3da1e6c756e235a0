"""The Celery app. Messages only wake workers up; the database holds the work."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")

app = Celery("cmsatdesy_cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The whole beat schedule. Times are Europe/Berlin (CELERY_TIMEZONE), as people at DESY read
# them; the README's table of periodic work must list exactly these entries
# (cmsatdesy_cms/tests/test_beat_schedule.py compares them).
app.conf.beat_schedule = {
    "publish-due-posts": {
        "task": "scheduling.tasks.publish_due_posts",
        "schedule": crontab(minute="*/1"),
    },
    "requeue-waiting-emails": {
        "task": "contributors.tasks.requeue_waiting_emails",
        "schedule": crontab(minute="*/10"),
    },
    "erase-expired-contacts": {
        "task": "stories.tasks.erase_expired_contacts",
        "schedule": crontab(hour=3, minute=30),
    },
    "refresh-instagram-token": {
        "task": "instagram.tasks.refresh_instagram_token",
        "schedule": crontab(hour=4, minute=15),
    },
    "create-missing-posts": {
        "task": "scheduling.tasks.create_missing_posts",
        "schedule": crontab(minute="*/10"),
    },
    "pull-nightly-insights": {
        "task": "analytics.tasks.pull_nightly_insights",
        "schedule": crontab(hour=3, minute=30),
    },
    "sweep-story-insights": {
        "task": "analytics.tasks.sweep_story_insights",
        "schedule": crontab(minute="*/60"),
    },
    "requeue-waiting-videos": {
        "task": "stories.tasks.requeue_waiting_videos",
        "schedule": crontab(minute="*/10"),
    },
}

from . import heartbeat  # noqa: E402, F401 - the worker's and beat's signs of life
