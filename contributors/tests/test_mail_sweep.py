"""E-mails whose queue message was lost are queued again by the sweep, and still go once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from cmsatdesy_cms.celery import app
from contributors.models import OutgoingEmail
from contributors.tasks import requeue_waiting_emails

pytestmark = pytest.mark.django_db


def stored(*, age: timedelta, **fields: Any) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        purpose="test",
        to="anna@desy.de",
        from_email="noreply@desy.de",
        subject="Confirm your address",
        body_text="Your key",
        created_at=timezone.now() - age,
        **fields,
    )


def test_the_sweep_sends_a_lost_mail_once_and_leaves_fresh_sent_and_claimed_ones(
    tasks_run_inline: None, django_capture_on_commit_callbacks: Any
) -> None:
    lost = stored(age=timedelta(hours=1))
    fresh = stored(age=timedelta(seconds=30))
    stored(age=timedelta(hours=1), sent_at=timezone.now() - timedelta(minutes=50))
    stored(age=timedelta(hours=1), claimed_until=timezone.now() + timedelta(minutes=1))

    # The sweep as beat runs it (its own schedule entry), twice.
    assert app.conf.beat_schedule["requeue-waiting-emails"]["task"] == requeue_waiting_emails.name
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            requeue_waiting_emails.delay()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Confirm your address"
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.sent_at is not None
    assert fresh.sent_at is None


def test_a_mail_out_of_attempts_is_not_queued_again(
    tasks_run_inline: None, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    stored(age=timedelta(hours=1), attempts=settings.EMAIL_MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks(execute=True):
        requeue_waiting_emails.delay()

    assert mail.outbox == []
