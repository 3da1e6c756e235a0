"""The Celery app. Messages only wake workers up; the database holds the work."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")

app = Celery("cmsatdesy_cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "record-worker-heartbeat": {"task": "cmsatdesy_cms.tasks.record_worker_heartbeat", "schedule": 60.0},
    "erase-expired-contacts": {"task": "stories.tasks.erase_expired_contacts", "schedule": 6 * 3600.0},
    "refresh-instagram-token": {"task": "instagram.tasks.refresh_instagram_token", "schedule": 24 * 3600.0},
    "publish-due-posts": {"task": "scheduling.tasks.publish_due_posts", "schedule": 60.0},
    "create-missing-posts": {"task": "scheduling.tasks.create_missing_posts", "schedule": 10 * 60.0},
}
