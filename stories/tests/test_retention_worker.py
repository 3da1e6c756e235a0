"""Contact retention runs from the beat schedule's own entry, in a real worker, and erases
exactly the contacts whose time is up (rows are back-dated; nothing waits a year)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from celery.beat import ScheduleEntry, Scheduler
from django.utils import timezone

from cmsatdesy_cms.celery import app
from contributors.testing import wait_until
from stories.models import PersonShown, Status, Story
from stories.tests.factories import PersonShownFactory, story_in

pytestmark = pytest.mark.worker


def person_in_story_approved(days_ago: float, people: dict[str, Any], status: str = Status.APPROVED) -> Any:
    story = story_in(status, author=people["contributor"].contributor)
    Story.objects.filter(pk=story.pk).update(approved_at=timezone.now() - timedelta(days=days_ago))
    return PersonShownFactory(image=story.images.first(), contact="lea.novak@desy.de")


def test_the_beat_entry_erases_expired_contacts_in_the_worker(
    people: dict[str, Any], settings: Any, celery_worker_process: Any
) -> None:
    days = settings.PEOPLE_CONTACT_RETENTION_DAYS
    expired = person_in_story_approved(days + 1, people)
    recent = person_in_story_approved(days - 1, people)
    not_out = person_in_story_approved(days + 1, people, status=Status.IN_REVIEW)

    # Exactly what beat does with the entry when it is due.
    config = app.conf.beat_schedule["erase-expired-contacts"]
    entry = ScheduleEntry(name="erase-expired-contacts", app=app, **config)
    Scheduler(app, schedule={}, lazy=True).apply_async(entry)

    wait_until(lambda: PersonShown.objects.filter(pk=expired.pk, contact="").exists(), timeout=60)
    wait_until(lambda: "succeeded" in celery_worker_process.log())
    expired.refresh_from_db()
    assert expired.contact_erased_at is not None
    assert PersonShown.objects.get(pk=recent.pk).contact == "lea.novak@desy.de"
    assert PersonShown.objects.get(pk=not_out.pk).contact == "lea.novak@desy.de"
